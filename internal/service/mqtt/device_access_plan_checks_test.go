package mqtt_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/apsaramq/terraform-provider-apsaramq/internal/acctest"
	"github.com/apsaramq/terraform-provider-apsaramq/internal/emulator"
)

// A typo must never lock out a fleet: the plan-time checks of
// apsaramq_mqtt_device_access refuse what they can see is wrong before
// anything is inactivated, show the blast radius of what they let through,
// and cost the API calls the resource's docs promise.

const accessType = "apsaramq_mqtt_device_access"

// A CA serial number one digit away from the demo CA's.
const mistypedCASn = "3a7f1c0de0000011"

// registerPlainCA registers the CA sn on the demo instance without its PEM
// (as a seed would), so that a plan-time existence check finds it.
func registerPlainCA(t *testing.T, e *emulator.Emulator, sn string) {
	t.Helper()
	s := e.Snapshot()
	s.CAs = append(s.CAs, emulator.CACertificate{InstanceID: emulator.DemoInstanceID, Sn: sn, Name: "ca-" + sn, Status: "1"})
	if err := e.Replace(s); err != nil {
		t.Fatal(err)
	}
}

// recordedTestCase is acctest.TestCase with the provider's plan answers
// recorded into rec (the harness does not show warnings).
func recordedTestCase(t *testing.T, rec *acctest.PlanDiagnostics, steps ...resource.TestStep) resource.TestCase {
	tc := acctest.TestCase(t, steps...)
	tc.ProtoV6ProviderFactories = rec.ProviderFactories()
	return tc
}

// refusal is a plan the provider must refuse before anything changes.
type refusal struct {
	config string
	err    string           // the error as the engine prints it (wrapTolerant)
	attr   string           // where the error points (a tftypes path)
	calls  map[string]int64 // every call of the refused plan, its refresh included
}

// refusedSteps runs each refusal as a step, then next. Before each following
// step it checks what the refused plan did: exactly its calls, the error at
// its attribute, and every certificate of caSn as the API held it before.
func refusedSteps(t *testing.T, srv *emulator.Server, rec *acctest.PlanDiagnostics, typeName, caSn string, refusals []refusal, next resource.TestStep) []resource.TestStep {
	var (
		steps []resource.TestStep
		held  map[string]string
	)
	verify := func(r refusal) {
		if err := acctest.CheckCalls(srv, r.calls)(nil); err != nil {
			t.Errorf("refused plan of\n%s\n%v", r.config, err)
		}
		if err := rec.CheckError(typeName, r.attr, ".*"); err != nil {
			t.Errorf("refused plan: %v", err)
		}
		if now := registered(srv.Emulator, caSn); fmt.Sprint(now) != fmt.Sprint(held) {
			t.Errorf("a refused plan changed certificates: the API held %v, now %v", held, now)
		}
	}
	for i, r := range refusals {
		steps = append(steps, resource.TestStep{
			PreConfig: func() {
				if i > 0 {
					verify(refusals[i-1])
				}
				held = registered(srv.Emulator, caSn)
				srv.ResetCounters()
				rec.Reset()
			},
			Config:      r.config,
			ExpectError: wrapTolerant(r.err),
		})
	}
	pre := next.PreConfig
	next.PreConfig = func() {
		verify(refusals[len(refusals)-1])
		srv.ResetCounters()
		rec.Reset()
		if pre != nil {
			pre()
		}
	}
	return append(steps, next)
}

