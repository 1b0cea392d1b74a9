package mqtt_test

import (
	"fmt"
	"sort"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/apsaramq/terraform-provider-apsaramq/internal/acctest"
	"github.com/apsaramq/terraform-provider-apsaramq/internal/emulator"
)

func TestAccCACertificatesDataSource_filters(t *testing.T) {
	srv := acctest.StartEmulator(t, emulator.Options{})
	// The demo CA ("demo-ca") plus three registered here, one inactive.
	var sns []string
	for i := 0; i < 3; i++ {
		sns = append(sns, acctest.RegisterCA(t, srv, emulator.DemoInstanceID, acctest.NewCA(t, fmt.Sprintf("CA %d", i))))
	}
	acctest.SetCAStatus(t, srv, emulator.DemoInstanceID, sns[0], "inactive")
	all := append([]string{emulator.DemoCASn}, sns...)
	sort.Strings(all)
	ids := func(sns ...string) []knownvalue.Check {
		var out []string
		for _, sn := range sns {
			out = append(out, emulator.DemoInstanceID+":"+sn)
		}
		return stringsExact(out)
	}
	active := []string{}
	for _, sn := range all {
		if sn != sns[0] {
			active = append(active, sn)
		}
	}

	resource.ParallelTest(t, acctest.TestCase(t, resource.TestStep{
		Config: acctest.ProviderBlock(srv, "") + fmt.Sprintf(`
data "apsaramq_mqtt_ca_certificates" "all" {
  instance_id = %[1]q
}

data "apsaramq_mqtt_ca_certificates" "active" {
  instance_id = %[1]q
  status      = "active"
}

data "apsaramq_mqtt_ca_certificates" "demo" {
  instance_id = %[1]q
  name_regex  = "^demo-"
}
`, emulator.DemoInstanceID),
		ConfigStateChecks: []statecheck.StateCheck{
			statecheck.ExpectKnownValue("data.apsaramq_mqtt_ca_certificates.all", tfjsonpath.New("ids"), knownvalue.ListExact(ids(all...))),
			statecheck.ExpectKnownValue("data.apsaramq_mqtt_ca_certificates.active", tfjsonpath.New("ids"), knownvalue.ListExact(ids(active...))),
			statecheck.ExpectKnownValue("data.apsaramq_mqtt_ca_certificates.demo", tfjsonpath.New("certificates"), knownvalue.ListExact([]knownvalue.Check{
				knownvalue.ObjectPartial(map[string]knownvalue.Check{
					"sn":     knownvalue.StringExact(emulator.DemoCASn),
					"name":   knownvalue.StringExact("demo-ca"),
					"status": knownvalue.StringExact("active"),
				}),
			})),
		},
	}))
}
