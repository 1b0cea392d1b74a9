package onsmqtt

import (
	"strings"
	"testing"
	"unicode"
)

func TestParseEndpoint(t *testing.T) {
	ok := map[string]Endpoint{
		"https://onsmqtt.cn-hangzhou.aliyuncs.com": {Scheme: "https", Host: "onsmqtt.cn-hangzhou.aliyuncs.com"},
		"onsmqtt-vpc.cn-shanghai.aliyuncs.com":     {Scheme: "https", Host: "onsmqtt-vpc.cn-shanghai.aliyuncs.com"},
		"http://127.0.0.1:8787":                    {Scheme: "http", Host: "127.0.0.1:8787"},
		"HTTP://localhost:1/":                      {Scheme: "http", Host: "localhost:1"},
	}
	for raw, want := range ok {
		got, err := ParseEndpoint(raw)
		if err != nil || got != want {
			t.Errorf("ParseEndpoint(%q) = %+v, %v; want %+v", raw, got, err, want)
		}
	}
	for _, raw := range []string{"", " https://x", "ftp://x", "https://", "https://user:pw@host", "https://host/path", "https://host?x=1", "://"} {
		if _, err := ParseEndpoint(raw); err == nil {
			t.Errorf("ParseEndpoint(%q): expected an error", raw)
		}
	}
	loop := map[string]bool{"http://127.0.0.1:1": true, "http://localhost:2": true, "http://[::1]:3": true, "http://10.0.0.1": false, "http://example.com": false}
	for raw, want := range loop {
		ep, err := ParseEndpoint(raw)
		if err != nil {
			t.Fatal(err)
		}
		if ep.Loopback() != want {
			t.Errorf("%s Loopback() = %v, want %v", raw, !want, want)
		}
	}
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
