package onsmqtt

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"strings"
	"syscall"
	"testing"
)

// wrapped puts err where the SDK hands it over: inside a *url.Error.
func wrapped(err error) error {
	return &url.Error{Op: "Get", URL: "https://onsmqtt.cn-hangzhou.aliyuncs.com/?Signature=x", Err: err}
}

// Certificate failures other than an unknown authority cannot be provoked
// against a local server without trusting its CA in the process, so their
// errors are built here as crypto/tls returns them.
func TestEndpointProblemFromTypedErrors(t *testing.T) {
	leaf := &x509.Certificate{}
	cases := []struct {
		name    string
		err     error
		want    EndpointProblem
		trouble string
	}{
		{"scheme mismatch", wrapped(http.ErrSchemeMismatch), EndpointPlainHTTP, ""},
		{"not TLS", wrapped(tls.RecordHeaderError{Msg: "first record does not look like a TLS handshake"}), EndpointNotTLS, ""},
		{"unknown authority", wrapped(&tls.CertificateVerificationError{Err: x509.UnknownAuthorityError{Cert: leaf}}), EndpointUntrusted, "does not trust"},
		{"hostname", wrapped(&tls.CertificateVerificationError{Err: x509.HostnameError{Certificate: leaf, Host: "onsmqtt.cn-hangzhou.aliyuncs.com"}}), EndpointUntrusted, "not valid for the endpoint's host"},
		{"expired", wrapped(&tls.CertificateVerificationError{Err: x509.CertificateInvalidError{Cert: leaf, Reason: x509.Expired}}), EndpointUntrusted, "expired"},
		{"no system roots", wrapped(x509.SystemRootsError{}), EndpointUntrusted, "could not be loaded"},
		{"other verification failure", wrapped(&tls.CertificateVerificationError{Err: errors.New("x509: something new")}), EndpointUntrusted, "failed verification"},
		{"no such host", wrapped(&net.OpError{Op: "dial", Err: &net.DNSError{Err: "no such host", Name: "onsmqtt.nowhere.invalid", IsNotFound: true}}), EndpointUnknownHost, ""},
		// A resolver that failed for now may answer next time.
		{"DNS timeout", wrapped(&net.OpError{Op: "dial", Err: &net.DNSError{Err: "i/o timeout", Name: "x", IsTimeout: true}}), 0, ""},
		{"reset", wrapped(&net.OpError{Op: "read", Err: os.NewSyscallError("read", syscall.ECONNRESET)}), 0, ""},
		{"refused", wrapped(&net.OpError{Op: "dial", Err: os.NewSyscallError("connect", syscall.ECONNREFUSED)}), 0, ""},
		{"EOF", wrapped(io.EOF), 0, ""},
	}
	for _, tc := range cases {
		if got := endpointProblem(tc.err); got != tc.want {
			t.Errorf("%s: problem %d, want %d", tc.name, got, tc.want)
		}
		if got := certificateTrouble(tc.err); !strings.Contains(got, tc.trouble) || (tc.trouble == "") != (got == "") {
			t.Errorf("%s: certificate trouble %q, want it to say %q", tc.name, got, tc.trouble)
		}
		wantClass := ClassTransient
		if tc.want != 0 {
			wantClass = ClassMisconfigured
		}
		if got := Classify(&TransportError{Action: "A", Err: tc.err}); got != wantClass {
			t.Errorf("%s: class %v, want %v", tc.name, got, wantClass)
		}
	}
}

func TestRefusedAndExchangeFailed(t *testing.T) {
	refused := wrapped(&net.OpError{Op: "dial", Err: os.NewSyscallError("connect", syscall.ECONNREFUSED)})
	reset := wrapped(&net.OpError{Op: "read", Err: os.NewSyscallError("read", syscall.ECONNRESET)})
	if !isRefused(refused) || isRefused(reset) || isRefused(errors.New("connection refused")) {
		t.Error("isRefused does not tell a refused dial from others")
	}
	for name, tc := range map[string]struct {
		err  error
		want bool
	}{
		"reset":     {reset, true},
		"EOF":       {wrapped(io.ErrUnexpectedEOF), true},
		"malformed": {wrapped(errors.New(`net/http: HTTP/1.x transport connection broken: malformed HTTP response "\x15\x03\x01\x00\x02\x02"`)), true},
		"refused":   {refused, false},
		"timeout":   {wrapped(fmt.Errorf("awaiting headers: %w", context.DeadlineExceeded)), false},
		"canceled":  {wrapped(context.Canceled), false},
	} {
		if got := exchangeFailed(tc.err); got != tc.want {
			t.Errorf("%s: exchangeFailed = %v, want %v", name, got, tc.want)
		}
	}
}
