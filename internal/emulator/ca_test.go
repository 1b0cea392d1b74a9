package emulator_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/apsaramq/terraform-provider-apsaramq/internal/emulator"
)

func registerCode(t *testing.T, c *client, instance string) string {
	t.Helper()
	code := digStr(c.mustCall("GetRegisterCode", map[string]string{"MqttInstanceId": instance}), "RegisterCode")
	if len(code) < 36 {
		t.Fatalf("RegisterCode %q", code)
	}
	return code
}

func newCA(t *testing.T, serial int64) *emulator.TestCA {
	t.Helper()
	var sn *big.Int
	if serial != 0 {
		sn = big.NewInt(serial)
	}
	ca, err := emulator.NewTestCAWithSerial("test CA", sn)
	if err != nil {
		t.Fatal(err)
	}
	return ca
}

func verification(t *testing.T, ca *emulator.TestCA, code string) string {
	t.Helper()
	v, err := ca.IssueVerification(code)
	if err != nil {
		t.Fatal(err)
	}
	return string(v.CertPEM)
}

func registerParams(ca *emulator.TestCA, name, verPEM string) map[string]string {
	return map[string]string{"MqttInstanceId": emulator.DemoInstanceID, "CaName": name, "CaContent": string(ca.CertPEM), "VerificationContent": verPEM}
}

// selfSigned makes a certificate with crypto/x509 directly: isCA controls
// BasicConstraints.
func selfSigned(t *testing.T, cn string, isCA bool) string {
	t.Helper()
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(time.Now().UnixNano()), Subject: pkix.Name{CommonName: cn},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		BasicConstraintsValid: isCA, IsCA: isCA, KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}))
}

func TestRegisterCACertificateLifecycle(t *testing.T) {
	srv := startServer(t, emulator.Options{})
	c := demoClient(t, srv)

	code := registerCode(t, c, emulator.DemoInstanceID)
	if again := registerCode(t, c, emulator.DemoInstanceID); again != code {
		t.Fatalf("pending code changed between calls: %q -> %q", code, again)
	}
	ca := newCA(t, 0x7e57ca01)
	ver := verification(t, ca, code)
	out := c.mustCall("RegisterCaCertificate", registerParams(ca, "my-ca", ver))
	if sn := digStr(out, "Sn"); sn != "7e57ca01" || sn != ca.Sn() {
		t.Fatalf("Sn = %q, want 7e57ca01", sn)
	}
	// The code is consumed: a new one is issued.
	if next := registerCode(t, c, emulator.DemoInstanceID); next == code {
		t.Fatal("register code not rotated after a successful registration")
	}

	get := c.mustCall("GetCaCertificate", map[string]string{"MqttInstanceId": emulator.DemoInstanceID, "Sn": "7e57ca01"})
	want := map[string]string{
		"CaContent": string(ca.CertPEM), "CaName": "my-ca", "RegistrationCode": code, "Sn": "7e57ca01", "Status": "1",
		"ValidBegin":          strconv.FormatInt(ca.Cert.NotBefore.UnixMilli(), 10),
		"ValidEnd":            strconv.FormatInt(ca.Cert.NotAfter.UnixMilli(), 10),
		"VerificationContent": ver,
	}
	for k, v := range want {
		if got := digStr(get, "Data", k); got != v {
			t.Errorf("Data.%s = %q, want %q", k, got, v)
		}
	}

	caKey := map[string]string{"MqttInstanceId": emulator.DemoInstanceID, "Sn": "7e57ca01"}
	for _, step := range []struct{ action, want string }{
		{"InactivateCaCertificate", "0"}, {"InactivateCaCertificate", "0"}, {"ActiveCaCertificate", "1"}, {"ActiveCaCertificate", "1"},
	} {
		if sn := digStr(c.mustCall(step.action, caKey), "Sn"); sn != "7e57ca01" {
			t.Fatalf("%s Sn = %q", step.action, sn)
		}
		if s := digStr(c.mustCall("GetCaCertificate", caKey), "Data", "Status"); s != step.want {
			t.Fatalf("after %s Status = %q", step.action, s)
		}
	}

	list := c.mustCall("ListCaCertificate", map[string]string{"MqttInstanceId": emulator.DemoInstanceID, "PageNo": "1", "PageSize": "10"})
	vos := dig(list, "Data", "CaCertificateVOS").([]any)
	if dig(list, "Data", "Total") != float64(2) || len(vos) != 2 {
		t.Fatalf("ListCaCertificate = %v", dig(list, "Data"))
	}
	if vos[0].(map[string]any)["Sn"] != emulator.DemoCASn || vos[1].(map[string]any)["Sn"] != "7e57ca01" || len(vos[1].(map[string]any)) != 8 {
		t.Fatalf("CA list order/fields: %v", vos)
	}
	page2 := c.mustCall("ListCaCertificate", map[string]string{"MqttInstanceId": emulator.DemoInstanceID, "PageNo": "2", "PageSize": "1"})
	if v := dig(page2, "Data", "CaCertificateVOS").([]any); len(v) != 1 || v[0].(map[string]any)["Sn"] != "7e57ca01" {
		t.Fatalf("page 2 = %v", v)
	}
	_, err := c.call("ListCaCertificate", map[string]string{"MqttInstanceId": emulator.DemoInstanceID, "PageNo": "1", "PageSize": "101"})
	expectCode(t, err, "ParameterFieldCheckFailed", 400)

	if sn := digStr(c.mustCall("DeleteCaCertificate", caKey), "Sn"); sn != "7e57ca01" {
		t.Fatalf("Delete Sn = %q", sn)
	}
	for _, action := range []string{"GetCaCertificate", "DeleteCaCertificate", "ActiveCaCertificate", "InactivateCaCertificate"} {
		_, err := c.call(action, caKey)
		expectCode(t, err, "FindCaBySnError", 400)
	}
	// The old code stays "used" after the CA that consumed it is gone.
	_, err = c.call("RegisterCaCertificate", registerParams(ca, "again", ver))
	expectCode(t, err, "RegisterCodeUsed", 401)
	// Deleting freed the serial: it registers again with a fresh code.
	fresh := registerCode(t, c, emulator.DemoInstanceID)
	c.mustCall("RegisterCaCertificate", registerParams(ca, "again", verification(t, ca, fresh)))
}

