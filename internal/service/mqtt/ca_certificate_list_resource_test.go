package mqtt_test

import (
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/querycheck"
	"github.com/hashicorp/terraform-plugin-testing/querycheck/queryfilter"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/apsaramq/terraform-provider-apsaramq/internal/acctest"
	"github.com/apsaramq/terraform-provider-apsaramq/internal/emulator"
)

const caListAddr = "apsaramq_mqtt_ca_certificate.all"

// One result per CA of the instance, with the resource's identity; with
// include_resource the resource as an import reads it. Either way one
// ListCaCertificate call, and a bad instance_id is refused before any call.
func TestAccCACertificateList_query(t *testing.T) {
	srv := acctest.StartEmulator(t, emulator.Options{})
	otherSn := acctest.RegisterCA(t, srv, emulator.DemoInstanceID, acctest.NewCA(t, "list CA"))
	srv.ResetCounters()
	identity := func(sn string) map[string]knownvalue.Check {
		return map[string]knownvalue.Check{
			"instance_id": knownvalue.StringExact(emulator.DemoInstanceID),
			"sn":          knownvalue.StringExact(sn),
			"region":      knownvalue.StringExact(emulator.DemoRegion),
		}
	}
	cfg := func(instanceID, extra string) string {
		return queryFile(srv, listBlock("apsaramq_mqtt_ca_certificate", "all", `instance_id = "`+instanceID+`"`, extra))
	}
	resource.ParallelTest(t, queryTestCase(t,
		queryStep(cfg(emulator.DemoInstanceID, ""),
			querycheck.ExpectLength(caListAddr, 2),
			querycheck.ExpectIdentity(caListAddr, identity(emulator.DemoCASn)),
			querycheck.ExpectIdentity(caListAddr, identity(otherSn)),
			querycheck.ExpectResourceDisplayName(caListAddr, queryfilter.ByResourceIdentity(identity(emulator.DemoCASn)),
				knownvalue.StringExact("demo-ca ("+emulator.DemoCASn+", active)")),
			queryCalls{srv, map[string]int64{"ListCaCertificate": 1}},
		),
		queryStep(cfg(emulator.DemoInstanceID, "include_resource = true"),
			querycheck.ExpectLength(caListAddr, 2),
			querycheck.ExpectResourceKnownValues(caListAddr, queryfilter.ByResourceIdentity(identity(otherSn)), []querycheck.KnownValueCheck{
				{Path: tfjsonpath.New("id"), KnownValue: knownvalue.StringExact(emulator.DemoInstanceID + ":" + otherSn)},
				{Path: tfjsonpath.New("name"), KnownValue: knownvalue.StringExact("registered-by-test")},
				{Path: tfjsonpath.New("status"), KnownValue: knownvalue.StringExact("active")},
				{Path: tfjsonpath.New("region"), KnownValue: knownvalue.StringExact(emulator.DemoRegion)},
				{Path: tfjsonpath.New("ca_certificate_pem"), KnownValue: knownvalue.StringRegexp(regexp.MustCompile(`^-----BEGIN CERTIFICATE-----`))},
				{Path: tfjsonpath.New("verification_certificate_pem"), KnownValue: knownvalue.StringRegexp(regexp.MustCompile(`^-----BEGIN CERTIFICATE-----`))},
				{Path: tfjsonpath.New("registration_code"), KnownValue: knownvalue.NotNull()},
			}),
			queryCalls{srv, map[string]int64{"ListCaCertificate": 1}},
		),
		resource.TestStep{
			Query:       true,
			Config:      cfg("i-not-an-mqtt-instance", ""),
			ExpectError: regexp.MustCompile(`(?s)instance_id must look like post-cn-xxxxxxxx`),
		},
	))
	if err := acctest.CheckNoAPICalls(srv); err != nil {
		t.Fatalf("the refused list config reached the API: %v", err)
	}
}
