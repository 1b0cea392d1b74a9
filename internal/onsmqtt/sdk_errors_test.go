package onsmqtt

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
)

// FuzzClassifyResponse drives the real SDK over HTTP with whatever status
// and body an endpoint (or a proxy in front of it) might answer, and checks
// what the classifier makes of it: no panic, an error for every non-2xx
// answer, a code, a class consistent with ClassifyCode, and a message that
// never carries the secret.
func FuzzClassifyResponse(f *testing.F) {
	f.Add(400, `{"RequestId":"A1","HostId":"onsmqtt.cn-hangzhou.aliyuncs.com","Code":"FindDeviceBySnError","Message":"not found","Recommend":"x"}`)
	f.Add(503, `{"RequestId":"A2","Code":"ServiceUnavailable","Message":"later"}`)
	f.Add(403, `{"RequestId":"A3","Code":"MqttOwnerCheckError","Message":"owner"}`)
	f.Add(400, `{"Code":"Throttling.User","Message":"slow down"}`)
	f.Add(502, `<html>bad gateway</html>`)
	f.Add(500, ``)
	f.Add(417, `{"Code":"InternalError"}`)
	f.Add(200, `{"RequestId":"ok","Data":{}}`)
	f.Add(400, `{"RequestId":1,"Code":2,"Message":null}`)

	var (
		mu     sync.Mutex
		status int
		body   string
	)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		mu.Lock()
		s, b := status, body
		mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(s)
		_, _ = w.Write([]byte(b))
	}))
	f.Cleanup(srv.Close)
	ep, err := ParseEndpoint(srv.URL)
	if err != nil {
		f.Fatal(err)
	}
	const secret = "FuzzSecretValue0123456789"
	c, err := New(Config{Region: "cn-hangzhou", Endpoint: ep, Credentials: Credentials{AccessKeyID: "LTAIfuzz", AccessKeySecret: secret}})
	if err != nil {
		f.Fatal(err)
	}

	f.Fuzz(func(t *testing.T, st int, b string) {
		if st < 200 || st > 599 || st == 204 || st == 304 || (st >= 100 && st < 200) {
			return // net/http forbids bodies or the status is not a final answer
		}
		mu.Lock()
		status, body = st, b
		mu.Unlock()
		params := DeviceKey{InstanceID: "post-cn-fuzz", CASn: "ca", DeviceSn: "dev"}.params()
		_, err := c.attemptOnce(context.Background(), c.onsmqtt(), "GetDeviceCertificate", http.MethodGet, params, 1)
		if st < 300 {
			return // a 2xx is success whatever the body; decoding is the caller's
		}
		if err == nil {
			t.Fatalf("HTTP %d answered success", st)
		}
		if strings.Contains(err.Error(), secret) {
			t.Fatalf("error text carries the secret: %v", err)
		}
		var apiErr *APIError
		if !errors.As(err, &apiErr) {
			return // e.g. an answer the SDK could not read: a transport error
		}
		if apiErr.Code == "" {
			t.Fatalf("HTTP %d %q: APIError without a code", st, b)
		}
		got, want := Classify(err), ClassifyCode(apiErr.Code)
		// Gateway failures and code-less 5xx bodies are transient by design.
		gateway := st >= 502 || strings.HasPrefix(apiErr.Code, "HTTP5")
		acceptable := got == want || (want == ClassPermanent && got == ClassTransient && gateway)
		if !acceptable {
			t.Fatalf("HTTP %d code %q classified %v, ClassifyCode says %v", st, apiErr.Code, got, want)
		}
		_ = apiErr.Error()
	})
}

// The string to sign a gateway echoes after SignatureDoesNotMatch carries
// the security token: it never reaches an error, and the message says it
// held one only when the request carried one.
func TestWithoutStringToSign(t *testing.T) {
	echoed := "Specified signature is not matched with our calculation. server string to sign is:GET&%2F&AccessKeyId%3DSTS.x%26SecurityToken%3Dsecret-token"
	got := withoutStringToSign(echoed, true)
	if strings.Contains(got, "secret-token") || !strings.HasPrefix(got, "Specified signature is not matched with our calculation.") ||
		!strings.Contains(got, "left out of this message: it contains the request's security token") {
		t.Errorf("withoutStringToSign with a token = %q", got)
	}
	noToken := "Specified signature is not matched with our calculation. server string to sign is:GET&%2F&AccessKeyId%3DLTAI5t"
	if got := withoutStringToSign(noToken, false); strings.Contains(got, "token") || strings.Contains(got, "LTAI5t") || !strings.Contains(got, "left out") {
		t.Errorf("withoutStringToSign without a token = %q", got)
	}
	if plain := "not found"; withoutStringToSign(plain, true) != plain {
		t.Errorf("a message without a string to sign changed: %q", withoutStringToSign(plain, true))
	}
}

// The signature hint names the credential source the request used, not
// always the provider block's keys.
func TestSignatureHintNamesTheSource(t *testing.T) {
	for source, want := range map[string]string{
		"static keys":           "secret_key belongs to access_key",
		"profile dev (AK)":      "access_key_secret of profile dev (AK) in the shared credentials file",
		"assume_role_with_oidc": "temporary credentials from assume_role_with_oidc",
		"":                      "AccessKey secret belongs to the AccessKey ID",
		"assume_role (acs:ram::1:role/x) over static keys": "temporary credentials from assume_role",
	} {
		hint := (&APIError{Code: "SignatureDoesNotMatch", CredentialSource: source}).Hint()
		if !strings.Contains(hint, want) {
			t.Errorf("source %q: hint %q, want it to say %q", source, hint, want)
		}
		if source != "static keys" && strings.Contains(hint, "secret_key") {
			t.Errorf("source %q: hint %q names the provider block's keys", source, hint)
		}
	}
}
