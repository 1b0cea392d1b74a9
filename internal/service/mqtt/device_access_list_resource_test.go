package mqtt_test

import (
	"fmt"
	"math/big"
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

const accessListAddr = "apsaramq_mqtt_device_access.instance"

// One device access per CA of the instance. Without include_resource only
// the CAs are listed (one call, no certificate read); with it, each CA's
// certificates are read once (the demo CA's 3 in one call, the second CA's
// 120 in two) into devices with their current status; the list block's
// limit also bounds those reads; a bad region is refused before any call.
func TestAccDeviceAccessList_query(t *testing.T) {
	srv := acctest.StartEmulator(t, emulator.Options{})
	// A serial above the demo CA's, so that the demo CA is listed first.
	second, err := emulator.NewTestCAWithSerial("second CA", big.NewInt(0x7e0000000000))
	if err != nil {
		t.Fatal(err)
	}
	secondSn := acctest.RegisterCA(t, srv, emulator.DemoInstanceID, second)
	var fleet []emulator.DeviceCertificate
	for i := range 120 {
		fleet = append(fleet, acctest.Device(secondSn, fmt.Sprintf("s%04d", i), "1"))
	}
	acctest.PutDevices(t, srv, fleet...)
	srv.ResetCounters()

	cfg := func(config, extra string) string {
		return queryFile(srv, listBlock("apsaramq_mqtt_device_access", "instance",
			fmt.Sprintf("instance_id = %q\n    %s", emulator.DemoInstanceID, config), extra))
	}
	identity := func(caSn string) map[string]knownvalue.Check {
		return map[string]knownvalue.Check{
			"instance_id": knownvalue.StringExact(emulator.DemoInstanceID),
			"ca_sn":       knownvalue.StringExact(caSn),
			"region":      knownvalue.StringExact(emulator.DemoRegion),
		}
	}
	resource.ParallelTest(t, queryTestCase(t,
		queryStep(cfg("", ""),
			querycheck.ExpectLength(accessListAddr, 2),
			querycheck.ExpectIdentity(accessListAddr, identity(emulator.DemoCASn)),
			querycheck.ExpectIdentity(accessListAddr, identity(secondSn)),
			querycheck.ExpectResourceDisplayName(accessListAddr, queryfilter.ByResourceIdentity(identity(secondSn)),
				knownvalue.StringExact("CA registered-by-test ("+secondSn+")")),
			queryCalls{srv, map[string]int64{"ListCaCertificate": 1}},
		),
		queryStep(cfg("", "include_resource = true"),
			querycheck.ExpectLength(accessListAddr, 2),
			querycheck.ExpectResourceKnownValues(accessListAddr, queryfilter.ByResourceIdentity(identity(emulator.DemoCASn)), []querycheck.KnownValueCheck{
				{Path: tfjsonpath.New("id"), KnownValue: knownvalue.StringExact(emulator.DemoInstanceID + ":" + emulator.DemoCASn)},
				{Path: tfjsonpath.New("devices"), KnownValue: knownvalue.MapExact(map[string]knownvalue.Check{
					emulator.DemoDeviceSn:         knownvalue.StringExact("active"),
					emulator.DemoDevice2Sn:        knownvalue.StringExact("active"),
					emulator.DemoInactiveDeviceSn: knownvalue.StringExact("inactive"),
				})},
				{Path: tfjsonpath.New("unlisted_devices"), KnownValue: knownvalue.StringExact("ignore")},
				{Path: tfjsonpath.New("allow_unregistered_devices"), KnownValue: knownvalue.Bool(false)},
				{Path: tfjsonpath.New("unlisted_device_statuses"), KnownValue: knownvalue.MapExact(map[string]knownvalue.Check{})},
				{Path: tfjsonpath.New("registered_count"), KnownValue: knownvalue.Int64Exact(3)},
				{Path: tfjsonpath.New("inactive_count"), KnownValue: knownvalue.Int64Exact(1)},
				{Path: tfjsonpath.New("region"), KnownValue: knownvalue.StringExact(emulator.DemoRegion)},
			}),
			querycheck.ExpectResourceKnownValues(accessListAddr, queryfilter.ByResourceIdentity(identity(secondSn)), []querycheck.KnownValueCheck{
				{Path: tfjsonpath.New("registered_count"), KnownValue: knownvalue.Int64Exact(120)},
				{Path: tfjsonpath.New("devices").AtMapKey("s0119"), KnownValue: knownvalue.StringExact("active")},
			}),
			queryCalls{srv, map[string]int64{"ListCaCertificate": 1, "ListDeviceCertificateByCaSn": 1 + 2}},
		),
		// The engine wants one result: the second CA's certificates are not read.
		queryStep(cfg("", "include_resource = true\n  limit = 1"),
			querycheck.ExpectLength(accessListAddr, 1),
			querycheck.ExpectIdentity(accessListAddr, identity(emulator.DemoCASn)),
			queryCalls{srv, map[string]int64{"ListCaCertificate": 1, "ListDeviceCertificateByCaSn": 1}},
		),
		resource.TestStep{Query: true, Config: cfg(`region = "cn_hangzhou"`, ""), ExpectError: regexp.MustCompile(`(?s)region must look like cn-hangzhou`)},
	))
	if err := acctest.CheckNoAPICalls(srv); err != nil {
		t.Fatalf("the refused list config reached the API: %v", err)
	}
}
