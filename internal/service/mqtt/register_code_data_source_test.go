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
	"github.com/apsaramq/terraform-provider-apsaramq/internal/onsmqtt/onsmqtttest"
)

// The code is the instance's current one, per region; another account's
// instance is refused with what to do.
func TestAccRegisterCodeDataSource_basic(t *testing.T) {
	srv := acctest.StartEmulatorWithSeed(t, onsmqtttest.FleetSeed(), emulator.Options{})
	hz := acctest.RegisterCode(t, srv, emulator.DemoInstanceID)
	resource.ParallelTest(t, acctest.TestCase(t,
		resource.TestStep{
			Config: acctest.ProviderBlock(srv, "") + fmt.Sprintf(`
data "apsaramq_mqtt_register_code" "hz" {
  instance_id = %q
}

data "apsaramq_mqtt_register_code" "sh" {
  instance_id = %q
  region      = %q
}
`, emulator.DemoInstanceID, onsmqtttest.SecondInstanceID, onsmqtttest.SecondRegion),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.apsaramq_mqtt_register_code.hz", tfjsonpath.New("register_code"), knownvalue.StringExact(hz)),
				statecheck.ExpectKnownValue("data.apsaramq_mqtt_register_code.hz", tfjsonpath.New("id"), knownvalue.StringExact(emulator.DemoInstanceID)),
				statecheck.ExpectKnownValue("data.apsaramq_mqtt_register_code.sh", tfjsonpath.New("region"), knownvalue.StringExact(onsmqtttest.SecondRegion)),
				statecheck.ExpectKnownValue("data.apsaramq_mqtt_register_code.sh", tfjsonpath.New("register_code"),
					knownvalue.StringRegexp(regexp.MustCompile(`^[0-9a-f-]{36}\d{10}$`))),
			},
		},
		resource.TestStep{
			Config: acctest.ProviderBlock(srv, "") + fmt.Sprintf(`
data "apsaramq_mqtt_register_code" "other" {
  instance_id = %q
}
`, emulator.OtherInstanceID),
			ExpectError: regexp.MustCompile(`(?s)Unable to Read the Registration Code.*MqttOwnerCheckError.*another\s+Alibaba\s+Cloud\s+account`),
		},
	))
}
