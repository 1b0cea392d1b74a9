package mqtt_test

import (
	"fmt"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/apsaramq/terraform-provider-apsaramq/internal/acctest"
	"github.com/apsaramq/terraform-provider-apsaramq/internal/emulator"
)

func stateValue(attr string, v knownvalue.Check) statecheck.StateCheck {
	return statecheck.ExpectKnownValue(accessAddr, tfjsonpath.New(attr), v)
}

func planValue(attr string, v knownvalue.Check) plancheck.PlanCheck {
	return plancheck.ExpectKnownValue(accessAddr, tfjsonpath.New(attr), v)
}

func counts(registered, active, inactive, unlisted int64) []statecheck.StateCheck {
	return []statecheck.StateCheck{
		stateValue("registered_count", knownvalue.Int64Exact(registered)),
		stateValue("active_count", knownvalue.Int64Exact(active)),
		stateValue("inactive_count", knownvalue.Int64Exact(inactive)),
		stateValue("unlisted_count", knownvalue.Int64Exact(unlisted)),
	}
}

func statuses(m map[string]string) knownvalue.Check {
	checks := map[string]knownvalue.Check{}
	for k, v := range m {
		checks[k] = knownvalue.StringExact(v)
	}
	return knownvalue.MapExact(checks)
}

// "ignore": the listed devices are held, the others left alone; a change to
// a listed device outside Terraform is drift, to an unlisted one it is not.
// Keys keep the user's spelling (D01 names the certificate d01).
func TestAccDeviceAccess_unlistedIgnore(t *testing.T) {
	srv := acctest.StartEmulator(t, emulator.Options{})
	seed(t, srv.Emulator, "ca01", map[string]string{"d01": "active", "d02": "active", "d03": "inactive", "d04": "active"})
	cfg := accessConfig(acctest.ProviderBlock(srv, ""), "ca01", map[string]string{"D01": "inactive", "d02": "active"}, "")

	tc := acctest.TestCase(t,
		resource.TestStep{
			PreConfig: srv.ResetCounters,
			Config:    cfg,
			Check: resource.ComposeAggregateTestCheckFunc(
				acctest.CheckCalls(srv, map[string]int64{"ListDeviceCertificateByCaSn": 1, "InactivateDeviceCertificate": 1}),
				apiCheck(srv.Emulator, "ca01", map[string]string{"d01": "inactive", "d02": "active", "d03": "inactive", "d04": "active"}),
			),
			ConfigStateChecks: append(counts(4, 2, 2, 2),
				stateValue("id", knownvalue.StringExact(emulator.DemoInstanceID+":ca01")),
				stateValue("devices", statuses(map[string]string{"D01": "inactive", "d02": "active"})),
				stateValue("unlisted_device_statuses", statuses(map[string]string{"d03": "inactive", "d04": "active"})),
				stateValue("unregistered_devices", knownvalue.SetExact([]knownvalue.Check{})),
				stateValue("unlisted_devices", knownvalue.StringExact("ignore")),
				stateValue("region", knownvalue.StringExact(emulator.DemoRegion)),
			),
		},
		// Someone activates the unlisted d03 (not ours) and inactivates the
		// listed d02 (drift): the plan shows d02 only, with one list call.
		planAfterChange(srv, cfg, func() {
			mustSetStatus(t, srv.Emulator, "ca01", "d03", "1")
			mustSetStatus(t, srv.Emulator, "ca01", "d02", "0")
		},
			plancheck.ExpectResourceAction(accessAddr, plancheck.ResourceActionUpdate),
			expectChange{"devices", "d02", "inactive", "active"},
			expectChange{"unlisted_device_statuses", "d03", "active", "active"},
			planValue("active_count", knownvalue.Int64Exact(3)),
		),
		resource.TestStep{
			PreConfig: srv.ResetCounters,
			Config:    cfg,
			Check: resource.ComposeAggregateTestCheckFunc(
				acctest.CheckCalls(srv, map[string]int64{"ListDeviceCertificateByCaSn": 2, "ActiveDeviceCertificate": 1}),
				apiCheck(srv.Emulator, "ca01", map[string]string{"d02": "active", "d03": "active"}),
			),
		},
	)
	// Destroy inactivates the listed certificates only.
	tc.CheckDestroy = apiCheck(srv.Emulator, "ca01", map[string]string{"d01": "inactive", "d02": "inactive", "d03": "active", "d04": "active"})
	resource.ParallelTest(t, tc)
}

