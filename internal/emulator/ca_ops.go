package emulator

import (
	"crypto/rand"
	"crypto/x509"
	"encoding/hex"
	"encoding/pem"
	"fmt"
	"math/big"
	"strings"
)

// CA-certificate operations. CAs are keyed by (MqttInstanceId, Sn); the Sn
// is SerialSn of the CA certificate's serial number. A CA certificate can be
// registered with only one instance per region (SnNotUnique otherwise),
// across accounts; the same CA on instances of different regions is fine.

func caVO(c CACertificate) map[string]any {
	return map[string]any{
		"CaContent":           c.Content,
		"CaName":              c.Name,
		"RegistrationCode":    c.RegistrationCode,
		"Sn":                  c.Sn,
		"Status":              c.Status,
		"ValidBegin":          epochMillis(c.ValidBegin),
		"ValidEnd":            epochMillis(c.ValidEnd),
		"VerificationContent": c.VerificationContent,
	}
}

// SerialSn renders a certificate serial number the way the reference's
// examples show CA and device SNs ("00f26900ba87…", "007269004887…"):
// lower-case hex of the DER INTEGER's content bytes, i.e. the minimal two's
// complement encoding. Every byte gives two digits, leading zero nibbles are
// kept, and a positive serial whose first byte has the high bit set gets a
// leading "00".
func SerialSn(serial *big.Int) string { return hex.EncodeToString(derIntegerBytes(serial)) }

// derIntegerBytes returns the content octets of n encoded as a DER INTEGER.
func derIntegerBytes(n *big.Int) []byte {
	switch n.Sign() {
	case 0:
		return []byte{0}
	case 1:
		b := n.Bytes()
		if b[0]&0x80 != 0 {
			b = append([]byte{0}, b...)
		}
		return b
	}
	// Negative: the fewest bytes k whose two's complement 2^(8k)+n has its
	// top bit set (RFC 5280 forbids negative serials, but parsers meet them).
	for k := 1; ; k++ {
		m := new(big.Int).Lsh(big.NewInt(1), uint(8*k))
		m.Add(m, n)
		if m.Sign() >= 0 && m.BitLen() == 8*k {
			return m.FillBytes(make([]byte, k))
		}
	}
}

// newRegisterCode makes a code shaped like the documented sample
// "13274673-8f90-4630-bea1-9cccb25756ad2089******": a UUID plus ten digits.
// It fits in a certificate CN (64 characters).
func newRegisterCode() string {
	id := strings.ToLower(newRequestID())
	n, _ := rand.Int(rand.Reader, big.NewInt(10_000_000_000))
	return fmt.Sprintf("%s%010d", id, n)
}

// getRegisterCode returns the instance's current code, issuing one if none
// is pending. The code stays the same until a RegisterCaCertificate consumes
// it (our decision; the docs do not say how long a code lives).
func (e *Emulator) getRegisterCode(c *call) (map[string]any, *apiError) {
	p, aerr := requireParams(c, "MqttInstanceId")
	if aerr != nil {
		return nil, aerr
	}
	var code string
	apiErr := e.mutateOwned(c, p["MqttInstanceId"], func(s *store) *apiError {
		code = s.registerCodes[p["MqttInstanceId"]]
		if code == "" {
			code = newRegisterCode()
			s.registerCodes[p["MqttInstanceId"]] = code
		}
		return nil
	})
	if apiErr != nil {
		return nil, apiErr
	}
	return map[string]any{"RegisterCode": code}, nil
}

// parseCertPEM decodes the first CERTIFICATE block of a PEM string.
func parseCertPEM(s string) (*x509.Certificate, error) {
	block, _ := pem.Decode([]byte(s))
	if block == nil || block.Type != "CERTIFICATE" {
		return nil, fmt.Errorf("no PEM CERTIFICATE block")
	}
	return x509.ParseCertificate(block.Bytes)
}

func errContent(format string, args ...any) *apiError {
	return newErr(CodeCertificateContentError, "Certificate content error. "+format, args...)
}

// registerCACertificate checks, in order: parameters, instance (another
// account's instance answers InstancePermissionCheckFailed), the CA
// certificate (parsable, BasicConstraints CA=true), the verification
// certificate (parsable, signed by the CA), its CN against the registration
// code, the per-instance CA count, then serial uniqueness in the instance's
// region.
func (e *Emulator) registerCACertificate(c *call) (map[string]any, *apiError) {
	p, aerr := requireParams(c, "MqttInstanceId", "CaName", "CaContent", "VerificationContent")
	if aerr != nil {
		return nil, aerr
	}
	inst := p["MqttInstanceId"]
	e.read(func(s *store) { aerr = s.instanceFor(inst, c.accountID, errInstancePermission) })
	if aerr != nil {
		return nil, aerr
	}
	ca, err := parseCertPEM(p["CaContent"])
	if err != nil {
		return nil, errContent("CaContent cannot be parsed: %v.", err)
	}
	if !ca.BasicConstraintsValid || !ca.IsCA {
		return nil, errContent("BasicConstraints extension should be set to true in CA certificate.")
	}
	ver, err := parseCertPEM(p["VerificationContent"])
	if err != nil {
		return nil, errContent("VerificationContent cannot be parsed: %v.", err)
	}
	if err := ver.CheckSignatureFrom(ca); err != nil {
		return nil, errContent("The verification certificate is not signed by the CA certificate: %v.", err)
	}
	code := ver.Subject.CommonName
	sn := SerialSn(ca.SerialNumber)
	rec := CACertificate{
		InstanceID:          inst,
		Sn:                  sn,
		Name:                p["CaName"],
		Status:              "1",
		Content:             p["CaContent"],
		VerificationContent: p["VerificationContent"],
		RegistrationCode:    code,
		ValidBegin:          ca.NotBefore.UTC(),
		ValidEnd:            ca.NotAfter.UTC(),
	}
	apiErr := e.mutateAPI(func(s *store) *apiError {
		if aerr := s.instanceFor(inst, c.accountID, errInstancePermission); aerr != nil {
			return aerr // deleted concurrently
		}
		if current := s.registerCodes[inst]; current == "" || code != current {
			if _, used := s.usedCodes[code]; used {
				return newErr(CodeRegisterCodeUsed, "Register code has been used.")
			}
			return newErr(CodeRegisterCodeError, "Register code error in verification certificate.")
		}
		if len(s.casOf(inst)) >= e.maxCAs {
			return newErr(CodeCANumExceed, "CA certificate num exceed.")
		}
		if _, dup := s.caSerials[s.serialKey(inst, sn)]; dup {
			return newErr(CodeSnNotUnique, "Sn is not unique in global.")
		}
		s.putCA(rec)
		delete(s.registerCodes, inst) // consumed; GetRegisterCode issues a new one
		s.usedCodes[code] = inst
		return nil
	})
	if apiErr != nil {
		return nil, apiErr
	}
	return map[string]any{"Sn": sn}, nil
}

