package mqtt

import (
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"strings"
	"time"
)

// Plan-time checks of the PEMs RegisterCaCertificate needs, with crypto/x509
// and no API call: what the service would refuse with
// CertificateContentError, found before anything is applied.

// parseOneCertificate decodes a PEM string that must hold exactly one
// CERTIFICATE block.
func parseOneCertificate(s string) (*x509.Certificate, string) {
	block, rest := pem.Decode([]byte(s))
	if block == nil {
		return nil, "is not PEM: no -----BEGIN CERTIFICATE----- block was found"
	}
	if block.Type != "CERTIFICATE" {
		if strings.Contains(block.Type, "PRIVATE KEY") {
			return nil, fmt.Sprintf("holds a %s, not a certificate. Never put private keys here: only the certificate is registered", block.Type)
		}
		return nil, fmt.Sprintf("holds a PEM block of type %q, expected CERTIFICATE", block.Type)
	}
	cert, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		return nil, fmt.Sprintf("holds a CERTIFICATE block that cannot be parsed: %v", err)
	}
	if next, _ := pem.Decode(rest); next != nil {
		return nil, "holds more than one PEM block; give exactly one certificate (no chain, no key)"
	}
	return cert, ""
}

// caProblem explains why cert cannot be registered as a CA, or "".
func caProblem(cert *x509.Certificate) string {
	if !cert.BasicConstraintsValid || !cert.IsCA {
		return fmt.Sprintf("is not a CA certificate: %q lacks the BasicConstraints extension with CA=true, "+
			"which the service requires (CertificateContentError)", cert.Subject.String())
	}
	return ""
}

// caExpiryWarning warns about a CA outside its validity: devices could not
// register through it.
func caExpiryWarning(cert *x509.Certificate, now time.Time) string {
	switch {
	case now.After(cert.NotAfter):
		return fmt.Sprintf("The CA certificate expired on %s: devices cannot register with certificates it signed.", cert.NotAfter.UTC().Format(time.RFC3339))
	case now.Before(cert.NotBefore):
		return fmt.Sprintf("The CA certificate is not valid before %s.", cert.NotBefore.UTC().Format(time.RFC3339))
	}
	return ""
}

// verificationProblem explains why ver cannot verify ca, or "".
func verificationProblem(ver, ca *x509.Certificate) string {
	if err := ver.CheckSignatureFrom(ca); err != nil {
		return fmt.Sprintf("is not signed by the CA in ca_certificate_pem (%v); sign it with the CA's private key", err)
	}
	if ver.Subject.CommonName == "" {
		return "has an empty subject common name; it must be the instance's registration code (data source apsaramq_mqtt_register_code)"
	}
	return ""
}
