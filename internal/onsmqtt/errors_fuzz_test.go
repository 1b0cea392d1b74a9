package onsmqtt

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"unicode"
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
		params := DeviceKey{InstanceID: "post-cn-fuzz", CaSn: "ca", DeviceSn: "dev"}.params()
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

// FuzzClassifyCode: classification is total and stable, hints are sentences
// without trailing punctuation (the provider adds it).
func FuzzClassifyCode(f *testing.F) {
	for _, s := range []string{"", "FindDeviceBySnError", "Throttling.User", "Throttling.", "SystemOverFlow", "InternalError", "SignatureNonceUsed", "MqttOwnerCheckError", "HTTP502"} {
		f.Add(s, "message")
	}
	f.Fuzz(func(t *testing.T, code, msg string) {
		c := ClassifyCode(code)
		if c != ClassifyCode(code) {
			t.Fatal("unstable classification")
		}
		if strings.HasPrefix(code, "Throttling.") && c != ClassThrottled {
			t.Fatalf("%q classified %v", code, c)
		}
		if h := (&APIError{Code: code}).Hint(); h != "" && strings.HasSuffix(h, ".") {
			t.Fatalf("hint for %q ends with a period: %q", code, h)
		}
		e := &APIError{Action: "GetDeviceCertificate", Code: code, Message: msg, Class: c}
		if !strings.Contains(e.Error(), code) {
			t.Fatalf("APIError text %q lacks the code %q", e.Error(), code)
		}
		// Arbitrary failure text never passes for a not-found answer or
		// throttling: only the service's codes may say so.
		if cls := Classify(errors.New(msg)); cls == ClassNotFound || cls == ClassThrottled {
			t.Fatalf("plain error %q classified %v", msg, cls)
		}
	})
}

// FuzzParseEndpoint: an accepted endpoint is a scheme and a host (with an
// optional valid port) that parses back to itself.
func FuzzParseEndpoint(f *testing.F) {
	for _, s := range []string{"https://onsmqtt.cn-hangzhou.aliyuncs.com", "http://127.0.0.1:8787", "onsmqtt.cn-hangzhou.aliyuncs.com", "HTTPS://X", "ftp://x", "https://", "https://x/path", "https://u:p@x", " https://x", "https://[::1]:443", "https://x:", "https://x:99999", "https://x:0"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		ep, err := ParseEndpoint(raw)
		if err != nil {
			return
		}
		if ep.Scheme != "https" && ep.Scheme != "http" {
			t.Fatalf("ParseEndpoint(%q) scheme %q", raw, ep.Scheme)
		}
		if ep.Host == "" || strings.IndexFunc(ep.Host, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }) >= 0 {
			t.Fatalf("ParseEndpoint(%q) host %q", raw, ep.Host)
		}
		if strings.ContainsAny(ep.Host, "/?#@") {
			t.Fatalf("ParseEndpoint(%q) host %q carries URL syntax", raw, ep.Host)
		}
		if port, ok := endpointPort(ep.Host); ok && !validPort(port) {
			t.Fatalf("ParseEndpoint(%q) accepted port %q", raw, port)
		}
		again, err := ParseEndpoint(ep.String())
		if err != nil || again != ep {
			t.Fatalf("ParseEndpoint(%q) = %v, which parses back as %v, %v", raw, ep, again, err)
		}
		_ = ep.Loopback()
	})
}

// endpointPort is the text after the host's last ':' outside brackets.
func endpointPort(host string) (string, bool) {
	if i := strings.LastIndexByte(host, ':'); i >= 0 && i > strings.LastIndexByte(host, ']') {
		return host[i+1:], true
	}
	return "", false
}

func validPort(p string) bool {
	if p == "" || len(p) > 5 || p[0] == '0' {
		return false
	}
	n := 0
	for _, r := range p {
		if r < '0' || r > '9' {
			return false
		}
		n = n*10 + int(r-'0')
	}
	return n >= 1 && n <= 65535
}
