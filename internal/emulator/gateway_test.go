package emulator_test

import (
	stderrors "errors"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/auth/credentials"
	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/errors"

	"github.com/apsaramq/terraform-provider-apsaramq/internal/emulator"
)

func TestSignatureTamperingIsDetected(t *testing.T) {
	srv := startServer(t, emulator.Options{})
	rt := &rewriteTransport{rewrite: func(r *http.Request) {
		q := r.URL.Query()
		q.Set("DeviceSn", emulator.DemoDevice2Sn) // after signing
		r.URL.RawQuery = q.Encode()
	}}
	c := newClientWith(t, srv, credentials.NewAccessKeyCredential(emulator.DemoAccessKeyID, emulator.DemoAccessKeySecret), rt)
	_, err := c.call("InactivateDeviceCertificate", demoDevice(emulator.DemoDeviceSn))
	se := expectCode(t, err, "SignatureDoesNotMatch", 400)

	// The message carries the server's string-to-sign, computed over what arrived.
	sent := rt.last.URL.Query()
	sent.Del("Signature")
	wantSTS := "POST&%2F&" + url.QueryEscape(strings.NewReplacer("+", "%20", "*", "%2A", "%7E", "~").Replace(sent.Encode()))
	if !strings.Contains(se.Message(), "server string to sign is:"+wantSTS) {
		t.Fatalf("message lacks the server string to sign:\n got %s\nwant …%s", se.Message(), wantSTS)
	}
	for _, sn := range []string{emulator.DemoDeviceSn, emulator.DemoDevice2Sn} {
		if d, _ := srv.Device(emulator.DemoInstanceID, emulator.DemoCASn, sn); d.Status != "1" {
			t.Fatalf("tampered request changed %s", sn)
		}
	}
}

func TestFormBodyParamsAreSignedAndUsed(t *testing.T) {
	srv := startServer(t, emulator.Options{})
	c := demoClient(t, srv)
	req := c.request("InactivateDeviceCertificate", nil)
	for k, v := range demoDevice(emulator.DemoDeviceSn) {
		req.FormParams[k] = v
	}
	if _, err := c.do(req); err != nil {
		t.Fatal(err)
	}
	if d, _ := srv.Device(emulator.DemoInstanceID, emulator.DemoCASn, emulator.DemoDeviceSn); d.Status != "0" {
		t.Fatalf("form-body call did not apply: %q", d.Status)
	}
	// Tampering with the body breaks the signature too.
	rt := &rewriteTransport{rewrite: func(r *http.Request) {
		body := url.Values{}
		for k, v := range demoDevice(emulator.DemoDevice2Sn) {
			body.Set(k, v)
		}
		enc := body.Encode()
		r.Body = http.NoBody
		r.Body = ioNopCloser(enc)
		r.ContentLength = int64(len(enc))
	}}
	tc := newClientWith(t, srv, credentials.NewAccessKeyCredential(emulator.DemoAccessKeyID, emulator.DemoAccessKeySecret), rt)
	req = tc.request("InactivateDeviceCertificate", nil)
	for k, v := range demoDevice(emulator.DemoDeviceSn) {
		req.FormParams[k] = v
	}
	_, err := tc.do(req)
	expectCode(t, err, "SignatureDoesNotMatch", 400)
}

func TestWrongSecretAndUnknownKey(t *testing.T) {
	srv := startServer(t, emulator.Options{})
	bad := newClientWith(t, srv, credentials.NewAccessKeyCredential(emulator.DemoAccessKeyID, "wrong-secret"), nil)
	_, err := bad.call("GetDeviceCertificate", demoDevice(emulator.DemoDeviceSn))
	expectCode(t, err, "SignatureDoesNotMatch", 400)

	// The other account's secret with the demo key id is also wrong.
	swapped := newClientWith(t, srv, credentials.NewAccessKeyCredential(emulator.DemoAccessKeyID, emulator.OtherAccessKeySecret), nil)
	_, err = swapped.call("GetDeviceCertificate", demoDevice(emulator.DemoDeviceSn))
	expectCode(t, err, "SignatureDoesNotMatch", 400)

	unknown := newClientWith(t, srv, credentials.NewAccessKeyCredential("LTAI5tNoSuchKey000000000", "x"), nil)
	_, err = unknown.call("GetDeviceCertificate", demoDevice(emulator.DemoDeviceSn))
	expectCode(t, err, "InvalidAccessKeyId.NotFound", 404)

	if got := srv.Calls()["GetDeviceCertificate"]; got != 3 {
		t.Fatalf("Calls = %d, want 3 (counted before auth)", got)
	}
	errs := srv.Errors()
	if errs["SignatureDoesNotMatch"] != 2 || errs["InvalidAccessKeyId.NotFound"] != 1 {
		t.Fatalf("Errors = %v", errs)
	}
}

