package mqtt_test

import (
	"fmt"
	"math/rand"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/apsaramq/terraform-provider-apsaramq/internal/acctest"
	"github.com/apsaramq/terraform-provider-apsaramq/internal/emulator"
	"github.com/apsaramq/terraform-provider-apsaramq/internal/onsmqtt/onsmqtttest"
)

// fleetDevices seeds 120 devices under ca-b (even: active "sensor-NNN", odd:
// inactive "gateway-NNN") and 5 active ones under ca-a, in random order.
func fleetDevices(t *testing.T, srv *emulator.Server) []string {
	t.Helper()
	var devs []emulator.DeviceCertificate
	for i := 0; i < 120; i++ {
		d := acctest.Device("ca-b", fmt.Sprintf("b%03d", i), "1")
		d.DeviceName = fmt.Sprintf("sensor-%03d", i)
		if i%2 == 1 {
			d.Status, d.DeviceName = "0", fmt.Sprintf("gateway-%03d", i)
		}
		devs = append(devs, d)
	}
	for i := 0; i < 5; i++ {
		devs = append(devs, acctest.Device("ca-a", fmt.Sprintf("a%d", i), "1"))
	}
	rand.Shuffle(len(devs), func(i, j int) { devs[i], devs[j] = devs[j], devs[i] })
	acctest.PutDevices(t, srv, devs...)
	var ids []string
	for _, d := range devs {
		ids = append(ids, d.InstanceID+":"+d.CASn+":"+d.DeviceSn)
	}
	for _, sn := range []string{emulator.DemoDeviceSn, emulator.DemoDevice2Sn, emulator.DemoInactiveDeviceSn} {
		ids = append(ids, deviceID(emulator.DemoCASn, sn))
	}
	sort.Strings(ids) // ":" sorts the same whatever the parts: (ca_sn, device_sn) order
	return ids
}

// statesOfListed is the configuration of a certificate state resource
// named like the device certificates data source name, setting status on
// every certificate the data source found; count, not for_each, in tests
// (see the docs for the for_each form).
func statesOfListed(name, status string) string {
	return fmt.Sprintf(`
resource "apsaramq_mqtt_device_certificate_state" %[1]q {
  count       = length(data.apsaramq_mqtt_device_certificates.%[1]s.certificates)
  instance_id = data.apsaramq_mqtt_device_certificates.%[1]s.certificates[count.index].instance_id
  ca_sn       = data.apsaramq_mqtt_device_certificates.%[1]s.certificates[count.index].ca_sn
  device_sn   = data.apsaramq_mqtt_device_certificates.%[1]s.certificates[count.index].device_sn
  status      = %[2]q
}
`, name, status)
}

func stringsExact(ss []string) []knownvalue.Check {
	out := make([]knownvalue.Check, len(ss))
	for i, s := range ss {
		out[i] = knownvalue.StringExact(s)
	}
	return out
}

