package emulator

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"time"
)

// HTTPS: the real API and STS speak only HTTPS, and so do the credential
// libraries' STS clients, so the emulator can serve HTTPS beside plain HTTP
// with a certificate signed by a CA of its own. A client trusts that CA by
// its file (SSL_CERT_FILE for Go programs, so Terraform providers too).

// IssueServer signs a TLS server certificate for hosts (IP addresses or DNS
// names), valid for a year.
func (ca *TestCA) IssueServer(hosts ...string) (tls.Certificate, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return tls.Certificate{}, err
	}
	serial, err := randomSerial()
	if err != nil {
		return tls.Certificate{}, err
	}
	now := time.Now().UTC()
	tmpl := &x509.Certificate{
		SerialNumber: serial,
		Subject:      pkix.Name{CommonName: hosts[0], Organization: []string{"ApsaraMQ emulator"}},
		NotBefore:    now.Add(-time.Hour).Truncate(time.Second),
		NotAfter:     now.AddDate(1, 0, 0).Truncate(time.Second),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	for _, h := range hosts {
		if ip := net.ParseIP(h); ip != nil {
			tmpl.IPAddresses = append(tmpl.IPAddresses, ip)
		} else {
			tmpl.DNSNames = append(tmpl.DNSNames, h)
		}
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca.Cert, &key.PublicKey, ca.Key)
	if err != nil {
		return tls.Certificate{}, err
	}
	return tls.Certificate{Certificate: [][]byte{der, ca.Cert.Raw}, PrivateKey: key}, nil
}

// WriteCertFile writes the CA certificate (PEM) to path, for SSL_CERT_FILE.
func (ca *TestCA) WriteCertFile(path string) error {
	return os.WriteFile(path, ca.CertPEM, 0o600)
}

// Pool is a certificate pool holding only the CA.
func (ca *TestCA) Pool() *x509.CertPool {
	p := x509.NewCertPool()
	p.AddCert(ca.Cert)
	return p
}

// loopbackHosts are the names a local listener is reached by.
var loopbackHosts = []string{"127.0.0.1", "::1", "localhost"}

// serveTLS starts the HTTPS listener of s on host:0 (host of the plain
// listener) with a certificate for the loopback names and host.
func (s *Server) serveTLS(ca *TestCA, host string) error {
	cert, err := ca.IssueServer(append([]string{host}, loopbackHosts...)...)
	if err != nil {
		return fmt.Errorf("emulator: HTTPS certificate: %w", err)
	}
	ln, err := net.Listen("tcp", net.JoinHostPort(host, "0"))
	if err != nil {
		return err
	}
	s.HTTPSEndpoint = ln.Addr().String()
	s.HTTPSURL = "https://" + s.HTTPSEndpoint
	s.tlsSrv = &http.Server{
		Handler:           s.Emulator,
		ReadHeaderTimeout: 10 * time.Second,
		// A client that does not trust the CA is its own error; no log noise.
		ErrorLog:  log.New(io.Discard, "", 0),
		TLSConfig: &tls.Config{MinVersion: tls.VersionTLS12, Certificates: []tls.Certificate{cert}},
	}
	go func() { _ = s.tlsSrv.ServeTLS(ln, "", "") }()
	return nil
}