func TestTimestampWindow(t *testing.T) {
	for _, tc := range []struct {
		name   string
		offset time.Duration // server clock minus real clock
		code   string
	}{
		{"16 minutes old", 16 * time.Minute, "InvalidTimeStamp.Expired"},
		{"16 minutes in the future", -16 * time.Minute, "InvalidTimeStamp.Expired"},
		{"14 minutes old", 14 * time.Minute, ""},
		{"14 minutes in the future", -14 * time.Minute, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := startServer(t, emulator.Options{Now: func() time.Time { return time.Now().Add(tc.offset) }})
			_, err := demoClient(t, srv).call("GetDeviceCertificate", demoDevice(emulator.DemoDeviceSn))
			if tc.code == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			expectCode(t, err, tc.code, 400)
		})
	}
}

func TestTimestampFormat(t *testing.T) {
	srv := startServer(t, emulator.Options{})
	for _, ts := range []string{"2026-11-26 06:28:16", "2026-11-26T06:28:16+08:00", "1764138496", "yesterday"} {
		p := mqttParams("GetDeviceCertificate", "MqttInstanceId", emulator.DemoInstanceID, "CaSn", emulator.DemoCASn, "DeviceSn", emulator.DemoDeviceSn, "Timestamp", ts)
		res := rawGet(t, srv, signRPC("GET", p, emulator.DemoAccessKeyID, emulator.DemoAccessKeySecret, time.Now()))
		if res.status != 400 || res.code() != "InvalidTimeStamp.Format" {
			t.Fatalf("Timestamp %q: %d %s", ts, res.status, res.code())
		}
	}
}

func TestHandSignedRequestSucceeds(t *testing.T) {
	srv := startServer(t, emulator.Options{})
	// No SignatureType, no RegionId: the Tea "v2" flavour of HMAC-SHA1.
	p := mqttParams("GetDeviceCertificate", "MqttInstanceId", emulator.DemoInstanceID, "CaSn", emulator.DemoCASn, "DeviceSn", emulator.DemoDeviceSn, "Format", "json")
	res := rawGet(t, srv, signRPC("GET", p, emulator.DemoAccessKeyID, emulator.DemoAccessKeySecret, time.Now()))
	if res.status != 200 || digStr(res.body, "Data", "DeviceSn") != emulator.DemoDeviceSn {
		t.Fatalf("%d %v", res.status, res.body)
	}
	// Empty parameters are signed too: dropping SignatureType="" from the
	// string to sign would make this fail.
	p.Set("SignatureType", "")
	res = rawGet(t, srv, signRPC("GET", p, emulator.DemoAccessKeyID, emulator.DemoAccessKeySecret, time.Now()))
	if res.status != 200 {
		t.Fatalf("with empty SignatureType: %d %v", res.status, res.body)
	}
	// A signature computed without the empty param is rejected.
	q := signRPC("GET", mqttParams("GetDeviceCertificate", "MqttInstanceId", emulator.DemoInstanceID, "CaSn", emulator.DemoCASn, "DeviceSn", emulator.DemoDeviceSn), emulator.DemoAccessKeyID, emulator.DemoAccessKeySecret, time.Now())
	q.Set("SignatureType", "")
	if res = rawGet(t, srv, q); res.code() != "SignatureDoesNotMatch" {
		t.Fatalf("unsigned empty param accepted: %d %v", res.status, res.body)
	}
}