func TestAccDeviceCertificatesDataSource_pagesFiltersAndCount(t *testing.T) {
	srv := acctest.StartEmulator(t, emulator.Options{})
	allIDs := fleetDevices(t, srv)
	var inactiveGateways []string
	for i := 1; i < 120; i += 2 {
		inactiveGateways = append(inactiveGateways, deviceID("ca-b", fmt.Sprintf("b%03d", i)))
	}
	cfg := acctest.ProviderBlock(srv, "") + fmt.Sprintf(`
data "apsaramq_mqtt_device_certificates" "all" {
  instance_id = %[1]q
}

data "apsaramq_mqtt_device_certificates" "gateways" {
  instance_id = %[1]q
  ca_sn       = "ca-b"
  status      = "inactive"
  name_regex  = "^gateway-"
}

data "apsaramq_mqtt_device_certificates" "sensors_1x" {
  instance_id = %[1]q
  ca_sn       = "ca-b"
  name_regex  = "^sensor-01[0-9]$"
}

data "apsaramq_mqtt_device_certificates" "ca_a" {
  instance_id = %[1]q
  ca_sn       = "ca-a"
}
`, emulator.DemoInstanceID) + statesOfListed("ca_a", "inactive")

	resource.ParallelTest(t, acctest.TestCase(t, resource.TestStep{
		PreConfig: srv.ResetCounters,
		Config:    cfg,
		ConfigStateChecks: []statecheck.StateCheck{
			// 128 certificates: two pages of ListDeviceCertificate, in (ca_sn, device_sn) order.
			statecheck.ExpectKnownValue("data.apsaramq_mqtt_device_certificates.all", tfjsonpath.New("ids"), knownvalue.ListExact(stringsExact(allIDs))),
			statecheck.ExpectKnownValue("data.apsaramq_mqtt_device_certificates.all", tfjsonpath.New("id"), knownvalue.StringExact(emulator.DemoInstanceID)),
			statecheck.ExpectKnownValue("data.apsaramq_mqtt_device_certificates.all", tfjsonpath.New("region"), knownvalue.StringExact(emulator.DemoRegion)),
			statecheck.ExpectKnownValue("data.apsaramq_mqtt_device_certificates.all", tfjsonpath.New("certificates").AtSliceIndex(0),
				knownvalue.ObjectPartial(map[string]knownvalue.Check{
					"ca_sn":           knownvalue.StringExact(emulator.DemoCASn),
					"device_sn":       knownvalue.StringExact(emulator.DemoDeviceSn),
					"device_name":     knownvalue.StringExact("sensor-001"),
					"status":          knownvalue.StringExact("active"),
					"id":              knownvalue.StringExact(deviceID(emulator.DemoCASn, emulator.DemoDeviceSn)),
					"valid_until":     knownvalue.StringRegexp(regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$`)),
					"certificate_pem": knownvalue.StringRegexp(regexp.MustCompile(`^-----BEGIN CERTIFICATE-----`)),
				})),
			statecheck.ExpectKnownValue("data.apsaramq_mqtt_device_certificates.gateways", tfjsonpath.New("ids"), knownvalue.ListExact(stringsExact(inactiveGateways))),
			statecheck.ExpectKnownValue("data.apsaramq_mqtt_device_certificates.gateways", tfjsonpath.New("id"), knownvalue.StringExact(emulator.DemoInstanceID+":ca-b")),
			statecheck.ExpectKnownValue("data.apsaramq_mqtt_device_certificates.sensors_1x", tfjsonpath.New("ids"), knownvalue.ListExact(stringsExact([]string{
				deviceID("ca-b", "b010"), deviceID("ca-b", "b012"), deviceID("ca-b", "b014"), deviceID("ca-b", "b016"), deviceID("ca-b", "b018"),
			}))),
			statecheck.ExpectKnownValue("apsaramq_mqtt_device_certificate_state.ca_a[4]", tfjsonpath.New("device_sn"), knownvalue.StringExact("a4")),
			acctest.CheckFunc(func() error {
				for i := 0; i < 5; i++ {
					if err := acctest.CheckEmulatorDeviceStatus(srv, "ca-a", fmt.Sprintf("a%d", i), "0")(nil); err != nil {
						return err
					}
				}
				if n := srv.Calls()["ListDeviceCertificate"]; n < 2 {
					return fmt.Errorf("128 certificates need two pages, ListDeviceCertificate was called %d times", n)
				}
				return nil
			}),
		},
	}))
}

func TestAccDeviceCertificatesDataSource_invalidFiltersMakeNoAPICall(t *testing.T) {
	srv := acctest.StartEmulator(t, emulator.Options{})
	cases := map[string]struct{ instance, extra, want string }{
		"bad regex":    {emulator.DemoInstanceID, `name_regex = "sensor-(["`, `(?s)name_regex\s+is\s+not\s+a\s+valid\s+regular\s+expression`},
		"bad status":   {emulator.DemoInstanceID, `status = "enabled"`, `status value must be one of`},
		"bad ca_sn":    {emulator.DemoInstanceID, `ca_sn = "a b"`, `ca_sn must not contain whitespace`},
		"bad region":   {emulator.DemoInstanceID, `region = "Hangzhou"`, `(?s)region\s+must\s+look\s+like\s+cn-hangzhou`},
		"bad instance": {"kafka-cn-1", "", `instance_id must look like`},
		"bad timeouts": {emulator.DemoInstanceID, `timeouts = { read = "soon" }`, `(?s)Invalid Attribute Value Time Duration`},
	}
	for name, tc := range cases {
		t.Run(strings.ReplaceAll(name, " ", "_"), func(t *testing.T) {
			resource.Test(t, acctest.TestCase(t, resource.TestStep{
				Config: acctest.ProviderBlock(srv, "") + fmt.Sprintf(`
data "apsaramq_mqtt_device_certificates" "x" {
  instance_id = %q
  %s
}
`, tc.instance, tc.extra),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(tc.want),
			}))
		})
	}
	if err := acctest.CheckNoAPICalls(srv); err != nil {
		t.Error(err)
	}
}

// The list follows the data source's region, and an instance of another
// region is reported not found there.
func TestAccDeviceCertificatesDataSource_region(t *testing.T) {
	srv := acctest.StartEmulatorWithSeed(t, onsmqtttest.FleetSeed(), emulator.Options{})
	acctest.PutDevices(t, srv,
		emulator.DeviceCertificate{InstanceID: onsmqtttest.SecondInstanceID, CASn: "ca-sh", DeviceSn: "sh1", Status: "1"},
		emulator.DeviceCertificate{InstanceID: onsmqtttest.SecondInstanceID, CASn: "ca-sh", DeviceSn: "sh2", Status: "0"})
	resource.ParallelTest(t, acctest.TestCase(t,
		resource.TestStep{
			Config: acctest.ProviderBlock(srv, "") + fmt.Sprintf(`
data "apsaramq_mqtt_device_certificates" "sh" {
  region      = %q
  instance_id = %q
}
`, onsmqtttest.SecondRegion, onsmqtttest.SecondInstanceID),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.apsaramq_mqtt_device_certificates.sh", tfjsonpath.New("ids"), knownvalue.ListExact(stringsExact([]string{
					onsmqtttest.SecondInstanceID + ":ca-sh:sh1", onsmqtttest.SecondInstanceID + ":ca-sh:sh2",
				}))),
				statecheck.ExpectKnownValue("data.apsaramq_mqtt_device_certificates.sh", tfjsonpath.New("region"), knownvalue.StringExact(onsmqtttest.SecondRegion)),
			},
		},
		resource.TestStep{
			Config: acctest.ProviderBlock(srv, "") + fmt.Sprintf(`
data "apsaramq_mqtt_device_certificates" "sh" {
  instance_id = %q
}
`, onsmqtttest.SecondInstanceID),
			ExpectError: regexp.MustCompile(`(?s)Unable to List Device Certificates.*MqttInstanceNotFound`),
		},
	))
}
