package emulator_test

import (
	"crypto/x509"
	"encoding/asn1"
	"encoding/hex"
	"encoding/pem"
	"math/big"
	"strings"
	"testing"

	"github.com/apsaramq/terraform-provider-apsaramq/internal/emulator"
)

// derSerialHex reads the serial number straight out of the certificate's
// DER (TBSCertificate: [0] version, then the serial INTEGER) and returns its
// content octets in hex, independently of emulator.SerialSn.
func derSerialHex(t *testing.T, cert *x509.Certificate) string {
	t.Helper()
	var tbs struct {
		Version int `asn1:"optional,explicit,default:0,tag:0"`
		Serial  asn1.RawValue
	}
	if _, err := asn1.Unmarshal(cert.RawTBSCertificate, &tbs); err != nil {
		t.Fatalf("parsing TBSCertificate: %v", err)
	}
	if tbs.Serial.Tag != asn1.TagInteger {
		t.Fatalf("second TBSCertificate element has tag %d, want INTEGER", tbs.Serial.Tag)
	}
	return hex.EncodeToString(tbs.Serial.Bytes)
}

func TestSerialSnIsTheDERIntegerContent(t *testing.T) {
	// Worked examples of the DER INTEGER rule (X.690 8.3): minimal two's
	// complement, a 00 pad when the high bit is set, two digits per byte.
	for in, want := range map[int64]string{
		0: "00", 1: "01", 0x0a: "0a", 0x7f: "7f", 0x80: "0080", 0xff: "00ff", 0x100: "0100",
		0x0a12: "0a12", -1: "ff", -128: "80", -129: "ff7f",
	} {
		if got := emulator.SerialSn(big.NewInt(in)); got != want {
			t.Errorf("SerialSn(%#x) = %q, want %q", in, got, want)
		}
	}

	ca, err := emulator.NewTestCA("serial CA")
	if err != nil {
		t.Fatal(err)
	}
	for _, first := range []byte{0x80, 0xf2, 0x0a, 0x01, 0x7f, 0x10} {
		serial, err := emulator.SerialWithFirstByte(first)
		if err != nil {
			t.Fatal(err)
		}
		dev, err := ca.IssueDeviceWithSerial("d", serial)
		if err != nil {
			t.Fatal(err)
		}
		der := derSerialHex(t, dev.Cert)
		if dev.Sn != der || emulator.SerialSn(dev.Cert.SerialNumber) != der {
			t.Errorf("first byte %#x: Sn %q, DER serial %q", first, dev.Sn, der)
		}
		if len(der)%2 != 0 {
			t.Errorf("first byte %#x: odd-length Sn %q", first, der)
		}
		wantPrefix := hex.EncodeToString([]byte{first})
		if first&0x80 != 0 {
			wantPrefix = "00" + wantPrefix
		}
		if !strings.HasPrefix(der, wantPrefix) {
			t.Errorf("first byte %#x: Sn %q does not start with %q", first, der, wantPrefix)
		}
	}
	if _, err := emulator.SerialWithFirstByte(0); err == nil {
		t.Error("SerialWithFirstByte(0) accepted")
	}
}

// Random serials cover both the "00…" and the "0x…" renderings.
func TestRandomSerialsCoverLeadingZeroRenderings(t *testing.T) {
	ca, err := emulator.NewTestCA("random serials")
	if err != nil {
		t.Fatal(err)
	}
	var padded, lowNibble bool
	for i := 0; i < 200 && (!padded || !lowNibble); i++ {
		d, err := ca.IssueDevice("d")
		if err != nil {
			t.Fatal(err)
		}
		if d.Sn != derSerialHex(t, d.Cert) {
			t.Fatalf("Sn %q, DER %q", d.Sn, derSerialHex(t, d.Cert))
		}
		padded = padded || strings.HasPrefix(d.Sn, "00")
		lowNibble = lowNibble || (d.Sn[0] == '0' && d.Sn[1] != '0')
	}
	if !padded || !lowNibble {
		t.Fatalf("200 random serials: a 00-padded one: %v, one below 0x10: %v", padded, lowNibble)
	}
}