// planAfterChange is acctest.PlanAfterChange for device access: its
// refresh lists the CA once.
func planAfterChange(srv *emulator.Server, cfg string, change func(), checks ...plancheck.PlanCheck) resource.TestStep {
	return acctest.PlanAfterChange(cfg, func() {
		change()
		srv.ResetCounters()
	}, append([]plancheck.PlanCheck{callsCheck{srv.Emulator, map[string]int64{"ListDeviceCertificateByCaSn": 1}}}, checks...)...)
}

func mustSetStatus(t *testing.T, e *emulator.Emulator, caSn, sn, status string) {
	t.Helper()
	if err := e.SetDeviceStatus(emulator.DemoInstanceID, caSn, sn, status); err != nil {
		t.Fatal(err)
	}
}

// Default deny: every unlisted certificate is inactivated, and a device that
// registers itself after the apply shows in the next plan by serial number
// (active -> inactive) and is inactivated by the next apply.
func TestAccDeviceAccess_defaultDenyNewcomer(t *testing.T) {
	srv := acctest.StartEmulator(t, emulator.Options{})
	cfg := accessConfig(acctest.ProviderBlock(srv, ""), emulator.DemoCASn, map[string]string{emulator.DemoDeviceSn: "active"}, `unlisted_devices = "inactive"`)
	newcomer := acctest.DemoDevice(t, "sensor-newcomer")

	resource.ParallelTest(t, acctest.TestCase(t,
		resource.TestStep{
			PreConfig: srv.ResetCounters,
			Config:    cfg,
			// The plan of the create lists the CA and names what it changes;
			// the apply lists it twice (the engine's final plan, the create).
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				callsCheck{srv.Emulator, map[string]int64{"ListDeviceCertificateByCaSn": 1}},
				expectChange{"unlisted_device_statuses", emulator.DemoDevice2Sn, "", "inactive"},
				expectChange{"unlisted_device_statuses", emulator.DemoInactiveDeviceSn, "", "inactive"},
			}},
			Check: resource.ComposeAggregateTestCheckFunc(
				acctest.CheckCalls(srv, map[string]int64{"ListDeviceCertificateByCaSn": 2, "InactivateDeviceCertificate": 1}),
				apiCheck(srv.Emulator, emulator.DemoCASn, map[string]string{
					emulator.DemoDeviceSn: "active", emulator.DemoDevice2Sn: "inactive", emulator.DemoInactiveDeviceSn: "inactive",
				}),
			),
			ConfigStateChecks: append(counts(3, 1, 2, 2),
				stateValue("unlisted_device_statuses", statuses(map[string]string{emulator.DemoDevice2Sn: "inactive", emulator.DemoInactiveDeviceSn: "inactive"}))),
		},
		planAfterChange(srv, cfg, func() {
			if _, err := srv.RegisterDevicePEM(emulator.DemoInstanceID, newcomer.CertPEM); err != nil {
				t.Fatalf("the newcomer could not connect: %v", err)
			}
		},
			plancheck.ExpectResourceAction(accessAddr, plancheck.ResourceActionUpdate),
			expectChange{"unlisted_device_statuses", newcomer.Sn, "active", "inactive"},
			// Counts are known at plan time, not "(known after apply)".
			planValue("registered_count", knownvalue.Int64Exact(4)),
			planValue("active_count", knownvalue.Int64Exact(1)),
			planValue("unlisted_count", knownvalue.Int64Exact(3)),
		),
		resource.TestStep{
			PreConfig: srv.ResetCounters,
			Config:    cfg,
			Check: resource.ComposeAggregateTestCheckFunc(
				acctest.CheckCalls(srv, map[string]int64{"ListDeviceCertificateByCaSn": 2, "InactivateDeviceCertificate": 1}),
				apiCheck(srv.Emulator, emulator.DemoCASn, map[string]string{newcomer.Sn: "inactive"}),
				func(*terraform.State) error {
					if _, err := srv.RegisterDevicePEM(emulator.DemoInstanceID, newcomer.CertPEM); err == nil {
						return fmt.Errorf("the newcomer can still connect")
					}
					return nil
				},
			),
		},
	))
}

