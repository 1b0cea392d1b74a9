package emulator

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"
)

// adminPrefix is where the unsigned admin API lives. RPC requests always go
// to "/", so admin paths can never be reached as an Action.
const adminPrefix = "/_emulator/"

// adminMux routes the admin API (Go 1.22 method+wildcard patterns).
func (e *Emulator) adminMux() *http.ServeMux {
	m := http.NewServeMux()
	m.HandleFunc("GET /_emulator/state", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, e.Snapshot())
	})
	m.HandleFunc("PUT /_emulator/state", func(w http.ResponseWriter, r *http.Request) {
		var s Seed
		if decodeAdmin(w, r, &s) {
			adminResult(w, e.Replace(s), e.Snapshot())
		}
	})
	m.HandleFunc("POST /_emulator/devices", func(w http.ResponseWriter, r *http.Request) {
		var d DeviceCertificate
		if !decodeAdmin(w, r, &d) {
			return
		}
		err := e.PutDevice(d)
		stored, _ := e.Device(d.InstanceID, d.CASn, d.DeviceSn)
		adminResult(w, err, stored)
	})
	m.HandleFunc("POST /_emulator/devices/register", func(w http.ResponseWriter, r *http.Request) {
		var body struct {
			InstanceID     string `json:"instance_id"`
			CertificatePEM string `json:"certificate_pem"`
		}
		if decodeAdmin(w, r, &body) {
			d, err := e.RegisterDevicePEM(body.InstanceID, []byte(body.CertificatePEM))
			adminResult(w, err, d)
		}
	})
	m.HandleFunc("GET /_emulator/devices/{instance}/{caSn}/{deviceSn}", func(w http.ResponseWriter, r *http.Request) {
		d, ok := e.Device(r.PathValue("instance"), r.PathValue("caSn"), r.PathValue("deviceSn"))
		if !ok {
			adminResult(w, fmt.Errorf("%w: device certificate", ErrNotFound), nil)
			return
		}
		writeJSON(w, http.StatusOK, d)
	})
	m.HandleFunc("PATCH /_emulator/devices/{instance}/{caSn}/{deviceSn}", func(w http.ResponseWriter, r *http.Request) {
		var body struct {
			Status string `json:"status"`
		}
		if !decodeAdmin(w, r, &body) {
			return
		}
		inst, ca, dev := r.PathValue("instance"), r.PathValue("caSn"), r.PathValue("deviceSn")
		err := e.SetDeviceStatus(inst, ca, dev, body.Status)
		d, _ := e.Device(inst, ca, dev)
		adminResult(w, err, d)
	})
	m.HandleFunc("DELETE /_emulator/devices/{instance}/{caSn}/{deviceSn}", func(w http.ResponseWriter, r *http.Request) {
		err := e.DeleteDevice(r.PathValue("instance"), r.PathValue("caSn"), r.PathValue("deviceSn"))
		adminResult(w, err, map[string]any{"deleted": true})
	})
	m.HandleFunc("GET /_emulator/counters", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, map[string]any{"calls": e.Calls(), "errors": e.Errors()})
	})
	m.HandleFunc("DELETE /_emulator/counters", func(w http.ResponseWriter, r *http.Request) {
		e.ResetCounters()
		writeJSON(w, http.StatusOK, map[string]any{"calls": e.Calls(), "errors": e.Errors()})
	})
	m.HandleFunc("PUT /_emulator/faults", func(w http.ResponseWriter, r *http.Request) {
		var body struct {
			Rate    float64  `json:"rate"`
			Kinds   []string `json:"kinds"`
			Stall   Duration `json:"stall"`
			Actions []string `json:"actions"`
		}
		if !decodeAdmin(w, r, &body) {
			return
		}
		f := FaultConfig{Rate: body.Rate, Kinds: body.Kinds, Stall: time.Duration(body.Stall), Actions: body.Actions}
		if err := checkFaults(f); err != nil {
			adminResult(w, fmt.Errorf("%w: %v", ErrInvalid, err), nil)
			return
		}
		e.SetFaults(f)
		writeJSON(w, http.StatusOK, body)
	})
	m.HandleFunc("PUT /_emulator/rate-limit", func(w http.ResponseWriter, r *http.Request) {
		var body struct {
			CallsPerSecond float64 `json:"calls_per_second"`
			Code           string  `json:"code"`
		}
		if !decodeAdmin(w, r, &body) {
			return
		}
		if body.CallsPerSecond < 0 || (body.Code != "" && body.Code != CodeThrottlingUser && body.Code != CodeSystemOverFlow) {
			adminResult(w, fmt.Errorf("%w: calls_per_second must be >= 0 and code Throttling.User or SystemOverFlow", ErrInvalid), nil)
			return
		}
		e.SetRateLimit(body.CallsPerSecond, body.Code)
		writeJSON(w, http.StatusOK, body)
	})
	m.HandleFunc("PUT /_emulator/latency", func(w http.ResponseWriter, r *http.Request) {
		var body struct {
			Latency Duration `json:"latency"`
		}
		if !decodeAdmin(w, r, &body) {
			return
		}
		if body.Latency < 0 {
			adminResult(w, fmt.Errorf("%w: negative latency", ErrInvalid), nil)
			return
		}
		e.SetLatency(time.Duration(body.Latency))
		writeJSON(w, http.StatusOK, body)
	})
	m.HandleFunc("GET /_emulator/behaviour", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, e.CurrentBehaviour())
	})
	m.HandleFunc("PUT /_emulator/behaviour", func(w http.ResponseWriter, r *http.Request) {
		var b Behaviour
		if !decodeAdmin(w, r, &b) {
			return
		}
		if err := e.SetBehaviour(b); err != nil {
			adminResult(w, fmt.Errorf("%w: %v", ErrInvalid, err), nil)
			return
		}
		writeJSON(w, http.StatusOK, e.CurrentBehaviour())
	})
	m.HandleFunc("/_emulator/", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusNotFound, map[string]string{"error": "no admin endpoint " + r.Method + " " + r.URL.Path})
	})
	return m
}