// A replacement whose new instance or CA does not exist is refused at plan,
// pointing at the attribute: the destroy that would run first (and inactivate
// the fleet) never runs. Under default deny the create half's listing of the
// new CA checks it (one more list, one GetCaCertificate when empty, one
// ListCaCertificate for the "did you mean" on that error path); under
// "ignore" one GetCaCertificate does. A replacement that is allowed warns
// with its blast radius.
func TestAccDeviceAccess_replacementTyposRefused(t *testing.T) {
	srv := acctest.StartEmulator(t, emulator.Options{})
	registerPlainCA(t, srv.Emulator, "ca02")
	seed(t, srv.Emulator, "ca02", map[string]string{"e01": "active", "e02": "active"})
	rec := &acctest.PlanDiagnostics{}
	provider := acctest.ProviderBlock(srv, "")
	fleet := map[string]string{emulator.DemoDeviceSn: "active", emulator.DemoDevice2Sn: "active"}
	deny, ignore := `unlisted_devices = "inactive"`, `unlisted_devices = "ignore"`
	wouldHave := func(radius string) string {
		return `The plan stops here: nothing is changed \(the replacement would have destroyed post-cn-demo0001:3a7f1c0de0000001 ` +
			`first, inactivating ` + radius + `, before its create failed\)`
	}
	denyRadius := `3 certificate\(s\) \(every certificate registered under the CA\), 2 of them active now`
	ignoreRadius := `2 certificate\(s\) \(the registered certificates listed in devices\), 2 of them active now`

	steps := []resource.TestStep{{Config: accessConfig(provider, emulator.DemoCASn, fleet, deny)}}
	steps = append(steps, refusedSteps(t, srv, rec, accessType, emulator.DemoCASn, []refusal{
		{
			config: accessConfigAt(provider, "post-cn-dem00001", emulator.DemoCASn, devicesHCL(fleet), deny),
			err:    `MQTT Instance Not Found.*Instance "post-cn-dem00001" does not exist in region cn-hangzhou.*` + wouldHave(denyRadius),
			attr:   `AttributeName("instance_id")`,
			calls:  map[string]int64{"ListDeviceCertificateByCaSn": 2},
		},
		{
			config: accessConfig(provider, mistypedCASn, fleet, deny),
			err: `CA Certificate Not Found.*No CA certificate "3a7f1c0de0000011" is registered on instance post-cn-demo0001 ` +
				`\(region cn-hangzhou\)\. Did you mean "3a7f1c0de0000001"\?.*` + wouldHave(denyRadius),
			attr:  `AttributeName("ca_sn")`,
			calls: map[string]int64{"ListDeviceCertificateByCaSn": 2, "GetCaCertificate": 1, "ListCaCertificate": 1},
		},
	}, resource.TestStep{Config: accessConfig(provider, emulator.DemoCASn, fleet, ignore)})...)
	steps = append(steps, refusedSteps(t, srv, rec, accessType, emulator.DemoCASn, []refusal{
		{
			config: accessConfigAt(provider, "post-cn-dem00001", emulator.DemoCASn, devicesHCL(fleet), ignore),
			err:    `MQTT Instance Not Found.*` + wouldHave(ignoreRadius),
			attr:   `AttributeName("instance_id")`,
			calls:  map[string]int64{"ListDeviceCertificateByCaSn": 1, "GetCaCertificate": 1},
		},
		{
			config: accessConfig(provider, mistypedCASn, fleet, ignore),
			err:    `CA Certificate Not Found.*Did you mean "3a7f1c0de0000001"\?.*` + wouldHave(ignoreRadius),
			attr:   `AttributeName("ca_sn")`,
			calls:  map[string]int64{"ListDeviceCertificateByCaSn": 1, "GetCaCertificate": 1, "ListCaCertificate": 1},
		},
	}, resource.TestStep{
		// A replacement that is allowed: one existence check, and a warning
		// with the destroy's blast radius, from the refreshed state.
		Config: accessConfig(provider, "ca02", map[string]string{"e01": "inactive"}, ignore),
		ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
			plancheck.ExpectResourceAction(accessAddr, plancheck.ResourceActionDestroyBeforeCreate),
			callsCheck{srv.Emulator, map[string]int64{"ListDeviceCertificateByCaSn": 1, "GetCaCertificate": 1}},
			rec.Warned(accessType, "update", `Replacing Device Access Inactivates Certificates First.*This plan replaces `+
				`post-cn-demo0001:3a7f1c0de0000001: destroying it first inactivates `+ignoreRadius+`, before the new resource `+
				`\(CA ca02 on instance post-cn-demo0001\) is created`),
		}},
		Check: resource.ComposeAggregateTestCheckFunc(
			apiCheck(srv.Emulator, emulator.DemoCASn, map[string]string{emulator.DemoDeviceSn: "inactive", emulator.DemoDevice2Sn: "inactive"}),
			apiCheck(srv.Emulator, "ca02", map[string]string{"e01": "inactive", "e02": "active"}),
		),
	})...)
	resource.ParallelTest(t, recordedTestCase(t, rec, steps...))
}