// "active": every unlisted certificate is activated; a device removed from
// devices becomes unlisted; destroy inactivates every certificate under the CA.
func TestAccDeviceAccess_unlistedActiveAndDestroy(t *testing.T) {
	srv := acctest.StartEmulator(t, emulator.Options{})
	seed(t, srv.Emulator, "ca01", map[string]string{"d01": "inactive", "d02": "inactive", "d03": "active"})
	provider := acctest.ProviderBlock(srv, "")
	tc := acctest.TestCase(t,
		resource.TestStep{
			PreConfig: srv.ResetCounters,
			Config:    accessConfig(provider, "ca01", map[string]string{"d01": "inactive"}, `unlisted_devices = "active"`),
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				callsCheck{srv.Emulator, map[string]int64{"ListDeviceCertificateByCaSn": 1}},
				expectChange{"unlisted_device_statuses", "d02", "", "active"},
				planValue("active_count", knownvalue.Int64Exact(2)),
			}},
			Check: resource.ComposeAggregateTestCheckFunc(
				acctest.CheckCalls(srv, map[string]int64{"ListDeviceCertificateByCaSn": 2, "ActiveDeviceCertificate": 1}),
				apiCheck(srv.Emulator, "ca01", map[string]string{"d01": "inactive", "d02": "active", "d03": "active"}),
			),
			ConfigStateChecks: counts(3, 2, 1, 2),
		},
		resource.TestStep{
			PreConfig: srv.ResetCounters,
			Config:    accessConfig(provider, "ca01", map[string]string{}, `unlisted_devices = "active"`),
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				expectChange{"unlisted_device_statuses", "d01", "", "active"},
				planValue("active_count", knownvalue.Int64Exact(3)),
			}},
			Check: resource.ComposeAggregateTestCheckFunc(
				acctest.CheckCalls(srv, map[string]int64{"ListDeviceCertificateByCaSn": 2, "ActiveDeviceCertificate": 1}),
				apiCheck(srv.Emulator, "ca01", map[string]string{"d01": "active"}),
			),
			ConfigStateChecks: append(counts(3, 3, 0, 3), stateValue("devices", knownvalue.MapExact(map[string]knownvalue.Check{}))),
		},
	)
	tc.CheckDestroy = func(*terraform.State) error {
		if err := checkAPI(srv.Emulator, "ca01", map[string]string{"d01": "inactive", "d02": "inactive", "d03": "inactive"}); err != nil {
			return err
		}
		calls := srv.Calls()
		t.Logf("calls from the last step's check to the end of destroy: %s", acctest.FormatCalls(calls))
		if calls["InactivateDeviceCertificate"] != 3 || calls["ActiveDeviceCertificate"] != 0 || calls["GetDeviceCertificate"] != 0 {
			return fmt.Errorf("destroy: want 3 InactivateDeviceCertificate calls and no others but lists, got %s", acctest.FormatCalls(calls))
		}
		return nil
	}
	resource.ParallelTest(t, tc)
}

