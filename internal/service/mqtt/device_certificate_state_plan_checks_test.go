package mqtt_test

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"

	"github.com/apsaramq/terraform-provider-apsaramq/internal/acctest"
	"github.com/apsaramq/terraform-provider-apsaramq/internal/emulator"
)

const stateType = "apsaramq_mqtt_device_certificate_state"

// A typo in instance_id, ca_sn or device_sn of an existing per-certificate
// resource plans a replacement, whose destroy would inactivate the real
// certificate before the create fails: the plan checks the new certificate
// first (one GetDeviceCertificate; a GetCaCertificate more only when it is
// missing, to say whether the CA or the device is) and refuses, pointing at
// the attribute. With wait_for_registration a device that has not connected
// yet is allowed, its instance and CA are not. An allowed replacement and a
// destroy warn; a plan with no change makes no call beyond the refresh.
func TestAccDeviceCertificateState_replacementTyposRefused(t *testing.T) {
	srv := acctest.StartEmulator(t, emulator.Options{})
	rec := &acctest.PlanDiagnostics{}
	demo := func(instanceID, caSn, deviceSn, extra string) string {
		return stateConfigAt(srv, instanceID, caSn, deviceSn, extra)
	}
	const old = `certificate 5d1e0000000000a1 \(CA 3a7f1c0de0000001 on instance post-cn-demo0001, active now\)`
	stopped := `The plan stops here: destroying the resource first would inactivate ` + old + ` before the create failed`
	reset := func() { srv.ResetCounters(); rec.Reset() }

	steps := []resource.TestStep{{Config: demo(emulator.DemoInstanceID, emulator.DemoCASn, emulator.DemoDeviceSn, "")}}
	steps = append(steps, refusedSteps(t, srv, rec, stateType, emulator.DemoCASn, []refusal{
		{
			config: demo("post-cn-dem00001", emulator.DemoCASn, emulator.DemoDeviceSn, ""),
			err:    `MQTT Instance Not Found.*Instance "post-cn-dem00001" does not exist in region cn-hangzhou.*` + stopped,
			attr:   `AttributeName("instance_id")`,
			calls:  map[string]int64{"GetDeviceCertificate": 2},
		},
		{
			config: demo(emulator.DemoInstanceID, mistypedCASn, emulator.DemoDeviceSn, ""),
			err:    `CA Certificate Not Found.*No CA certificate "3a7f1c0de0000011".*Did you mean "3a7f1c0de0000001"\?.*` + stopped,
			attr:   `AttributeName("ca_sn")`,
			calls:  map[string]int64{"GetDeviceCertificate": 2, "GetCaCertificate": 1, "ListCaCertificate": 1},
		},
		{
			config: demo(emulator.DemoInstanceID, emulator.DemoCASn, "5d1e0000000000a9", ""),
			err: `Device Certificate Not Registered.*No device certificate "5d1e0000000000a9" is registered under CA ` +
				`3a7f1c0de0000001 on instance post-cn-demo0001.*` + stopped + `.*wait_for_registration = true`,
			attr:  `AttributeName("device_sn")`,
			calls: map[string]int64{"GetDeviceCertificate": 2, "GetCaCertificate": 1},
		},
		{
			config: demo(emulator.DemoInstanceID, mistypedCASn, "5d1e0000000000a9", "wait_for_registration = true"),
			err:    `CA Certificate Not Found.*` + stopped,
			attr:   `AttributeName("ca_sn")`,
			calls:  map[string]int64{"GetDeviceCertificate": 2, "GetCaCertificate": 1, "ListCaCertificate": 1},
		},
	}, resource.TestStep{
		// Waiting for a device that has not connected yet: allowed, since its
		// instance and CA exist.
		Config:             demo(emulator.DemoInstanceID, emulator.DemoCASn, "5d1e0000000000a9", "wait_for_registration = true"),
		PlanOnly:           true,
		ExpectNonEmptyPlan: true,
		ConfigPlanChecks: resource.ConfigPlanChecks{
			PostApplyPreRefresh: []plancheck.PlanCheck{
				callsCheck{srv.Emulator, map[string]int64{"GetDeviceCertificate": 1, "GetCaCertificate": 1}},
				plancheck.ExpectResourceAction(stateAddr, plancheck.ResourceActionDestroyBeforeCreate),
				rec.Warned(stateType, "update", `Replacing Inactivates the Device Certificate First.*destroying it first inactivates `+old),
			},
			PostApplyPostRefresh: []plancheck.PlanCheck{
				callsCheck{srv.Emulator, map[string]int64{"GetDeviceCertificate": 2, "GetCaCertificate": 1}},
			},
		},
	})...)
	steps = append(steps,
		resource.TestStep{
			// An allowed replacement: one check, a warning, then the destroy
			// inactivates the old certificate and the create adopts the new.
			PreConfig: reset,
			Config:    demo(emulator.DemoInstanceID, emulator.DemoCASn, emulator.DemoDevice2Sn, ""),
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction(stateAddr, plancheck.ResourceActionDestroyBeforeCreate),
				callsCheck{srv.Emulator, map[string]int64{"GetDeviceCertificate": 2}},
				rec.Warned(stateType, "update", `Replacing Inactivates the Device Certificate First.*destroying it first inactivates `+
					old+`, before the new one \(certificate 5d1e0000000000a2 under CA 3a7f1c0de0000001 on instance post-cn-demo0001\) is adopted`),
			}},
			Check: apiCheck(srv.Emulator, emulator.DemoCASn, map[string]string{emulator.DemoDeviceSn: "inactive", emulator.DemoDevice2Sn: "active"}),
		},
		resource.TestStep{
			// No change: the refresh's read, nothing more, no warning.
			PreConfig: reset,
			Config:    demo(emulator.DemoInstanceID, emulator.DemoCASn, emulator.DemoDevice2Sn, ""),
			PlanOnly:  true,
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PostApplyPreRefresh:  []plancheck.PlanCheck{callsCheck{srv.Emulator, map[string]int64{}}},
				PostApplyPostRefresh: []plancheck.PlanCheck{callsCheck{srv.Emulator, map[string]int64{"GetDeviceCertificate": 1}}, noWarnings(rec, stateType)},
			},
		},
		resource.TestStep{
			// Removed from the configuration: the destroy plan warns.
			PreConfig: reset,
			Config:    acctest.ProviderBlock(srv, ""),
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				callsCheck{srv.Emulator, map[string]int64{"GetDeviceCertificate": 1}},
				rec.Warned(stateType, "destroy", `Destroying Inactivates the Device Certificate.*inactivates certificate `+
					`5d1e0000000000a2 \(CA 3a7f1c0de0000001 on instance post-cn-demo0001, active now\)`),
			}},
			Check: apiCheck(srv.Emulator, emulator.DemoCASn, map[string]string{emulator.DemoDevice2Sn: "inactive"}),
		},
	)
	resource.ParallelTest(t, recordedTestCase(t, rec, steps...))
}

// noWarnings is a plan check that typeName's plans warned nothing.
func noWarnings(rec *acctest.PlanDiagnostics, typeName string) plancheck.PlanCheck {
	return planCheck(func() error {
		if n := rec.Warnings(typeName, ""); n != 0 {
			return fmt.Errorf("%d warning(s) from plans of %s: %v", n, typeName, rec.Answers())
		}
		return nil
	})
}