func TestNonceReplay(t *testing.T) {
	srv := startServer(t, emulator.Options{})
	rt := &rewriteTransport{}
	c := newClientWith(t, srv, credentials.NewAccessKeyCredential(emulator.DemoAccessKeyID, emulator.DemoAccessKeySecret), rt)
	c.mustCall("GetDeviceCertificate", demoDevice(emulator.DemoDeviceSn))
	replay, _ := http.NewRequest(rt.last.Method, rt.last.URL.String(), nil)
	res := rawDo(t, replay)
	if res.status != 400 || res.code() != "SignatureNonceUsed" {
		t.Fatalf("replay: %d %v", res.status, res.body)
	}
	// Nonces are per AccessKeyId: the same nonce with another key is fine.
	nonce := rt.last.URL.Query().Get("SignatureNonce")
	p := mqttParams("GetDeviceCertificate", "MqttInstanceId", emulator.OtherInstanceID, "CaSn", emulator.OtherCASn, "DeviceSn", emulator.OtherDeviceSn, "SignatureNonce", nonce)
	if res := rawGet(t, srv, signRPC("GET", p, emulator.OtherAccessKeyID, emulator.OtherAccessKeySecret, time.Now())); res.status != 200 {
		t.Fatalf("same nonce, other key: %d %v", res.status, res.body)
	}
	// A second request of the same key reusing the nonce, freshly signed, is refused too.
	p = mqttParams("GetDeviceCertificate", "MqttInstanceId", emulator.DemoInstanceID, "CaSn", emulator.DemoCASn, "DeviceSn", emulator.DemoDeviceSn, "SignatureNonce", nonce)
	if res := rawGet(t, srv, signRPC("GET", p, emulator.DemoAccessKeyID, emulator.DemoAccessKeySecret, time.Now())); res.code() != "SignatureNonceUsed" {
		t.Fatalf("re-signed nonce reuse: %d %v", res.status, res.body)
	}
}

func TestNonceExpiresAfterWindow(t *testing.T) {
	now := time.Now()
	var clock = now
	srv := startServer(t, emulator.Options{Now: func() time.Time { return clock }})
	p := mqttParams("GetDeviceCertificate", "MqttInstanceId", emulator.DemoInstanceID, "CaSn", emulator.DemoCASn, "DeviceSn", emulator.DemoDeviceSn, "SignatureNonce", "fixed-nonce")
	if res := rawGet(t, srv, signRPC("GET", p, emulator.DemoAccessKeyID, emulator.DemoAccessKeySecret, now)); res.status != 200 {
		t.Fatalf("first: %v", res.body)
	}
	if res := rawGet(t, srv, signRPC("GET", p, emulator.DemoAccessKeyID, emulator.DemoAccessKeySecret, now)); res.code() != "SignatureNonceUsed" {
		t.Fatalf("second: %v", res.body)
	}
	clock = now.Add(16 * time.Minute) // only this goroutine touches clock between requests
	if res := rawGet(t, srv, signRPC("GET", p, emulator.DemoAccessKeyID, emulator.DemoAccessKeySecret, clock)); res.status != 200 {
		t.Fatalf("after the window: %v", res.body)
	}
}