// Import takes every registered certificate into devices with its status
// (unlisted_devices "ignore"), so a configuration listing them imports clean.
func TestAccDeviceAccess_import(t *testing.T) {
	srv := acctest.StartEmulator(t, emulator.Options{})
	fleet := map[string]string{"d01": "active", "d02": "inactive", "00ab03": "active"}
	seed(t, srv.Emulator, "ca01", fleet)
	cfg := accessConfig(acctest.ProviderBlock(srv, ""), "ca01", fleet, "")
	id := emulator.DemoInstanceID + ":ca01"

	resource.ParallelTest(t, acctest.TestCase(t,
		resource.TestStep{Config: cfg},
		resource.TestStep{
			PreConfig:               srv.ResetCounters,
			Config:                  cfg,
			ResourceName:            accessAddr,
			ImportState:             true,
			ImportStateId:           id,
			ImportStateVerify:       true,
			ImportStateVerifyIgnore: []string{"timeouts"},
			Check:                   acctest.CheckCalls(srv, map[string]int64{"ListDeviceCertificateByCaSn": 1}),
		},
		resource.TestStep{
			Config:          cfg,
			ResourceName:    accessAddr,
			ImportState:     true,
			ImportStateKind: resource.ImportBlockWithID,
			ImportStateId:   id + "@" + emulator.DemoRegion,
		},
		resource.TestStep{
			Config:        cfg,
			ResourceName:  accessAddr,
			ImportState:   true,
			ImportStateId: emulator.DemoInstanceID + ":ca01:d01",
			ExpectError:   regexp.MustCompile(`(?s)instance_id:ca_sn with two parts, got 3`),
		},
	))
}

func TestAccDeviceAccess_importByIdentity(t *testing.T) {
	srv := acctest.StartEmulator(t, emulator.Options{})
	seed(t, srv.Emulator, "ca01", map[string]string{"d01": "active"})
	cfg := accessConfig(acctest.ProviderBlock(srv, ""), "ca01", map[string]string{"d01": "active"}, "")

	resource.ParallelTest(t, acctest.ImportByIdentityTestCase(t, accessAddr, cfg, map[string]knownvalue.Check{
		"instance_id": knownvalue.StringExact(emulator.DemoInstanceID),
		"ca_sn":       knownvalue.StringExact("ca01"),
		"region":      knownvalue.StringExact(emulator.DemoRegion),
	}, nil))
}

// By default a listed device that has not registered is an error. A create
// under "ignore" reads nothing at plan, so the apply fails, after every other
// change is made; create then saves no state (no taint), and the next apply
// adopts what the API holds. An update is refused at plan (the refresh knows
// every registered serial number), with no call beyond the refresh.
func TestAccDeviceAccess_missingDevicesFail(t *testing.T) {
	srv := acctest.StartEmulator(t, emulator.Options{})
	seed(t, srv.Emulator, "ca01", map[string]string{"d01": "active"})
	provider := acctest.ProviderBlock(srv, "")
	cfg := accessConfig(provider, "ca01", map[string]string{"d01": "inactive", "ff99": "inactive"}, "")
	withFF98 := accessConfig(provider, "ca01", map[string]string{"d01": "inactive", "ff99": "inactive", "ff98": "active"}, "")

	resource.ParallelTest(t, acctest.TestCase(t,
		resource.TestStep{
			Config: cfg,
			ExpectError: wrapTolerant(`Listed Devices Not Registered.*1 device\(s\) in devices have no registered certificate under CA ca01 ` +
				`on instance post-cn-demo0001: ff99\..*allow_unregistered_devices = true.*Nothing was saved to state`),
		},
		resource.TestStep{
			PreConfig: func() {
				if err := checkAPI(srv.Emulator, "ca01", map[string]string{"d01": "inactive"}); err != nil {
					t.Errorf("the other change was not made: %v", err)
				}
				seed(t, srv.Emulator, "ca01", map[string]string{"ff99": "active"}) // the device connects
				srv.ResetCounters()
			},
			Config: cfg,
			Check: resource.ComposeAggregateTestCheckFunc(
				acctest.CheckCalls(srv, map[string]int64{"ListDeviceCertificateByCaSn": 1, "InactivateDeviceCertificate": 1}),
				apiCheck(srv.Emulator, "ca01", map[string]string{"d01": "inactive", "ff99": "inactive"}),
			),
		},
		resource.TestStep{
			PreConfig: srv.ResetCounters,
			Config:    withFF98,
			ExpectError: wrapTolerant(`Device Not Registered.*devices key "ff98" names no certificate registered under CA ca01 ` +
				`on instance post-cn-demo0001 \(2 registered\)\..*allow_unregistered_devices = true`),
		},
		resource.TestStep{
			PreConfig: func() {
				if err := acctest.CheckCalls(srv, map[string]int64{"ListDeviceCertificateByCaSn": 1})(nil); err != nil {
					t.Errorf("the refused plan: %v", err)
				}
			},
			Config: cfg,
		},
	))
}