// caParams reads the (MqttInstanceId, Sn) pair every single-CA operation takes.
func (e *Emulator) caParams(c *call) (map[string]string, *apiError) {
	return requireParams(c, "MqttInstanceId", "Sn")
}

func (e *Emulator) getCACertificate(c *call) (map[string]any, *apiError) {
	p, aerr := e.caParams(c)
	if aerr != nil {
		return nil, aerr
	}
	var rec CACertificate
	aerr = e.readOwned(c, p["MqttInstanceId"], func(s *store) *apiError {
		var ok bool
		if rec, ok = s.cas[caKey{p["MqttInstanceId"], p["Sn"]}]; !ok {
			return errCANotFound()
		}
		return nil
	})
	if aerr != nil {
		return nil, aerr
	}
	return map[string]any{"Data": caVO(rec)}, nil
}

// setCAStatus backs Active/InactivateCaCertificate; both are idempotent
// unless Behaviour.StrictStatusChanges (the docs do not say). Inactivating a
// CA does not change its device records' status, but devices can no longer
// be registered through it.
func (e *Emulator) setCAStatus(c *call, status string) (map[string]any, *apiError) {
	p, aerr := e.caParams(c)
	if aerr != nil {
		return nil, aerr
	}
	strict := e.CurrentBehaviour().StrictStatusChanges
	apiErr := e.mutateOwned(c, p["MqttInstanceId"], func(s *store) *apiError {
		k := caKey{p["MqttInstanceId"], p["Sn"]}
		rec, ok := s.cas[k]
		if !ok {
			return errCANotFound()
		}
		if strict && rec.Status == status {
			return errUnchangedStatus("CA", status)
		}
		rec.Status = status
		s.cas[k] = rec
		return nil
	})
	if apiErr != nil {
		return nil, apiErr
	}
	return map[string]any{"Sn": p["Sn"]}, nil
}

func (e *Emulator) activeCACertificate(c *call) (map[string]any, *apiError) {
	return e.setCAStatus(c, "1")
}

func (e *Emulator) inactivateCACertificate(c *call) (map[string]any, *apiError) {
	return e.setCAStatus(c, "0")
}

// deleteCACertificate removes the CA record and frees its serial in the
// instance's region. The device certificates registered under it are deleted
// too, as the reference says, unless Behaviour.KeepDevicesOnCADelete.
func (e *Emulator) deleteCACertificate(c *call) (map[string]any, *apiError) {
	p, aerr := e.caParams(c)
	if aerr != nil {
		return nil, aerr
	}
	keep := e.CurrentBehaviour().KeepDevicesOnCADelete
	apiErr := e.mutateOwned(c, p["MqttInstanceId"], func(s *store) *apiError {
		if _, ok := s.cas[caKey{p["MqttInstanceId"], p["Sn"]}]; !ok {
			return errCANotFound()
		}
		s.deleteCA(p["MqttInstanceId"], p["Sn"], !keep)
		return nil
	})
	if apiErr != nil {
		return nil, apiErr
	}
	return map[string]any{"Sn": p["Sn"]}, nil
}

func (e *Emulator) listCACertificate(c *call) (map[string]any, *apiError) {
	p, aerr := requireParams(c, "MqttInstanceId")
	if aerr != nil {
		return nil, aerr
	}
	pageNo, pageSize, aerr := paging(c)
	if aerr != nil {
		return nil, aerr
	}
	var all []CACertificate
	aerr = e.readOwned(c, p["MqttInstanceId"], func(s *store) *apiError {
		all = s.casOf(p["MqttInstanceId"])
		return nil
	})
	if aerr != nil {
		return nil, aerr
	}
	items, total, aerr := listPage(e.CurrentBehaviour(), all, pageNo, pageSize, errCANotFound)
	if aerr != nil {
		return nil, aerr
	}
	vos := []map[string]any{}
	for _, rec := range items {
		vos = append(vos, caVO(rec))
	}
	return map[string]any{"Data": map[string]any{
		"CaCertificateVOS": vos,
		"PageNo":           pageNo,
		"PageSize":         pageSize,
		"Total":            total,
	}}, nil
}