func TestRegisterCACertificateErrors(t *testing.T) {
	srv := startServer(t, emulator.Options{MaxCAsPerInstance: 3}) // demo CA + 2
	c := demoClient(t, srv)
	code := registerCode(t, c, emulator.DemoInstanceID)
	ca := newCA(t, 0)
	other := newCA(t, 0)

	// Not a CA: BasicConstraints missing.
	notCA := selfSigned(t, "leaf", false)
	p := registerParams(ca, "x", verification(t, ca, code))
	p["CaContent"] = notCA
	_, err := c.call("RegisterCaCertificate", p)
	expectCode(t, err, "CertificateContentError", 401)

	// Garbage PEMs.
	p = registerParams(ca, "x", "not a pem")
	_, err = c.call("RegisterCaCertificate", p)
	expectCode(t, err, "CertificateContentError", 401)
	p = registerParams(ca, "x", verification(t, ca, code))
	p["CaContent"] = "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"
	_, err = c.call("RegisterCaCertificate", p)
	expectCode(t, err, "CertificateContentError", 401)

	// Verification signed by another CA's key.
	_, err = c.call("RegisterCaCertificate", registerParams(ca, "x", verification(t, other, code)))
	expectCode(t, err, "CertificateContentError", 401)

	// Wrong code in the CN, and a code from a different instance.
	_, err = c.call("RegisterCaCertificate", registerParams(ca, "x", verification(t, ca, "not-the-code")))
	expectCode(t, err, "RegisterCodeError", 400)
	oc := otherClient(t, srv)
	otherCode := registerCode(t, oc, emulator.OtherInstanceID)
	_, err = c.call("RegisterCaCertificate", registerParams(ca, "x", verification(t, ca, otherCode)))
	expectCode(t, err, "RegisterCodeError", 400)

	// Missing params.
	for _, drop := range []string{"MqttInstanceId", "CaName", "CaContent", "VerificationContent"} {
		p := registerParams(ca, "x", verification(t, ca, code))
		delete(p, drop)
		_, err := c.call("RegisterCaCertificate", p)
		expectCode(t, err, "ParameterFieldCheckFailed", 400)
	}
	// Another account's instance: RegisterCaCertificate's reference lists
	// InstancePermissionCheckFailed (400, in legacy mode too); the other
	// operations keep MqttOwnerCheckError.
	p = registerParams(ca, "x", verification(t, ca, code))
	p["MqttInstanceId"] = emulator.OtherInstanceID
	_, err = c.call("RegisterCaCertificate", p)
	expectCode(t, err, "InstancePermissionCheckFailed", 400)
	srv.SetLegacyStatuses(true)
	_, err = c.call("RegisterCaCertificate", p)
	expectCode(t, err, "InstancePermissionCheckFailed", 400)
	srv.SetLegacyStatuses(false)
	_, err = c.call("GetRegisterCode", map[string]string{"MqttInstanceId": emulator.OtherInstanceID})
	expectCode(t, err, "MqttOwnerCheckError", 403)
	_, err = c.call("GetRegisterCode", map[string]string{"MqttInstanceId": "post-cn-none"})
	expectCode(t, err, "MqttInstanceNotFound", 400)
	_, err = c.call("GetRegisterCode", map[string]string{})
	expectCode(t, err, "ParameterFieldCheckFailed", 400)

	// Nothing above consumed the code: it registers now.
	c.mustCall("RegisterCaCertificate", registerParams(ca, "ok", verification(t, ca, code)))
	// Reusing the consumed code.
	ca2 := newCA(t, 0)
	_, err = c.call("RegisterCaCertificate", registerParams(ca2, "x", verification(t, ca2, code)))
	expectCode(t, err, "RegisterCodeUsed", 401)

	// Duplicate serial on another account's instance of the same region: a
	// CA is registered with only one instance per region, across accounts.
	dup, err := emulator.NewTestCAWithSerial("dup", ca.Cert.SerialNumber)
	if err != nil {
		t.Fatal(err)
	}
	op := registerParams(dup, "dup", verification(t, dup, otherCode))
	op["MqttInstanceId"] = emulator.OtherInstanceID
	_, err = oc.call("RegisterCaCertificate", op)
	expectCode(t, err, "SnNotUnique", 401)
	demoDup, _ := emulator.NewTestCAWithSerial("dup-demo", big.NewInt(0x3a7f1c0de0000001))
	code = registerCode(t, c, emulator.DemoInstanceID)
	_, err = c.call("RegisterCaCertificate", registerParams(demoDup, "dup", verification(t, demoDup, code)))
	expectCode(t, err, "SnNotUnique", 401)

	// Third CA fills the instance (limit 3), the fourth exceeds it.
	ca3 := newCA(t, 0)
	c.mustCall("RegisterCaCertificate", registerParams(ca3, "third", verification(t, ca3, code)))
	code = registerCode(t, c, emulator.DemoInstanceID)
	ca4 := newCA(t, 0)
	_, err = c.call("RegisterCaCertificate", registerParams(ca4, "fourth", verification(t, ca4, code)))
	expectCode(t, err, "CaNumExceed", 401)
	count := 0
	for _, rec := range srv.Snapshot().CAs {
		if rec.InstanceID == emulator.DemoInstanceID {
			count++
		}
	}
	if count != 3 {
		t.Fatalf("demo instance has %d CAs, want 3", count)
	}
}

