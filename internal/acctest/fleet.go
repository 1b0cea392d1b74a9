package acctest

import (
	"context"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/apsaramq/terraform-provider-apsaramq/internal/emulator"
	"github.com/apsaramq/terraform-provider-apsaramq/internal/onsmqtt"
)

// A second region of the demo account, for per-resource region tests.
const (
	SecondRegion     = "cn-shanghai"
	SecondInstanceID = "post-cn-shanghai01"
)

// FleetSeed is the demo seed plus SecondInstanceID (demo account, SecondRegion).
func FleetSeed() emulator.Seed {
	seed := emulator.DemoSeed()
	seed.Instances = append(seed.Instances, emulator.Instance{ID: SecondInstanceID, AccountID: emulator.DemoAccountID, Region: SecondRegion})
	return seed
}

// NewCA makes a CA certificate (BasicConstraints CA=true) with crypto/x509.
func NewCA(t *testing.T, cn string) *emulator.TestCA {
	t.Helper()
	ca, err := emulator.NewTestCA(cn)
	if err != nil {
		t.Fatalf("making CA %q: %v", cn, err)
	}
	return ca
}

// Issue signs a certificate with ca: a device certificate, or with
// verification the verification certificate whose CN is a registration code.
func Issue(t *testing.T, ca *emulator.TestCA, cn string, verification bool) *emulator.IssuedCert {
	t.Helper()
	issue := ca.IssueDevice
	if verification {
		issue = ca.IssueVerification
	}
	c, err := issue(cn)
	if err != nil {
		t.Fatalf("issuing %q: %v", cn, err)
	}
	return c
}

// DemoDevice issues a new device certificate under the demo CA, which
// RegisterDevicePEM accepts on the demo instance.
func DemoDevice(t *testing.T, cn string) *emulator.IssuedCert {
	t.Helper()
	ca, err := emulator.DemoCA()
	if err != nil {
		t.Fatal(err)
	}
	return Issue(t, ca, cn, false)
}

// ConnectDeviceAfter makes the device "connect" (RegisterDevicePEM) after d
// in the background, as a device coming online during an apply. The
// returned channel receives the outcome; the timer stops with the test.
func ConnectDeviceAfter(t *testing.T, srv *emulator.Server, instanceID string, certPEM []byte, d time.Duration) <-chan error {
	t.Helper()
	done := make(chan error, 1)
	timer := time.AfterFunc(d, func() {
		_, err := srv.RegisterDevicePEM(instanceID, certPEM)
		done <- err
	})
	t.Cleanup(func() { timer.Stop() })
	return done
}

// CaptureAttr copies an attribute of a resource or data source in state
// into dst, for later steps that build inputs from it.
func CaptureAttr(addr, attr string, dst *string) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		rs, ok := s.RootModule().Resources[addr]
		if !ok {
			return fmt.Errorf("%s is not in state", addr)
		}
		v, ok := rs.Primary.Attributes[attr]
		if !ok || v == "" {
			return fmt.Errorf("%s has no %s", addr, attr)
		}
		*dst = v
		return nil
	}
}

// WriteFile writes content to path or fails the test; configs read such
// files with file() so a later step can use material made during the test.
func WriteFile(t *testing.T, path string, content []byte) {
	t.Helper()
	if err := os.WriteFile(path, content, 0o600); err != nil {
		t.Fatal(err)
	}
}

// Client is an API client of the demo account on srv, for test set-up that
// goes through the API like a user would (not through Terraform).
func Client(t *testing.T, srv *emulator.Server) *onsmqtt.Client {
	t.Helper()
	ep, err := onsmqtt.ParseEndpoint(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	c, err := onsmqtt.New(onsmqtt.Config{
		Region:      emulator.DemoRegion,
		Endpoint:    ep,
		Credentials: onsmqtt.Credentials{AccessKeyID: emulator.DemoAccessKeyID, AccessKeySecret: emulator.DemoAccessKeySecret},
	})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// RegisterCode fetches the instance's current registration code through the API.
func RegisterCode(t *testing.T, srv *emulator.Server, instanceID string) string {
	t.Helper()
	code, err := Client(t, srv).GetRegisterCode(context.Background(), instanceID)
	if err != nil {
		t.Fatal(err)
	}
	return code
}

// CheckEmulatorCA checks the CA record the emulator holds: status "1"/"0",
// or "" for "must not exist".
func CheckEmulatorCA(srv *emulator.Server, instanceID, sn, status string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		ca, ok := srv.CA(instanceID, sn)
		switch {
		case status == "" && ok:
			return fmt.Errorf("CA %s is still registered on %s", sn, instanceID)
		case status == "":
			return nil
		case !ok:
			return fmt.Errorf("CA %s is not registered on %s", sn, instanceID)
		case ca.Status != status:
			return fmt.Errorf("CA %s: emulator holds status %q, want %q", sn, ca.Status, status)
		}
		return nil
	}
}

// RegisterCA registers ca on the instance through the API (with a fresh
// registration code) and returns its SN.
func RegisterCA(t *testing.T, srv *emulator.Server, instanceID string, ca *emulator.TestCA) string {
	t.Helper()
	c := Client(t, srv)
	ver := Issue(t, ca, RegisterCode(t, srv, instanceID), true)
	sn, err := c.RegisterCaCertificate(context.Background(), onsmqtt.RegisterCaInput{
		InstanceID: instanceID, Name: "registered-by-test", CaPEM: string(ca.CertPEM), VerificationPEM: string(ver.CertPEM),
	})
	if err != nil {
		t.Fatal(err)
	}
	return sn
}

// DeleteCA deregisters a CA through the API, as someone using the console would.
func DeleteCA(t *testing.T, srv *emulator.Server, instanceID, sn string) {
	t.Helper()
	if err := Client(t, srv).DeleteCaCertificate(context.Background(), onsmqtt.CaKey{InstanceID: instanceID, Sn: sn}); err != nil {
		t.Fatal(err)
	}
}

// SetCAStatus changes a CA's status through the API ("active"/"inactive").
func SetCAStatus(t *testing.T, srv *emulator.Server, instanceID, sn, status string) {
	t.Helper()
	if err := Client(t, srv).SetCaCertificateStatus(context.Background(), onsmqtt.CaKey{InstanceID: instanceID, Sn: sn}, onsmqtt.Status(status)); err != nil {
		t.Fatal(err)
	}
}