func TestMissingAndInvalidSignatureFields(t *testing.T) {
	srv := startServer(t, emulator.Options{})
	base := func() url.Values {
		return signRPC("GET", mqttParams("GetDeviceCertificate", "MqttInstanceId", emulator.DemoInstanceID, "CaSn", emulator.DemoCASn, "DeviceSn", emulator.DemoDeviceSn),
			emulator.DemoAccessKeyID, emulator.DemoAccessKeySecret, time.Now())
	}
	for _, f := range []string{"AccessKeyId", "Signature", "SignatureMethod", "SignatureVersion", "SignatureNonce", "Timestamp"} {
		p := base()
		p.Del(f)
		res := rawGet(t, srv, p)
		if res.status != 400 || res.code() != "MissingParameter" || !strings.Contains(res.body["Message"].(string), `"`+f+`"`) {
			t.Fatalf("without %s: %d %v", f, res.status, res.body)
		}
	}
	for _, kv := range [][2]string{{"SignatureMethod", "HMAC-SHA256"}, {"SignatureVersion", "2.0"}} {
		p := mqttParams("GetDeviceCertificate", "MqttInstanceId", emulator.DemoInstanceID, "CaSn", emulator.DemoCASn, "DeviceSn", emulator.DemoDeviceSn, kv[0], kv[1])
		res := rawGet(t, srv, signRPC("GET", p, emulator.DemoAccessKeyID, emulator.DemoAccessKeySecret, time.Now()))
		if res.status != 400 || res.code() != "IncompleteSignature" {
			t.Fatalf("%s=%s: %d %v", kv[0], kv[1], res.status, res.body)
		}
	}
	// Missing Action: not counted; missing Version: counted.
	p := base()
	p.Del("Action")
	if res := rawGet(t, srv, p); res.code() != "MissingParameter" || !strings.Contains(res.body["Message"].(string), `"Action"`) {
		t.Fatalf("no Action: %v", res.body)
	}
	p = base()
	p.Del("Version")
	if res := rawGet(t, srv, p); res.status != 400 || res.code() != "MissingParameter" || !strings.Contains(res.body["Message"].(string), `"Version"`) {
		t.Fatalf("no Version: %v", res.body)
	}
	if got := srv.Calls()["GetDeviceCertificate"]; got != 9 { // 6 missing + 2 invalid + missing Version
		t.Fatalf("Calls = %d, want 9", got)
	}
	if len(srv.Calls()) != 1 {
		t.Fatalf("Calls has unexpected keys: %v", srv.Calls())
	}
}

func TestUnknownActionVersionAndMethod(t *testing.T) {
	srv := startServer(t, emulator.Options{})
	c := demoClient(t, srv)
	_, err := c.call("DescribeInstances", map[string]string{})
	expectCode(t, err, "InvalidAction.NotFound", 404)
	// An STS action under the MQTT version is unknown there.
	_, err = c.call("AssumeRole", map[string]string{"RoleArn": emulator.DemoRoleArn, "RoleSessionName": "s1"})
	expectCode(t, err, "InvalidAction.NotFound", 404)

	req := c.request("GetDeviceCertificate", demoDevice(emulator.DemoDeviceSn))
	req.Version = "2019-01-01"
	_, err = c.do(req)
	expectCode(t, err, "InvalidVersion", 400)

	if got := srv.Calls(); got["DescribeInstances"] != 1 || got["AssumeRole"] != 1 || got["GetDeviceCertificate"] != 1 {
		t.Fatalf("Calls = %v", got)
	}
	hreq, _ := http.NewRequest(http.MethodDelete, srv.URL+"/?Action=GetDeviceCertificate", nil)
	if res := rawDo(t, hreq); res.status != 400 || res.code() != "UnsupportedHTTPMethod" {
		t.Fatalf("DELETE: %d %v", res.status, res.body)
	}
	hreq, _ = http.NewRequest(http.MethodGet, srv.URL+"/other/path", nil)
	if res := rawDo(t, hreq); res.status != 404 || res.code() != "InvalidAction.NotFound" {
		t.Fatalf("other path: %d %v", res.status, res.body)
	}
}