func TestCAOperationParameterChecks(t *testing.T) {
	srv := startServer(t, emulator.Options{})
	c := demoClient(t, srv)
	for _, action := range []string{"GetCaCertificate", "ActiveCaCertificate", "InactivateCaCertificate", "DeleteCaCertificate"} {
		_, err := c.call(action, map[string]string{"MqttInstanceId": emulator.DemoInstanceID})
		expectCode(t, err, "ParameterFieldCheckFailed", 400)
		_, err = c.call(action, map[string]string{"MqttInstanceId": emulator.DemoInstanceID, "Sn": strings.Repeat("€", 43)})
		expectCode(t, err, "ParameterFieldCheckFailed", 400)
		_, err = c.call(action, map[string]string{"MqttInstanceId": emulator.OtherInstanceID, "Sn": emulator.OtherCASn})
		expectCode(t, err, "MqttOwnerCheckError", 403)
		_, err = c.call(action, map[string]string{"MqttInstanceId": "post-cn-zzz", "Sn": emulator.DemoCASn})
		expectCode(t, err, "MqttInstanceNotFound", 400)
	}
	if ca, ok := srv.CA(emulator.OtherInstanceID, emulator.OtherCASn); !ok || ca.Status != "1" {
		t.Fatalf("other account's CA changed: %+v", ca)
	}
}
