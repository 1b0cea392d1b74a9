package emulator_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/apsaramq/terraform-provider-apsaramq/internal/emulator"
)

// adminDo sends a JSON admin request and decodes the JSON answer into out.
func adminDo(t *testing.T, srv *emulator.Server, method, path string, body any, out any) int {
	t.Helper()
	var r io.Reader
	if body != nil {
		switch b := body.(type) {
		case string:
			r = strings.NewReader(b)
		default:
			buf, _ := json.Marshal(b)
			r = bytes.NewReader(buf)
		}
	}
	req, _ := http.NewRequest(method, srv.URL+path, r)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if out != nil {
		if err := json.Unmarshal(b, out); err != nil {
			t.Fatalf("%s %s: %v: %s", method, path, err, b)
		}
	}
	return resp.StatusCode
}

func TestAdminHTTPAPI(t *testing.T) {
	srv := startServer(t, emulator.Options{})
	c := demoClient(t, srv)

	var state emulator.Seed
	if st := adminDo(t, srv, "GET", "/_emulator/state", nil, &state); st != 200 || len(state.Devices) != 4 || len(state.Accounts) != 2 || len(state.CAs) != 2 {
		t.Fatalf("GET state: %d %+v", st, state)
	}

	// POST a plain device; the signed API sees it.
	dev := emulator.DeviceCertificate{InstanceID: emulator.DemoInstanceID, CASn: "plain-ca", DeviceSn: "plain-1", DeviceName: "p", Status: "1",
		ValidBegin: time.UnixMilli(1700000000123).UTC(), ValidEnd: time.UnixMilli(1800000000456).UTC()}
	var stored emulator.DeviceCertificate
	if st := adminDo(t, srv, "POST", "/_emulator/devices", dev, &stored); st != 200 || stored.DeviceSn != "plain-1" {
		t.Fatalf("POST device: %d %+v", st, stored)
	}
	out := c.mustCall("GetDeviceCertificate", map[string]string{"MqttInstanceId": emulator.DemoInstanceID, "CaSn": "plain-ca", "DeviceSn": "plain-1"})
	if digStr(out, "Data", "ValidBegin") != "1700000000123" || digStr(out, "Data", "ValidEnd") != "1800000000456" || digStr(out, "Data", "DeviceContent") != "" {
		t.Fatalf("plain device via API: %v", out)
	}
	var e map[string]string
	if st := adminDo(t, srv, "POST", "/_emulator/devices", emulator.DeviceCertificate{InstanceID: "post-cn-nope", CASn: "a", DeviceSn: "b"}, &e); st != 404 || e["error"] == "" {
		t.Fatalf("POST device on unknown instance: %d %v", st, e)
	}
	if st := adminDo(t, srv, "POST", "/_emulator/devices", `{"instance_id":"x","typo":1}`, &e); st != 400 {
		t.Fatalf("unknown JSON field: %d", st)
	}

	// PATCH status out of band, then DELETE.
	path := "/_emulator/devices/" + emulator.DemoInstanceID + "/plain-ca/plain-1"
	if st := adminDo(t, srv, "PATCH", path, map[string]string{"status": "0"}, &stored); st != 200 || stored.Status != "0" {
		t.Fatalf("PATCH: %d %+v", st, stored)
	}
	if s := digStr(c.mustCall("GetDeviceCertificate", map[string]string{"MqttInstanceId": emulator.DemoInstanceID, "CaSn": "plain-ca", "DeviceSn": "plain-1"}), "Data", "Status"); s != "0" {
		t.Fatalf("API sees Status %q after PATCH", s)
	}
	if st := adminDo(t, srv, "PATCH", path, map[string]string{"status": "2"}, &e); st != 400 {
		t.Fatalf("PATCH bad status: %d", st)
	}
	if st := adminDo(t, srv, "GET", path, nil, &stored); st != 200 || stored.Status != "0" {
		t.Fatalf("GET device: %d", st)
	}
	if st := adminDo(t, srv, "DELETE", path, nil, nil); st != 200 {
		t.Fatalf("DELETE: %d", st)
	}
	if st := adminDo(t, srv, "DELETE", path, nil, &e); st != 404 {
		t.Fatalf("second DELETE: %d", st)
	}
	_, err := c.call("GetDeviceCertificate", map[string]string{"MqttInstanceId": emulator.DemoInstanceID, "CaSn": "plain-ca", "DeviceSn": "plain-1"})
	expectCode(t, err, "FindDeviceBySnError", 400)

	// Register a device by PEM issued by the demo CA.
	ca, err := emulator.DemoCA()
	if err != nil {
		t.Fatal(err)
	}
	issued, err := ca.IssueDevice("pem-device")
	if err != nil {
		t.Fatal(err)
	}
	var reg emulator.DeviceCertificate
	if st := adminDo(t, srv, "POST", "/_emulator/devices/register", map[string]string{"instance_id": emulator.DemoInstanceID, "certificate_pem": string(issued.CertPEM)}, &reg); st != 200 {
		t.Fatalf("register: %d", st)
	}
	if reg.CASn != emulator.DemoCASn || reg.DeviceSn != issued.Sn || reg.DeviceName != "pem-device" || reg.Status != "1" || !reg.ValidEnd.Equal(issued.Cert.NotAfter) {
		t.Fatalf("registered %+v", reg)
	}

	// Counters.
	var counters struct {
		Calls  map[string]int64 `json:"calls"`
		Errors map[string]int64 `json:"errors"`
	}
	if adminDo(t, srv, "GET", "/_emulator/counters", nil, &counters); counters.Calls["GetDeviceCertificate"] != 3 || counters.Errors["FindDeviceBySnError"] != 1 {
		t.Fatalf("counters %+v", counters)
	}
	counters.Calls, counters.Errors = nil, nil // Unmarshal merges into existing maps
	if adminDo(t, srv, "DELETE", "/_emulator/counters", nil, &counters); counters.Calls == nil || len(counters.Calls) != 0 || len(srv.Calls()) != 0 {
		t.Fatalf("counters after reset %+v", counters)
	}

	// Faults, rate limit and latency over HTTP.
	if st := adminDo(t, srv, "PUT", "/_emulator/faults", `{"rate":1,"kinds":["ServiceUnavailable"],"actions":["GetDeviceCertificate"]}`, nil); st != 200 {
		t.Fatalf("PUT faults: %d", st)
	}
	_, err = c.call("GetDeviceCertificate", demoDevice(emulator.DemoDeviceSn))
	expectCode(t, err, "ServiceUnavailable", 503)
	if st := adminDo(t, srv, "PUT", "/_emulator/faults", `{"rate":1,"kinds":["bogus"]}`, &e); st != 400 {
		t.Fatalf("bad fault kind: %d", st)
	}
	if st := adminDo(t, srv, "PUT", "/_emulator/faults", `{"rate":0,"stall":"1s"}`, nil); st != 200 {
		t.Fatalf("clear faults: %d", st)
	}
	c.mustCall("GetDeviceCertificate", demoDevice(emulator.DemoDeviceSn))

	if st := adminDo(t, srv, "PUT", "/_emulator/rate-limit", `{"calls_per_second":1,"code":"SystemOverFlow"}`, nil); st != 200 {
		t.Fatalf("PUT rate-limit: %d", st)
	}
	c.mustCall("GetDeviceCertificate", demoDevice(emulator.DemoDeviceSn))
	_, err = c.call("GetDeviceCertificate", demoDevice(emulator.DemoDeviceSn))
	expectCode(t, err, "SystemOverFlow", 403)
	if st := adminDo(t, srv, "PUT", "/_emulator/rate-limit", `{"calls_per_second":1,"code":"Nope"}`, &e); st != 400 {
		t.Fatalf("bad throttle code: %d", st)
	}
	adminDo(t, srv, "PUT", "/_emulator/rate-limit", `{"calls_per_second":0}`, nil)

	if st := adminDo(t, srv, "PUT", "/_emulator/latency", `{"latency":"120ms"}`, nil); st != 200 {
		t.Fatalf("PUT latency: %d", st)
	}
	start := time.Now()
	c.mustCall("GetDeviceCertificate", demoDevice(emulator.DemoDeviceSn))
	if time.Since(start) < 120*time.Millisecond {
		t.Fatal("latency not applied")
	}
	adminDo(t, srv, "PUT", "/_emulator/latency", `{"latency":"0s"}`, nil)

	// PUT state replaces everything; an invalid state is refused untouched.
	state = srv.Snapshot()
	state.Devices = state.Devices[:1]
	if st := adminDo(t, srv, "PUT", "/_emulator/state", state, nil); st != 200 || len(srv.Snapshot().Devices) != 1 {
		t.Fatalf("PUT state: %d, %d devices", st, len(srv.Snapshot().Devices))
	}
	bad := srv.Snapshot()
	bad.Instances = append(bad.Instances, emulator.Instance{ID: "x", AccountID: "nobody", Region: "cn-hangzhou"})
	if st := adminDo(t, srv, "PUT", "/_emulator/state", bad, &e); st != 400 || !strings.Contains(e["error"], "nobody") {
		t.Fatalf("PUT bad state: %d %v", st, e)
	}
	if len(srv.Snapshot().Instances) != 2 {
		t.Fatal("invalid state partly applied")
	}
	if st := adminDo(t, srv, "GET", "/_emulator/nope", nil, &e); st != 404 {
		t.Fatalf("unknown admin path: %d", st)
	}
	// Admin paths are not actions and need no signature; API paths are not admin.
	if srv.Calls()["_emulator"] != 0 {
		t.Fatal("admin counted as action")
	}
}

