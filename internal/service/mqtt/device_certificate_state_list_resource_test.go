package mqtt_test

import (
	"fmt"
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

const deviceListAddr = "apsaramq_mqtt_device_certificate_state.fleet"

// 250 certificates under one CA: one result each, from three list calls (the
// pager reads 100 per page), with or without include_resource; the list
// block's limit (100 by default) cuts the results, not the reads; the status
// filter and the instance-wide listing; bad filters refused before any call.
func TestAccDeviceCertificateStateList_query(t *testing.T) {
	srv := acctest.StartEmulator(t, emulator.Options{})
	var fleet []emulator.DeviceCertificate
	inactive := 0
	for i := range 250 {
		status := "1"
		if i%5 == 0 {
			status, inactive = "0", inactive+1
		}
		fleet = append(fleet, acctest.Device("ca01", fmt.Sprintf("f%04d", i), status))
	}
	acctest.PutDevices(t, srv, fleet...)
	srv.ResetCounters()

	cfg := func(config, extra string) string {
		return queryFile(srv, listBlock("apsaramq_mqtt_device_certificate_state", "fleet",
			fmt.Sprintf("instance_id = %q\n    %s", emulator.DemoInstanceID, config), extra))
	}
	identity := func(caSn, sn string) map[string]knownvalue.Check {
		return map[string]knownvalue.Check{
			"instance_id": knownvalue.StringExact(emulator.DemoInstanceID),
			"ca_sn":       knownvalue.StringExact(caSn),
			"device_sn":   knownvalue.StringExact(sn),
			"region":      knownvalue.StringExact(emulator.DemoRegion),
		}
	}
	refused := func(config, want string) resource.TestStep {
		return resource.TestStep{Query: true, Config: cfg(config, ""), ExpectError: regexp.MustCompile(want)}
	}
	resource.ParallelTest(t, queryTestCase(t,
		queryStep(cfg(`ca_sn = "ca01"`, "limit = 1000"),
			querycheck.ExpectLength(deviceListAddr, 250),
			querycheck.ExpectIdentity(deviceListAddr, identity("ca01", "f0249")),
			querycheck.ExpectResourceDisplayName(deviceListAddr, queryfilter.ByResourceIdentity(identity("ca01", "f0007")),
				knownvalue.StringExact("device-f0007 (f0007, active)")),
			queryCalls{srv, map[string]int64{"ListDeviceCertificateByCaSn": 3}},
		),
		// The engine keeps 100 (its default limit): the provider still
		// read the whole CA, to say how many there are.
		queryStep(cfg(`ca_sn = "ca01"`, ""),
			querycheck.ExpectLength(deviceListAddr, 100),
			querycheck.ExpectIdentity(deviceListAddr, identity("ca01", "f0099")),
			queryCalls{srv, map[string]int64{"ListDeviceCertificateByCaSn": 3}},
		),
		queryStep(cfg(`ca_sn = "ca01"`+"\n    "+`status = "inactive"`, "include_resource = true\n  limit = 1000"),
			querycheck.ExpectLength(deviceListAddr, inactive),
			querycheck.ExpectResourceKnownValues(deviceListAddr, queryfilter.ByResourceIdentity(identity("ca01", "f0005")), []querycheck.KnownValueCheck{
				{Path: tfjsonpath.New("id"), KnownValue: knownvalue.StringExact(emulator.DemoInstanceID + ":ca01:f0005")},
				{Path: tfjsonpath.New("status"), KnownValue: knownvalue.StringExact("inactive")},
				{Path: tfjsonpath.New("device_name"), KnownValue: knownvalue.StringExact("device-f0005")},
				{Path: tfjsonpath.New("region"), KnownValue: knownvalue.StringExact(emulator.DemoRegion)},
				{Path: tfjsonpath.New("wait_for_registration"), KnownValue: knownvalue.Bool(false)},
				{Path: tfjsonpath.New("valid_until"), KnownValue: knownvalue.StringRegexp(regexp.MustCompile(`^\d{4}-\d\d-\d\dT`))},
			}),
			queryCalls{srv, map[string]int64{"ListDeviceCertificateByCaSn": 3}},
		),
		// Every CA of the instance: the demo CA's three and ca01's 250.
		queryStep(cfg("", "limit = 1000"),
			querycheck.ExpectLength(deviceListAddr, 253),
			querycheck.ExpectIdentity(deviceListAddr, identity(emulator.DemoCASn, emulator.DemoInactiveDeviceSn)),
			queryCalls{srv, map[string]int64{"ListDeviceCertificate": 3}},
		),
		refused(`status = "enabled"`, `(?s)Attribute status value must be one of`),
		refused(`ca_sn = "ca01:f0001"`, `(?s)ca_sn must not contain ':'`),
		refused(`region = "Hangzhou"`, `(?s)region must look like cn-hangzhou`),
	))
	if err := acctest.CheckNoAPICalls(srv); err != nil {
		t.Fatalf("a refused list config reached the API: %v", err)
	}
}