// The API answers the rendered Sn for registered CAs and connecting devices.
func TestSnRenderingOverTheAPI(t *testing.T) {
	srv := startServer(t, emulator.Options{})
	c := demoClient(t, srv)
	highSerial, _ := emulator.SerialWithFirstByte(0xf2)
	ca, err := emulator.NewTestCAWithSerial("high-bit CA", highSerial)
	if err != nil {
		t.Fatal(err)
	}
	out := c.mustCall("RegisterCaCertificate", registerParams(ca, "high", verification(t, ca, registerCode(t, c, emulator.DemoInstanceID))))
	caSn := digStr(out, "Sn")
	if caSn != derSerialHex(t, ca.Cert) || !strings.HasPrefix(caSn, "00f2") {
		t.Fatalf("registered CA Sn %q, DER serial %q", caSn, derSerialHex(t, ca.Cert))
	}

	lowSerial, _ := emulator.SerialWithFirstByte(0x0a)
	dev, err := ca.IssueDeviceWithSerial("low-nibble device", lowSerial)
	if err != nil {
		t.Fatal(err)
	}
	rec, err := srv.RegisterDevicePEM(emulator.DemoInstanceID, dev.CertPEM)
	if err != nil {
		t.Fatal(err)
	}
	if rec.DeviceSn != derSerialHex(t, dev.Cert) || !strings.HasPrefix(rec.DeviceSn, "0a") || rec.CASn != caSn {
		t.Fatalf("registered device %s/%s, DER serial %s", rec.CASn, rec.DeviceSn, derSerialHex(t, dev.Cert))
	}
	got := c.mustCall("GetDeviceCertificate", map[string]string{"MqttInstanceId": emulator.DemoInstanceID, "CaSn": caSn, "DeviceSn": rec.DeviceSn})
	if digStr(got, "Data", "DeviceSn") != rec.DeviceSn || digStr(got, "Data", "CaSn") != caSn {
		t.Fatalf("GetDeviceCertificate Data = %v", dig(got, "Data"))
	}
}

// The demo seed's fixed SNs are what its certificates' serials render to.
func TestDemoSeedSnsMatchTheirCertificates(t *testing.T) {
	ca, err := emulator.DemoCA()
	if err != nil {
		t.Fatal(err)
	}
	if ca.Sn() != emulator.DemoCASn || derSerialHex(t, ca.Cert) != emulator.DemoCASn {
		t.Fatalf("DemoCA Sn %q, DER %q, constant %q", ca.Sn(), derSerialHex(t, ca.Cert), emulator.DemoCASn)
	}
	certOf := func(p string) *x509.Certificate {
		block, _ := pem.Decode([]byte(p))
		if block == nil {
			t.Fatal("seed record without PEM content")
		}
		c, err := x509.ParseCertificate(block.Bytes)
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	seed := emulator.DemoSeed()
	for _, rec := range seed.CAs {
		if der := derSerialHex(t, certOf(rec.Content)); rec.Sn != der {
			t.Errorf("seed CA Sn %q, its certificate's serial %q", rec.Sn, der)
		}
	}
	want := map[string]bool{emulator.DemoDeviceSn: true, emulator.DemoDevice2Sn: true, emulator.DemoInactiveDeviceSn: true, emulator.OtherDeviceSn: true}
	for _, d := range seed.Devices {
		if der := derSerialHex(t, certOf(d.Content)); d.DeviceSn != der {
			t.Errorf("seed device Sn %q, its certificate's serial %q", d.DeviceSn, der)
		}
		delete(want, d.DeviceSn)
	}
	if len(want) != 0 {
		t.Errorf("demo device constants not in the seed: %v", want)
	}
}