// With allow_unregistered_devices a pipeline lists devices before they
// connect: no error, unregistered_devices names them, the plan stays clean,
// and the first apply after a device registers brings it to its status.
func TestAccDeviceAccess_missingDevicesAllowed(t *testing.T) {
	srv := acctest.StartEmulator(t, emulator.Options{})
	seed(t, srv.Emulator, "ca01", map[string]string{"d01": "active"})
	cfg := accessConfig(acctest.ProviderBlock(srv, ""), "ca01", map[string]string{"d01": "active", "FF99": "inactive"}, "allow_unregistered_devices = true")

	resource.ParallelTest(t, acctest.TestCase(t,
		resource.TestStep{
			PreConfig: srv.ResetCounters,
			Config:    cfg,
			Check:     acctest.CheckCalls(srv, map[string]int64{"ListDeviceCertificateByCaSn": 1}),
			ConfigStateChecks: append(counts(1, 1, 0, 0),
				stateValue("unregistered_devices", knownvalue.SetExact([]knownvalue.Check{knownvalue.StringExact("FF99")})),
				stateValue("devices", statuses(map[string]string{"d01": "active", "FF99": "inactive"})),
			),
		},
		planAfterChange(srv, cfg, func() {
			seed(t, srv.Emulator, "ca01", map[string]string{"ff99": "active"}) // registers, active by default
		},
			expectChange{"devices", "FF99", "active", "inactive"},
			planValue("unregistered_devices", knownvalue.SetExact([]knownvalue.Check{})),
			planValue("registered_count", knownvalue.Int64Exact(2)),
		),
		resource.TestStep{
			PreConfig: srv.ResetCounters,
			Config:    cfg,
			Check: resource.ComposeAggregateTestCheckFunc(
				acctest.CheckCalls(srv, map[string]int64{"ListDeviceCertificateByCaSn": 2, "InactivateDeviceCertificate": 1}),
				apiCheck(srv.Emulator, "ca01", map[string]string{"ff99": "inactive"}),
			),
		},
	))
}

// A devices map known only at apply time (keys from another resource) is
// accepted at plan, validated once known, and planned as "(known after apply)".
func TestAccDeviceAccess_devicesUnknownAtPlan(t *testing.T) {
	srv := acctest.StartEmulator(t, emulator.Options{})
	seed(t, srv.Emulator, "ca01", map[string]string{"d01": "active", "d02": "active"})
	cfg := func(sn string) string {
		return acctest.ProviderBlock(srv, "") + fmt.Sprintf(`
resource "terraform_data" "sn" {
  input = %q
}

resource "apsaramq_mqtt_device_access" "test" {
  instance_id      = %q
  ca_sn            = "ca01"
  devices          = { (terraform_data.sn.output) = "inactive" }
  unlisted_devices = "active"
}
`, sn, emulator.DemoInstanceID)
	}
	unknown := func(attrs ...string) []plancheck.PlanCheck {
		var checks []plancheck.PlanCheck
		for _, a := range attrs {
			checks = append(checks, plancheck.ExpectUnknownValue(accessAddr, tfjsonpath.New(a)))
		}
		return checks
	}
	resource.ParallelTest(t, acctest.TestCase(t,
		resource.TestStep{
			Config:           cfg("d01"),
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: unknown("devices", "unlisted_device_statuses", "active_count")},
			Check:            apiCheck(srv.Emulator, "ca01", map[string]string{"d01": "inactive", "d02": "active"}),
		},
		resource.TestStep{
			Config: cfg("d02"),
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: append(unknown("devices", "unlisted_device_statuses", "unregistered_devices", "active_count"),
				plancheck.ExpectResourceAction(accessAddr, plancheck.ResourceActionUpdate))},
			Check: apiCheck(srv.Emulator, "ca01", map[string]string{"d01": "active", "d02": "inactive"}),
			ConfigStateChecks: append(counts(2, 1, 1, 1),
				stateValue("unlisted_device_statuses", statuses(map[string]string{"d01": "active"}))),
		},
	))
}