func TestRegisterDevicePEM(t *testing.T) {
	srv := startServer(t, emulator.Options{})
	c := demoClient(t, srv)
	// Register a second CA through the API, then devices under it.
	code := registerCode(t, c, emulator.DemoInstanceID)
	ca := newCA(t, 0)
	c.mustCall("RegisterCaCertificate", registerParams(ca, "ca2", verification(t, ca, code)))
	dev, _ := ca.IssueDevice("dev-under-ca2")
	d, err := srv.RegisterDevicePEM(emulator.DemoInstanceID, dev.CertPEM)
	if err != nil {
		t.Fatal(err)
	}
	if d.CASn != ca.Sn() || d.DeviceSn != dev.Sn || d.DeviceName != "dev-under-ca2" {
		t.Fatalf("%+v", d)
	}
	out := c.mustCall("GetDeviceCertificate", map[string]string{"MqttInstanceId": emulator.DemoInstanceID, "CaSn": ca.Sn(), "DeviceSn": dev.Sn})
	if digStr(out, "Data", "DeviceContent") != string(dev.CertPEM) || digStr(out, "Data", "Status") != "1" {
		t.Fatalf("Get after PEM registration: %v", out)
	}
	// Reconnecting with the same cert returns the same record.
	again, err := srv.RegisterDevicePEM(emulator.DemoInstanceID, dev.CertPEM)
	if err != nil || again != d {
		t.Fatalf("reconnect: %+v %v", again, err)
	}
	// An inactive device certificate cannot reconnect.
	c.mustCall("InactivateDeviceCertificate", map[string]string{"MqttInstanceId": emulator.DemoInstanceID, "CaSn": ca.Sn(), "DeviceSn": dev.Sn})
	if _, err := srv.RegisterDevicePEM(emulator.DemoInstanceID, dev.CertPEM); !errors.Is(err, emulator.ErrConflict) {
		t.Fatalf("inactive device reconnect: %v", err)
	}
	// A CA registered on another instance does not count.
	if _, err := srv.RegisterDevicePEM(emulator.OtherInstanceID, dev.CertPEM); !errors.Is(err, emulator.ErrNotFound) {
		t.Fatalf("other instance: %v", err)
	}
	// Unknown CA.
	stranger := newCA(t, 0)
	sdev, _ := stranger.IssueDevice("stranger")
	if _, err := srv.RegisterDevicePEM(emulator.DemoInstanceID, sdev.CertPEM); !errors.Is(err, emulator.ErrNotFound) {
		t.Fatalf("unknown CA: %v", err)
	}
	// Inactive CA.
	c.mustCall("InactivateCaCertificate", map[string]string{"MqttInstanceId": emulator.DemoInstanceID, "Sn": ca.Sn()})
	dev2, _ := ca.IssueDevice("second")
	if _, err := srv.RegisterDevicePEM(emulator.DemoInstanceID, dev2.CertPEM); !errors.Is(err, emulator.ErrConflict) {
		t.Fatalf("inactive CA: %v", err)
	}
	if _, ok := srv.Device(emulator.DemoInstanceID, ca.Sn(), dev2.Sn); ok {
		t.Fatal("device registered through an inactive CA")
	}
	// Garbage and unknown instance.
	if _, err := srv.RegisterDevicePEM(emulator.DemoInstanceID, []byte("nope")); !errors.Is(err, emulator.ErrInvalid) {
		t.Fatalf("garbage: %v", err)
	}
	if _, err := srv.RegisterDevicePEM("post-cn-nope", dev2.CertPEM); !errors.Is(err, emulator.ErrNotFound) {
		t.Fatalf("unknown instance: %v", err)
	}
	// Out-of-band status and delete through the Go API.
	if err := srv.SetDeviceStatus(emulator.DemoInstanceID, emulator.DemoCASn, emulator.DemoDeviceSn, "0"); err != nil {
		t.Fatal(err)
	}
	if d, _ := srv.Device(emulator.DemoInstanceID, emulator.DemoCASn, emulator.DemoDeviceSn); d.Status != "0" {
		t.Fatal("SetDeviceStatus")
	}
	if err := srv.DeleteDevice(emulator.DemoInstanceID, emulator.DemoCASn, emulator.DemoDeviceSn); err != nil {
		t.Fatal(err)
	}
	if err := srv.DeleteDevice(emulator.DemoInstanceID, emulator.DemoCASn, emulator.DemoDeviceSn); !errors.Is(err, emulator.ErrNotFound) {
		t.Fatalf("second delete: %v", err)
	}
}

