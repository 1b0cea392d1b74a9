package onsmqtt

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"net"
	"net/http"
	"net/url"
	"runtime"
	"syscall"
	"time"
)

// endpointProblem recognises, from the typed errors net/http, crypto/tls
// and net return, a failure that says the endpoint itself is wrong. Zero
// means none was recognised.
func endpointProblem(err error) EndpointProblem {
	var (
		recordHeader tls.RecordHeaderError
		dns          *net.DNSError
	)
	switch {
	case errors.Is(err, http.ErrSchemeMismatch):
		return EndpointPlainHTTP
	case errors.As(err, &recordHeader):
		return EndpointNotTLS
	case certificateTrouble(err) != "":
		return EndpointUntrusted
	case errors.As(err, &dns) && dns.IsNotFound:
		return EndpointUnknownHost
	}
	return 0
}

// certificateTrouble says what failed in the verification of the server's
// certificate, or "" when err is not a verification failure.
func certificateTrouble(err error) string {
	var (
		unknownAuthority x509.UnknownAuthorityError
		hostname         x509.HostnameError
		invalid          x509.CertificateInvalidError
		noRoots          x509.SystemRootsError
		verification     *tls.CertificateVerificationError
	)
	switch {
	case errors.As(err, &unknownAuthority):
		return "is signed by an authority this machine does not trust"
	case errors.As(err, &hostname):
		return "is not valid for the endpoint's host"
	case errors.As(err, &invalid):
		return "is not valid (expired, not yet valid, or not usable for a server)"
	case errors.As(err, &noRoots):
		return "cannot be checked: this machine's CA certificates could not be loaded"
	case errors.As(err, &verification):
		return "failed verification"
	}
	return ""
}

// exchangeFailed reports whether a connection was made and the exchange on
// it then failed (a reset, an early EOF, a malformed answer):
// what speaking plain HTTP to a TLS port looks like, and also what a flaky
// plain-HTTP server does, so speaksTLS tells the two apart.
func exchangeFailed(err error) bool {
	var op *net.OpError
	if errors.As(err, &op) && op.Op == "dial" {
		return false // nothing was exchanged: refused, unreachable, DNS
	}
	// Timeouts (a stalled server, the operation's end) are not a protocol
	// mismatch: a TLS port refuses plain HTTP at once.
	return !errors.Is(err, context.Canceled) && !errors.Is(err, context.DeadlineExceeded)
}

// tlsProbeTimeout bounds the handshake of speaksTLS. A TLS server answers a
// ClientHello at once, and a plain-HTTP one rejects it at once (Go's within
// a millisecond on loopback), so this only matters for a server that hangs.
const tlsProbeTimeout = 2 * time.Second

// speaksTLS reports whether hostport completes a TLS handshake. It is asked
// only after a plain-HTTP call to hostport failed: a TLS server resets a
// plain-HTTP request larger than the bytes it reads before answering (every
// signed request is), so the reset alone cannot tell a wrong scheme from a
// network failure worth retrying.
func speaksTLS(ctx context.Context, hostport string) bool {
	u := url.URL{Host: hostport}
	host, port := u.Hostname(), u.Port()
	if port == "" {
		port = "80"
	}
	ctx, cancel := context.WithTimeout(ctx, tlsProbeTimeout)
	defer cancel()
	conn, err := (&net.Dialer{}).DialContext(ctx, "tcp", net.JoinHostPort(host, port))
	if err != nil {
		return false
	}
	defer func() { _ = conn.Close() }()
	// Only whether the port completes a handshake matters; nothing is sent
	// over this connection, so its certificate need not be trusted.
	probe := tls.Client(conn, &tls.Config{ServerName: host, InsecureSkipVerify: true, MinVersion: tls.VersionTLS12})
	return probe.HandshakeContext(ctx) == nil
}

// wsaeconnrefused is how Windows reports a refused connection; there
// syscall.ECONNREFUSED is a different, invented number.
const wsaeconnrefused = syscall.Errno(10061)

// isRefused reports whether a connection was refused: nothing listens at
// the port (yet: an emulator may be starting).
func isRefused(err error) bool {
	var errno syscall.Errno
	if !errors.As(err, &errno) {
		return false
	}
	return errno == syscall.ECONNREFUSED || (runtime.GOOS == "windows" && errno == wsaeconnrefused)
}
