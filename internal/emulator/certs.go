package emulator

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"math/big"
	"time"
)

// Certificate generators for tests and demos: a CA that can sign the
// verification certificate RegisterCaCertificate needs and device
// certificates that RegisterDevicePEM (a device "connecting") accepts.
// Keys are ECDSA P-256: fast to generate and accepted by crypto/x509.

// TestCA is a self-signed CA certificate with its private key.
type TestCA struct {
	Cert    *x509.Certificate
	Key     *ecdsa.PrivateKey
	CertPEM []byte
	KeyPEM  []byte
}

// IssuedCert is a certificate signed by a TestCA.
type IssuedCert struct {
	Cert    *x509.Certificate
	Key     *ecdsa.PrivateKey
	CertPEM []byte
	KeyPEM  []byte
	Sn      string // SerialSn of the certificate, i.e. its DeviceSn once registered
}

// NewTestCA makes a CA (BasicConstraints CA=true) with a random 64-bit
// serial, valid from an hour ago for ten years. About half of random serials
// have the high bit set (their Sn starts with "00") and one in sixteen has a
// first byte below 0x10 (their Sn starts with "0").
func NewTestCA(cn string) (*TestCA, error) {
	return NewTestCAWithSerial(cn, nil)
}

// NewTestCAWithSerial is NewTestCA with a chosen serial (nil = random), for
// stable SNs and for provoking SnNotUnique.
func NewTestCAWithSerial(cn string, serial *big.Int) (*TestCA, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	return newTestCA(cn, serial, key)
}

// newTestCA is a CA with the given key and serial (nil = random).
func newTestCA(cn string, serial *big.Int, key *ecdsa.PrivateKey) (*TestCA, error) {
	now := time.Now().UTC()
	tmpl := &x509.Certificate{
		SerialNumber:          serial,
		Subject:               pkix.Name{CommonName: cn, Organization: []string{"ApsaraMQ emulator"}},
		NotBefore:             now.Add(-time.Hour).Truncate(time.Second),
		NotAfter:              now.AddDate(10, 0, 0).Truncate(time.Second),
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign | x509.KeyUsageDigitalSignature,
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	cert, certPEM, keyPEM, err := createCert(tmpl, tmpl, key, key)
	if err != nil {
		return nil, err
	}
	return &TestCA{Cert: cert, Key: key, CertPEM: certPEM, KeyPEM: keyPEM}, nil
}

// Sn is the CA's SN as RegisterCaCertificate reports it.
func (ca *TestCA) Sn() string { return SerialSn(ca.Cert.SerialNumber) }

// IssueVerification signs the verification certificate for
// RegisterCaCertificate: its subject CN carries the registration code.
func (ca *TestCA) IssueVerification(code string) (*IssuedCert, error) {
	return ca.issue(code, nil, x509.ExtKeyUsageServerAuth)
}

// IssueDevice signs a device (client) certificate with CN cn and a random serial.
func (ca *TestCA) IssueDevice(cn string) (*IssuedCert, error) {
	return ca.issue(cn, nil, x509.ExtKeyUsageClientAuth)
}

// IssueDeviceWithSerial is IssueDevice with a chosen serial, for stable DeviceSns.
func (ca *TestCA) IssueDeviceWithSerial(cn string, serial *big.Int) (*IssuedCert, error) {
	return ca.issue(cn, serial, x509.ExtKeyUsageClientAuth)
}

// IssueDeviceWithKey is IssueDeviceWithSerial for a key the caller made:
// a fleet of test devices may share one, which saves a key generation per
// certificate (issuing 100,000 of them for a benchmark). Safe for
// concurrent use.
func (ca *TestCA) IssueDeviceWithKey(cn string, serial *big.Int, key *ecdsa.PrivateKey) (*IssuedCert, error) {
	return ca.issueFor(cn, serial, x509.ExtKeyUsageClientAuth, key)
}

func (ca *TestCA) issue(cn string, serial *big.Int, usage x509.ExtKeyUsage) (*IssuedCert, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	return ca.issueFor(cn, serial, usage, key)
}

func (ca *TestCA) issueFor(cn string, serial *big.Int, usage x509.ExtKeyUsage, key *ecdsa.PrivateKey) (*IssuedCert, error) {
	now := time.Now().UTC()
	tmpl := &x509.Certificate{
		SerialNumber: serial,
		Subject:      pkix.Name{CommonName: cn},
		NotBefore:    now.Add(-time.Hour).Truncate(time.Second),
		NotAfter:     now.AddDate(1, 0, 0).Truncate(time.Second),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{usage},
	}
	cert, certPEM, keyPEM, err := createCert(tmpl, ca.Cert, key, ca.Key)
	if err != nil {
		return nil, err
	}
	return &IssuedCert{Cert: cert, Key: key, CertPEM: certPEM, KeyPEM: keyPEM, Sn: SerialSn(cert.SerialNumber)}, nil
}

// createCert makes the certificate tmpl describes for key, signed by parent
// with signer (parent's key; tmpl and key themselves for a self-signed one),
// and returns it parsed and, with key, PEM-encoded. A nil
// tmpl.SerialNumber becomes a random serial (randomSerial).
func createCert(tmpl, parent *x509.Certificate, key, signer *ecdsa.PrivateKey) (cert *x509.Certificate, certPEM, keyPEM []byte, err error) {
	if tmpl.SerialNumber == nil {
		if tmpl.SerialNumber, err = randomSerial(); err != nil {
			return nil, nil, nil, err
		}
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, parent, &key.PublicKey, signer)
	if err != nil {
		return nil, nil, nil, err
	}
	if cert, err = x509.ParseCertificate(der); err != nil {
		return nil, nil, nil, err
	}
	if keyPEM, err = encodeKey(key); err != nil {
		return nil, nil, nil, err
	}
	return cert, encodeCert(der), keyPEM, nil
}

// randomSerial returns a positive serial of up to 64 bits (RFC 5280 allows
// up to 20 octets), so both "00…" and "0a…" Sn renderings occur.
func randomSerial() (*big.Int, error) {
	n, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 64))
	if err != nil {
		return nil, fmt.Errorf("serial: %w", err)
	}
	return n.Add(n, big.NewInt(1)), nil
}

// SerialWithFirstByte returns a random positive 8-byte serial whose first
// byte is first (1..0xff), for certificates whose Sn must start a certain
// way: 0x80 and above renders "00<first>…", below 0x10 renders "0<digit>…".
func SerialWithFirstByte(first byte) (*big.Int, error) {
	if first == 0 {
		return nil, fmt.Errorf("serial: the first byte must not be 0 (it would not be the first byte of a minimal encoding)")
	}
	b := make([]byte, 8)
	if _, err := rand.Read(b[1:]); err != nil {
		return nil, fmt.Errorf("serial: %w", err)
	}
	b[0] = first
	return new(big.Int).SetBytes(b), nil
}

func encodeCert(der []byte) []byte {
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
}

func encodeKey(key *ecdsa.PrivateKey) ([]byte, error) {
	der, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		return nil, err
	}
	return pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: der}), nil
}
