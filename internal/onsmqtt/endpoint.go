package onsmqtt

import (
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"
	"unicode"
)

// DefaultEndpoint is the public OnsMqtt endpoint of a region.
func DefaultEndpoint(region string) string {
	return "https://onsmqtt." + region + ".aliyuncs.com"
}

// DefaultSTSEndpoint is the regional STS endpoint.
func DefaultSTSEndpoint(region string) string {
	return "https://sts." + region + ".aliyuncs.com"
}

// Endpoint is a parsed API endpoint.
type Endpoint struct {
	Scheme string // "https" or "http"
	Host   string // host[:port]
}

func (e Endpoint) String() string { return e.Scheme + "://" + e.Host }

// Hostname is the host without the port.
func (e Endpoint) Hostname() string { return (&url.URL{Host: e.Host}).Hostname() }

// Loopback reports whether the endpoint is on this machine, where plain HTTP
// (the local emulator) exposes nothing.
func (e Endpoint) Loopback() bool {
	host := e.Host
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// ParseEndpoint accepts "https://host[:port]", "http://host[:port]" or a
// bare host (taken as HTTPS). Paths, queries and credentials are refused:
// RPC calls always go to "/".
func ParseEndpoint(raw string) (Endpoint, error) {
	if strings.TrimSpace(raw) != raw || raw == "" {
		return Endpoint{}, fmt.Errorf("endpoint %q must be a non-empty URL without surrounding spaces", raw)
	}
	if !strings.Contains(raw, "://") {
		raw = "https://" + raw
	}
	u, err := url.Parse(raw)
	if err != nil {
		return Endpoint{}, fmt.Errorf("endpoint %q is not a URL: %w", raw, err)
	}
	scheme := strings.ToLower(u.Scheme)
	if scheme != "https" && scheme != "http" {
		return Endpoint{}, fmt.Errorf("endpoint %q: scheme must be https or http, got %q", raw, u.Scheme)
	}
	if u.Host == "" || u.Hostname() == "" {
		return Endpoint{}, fmt.Errorf("endpoint %q has no host", raw)
	}
	// url.Parse lets non-ASCII through for internationalised names, C1
	// controls and Unicode spaces included; no DNS name contains them.
	if strings.IndexFunc(u.Host, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }) >= 0 {
		return Endpoint{}, fmt.Errorf("endpoint %q: host contains whitespace or control characters", raw)
	}
	if u.User != nil || (u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Fragment != "" {
		return Endpoint{}, fmt.Errorf("endpoint %q must be only scheme://host[:port], without user info, path or query", raw)
	}
	// url.Parse only checks that a port is digits: 0, 99999 or an empty
	// port after ':' would fail later, at dial time, during apply.
	if port := u.Port(); port != "" || strings.HasSuffix(u.Host, ":") {
		if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 || port[0] == '0' {
			return Endpoint{}, fmt.Errorf("endpoint %q: port must be a number from 1 to 65535, got %q", raw, port)
		}
	}
	return Endpoint{Scheme: scheme, Host: u.Host}, nil
}
