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

func TestAccCACertificateDataSource_basic(t *testing.T) {
	srv := acctest.StartEmulator(t, emulator.Options{})
	ca := acctest.NewCA(t, "read CA")
	sn := acctest.RegisterCA(t, srv, emulator.DemoInstanceID, ca)
	const addr = "data.apsaramq_mqtt_ca_certificate.test"
	config := func(sn string) string {
		return acctest.ProviderBlock(srv, "") + fmt.Sprintf(`
data "apsaramq_mqtt_ca_certificate" "test" {
  instance_id = %q
  sn          = %q
}
`, emulator.DemoInstanceID, sn)
	}
	resource.ParallelTest(t, acctest.TestCase(t,
		resource.TestStep{
			Config: config(sn),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(addr, tfjsonpath.New("id"), knownvalue.StringExact(emulator.DemoInstanceID+":"+sn)),
				statecheck.ExpectKnownValue(addr, tfjsonpath.New("name"), knownvalue.StringExact("registered-by-test")),
				statecheck.ExpectKnownValue(addr, tfjsonpath.New("status"), knownvalue.StringExact("active")),
				statecheck.ExpectKnownValue(addr, tfjsonpath.New("ca_certificate_pem"), knownvalue.StringExact(string(ca.CertPEM))),
				statecheck.ExpectKnownValue(addr, tfjsonpath.New("registration_code"), knownvalue.StringRegexp(regexp.MustCompile(`^[0-9a-f-]{36}\d{10}$`))),
				statecheck.ExpectKnownValue(addr, tfjsonpath.New("verification_certificate_pem"), knownvalue.StringRegexp(regexp.MustCompile(`^-----BEGIN CERTIFICATE-----`))),
			},
		},
		resource.TestStep{
			Config:      config("ffff0000"),
			ExpectError: regexp.MustCompile(`(?s)Unable to Read CA Certificate.*FindCaBySnError.*check\s+ca_sn`),
		},
	))
}
