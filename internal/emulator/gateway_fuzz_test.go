package emulator_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/apsaramq/terraform-provider-apsaramq/internal/emulator"
)

func newFuzzEmulator(f *testing.F) *emulator.Emulator {
	e, err := emulator.New(emulator.DemoSeed(), emulator.Options{})
	if err != nil {
		f.Fatal(err)
	}
	return e
}

// FuzzGatewayRequest sends arbitrary unsigned requests through the gateway:
// it must never panic, never succeed, and always answer the gateway's JSON
// error body with a code and a request ID.
func FuzzGatewayRequest(f *testing.F) {
	f.Add("GET", "/?Action=GetDeviceCertificate&Version=2020-04-20", "", "", "")
	f.Add("POST", "/", "application/x-www-form-urlencoded", "Action=GetDeviceCertificate&Version=2020-04-20&AccessKeyId=LTAI5tEmulatorDemoKey001&Signature=x&SignatureMethod=HMAC-SHA1&SignatureVersion=1.0&SignatureNonce=n&Timestamp=2026-01-01T00:00:00Z", "")
	f.Add("GET", "/?Action=GetDeviceCertificate&Version=2020-04-20", "", "", "ACS3-HMAC-SHA256 Credential=LTAI5tEmulatorDemoKey001,SignedHeaders=host;x-acs-date,Signature=00")
	f.Add("PUT", "/x?%zz", "text/plain", "\x00", "ACS3-HMAC-SHA256 ")
	f.Add("GET", "/?Action=AssumeRole&Version=2015-04-01&a=1;b=2", "", "", "")
	e := newFuzzEmulator(f)
	f.Fuzz(func(t *testing.T, method, target, contentType, body, authorization string) {
		if strings.HasPrefix(target, "/_emulator") || !strings.HasPrefix(target, "/") {
			return // the admin API is unsigned by design; targets must be paths
		}
		req, err := http.NewRequest(method, "http://127.0.0.1"+target, strings.NewReader(body))
		if err != nil {
			return
		}
		if strings.HasPrefix(req.URL.Path, "/_emulator") {
			return
		}
		req.Header.Set("Content-Type", contentType)
		if authorization != "" {
			req.Header.Set("Authorization", authorization)
		}
		rec := httptest.NewRecorder()
		e.ServeHTTP(rec, req)
		if rec.Code == http.StatusOK {
			t.Fatalf("an unsigned request succeeded: %s %q -> %s", method, target, rec.Body)
		}
		var answer map[string]any
		if err := json.Unmarshal(rec.Body.Bytes(), &answer); err != nil {
			t.Fatalf("HTTP %d answer is not JSON: %q", rec.Code, rec.Body)
		}
		if code, _ := answer["Code"].(string); code == "" {
			t.Fatalf("HTTP %d answer without a Code: %s", rec.Code, rec.Body)
		}
		if id, _ := answer["RequestId"].(string); id == "" {
			t.Fatalf("HTTP %d answer without a RequestId: %s", rec.Code, rec.Body)
		}
	})
}

// FuzzRPCSignature signs requests with the independent test-side signer,
// with an arbitrary extra parameter and arbitrary serial numbers: a correct
// signature is always accepted; the same request with one parameter changed
// after signing is always refused with SignatureDoesNotMatch.
func FuzzRPCSignature(f *testing.F) {
	f.Add("DeviceName", "sensor 001", "3a7f1c0de0000001", "5d1e0000000000a1", "GET", "x")
	f.Add("Extra*Key~", "a+b=c&d", "€", "日本", "POST", "")
	f.Add("k", "", "", "", "GET", "%")
	e := newFuzzEmulator(f)
	f.Fuzz(func(t *testing.T, extraKey, extraValue, caSn, deviceSn, method, tamper string) {
		if method != http.MethodGet && method != http.MethodPost {
			method = http.MethodGet
		}
		reserved := map[string]bool{"Action": true, "Version": true, "Signature": true, "AccessKeyId": true, "SignatureMethod": true,
			"SignatureVersion": true, "SignatureNonce": true, "Timestamp": true, "Format": true, "MqttInstanceId": true,
			"CaSn": true, "DeviceSn": true, "SecurityToken": true, "RegionId": true}
		if extraKey == "" || reserved[extraKey] {
			extraKey = "X" + extraKey
		}
		params := url.Values{"Action": {"GetDeviceCertificate"}, "Version": {emulator.MQTTVersion},
			"MqttInstanceId": {emulator.DemoInstanceID}, "CaSn": {caSn}, "DeviceSn": {deviceSn}, extraKey: {extraValue}}
		signed := signRPC(method, params, emulator.DemoAccessKeyID, emulator.DemoAccessKeySecret, time.Now())
		code := sendSigned(t, e, method, signed)
		switch code {
		case "SignatureDoesNotMatch", "IncompleteSignature", "MissingParameter", "InvalidTimeStamp.Format", "InvalidParameter":
			t.Fatalf("a correctly signed request (%s, %q=%q, CaSn %q, DeviceSn %q) was refused: %s", method, extraKey, extraValue, caSn, deviceSn, code)
		}

		// Change one signed value and resend with the old signature (and a
		// fresh nonce, so only the signature can catch it).
		tampered := url.Values{}
		for k, v := range signed {
			tampered[k] = append([]string(nil), v...)
		}
		tampered.Set(extraKey, extraValue+tamper+"!")
		tampered.Set("SignatureNonce", signed.Get("SignatureNonce")+"x")
		if code := sendSigned(t, e, method, tampered); code != "SignatureDoesNotMatch" {
			t.Fatalf("a request altered after signing (%q=%q -> %q) answered %q, want SignatureDoesNotMatch", extraKey, extraValue, tampered.Get(extraKey), code)
		}
	})
}

// sendSigned sends params as the query (GET) or form body (POST) and
// returns the error code, "" on success.
func sendSigned(t *testing.T, e *emulator.Emulator, method string, params url.Values) string {
	t.Helper()
	var req *http.Request
	if method == http.MethodPost {
		req = httptest.NewRequest(method, "/", strings.NewReader(params.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	} else {
		req = httptest.NewRequest(method, "/?"+params.Encode(), nil)
	}
	rec := httptest.NewRecorder()
	e.ServeHTTP(rec, req)
	var answer map[string]any
	if err := json.Unmarshal(rec.Body.Bytes(), &answer); err != nil {
		t.Fatalf("HTTP %d answer is not JSON: %q", rec.Code, rec.Body)
	}
	if rec.Code == http.StatusOK {
		return ""
	}
	code, _ := answer["Code"].(string)
	return code
}
