package mqtt_test

import (
	"fmt"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/apsaramq/terraform-provider-apsaramq/internal/acctest"
	"github.com/apsaramq/terraform-provider-apsaramq/internal/emulator"
)

func TestAccDeviceCertificateDataSource_basic(t *testing.T) {
	srv := acctest.StartEmulator(t, emulator.Options{})
	const addr = "data.apsaramq_mqtt_device_certificate.test"
	config := func(deviceSn string) string {
		return acctest.ProviderBlock(srv, "") + fmt.Sprintf(`
data "apsaramq_mqtt_device_certificate" "test" {
  instance_id = %q
  ca_sn       = %q
  device_sn   = %q
}
`, emulator.DemoInstanceID, emulator.DemoCASn, deviceSn)
	}
	resource.ParallelTest(t, acctest.TestCase(t,
		resource.TestStep{
			Config: config(emulator.DemoInactiveDeviceSn),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(addr, tfjsonpath.New("id"), knownvalue.StringExact(deviceID(emulator.DemoCASn, emulator.DemoInactiveDeviceSn))),
				statecheck.ExpectKnownValue(addr, tfjsonpath.New("status"), knownvalue.StringExact("inactive")),
				statecheck.ExpectKnownValue(addr, tfjsonpath.New("device_name"), knownvalue.StringExact("sensor-retired")),
				statecheck.ExpectKnownValue(addr, tfjsonpath.New("region"), knownvalue.StringExact(emulator.DemoRegion)),
				statecheck.ExpectKnownValue(addr, tfjsonpath.New("certificate_pem"), knownvalue.StringRegexp(regexp.MustCompile(`^-----BEGIN CERTIFICATE-----`))),
				statecheck.ExpectKnownValue(addr, tfjsonpath.New("valid_from"), knownvalue.StringRegexp(regexp.MustCompile(`^\d{4}-\d\d-\d\dT`))),
			},
		},
		resource.TestStep{
			Config:      config("never-connected"),
			ExpectError: regexp.MustCompile(`(?s)Device Certificate Not Registered.*FindDeviceBySnError`),
		},
	))
}