func TestStatePersistenceRoundTrip(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.json")
	srv := startServer(t, emulator.Options{StateFile: path})
	if _, err := os.Stat(path); err != nil {
		t.Fatalf("state file not written at start: %v", err)
	}
	c := demoClient(t, srv)
	c.mustCall("InactivateDeviceCertificate", demoDevice(emulator.DemoDeviceSn))
	code := registerCode(t, c, emulator.DemoInstanceID)
	ca := newCA(t, 0)
	c.mustCall("RegisterCaCertificate", registerParams(ca, "persisted", verification(t, ca, code)))
	pending := registerCode(t, c, emulator.DemoInstanceID)
	if err := srv.PutDevice(emulator.DeviceCertificate{InstanceID: emulator.DemoInstanceID, CASn: "p", DeviceSn: "q", Status: "1"}); err != nil {
		t.Fatal(err)
	}
	want := srv.Snapshot()
	if err := srv.Close(); err != nil {
		t.Fatal(err)
	}
	// No temp files are left next to the state file.
	entries, _ := os.ReadDir(filepath.Dir(path))
	if len(entries) != 1 {
		t.Fatalf("directory holds %d entries", len(entries))
	}

	// A new emulator with a different seed loads the file instead.
	srv2 := startServerSeed(t, emulator.Seed{}, emulator.Options{StateFile: path})
	got := srv2.Snapshot()
	wantJSON, _ := json.Marshal(want)
	gotJSON, _ := json.Marshal(got)
	if string(wantJSON) != string(gotJSON) {
		t.Fatalf("state differs after reload:\nwant %s\n got %s", wantJSON, gotJSON)
	}
	c2 := demoClient(t, srv2)
	if s := digStr(c2.mustCall("GetDeviceCertificate", demoDevice(emulator.DemoDeviceSn)), "Data", "Status"); s != "0" {
		t.Fatalf("Status after reload %q", s)
	}
	if n := digStr(c2.mustCall("GetCaCertificate", map[string]string{"MqttInstanceId": emulator.DemoInstanceID, "Sn": ca.Sn()}), "Data", "CaName"); n != "persisted" {
		t.Fatalf("CA after reload %q", n)
	}
	// The pending code and the used code survive too.
	if again := registerCode(t, c2, emulator.DemoInstanceID); again != pending {
		t.Fatalf("pending code %q -> %q", pending, again)
	}
	ca2 := newCA(t, 0)
	_, err := c2.call("RegisterCaCertificate", registerParams(ca2, "x", verification(t, ca2, code)))
	expectCode(t, err, "RegisterCodeUsed", 401)

	// The file is valid JSON readable by ReadSeedFile (the -seed format).
	if s, err := emulator.ReadSeedFile(path); err != nil || len(s.Devices) != 5 {
		t.Fatalf("ReadSeedFile: %v, %d devices", err, len(s.Devices))
	}
	// A corrupt file is an error, not silently the seed.
	if err := os.WriteFile(path, []byte("{"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := emulator.New(emulator.DemoSeed(), emulator.Options{StateFile: path}); err == nil {
		t.Fatal("corrupt state file accepted")
	}
}

func TestSeedValidation(t *testing.T) {
	cases := map[string]func(*emulator.Seed){
		"duplicate key": func(s *emulator.Seed) { s.Accounts[1].AccessKeys[0].ID = emulator.DemoAccessKeyID },
		"STS. key":      func(s *emulator.Seed) { s.Accounts[0].AccessKeys[0].ID = "STS.abc" },
		"orphan instance": func(s *emulator.Seed) {
			s.Instances = append(s.Instances, emulator.Instance{ID: "i", AccountID: "nobody", Region: "r"})
		},
		"duplicate CA sn": func(s *emulator.Seed) { s.CAs[1].Sn = s.CAs[0].Sn },
		"bad status":      func(s *emulator.Seed) { s.Devices[0].Status = "active" },
		"long sn":         func(s *emulator.Seed) { s.Devices[0].DeviceSn = strings.Repeat("€", 43) },
		"duplicate device": func(s *emulator.Seed) {
			s.Devices = append(s.Devices, s.Devices[0])
		},
		"device on unknown instance": func(s *emulator.Seed) { s.Devices[0].InstanceID = "nope" },
	}
	for name, mutate := range cases {
		s := emulator.DemoSeed()
		mutate(&s)
		if _, err := emulator.New(s, emulator.Options{}); err == nil {
			t.Errorf("%s: seed accepted", name)
		}
	}
	if _, err := emulator.New(emulator.DemoSeed(), emulator.Options{ThrottleCode: "Throttling"}); err == nil {
		t.Error("bad throttle code accepted")
	}
	if _, err := emulator.New(emulator.DemoSeed(), emulator.Options{Faults: emulator.FaultConfig{Rate: 2}}); err == nil {
		t.Error("fault rate 2 accepted")
	}
	if _, err := emulator.New(emulator.DemoSeed(), emulator.Options{}); err != nil {
		t.Errorf("demo seed refused: %v", err)
	}
}
