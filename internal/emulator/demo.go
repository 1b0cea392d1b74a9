package emulator

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"encoding/hex"
	"math/big"
	"sync"
)

// Demo identities. The key pair is public on purpose: it only ever works
// against this emulator.
const (
	DemoAccountID       = "1234567890123456"
	DemoAccessKeyID     = "LTAI5tEmulatorDemoKey001"
	DemoAccessKeySecret = "EmulatorDemoSecretDoNotUseInProd01"
	DemoInstanceID      = "post-cn-demo0001"
	DemoRegion          = "cn-hangzhou"
	DemoRoleName        = "terraform"
	DemoRoleArn         = "acs:ram::" + DemoAccountID + ":role/" + DemoRoleName

	OtherAccountID       = "6543210987654321"
	OtherAccessKeyID     = "LTAI5tEmulatorOtherKey01"
	OtherAccessKeySecret = "EmulatorOtherSecretDoNotUseInProd1"
	OtherInstanceID      = "post-cn-other0001"

	// Serial numbers are fixed so SNs are stable across runs even though
	// the key material is generated at first use.
	DemoCASn             = "3a7f1c0de0000001"
	DemoDeviceSn         = "5d1e0000000000a1" // active
	DemoDevice2Sn        = "5d1e0000000000a2" // active
	DemoInactiveDeviceSn = "5d1e0000000000a3" // inactive
	OtherCASn            = "3a7f1c0de0000002"
	OtherDeviceSn        = "5d1e0000000000b1"
)

var demo struct {
	once    sync.Once
	ca      *TestCA
	otherCA *TestCA
	devices []*IssuedCert // a1, a2, a3
	other   *IssuedCert
	err     error
}

func mustSerial(hex string) *big.Int {
	n, ok := new(big.Int).SetString(hex, 16)
	if !ok {
		panic("bad demo serial " + hex)
	}
	return n
}

// demoCAKey is the demo CA's private key (P-256, raw), fixed and published
// like the demo access key: it signs nothing but certificates for this
// emulator. Being the same in every process, it lets a device certificate
// minted elsewhere (onsmqtt-emulator -issue-device) be accepted by a running
// emulator's demo CA, whose certificate is still made anew in each process.
const demoCAKey = "58d45040dbe166546d7fc0b501879d678c1177001effc083bf028afa56cdfa4e"

// demoMaterial generates the demo certificates once per process. The demo
// CA's key is demoCAKey; the other keys are random (key generation ignores
// custom randomness in current Go), and the serials are fixed.
func demoMaterial() error {
	demo.once.Do(func() {
		raw, err := hex.DecodeString(demoCAKey)
		if err != nil {
			demo.err = err
			return
		}
		key, err := ecdsa.ParseRawPrivateKey(elliptic.P256(), raw)
		if err != nil {
			demo.err = err
			return
		}
		if demo.ca, demo.err = newTestCA("ApsaraMQ Emulator Demo CA", mustSerial(DemoCASn), key); demo.err != nil {
			return
		}
		if demo.otherCA, demo.err = NewTestCAWithSerial("ApsaraMQ Emulator Other CA", mustSerial(OtherCASn)); demo.err != nil {
			return
		}
		for i, sn := range []string{DemoDeviceSn, DemoDevice2Sn, DemoInactiveDeviceSn} {
			var d *IssuedCert
			if d, demo.err = demo.ca.IssueDeviceWithSerial([]string{"sensor-001", "sensor-002", "sensor-retired"}[i], mustSerial(sn)); demo.err != nil {
				return
			}
			demo.devices = append(demo.devices, d)
		}
		demo.other, demo.err = demo.otherCA.IssueDeviceWithSerial("other-device", mustSerial(OtherDeviceSn))
	})
	return demo.err
}

// DemoCA returns the CA (with its private key) behind DemoSeed's demo CA
// record, so callers can issue more device certificates that
// RegisterDevicePEM accepts on the demo instance, also in an emulator running
// in another process (the key is the same everywhere).
func DemoCA() (*TestCA, error) {
	if err := demoMaterial(); err != nil {
		return nil, err
	}
	return demo.ca, nil
}

// DemoSeed is a small, ready-to-use world: the demo account (key pair,
// role "terraform", instance post-cn-demo0001 in cn-hangzhou with one active
// CA and three device certificates, one inactive) and a second account
// "other" with its own key, instance, CA and device. It panics only if the
// system's random source fails.
func DemoSeed() Seed {
	if err := demoMaterial(); err != nil {
		panic("emulator: generating demo certificates: " + err.Error())
	}
	ca := func(inst, name string, t *TestCA) CACertificate {
		return CACertificate{
			InstanceID: inst, Sn: t.Sn(), Name: name, Status: "1", Content: string(t.CertPEM),
			ValidBegin: t.Cert.NotBefore.UTC(), ValidEnd: t.Cert.NotAfter.UTC(),
		}
	}
	dev := func(inst, caSn string, c *IssuedCert, status string) DeviceCertificate {
		return DeviceCertificate{
			InstanceID: inst, CASn: caSn, DeviceSn: c.Sn, DeviceName: c.Cert.Subject.CommonName,
			Status: status, Content: string(c.CertPEM),
			ValidBegin: c.Cert.NotBefore.UTC(), ValidEnd: c.Cert.NotAfter.UTC(),
		}
	}
	return Seed{
		Accounts: []Account{
			{ID: DemoAccountID, AccessKeys: []AccessKey{{ID: DemoAccessKeyID, Secret: DemoAccessKeySecret}}, Roles: []Role{{Name: DemoRoleName}}},
			{ID: OtherAccountID, AccessKeys: []AccessKey{{ID: OtherAccessKeyID, Secret: OtherAccessKeySecret}}, Roles: []Role{}},
		},
		Instances: []Instance{
			{ID: DemoInstanceID, AccountID: DemoAccountID, Region: DemoRegion},
			{ID: OtherInstanceID, AccountID: OtherAccountID, Region: DemoRegion},
		},
		CAs: []CACertificate{
			ca(DemoInstanceID, "demo-ca", demo.ca),
			ca(OtherInstanceID, "other-ca", demo.otherCA),
		},
		Devices: []DeviceCertificate{
			dev(DemoInstanceID, DemoCASn, demo.devices[0], "1"),
			dev(DemoInstanceID, DemoCASn, demo.devices[1], "1"),
			dev(DemoInstanceID, DemoCASn, demo.devices[2], "0"),
			dev(OtherInstanceID, OtherCASn, demo.other, "1"),
		},
	}
}