func (e *Emulator) serveAdmin(w http.ResponseWriter, r *http.Request) {
	e.adminOnce.Do(func() { e.admin = e.adminMux() })
	e.admin.ServeHTTP(w, r)
}

// decodeAdmin decodes a JSON body strictly (unknown fields are an error so a
// typo does not silently do nothing) and answers 400 on failure.
func decodeAdmin(w http.ResponseWriter, r *http.Request, v any) bool {
	dec := json.NewDecoder(io.LimitReader(r.Body, maxBodyBytes))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "bad JSON body: " + err.Error()})
		return false
	}
	return true
}

// adminResult answers ok with 200 or maps err to 404/409/400.
func adminResult(w http.ResponseWriter, err error, ok any) {
	switch {
	case err == nil:
		writeJSON(w, http.StatusOK, ok)
	case errors.Is(err, ErrNotFound):
		writeJSON(w, http.StatusNotFound, map[string]string{"error": err.Error()})
	case errors.Is(err, ErrConflict):
		writeJSON(w, http.StatusConflict, map[string]string{"error": err.Error()})
	default:
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": err.Error()})
	}
}

// Duration is a time.Duration that reads and writes JSON as a Go duration
// string ("250ms"); a bare number is taken as nanoseconds.
type Duration time.Duration

// MarshalJSON writes the duration as a string such as "1.5s".
func (d Duration) MarshalJSON() ([]byte, error) { return json.Marshal(time.Duration(d).String()) }

// UnmarshalJSON accepts "1.5s" or a number of nanoseconds.
func (d *Duration) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err == nil {
		v, err := time.ParseDuration(s)
		*d = Duration(v)
		return err
	}
	var n int64
	if err := json.Unmarshal(b, &n); err != nil {
		return fmt.Errorf("duration must be a string like \"250ms\" or nanoseconds: %s", b)
	}
	*d = Duration(n)
	return nil
}