func TestLegacyStatuses(t *testing.T) {
	srv := startServer(t, emulator.Options{LegacyStatuses: true})
	c := demoClient(t, srv)
	_, err := c.call("GetDeviceCertificate", demoDevice("nope"))
	expectCode(t, err, "FindDeviceBySnError", 500)
	_, err = c.call("GetDeviceCertificate", map[string]string{"MqttInstanceId": emulator.OtherInstanceID, "CaSn": "a", "DeviceSn": "b"})
	expectCode(t, err, "MqttOwnerCheckError", 500)
	_, err = c.call("GetDeviceCertificate", map[string]string{"MqttInstanceId": emulator.DemoInstanceID})
	expectCode(t, err, "ParameterFieldCheckFailed", 500)
	_, err = c.call("GetCaCertificate", map[string]string{"MqttInstanceId": emulator.DemoInstanceID, "Sn": "nope"})
	expectCode(t, err, "FindCaBySnError", 500)
	_, err = c.call("GetRegisterCode", map[string]string{"MqttInstanceId": "post-cn-nope"})
	expectCode(t, err, "MqttInstanceNotFound", 500)
	// Gateway codes keep their statuses.
	_, err = newClientWith(t, srv, credentials.NewAccessKeyCredential(emulator.DemoAccessKeyID, "bad"), nil).call("GetDeviceCertificate", demoDevice("x"))
	expectCode(t, err, "SignatureDoesNotMatch", 400)
	_, err = c.call("NoSuchAction", nil)
	expectCode(t, err, "InvalidAction.NotFound", 404)
	// The single status table agrees.
	if emulator.HTTPStatus("InternalError", true) != 500 || emulator.HTTPStatus("InternalError", false) != 417 ||
		emulator.HTTPStatus("ServiceUnavailable", true) != 503 || emulator.HTTPStatus("SnNotUnique", false) != 401 {
		t.Fatal("HTTPStatus table")
	}
}

func TestThrottling(t *testing.T) {
	for _, tc := range []struct {
		code   string
		legacy bool
		status int
	}{
		{"Throttling.User", false, 400},
		{"SystemOverFlow", false, 403},
		{"SystemOverFlow", true, 500},
		{"Throttling.User", true, 400},
	} {
		t.Run(tc.code, func(t *testing.T) {
			srv := startServer(t, emulator.Options{RateLimit: 2, ThrottleCode: tc.code, LegacyStatuses: tc.legacy})
			c := demoClient(t, srv)
			ok, throttled := 0, 0
			for range 5 {
				_, err := c.call("GetDeviceCertificate", demoDevice(emulator.DemoDeviceSn))
				if err == nil {
					ok++
					continue
				}
				expectCode(t, err, tc.code, tc.status)
				throttled++
			}
			// Burst of 2; 5 calls take far less than the 0.5 s refill of one token.
			if ok != 2 || throttled != 3 {
				t.Fatalf("ok=%d throttled=%d", ok, throttled)
			}
			// Buckets are per account.
			if _, err := otherClient(t, srv).call("GetDeviceCertificate", map[string]string{"MqttInstanceId": emulator.OtherInstanceID, "CaSn": emulator.OtherCASn, "DeviceSn": emulator.OtherDeviceSn}); err != nil {
				t.Fatalf("other account throttled: %v", err)
			}
			// Tokens refill.
			time.Sleep(600 * time.Millisecond)
			if _, err := c.call("GetDeviceCertificate", demoDevice(emulator.DemoDeviceSn)); err != nil {
				t.Fatalf("after refill: %v", err)
			}
			if srv.Errors()[tc.code] != 3 || srv.Calls()["GetDeviceCertificate"] != 7 {
				t.Fatalf("counters %v %v", srv.Errors(), srv.Calls())
			}
			srv.SetRateLimit(0, "")
			for range 10 {
				if _, err := c.call("GetDeviceCertificate", demoDevice(emulator.DemoDeviceSn)); err != nil {
					t.Fatalf("unlimited: %v", err)
				}
			}
		})
	}
}

