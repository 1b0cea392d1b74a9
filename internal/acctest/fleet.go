package acctest

import (
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/apsaramq/terraform-provider-apsaramq/internal/emulator"
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