// A listed serial number that is not registered is refused at plan, at its
// devices key, with a "did you mean" for a registered, unlisted serial
// number close to it: under default deny the plan would otherwise show only
// the real device going to "inactive". An update costs no call beyond the
// refresh. allow_unregistered_devices lets the same configuration through.
func TestAccDeviceAccess_unregisteredRefusedAtPlan(t *testing.T) {
	srv := acctest.StartEmulator(t, emulator.Options{})
	rec := &acctest.PlanDiagnostics{}
	provider := acctest.ProviderBlock(srv, "")
	deny := `unlisted_devices = "inactive"`
	const typo = "5d1e000000000a2" // 5d1e0000000000a2 with a zero dropped
	mistyped := map[string]string{emulator.DemoDeviceSn: "active", typo: "active"}

	steps := []resource.TestStep{{Config: accessConfig(provider, emulator.DemoCASn,
		map[string]string{emulator.DemoDeviceSn: "active", emulator.DemoDevice2Sn: "active"}, deny)}}
	steps = append(steps, refusedSteps(t, srv, rec, accessType, emulator.DemoCASn, []refusal{{
		config: accessConfig(provider, emulator.DemoCASn, mistyped, deny),
		err: `Device Not Registered.*devices key "5d1e000000000a2" names no certificate registered under CA 3a7f1c0de0000001 ` +
			`on instance post-cn-demo0001 \(3 registered\)\. Did you mean "5d1e0000000000a2" \(registered, not listed\)\?.*` +
			`under default deny, the device the typo meant would be inactivated as unlisted`,
		attr:  `AttributeName("devices").ElementKeyString("5d1e000000000a2")`,
		calls: map[string]int64{"ListDeviceCertificateByCaSn": 1},
	}}, resource.TestStep{
		Config:             accessConfig(provider, emulator.DemoCASn, mistyped, deny+"\n  allow_unregistered_devices = true"),
		PlanOnly:           true,
		ExpectNonEmptyPlan: true,
		ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{
			expectChange{"unlisted_device_statuses", emulator.DemoDevice2Sn, "", "inactive"},
			planValue("unregistered_devices", knownvalue.SetExact([]knownvalue.Check{knownvalue.StringExact(typo)})),
		}},
	})...)
	resource.ParallelTest(t, recordedTestCase(t, rec, steps...))
}

