package acctest

import (
	"testing"
	"time"

	"github.com/apsaramq/terraform-provider-apsaramq/internal/emulator"
)

// Certificates made with crypto/x509 for tests: CAs, device and verification
// certificates, and devices that "connect" during a test.

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

// ConnectDeviceWhen makes the device "connect" (RegisterDevicePEM) in the
// background as soon as ready reports true, as a device coming online during
// an apply: tie ready to what the test needs to have happened first (create
// having found the certificate missing, say) rather than to a delay, which a
// busy machine can outlast. The returned channel receives the outcome;
// polling stops with the test.
func ConnectDeviceWhen(t *testing.T, srv *emulator.Server, instanceID string, certPEM []byte, ready func() bool) <-chan error {
	t.Helper()
	done := make(chan error, 1)
	stop := make(chan struct{})
	t.Cleanup(func() { close(stop) })
	go func() {
		tick := time.NewTicker(20 * time.Millisecond)
		defer tick.Stop()
		for !ready() {
			select {
			case <-stop:
				return
			case <-tick.C:
			}
		}
		_, err := srv.RegisterDevicePEM(instanceID, certPEM)
		done <- err
	}()
	return done
}
