package mqtt_test

import (
	"errors"
	"fmt"
	"path/filepath"
	"regexp"
	"sort"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/apsaramq/terraform-provider-apsaramq/internal/acctest"
	"github.com/apsaramq/terraform-provider-apsaramq/internal/emulator"
)

// The whole X.509 device-auth setup in Terraform, as a user builds it:
// registration code (data source) → CA and verification certificates made
// with crypto/x509 → CA resource → devices connect → the list data source
// finds them → state resources manage them → destroy deregisters the CA.
func TestAccFleet_fullChain(t *testing.T) {
	srv := acctest.StartEmulator(t, emulator.Options{})
	dir := t.TempDir()
	caFile, verFile := filepath.Join(dir, "ca.pem"), filepath.Join(dir, "verification.pem")
	var code, caSn string
	var ca *emulator.TestCA
	var devices []*emulator.IssuedCert

	codeBlock := fmt.Sprintf(`
data "apsaramq_mqtt_register_code" "code" {
  instance_id = %q
}
`, emulator.DemoInstanceID)
	caBlock := fmt.Sprintf(`
resource "apsaramq_mqtt_ca_certificate" "fleet" {
  instance_id                  = %q
  name                         = "fleet-ca"
  ca_certificate_pem           = file(%s)
  verification_certificate_pem = file(%s)
}
`, emulator.DemoInstanceID, acctest.HCLString(caFile), acctest.HCLString(verFile))
	listBlock := fmt.Sprintf(`
data "apsaramq_mqtt_device_certificates" "fleet" {
  instance_id = %q
  ca_sn       = apsaramq_mqtt_ca_certificate.fleet.sn
}
`, emulator.DemoInstanceID)
	stateBlock := statesOfListed("fleet", "inactive")
	provider := acctest.ProviderBlock(srv, "")
	sortedDeviceSns := func() []string {
		var sns []string
		for _, d := range devices {
			sns = append(sns, d.Sn)
		}
		sort.Strings(sns)
		return sns
	}

	tc := acctest.TestCase(t,
		resource.TestStep{
			// 1. The instance's registration code.
			Config: provider + codeBlock,
			Check:  acctest.CaptureAttr("data.apsaramq_mqtt_register_code.code", "register_code", &code),
		},
		resource.TestStep{
			// 2. A CA and its verification certificate, made with crypto/x509 for that code; the CA resource registers them.
			PreConfig: func() {
				ca = acctest.NewCA(t, "Fleet Root CA")
				acctest.WriteFile(t, caFile, ca.CertPEM)
				acctest.WriteFile(t, verFile, acctest.Issue(t, ca, code, true).CertPEM)
			},
			Config: provider + codeBlock + caBlock,
			Check: resource.ComposeAggregateTestCheckFunc(
				acctest.CaptureAttr("apsaramq_mqtt_ca_certificate.fleet", "sn", &caSn),
				func(s *terraform.State) error {
					return acctest.CheckEmulatorCA(srv, emulator.DemoInstanceID, caSn, "1")(s)
				},
				resource.TestCheckResourceAttrPtr("apsaramq_mqtt_ca_certificate.fleet", "registration_code", &code),
			),
		},
		resource.TestStep{
			// 3. Two devices connect with certificates the CA signed; the list data source finds them.
			PreConfig: func() {
				for _, cn := range []string{"truck-017", "truck-042"} {
					d := acctest.Issue(t, ca, cn, false)
					if _, err := srv.RegisterDevicePEM(emulator.DemoInstanceID, d.CertPEM); err != nil {
						t.Fatalf("device %s could not connect: %v", cn, err)
					}
					devices = append(devices, d)
				}
			},
			Config: provider + codeBlock + caBlock + listBlock,
			ConfigStateChecks: []statecheck.StateCheck{
				acctest.CheckFunc(func() error {
					if caSn == "" || len(devices) != 2 {
						return errors.New("earlier steps did not run")
					}
					return nil
				}),
				statecheck.ExpectKnownValue("data.apsaramq_mqtt_device_certificates.fleet", tfjsonpath.New("certificates"),
					knownvalue.ListSizeExact(2)),
			},
			Check: func(s *terraform.State) error {
				attrs := s.RootModule().Resources["data.apsaramq_mqtt_device_certificates.fleet"].Primary.Attributes
				for i, sn := range sortedDeviceSns() {
					if got := attrs[fmt.Sprintf("certificates.%d.device_sn", i)]; got != sn {
						return fmt.Errorf("certificates[%d].device_sn = %q, want %q", i, got, sn)
					}
					if got := attrs[fmt.Sprintf("certificates.%d.ca_sn", i)]; got != caSn {
						return fmt.Errorf("certificates[%d].ca_sn = %q, want %q", i, got, caSn)
					}
				}
				return nil
			},
		},
		resource.TestStep{
			// 4. State resources take over every certificate under the CA and inactivate them.
			Config: provider + codeBlock + caBlock + listBlock + stateBlock,
			Check: func(s *terraform.State) error {
				for _, d := range devices {
					if err := acctest.CheckEmulatorDeviceStatus(srv, caSn, d.Sn, "0")(s); err != nil {
						return err
					}
					// The broker now refuses the device.
					if _, err := srv.RegisterDevicePEM(emulator.DemoInstanceID, d.CertPEM); !errors.Is(err, emulator.ErrConflict) {
						return fmt.Errorf("an inactivated device could still connect: %v", err)
					}
				}
				return nil
			},
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("apsaramq_mqtt_device_certificate_state.fleet[0]", tfjsonpath.New("device_name"),
					knownvalue.StringRegexp(regexp.MustCompile(`^truck-0(17|42)$`))),
				statecheck.ExpectKnownValue("apsaramq_mqtt_device_certificate_state.fleet[1]", tfjsonpath.New("status"), knownvalue.StringExact("inactive")),
			},
		},
	)
	tc.CheckDestroy = func(*terraform.State) error {
		if err := acctest.CheckEmulatorCA(srv, emulator.DemoInstanceID, caSn, "")(nil); err != nil {
			return err
		}
		// Deleting the CA deletes the device registrations under it
		// (the API reference says so; the emulator follows it).
		for _, d := range devices {
			if _, ok := srv.Device(emulator.DemoInstanceID, caSn, d.Sn); ok {
				return fmt.Errorf("device %s is still registered after its CA was deleted", d.Sn)
			}
		}
		return nil
	}
	resource.ParallelTest(t, tc)
}