// The plan of a create under default deny reads the CA and refuses what it
// sees is wrong (an instance or CA that does not exist, a listed device that
// is not registered), under either reading of an unknown CA's list (an empty
// list, then one GetCaCertificate; or FindCaBySnError at once). A CA that
// exists without certificates plans a known, empty blast radius. Under
// "ignore" a create plan makes no call.
func TestAccDeviceAccess_createChecks(t *testing.T) {
	for name, unknownCAListError := range map[string]bool{"unknownCAIsEmptyList": false, "unknownCAIsAnError": true} {
		t.Run(name, func(t *testing.T) {
			srv := acctest.StartEmulator(t, emulator.Options{Behaviour: emulator.Behaviour{UnknownCAListError: unknownCAListError}})
			registerPlainCA(t, srv.Emulator, "ca0e") // registered, no certificate under it
			rec := &acctest.PlanDiagnostics{}
			provider := acctest.ProviderBlock(srv, "")
			deny := `unlisted_devices = "inactive"`
			unknownCA := map[string]int64{"ListDeviceCertificateByCaSn": 1, "GetCaCertificate": 1, "ListCaCertificate": 1}
			if unknownCAListError {
				unknownCA = map[string]int64{"ListDeviceCertificateByCaSn": 1, "ListCaCertificate": 1}
			}
			resource.ParallelTest(t, recordedTestCase(t, rec, refusedSteps(t, srv, rec, accessType, emulator.DemoCASn, []refusal{
				{
					config: accessConfigAt(provider, "post-cn-dem00001", emulator.DemoCASn, devicesHCL(map[string]string{}), deny),
					err:    `MQTT Instance Not Found.*Instance "post-cn-dem00001" does not exist.*The plan stops here: nothing is changed\.`,
					attr:   `AttributeName("instance_id")`,
					calls:  map[string]int64{"ListDeviceCertificateByCaSn": 1},
				},
				{
					config: accessConfig(provider, mistypedCASn, map[string]string{}, deny),
					err:    `CA Certificate Not Found.*Did you mean "3a7f1c0de0000001"\?.*The plan stops here: nothing is changed\.`,
					attr:   `AttributeName("ca_sn")`,
					calls:  unknownCA,
				},
				{
					config: accessConfig(provider, emulator.DemoCASn, map[string]string{"5d1e0000000000a9": "active"}, deny),
					err: `Device Not Registered.*devices key "5d1e0000000000a9".*\(3 registered\)\. Did you mean "5d1e0000000000a1", ` +
						`"5d1e0000000000a2" or "5d1e0000000000a3" \(registered, not listed\)\?`,
					attr:  `AttributeName("devices").ElementKeyString("5d1e0000000000a9")`,
					calls: map[string]int64{"ListDeviceCertificateByCaSn": 1},
				},
			}, resource.TestStep{
				Config: accessConfig(provider, "ca0e", map[string]string{}, deny),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					callsCheck{srv.Emulator, map[string]int64{"ListDeviceCertificateByCaSn": 1, "GetCaCertificate": 1}},
					planValue("unlisted_device_statuses", knownvalue.MapExact(map[string]knownvalue.Check{})),
					planValue("registered_count", knownvalue.Int64Exact(0)),
				}},
			})...))
		})
	}
	t.Run("ignoreCallsNothing", func(t *testing.T) {
		srv := acctest.StartEmulator(t, emulator.Options{})
		resource.ParallelTest(t, acctest.TestCase(t, resource.TestStep{
			PreConfig: srv.ResetCounters,
			Config:    accessConfig(acctest.ProviderBlock(srv, ""), emulator.DemoCASn, map[string]string{emulator.DemoDeviceSn: "active"}, ""),
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				callsCheck{srv.Emulator, map[string]int64{}},
				plancheck.ExpectUnknownValue(accessAddr, tfjsonpath.New("unlisted_device_statuses")),
			}},
		}))
	})
}

// An instance_id or ca_sn known only at apply (here from terraform_data, as
// from a CA registered in the same apply) cannot be checked at plan: the plan
// is not refused, it makes no call for it, and it says so in a warning, for
// a create and for a replacement.
func TestAccDeviceAccess_unknownAtPlanWarns(t *testing.T) {
	srv := acctest.StartEmulator(t, emulator.Options{})
	registerPlainCA(t, srv.Emulator, "ca02")
	seed(t, srv.Emulator, "ca02", map[string]string{"e01": "active"})
	rec := &acctest.PlanDiagnostics{}
	cfg := func(caSn, deviceSn string) string {
		return acctest.ProviderBlock(srv, "") + fmt.Sprintf(`
resource "terraform_data" "ca" {
  input = %q
}

resource "apsaramq_mqtt_device_access" "test" {
  instance_id      = %q
  ca_sn            = terraform_data.ca.output
  devices          = { %q = "active" }
  unlisted_devices = "inactive"
}
`, caSn, emulator.DemoInstanceID, deviceSn)
	}
	reset := func() { srv.ResetCounters(); rec.Reset() }
	resource.ParallelTest(t, recordedTestCase(t, rec,
		resource.TestStep{
			PreConfig: reset,
			Config:    cfg(emulator.DemoCASn, emulator.DemoDeviceSn),
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				callsCheck{srv.Emulator, map[string]int64{}},
				rec.Warned(accessType, "create", `Device Access Planned Without Reading the CA.*known only at apply.*`+
					`none, if the CA is registered in the same apply`),
				plancheck.ExpectUnknownValue(accessAddr, tfjsonpath.New("unlisted_device_statuses")),
			}},
			Check: apiCheck(srv.Emulator, emulator.DemoCASn, map[string]string{emulator.DemoDevice2Sn: "inactive"}),
		},
		resource.TestStep{
			PreConfig: reset,
			Config:    cfg("ca02", "e01"),
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction(accessAddr, plancheck.ResourceActionDestroyBeforeCreate),
				callsCheck{srv.Emulator, map[string]int64{"ListDeviceCertificateByCaSn": 1}}, // the refresh
				rec.Warned(accessType, "update", `Replacing Device Access Inactivates Certificates First.*inactivates 3 `+
					`certificate\(s\).*cannot be checked now: the value of ca_sn is known only at apply.*-target`),
			}},
			Check: apiCheck(srv.Emulator, emulator.DemoCASn, map[string]string{emulator.DemoDeviceSn: "inactive"}),
		},
	))
}