func TestFaultInjection(t *testing.T) {
	srv := startServer(t, emulator.Options{RandSeed: 1})
	c := demoClient(t, srv)
	get := func() error {
		_, err := c.call("GetDeviceCertificate", demoDevice(emulator.DemoDeviceSn))
		return err
	}

	srv.SetFaults(emulator.FaultConfig{Rate: 1, Kinds: []string{"InternalError"}})
	expectCode(t, get(), "InternalError", 417)
	srv.SetFaults(emulator.FaultConfig{Rate: 1, Kinds: []string{"ServiceUnavailable"}})
	expectCode(t, get(), "ServiceUnavailable", 503)

	srv.SetFaults(emulator.FaultConfig{Rate: 1, Kinds: []string{"reset"}})
	err := get()
	var se *errors.ServerError
	if err == nil || stderrors.As(err, &se) {
		t.Fatalf("reset: want a transport error, got %v", err)
	}
	// net/http resends an idempotent GET once when a reused keep-alive
	// connection breaks, so one SDK call can meet two resets.
	if n := srv.Errors()["reset"]; n < 1 || n > 2 {
		t.Fatalf("reset not counted: %v", srv.Errors())
	}

	// A stall longer than the client's read timeout: the SDK times out.
	srv.SetFaults(emulator.FaultConfig{Rate: 1, Kinds: []string{"stall"}, Stall: 5 * time.Second})
	req := c.request("GetDeviceCertificate", demoDevice(emulator.DemoDeviceSn))
	req.SetReadTimeout(300 * time.Millisecond)
	start := time.Now()
	_, err = c.do(req)
	if err == nil || stderrors.As(err, &se) || time.Since(start) > 3*time.Second {
		t.Fatalf("stall: want a client timeout, got %v after %v", err, time.Since(start))
	}
	if !strings.Contains(err.Error(), "Timeout") && !strings.Contains(err.Error(), "timeout") {
		t.Fatalf("stall: error does not mention a timeout: %v", err)
	}
	// A short stall ends in InternalError.
	srv.SetFaults(emulator.FaultConfig{Rate: 1, Kinds: []string{"stall"}, Stall: 50 * time.Millisecond})
	start = time.Now()
	expectCode(t, get(), "InternalError", 417)
	if time.Since(start) < 50*time.Millisecond {
		t.Fatal("stall did not stall")
	}

	// Faults hit only the listed actions, and only signed, valid calls.
	srv.SetFaults(emulator.FaultConfig{Rate: 1, Kinds: []string{"InternalError"}, Actions: []string{"ListDeviceCertificate"}})
	if err := get(); err != nil {
		t.Fatalf("unlisted action faulted: %v", err)
	}
	_, err = c.call("ListDeviceCertificate", map[string]string{"MqttInstanceId": emulator.DemoInstanceID, "PageNo": "1", "PageSize": "1"})
	expectCode(t, err, "InternalError", 417)
	_, err = newClientWith(t, srv, credentials.NewAccessKeyCredential(emulator.DemoAccessKeyID, "bad"), nil).call("ListDeviceCertificate", map[string]string{"MqttInstanceId": emulator.DemoInstanceID, "PageNo": "1", "PageSize": "1"})
	expectCode(t, err, "SignatureDoesNotMatch", 400)

	// A faulted mutation does not happen.
	srv.SetFaults(emulator.FaultConfig{Rate: 1, Kinds: []string{"ServiceUnavailable"}})
	_, err = c.call("InactivateDeviceCertificate", demoDevice(emulator.DemoDeviceSn))
	expectCode(t, err, "ServiceUnavailable", 503)
	if d, _ := srv.Device(emulator.DemoInstanceID, emulator.DemoCASn, emulator.DemoDeviceSn); d.Status != "1" {
		t.Fatal("faulted mutation was applied")
	}

	// A partial rate fails some calls and not others (seeded RNG).
	srv.SetFaults(emulator.FaultConfig{Rate: 0.5, Kinds: []string{"InternalError"}})
	failed := 0
	for range 200 {
		if get() != nil {
			failed++
		}
	}
	if failed < 60 || failed > 140 {
		t.Fatalf("rate 0.5 failed %d/200", failed)
	}
	srv.SetFaults(emulator.FaultConfig{})
	if err := get(); err != nil {
		t.Fatal(err)
	}
}

func TestLatency(t *testing.T) {
	srv := startServer(t, emulator.Options{Latency: 150 * time.Millisecond})
	c := demoClient(t, srv)
	start := time.Now()
	c.mustCall("GetDeviceCertificate", demoDevice(emulator.DemoDeviceSn))
	if d := time.Since(start); d < 150*time.Millisecond {
		t.Fatalf("latency not applied: %v", d)
	}
	srv.SetLatency(0)
	start = time.Now()
	c.mustCall("GetDeviceCertificate", demoDevice(emulator.DemoDeviceSn))
	if d := time.Since(start); d > 140*time.Millisecond {
		t.Fatalf("latency not removed: %v", d)
	}
}