// Every plan that destroys the resource warns with its blast radius: here
// the resource removed from the configuration (not terraform destroy).
func TestAccDeviceAccess_destroyPlanWarns(t *testing.T) {
	srv := acctest.StartEmulator(t, emulator.Options{})
	rec := &acctest.PlanDiagnostics{}
	provider := acctest.ProviderBlock(srv, "")
	resource.ParallelTest(t, recordedTestCase(t, rec,
		resource.TestStep{Config: accessConfig(provider, emulator.DemoCASn, map[string]string{emulator.DemoDeviceSn: "active"}, `unlisted_devices = "inactive"`)},
		resource.TestStep{
			PreConfig: func() { srv.ResetCounters(); rec.Reset() },
			Config:    provider,
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction(accessAddr, plancheck.ResourceActionDestroy),
				callsCheck{srv.Emulator, map[string]int64{"ListDeviceCertificateByCaSn": 1}}, // the refresh
				rec.Warned(accessType, "destroy", `Destroying Device Access Inactivates Certificates.*Destroying `+
					`post-cn-demo0001:3a7f1c0de0000001 inactivates 3 certificate\(s\) \(every certificate registered under the CA\), `+
					`1 of them active now.*prevent_destroy = true`),
			}},
			Check: apiCheck(srv.Emulator, emulator.DemoCASn, map[string]string{emulator.DemoDeviceSn: "inactive"}),
		},
	))
}

// The apply of a create changes what its plan showed and nothing else: a
// device that registers between the plan and the apply makes the engine's
// final plan differ from the saved one, and the engine stops before any
// change. The next plan names the newcomer.
func TestAccDeviceAccess_fleetChangedAfterCreatePlan(t *testing.T) {
	srv := acctest.StartEmulator(t, emulator.Options{})
	newcomer := acctest.DemoDevice(t, "sensor-between-plan-and-apply")
	cfg := accessConfig(acctest.ProviderBlock(srv, ""), emulator.DemoCASn, map[string]string{emulator.DemoDeviceSn: "active"}, `unlisted_devices = "inactive"`)
	connect := planCheck(func() error {
		_, err := srv.RegisterDevicePEM(emulator.DemoInstanceID, newcomer.CertPEM)
		return err
	})
	resource.ParallelTest(t, acctest.TestCase(t,
		resource.TestStep{
			Config:           cfg,
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{connect}},
			ExpectError:      wrapTolerant(`Provider produced inconsistent final plan.*unlisted_device_statuses`),
		},
		resource.TestStep{
			PreConfig: func() {
				if err := checkAPI(srv.Emulator, emulator.DemoCASn, map[string]string{emulator.DemoDevice2Sn: "active", newcomer.Sn: "active"}); err != nil {
					t.Errorf("the refused apply changed certificates: %v", err)
				}
			},
			Config: cfg,
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				expectChange{"unlisted_device_statuses", newcomer.Sn, "", "inactive"},
			}},
			Check: apiCheck(srv.Emulator, emulator.DemoCASn, map[string]string{emulator.DemoDevice2Sn: "inactive", newcomer.Sn: "inactive"}),
		},
	))
}

// planCheck runs fn as a plan check (for a side effect between plan and apply).
type planCheck func() error

func (f planCheck) CheckPlan(_ context.Context, _ plancheck.CheckPlanRequest, resp *plancheck.CheckPlanResponse) {
	resp.Error = f()
}
