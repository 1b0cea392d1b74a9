package mqtt_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/config"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"

	"github.com/apsaramq/terraform-provider-apsaramq/internal/acctest"
	"github.com/apsaramq/terraform-provider-apsaramq/internal/emulator"
	"github.com/apsaramq/terraform-provider-apsaramq/internal/onsmqtt/onsmqtttest"
)

// fleetAccessModuleDir copies examples/modules/fleet-access into a
// directory of its own, with a provider block for srv. The engine under test
// serves the provider as hashicorp/apsaramq, so the copy's required_providers
// says so; nothing else changes. (The test harness cannot check state held
// in child modules, so the module runs as the root configuration.)
func fleetAccessModuleDir(t *testing.T, srv *emulator.Server) config.TestStepConfigFunc {
	t.Helper()
	return config.StaticDirectory(copyFleetAccessModule(t, srv))
}

// copyFleetAccessModule is fleetAccessModuleDir's copy, by path.
func copyFleetAccessModule(t *testing.T, srv *emulator.Server) string {
	t.Helper()
	src := filepath.Join("..", "..", "..", "examples", "modules", "fleet-access")
	dst := t.TempDir()
	files, err := filepath.Glob(filepath.Join(src, "*.tf"))
	if err != nil || len(files) < 4 {
		t.Fatalf("module files in %s: %v %v", src, files, err)
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		text := strings.ReplaceAll(string(b), `source = "apsaramq/apsaramq"`, `source = "hashicorp/apsaramq"`)
		acctest.WriteFile(t, filepath.Join(dst, filepath.Base(f)), []byte(text))
	}
	acctest.WriteFile(t, filepath.Join(dst, "provider.tf"), []byte(acctest.ProviderBlock(srv, "")))
	return dst
}

func stringSet(values ...string) config.Variable {
	vars := make([]config.Variable, len(values))
	for i, v := range values {
		vars[i] = config.StringVariable(v)
	}
	return config.SetVariable(vars...)
}

// moduleTestCase runs steps with the providers given per step: the harness
// requires that when the configuration directory has its own provider block.
func moduleTestCase(t *testing.T, steps ...resource.TestStep) resource.TestCase {
	for i := range steps {
		steps[i].ProtoV6ProviderFactories = acctest.ProtoV6ProviderFactories()
	}
	return resource.TestCase{PreCheck: func() { acctest.PreCheck(t) }, Steps: steps}
}

func outputList(values ...string) knownvalue.Check {
	checks := make([]knownvalue.Check, len(values))
	for i, v := range values {
		checks[i] = knownvalue.StringExact(v)
	}
	return knownvalue.ListExact(checks)
}

// The example module, as its example uses it for two environments (here one
// account, two regions): production with default deny, staging leaving
// other devices alone and listing a device that has not connected yet.
func TestAccFleetAccessModule_twoEnvironments(t *testing.T) {
	srv := acctest.StartEmulatorWithSeed(t, onsmqtttest.FleetSeed(), emulator.Options{})
	seed(t, srv.Emulator, "ca01", map[string]string{"p01": "inactive", "p02": "active", "p03": "active"})
	for sn, status := range map[string]string{"s01": "0", "s02": "1"} {
		if err := srv.PutDevice(emulator.DeviceCertificate{InstanceID: onsmqtttest.SecondInstanceID, CASn: "ca02", DeviceSn: sn, Status: status}); err != nil {
			t.Fatal(err)
		}
	}
	module := fleetAccessModuleDir(t, srv)
	staging := func(sn string) string {
		d, _ := srv.Device(onsmqtttest.SecondInstanceID, "ca02", sn)
		return d.Status
	}

	t.Run("prod", func(t *testing.T) {
		vars := config.Variables{
			"instance_id":        config.StringVariable(emulator.DemoInstanceID),
			"ca_sn":              config.StringVariable("ca01"),
			"allowed_device_sns": stringSet("p01"),
			"revoked_device_sns": stringSet("p02"),
		}
		conflicting := config.Variables{}
		for k, v := range vars {
			conflicting[k] = v
		}
		conflicting["revoked_device_sns"] = stringSet("p01")
		resource.ParallelTest(t, moduleTestCase(t,
			resource.TestStep{
				ConfigDirectory: module,
				ConfigVariables: vars,
				ConfigStateChecks: []statecheck.StateCheck{
					acctest.CheckFunc(func() error {
						return checkAPI(srv.Emulator, "ca01", map[string]string{"p01": "active", "p02": "inactive", "p03": "inactive"})
					}),
					statecheck.ExpectKnownOutputValue("unlisted_device_sns", outputList("p03")),
					statecheck.ExpectKnownOutputValue("active_count", knownvalue.Int64Exact(1)),
					statecheck.ExpectKnownOutputValue("region", knownvalue.StringExact(emulator.DemoRegion)),
				},
			},
			resource.TestStep{
				ConfigDirectory: module,
				ConfigVariables: conflicting,
				PlanOnly:        true,
				ExpectError:     wrapTolerant(`A device serial number is both allowed and revoked: p01`),
			},
		))
	})
	t.Run("staging", func(t *testing.T) {
		resource.ParallelTest(t, moduleTestCase(t, resource.TestStep{
			ConfigDirectory: module,
			ConfigVariables: config.Variables{
				"region":                     config.StringVariable(onsmqtttest.SecondRegion),
				"instance_id":                config.StringVariable(onsmqtttest.SecondInstanceID),
				"ca_sn":                      config.StringVariable("ca02"),
				"allowed_device_sns":         stringSet("s01", "s09"),
				"default_deny":               config.BoolVariable(false),
				"allow_unregistered_devices": config.BoolVariable(true),
			},
			ConfigStateChecks: []statecheck.StateCheck{
				acctest.CheckFunc(func() error {
					if staging("s01") != "1" || staging("s02") != "1" {
						return fmt.Errorf("staging holds s01 %q, s02 %q: want s01 activated and the unlisted s02 left active", staging("s01"), staging("s02"))
					}
					return nil
				}),
				statecheck.ExpectKnownOutputValue("unregistered_device_sns", outputList("s09")),
				statecheck.ExpectKnownOutputValue("region", knownvalue.StringExact(onsmqtttest.SecondRegion)),
			},
		}))
	})
}

// With prevent_destroy (production), a plan that would replace the
// environment, here to another CA that exists (so the provider's own checks
// let it through), fails at plan in both engines, and nothing is inactivated.
func TestAccFleetAccessModule_preventDestroy(t *testing.T) {
	srv := acctest.StartEmulator(t, emulator.Options{})
	seed(t, srv.Emulator, "ca01", map[string]string{"p01": "active", "p02": "active"})
	registerPlainCA(t, srv.Emulator, "ca02")
	seed(t, srv.Emulator, "ca02", map[string]string{"q01": "active"})
	dir := copyFleetAccessModule(t, srv)
	vars := func(caSn string) config.Variables {
		return config.Variables{
			"instance_id":                config.StringVariable(emulator.DemoInstanceID),
			"ca_sn":                      config.StringVariable(caSn),
			"allowed_device_sns":         stringSet("p01", "q01"),
			"default_deny":               config.BoolVariable(false),
			"allow_unregistered_devices": config.BoolVariable(true),
			"prevent_destroy":            config.BoolVariable(true),
		}
	}
	resource.ParallelTest(t, moduleTestCase(t,
		resource.TestStep{ConfigDirectory: config.StaticDirectory(dir), ConfigVariables: vars("ca01")},
		resource.TestStep{
			PreConfig:       srv.ResetCounters,
			ConfigDirectory: config.StaticDirectory(dir),
			ConfigVariables: vars("ca02"),
			ExpectError:     wrapTolerant(`cannot be destroyed.*terraform_data.prevent_destroy\[0\] has\s+(lifecycle.)?prevent_destroy set`),
		},
		resource.TestStep{
			PreConfig: func() {
				calls := srv.Calls()
				if calls["InactivateDeviceCertificate"]+calls["ActiveDeviceCertificate"] != 0 {
					t.Errorf("the refused plan changed certificates: %s", acctest.FormatCalls(calls))
				}
				if err := checkAPI(srv.Emulator, "ca01", map[string]string{"p01": "active", "p02": "active"}); err != nil {
					t.Error(err)
				}
				// Tear-down: the test edits the guard away, as a user of a
				// copy of the module would (others take it out of state).
				main := filepath.Join(dir, "main.tf")
				b, err := os.ReadFile(main)
				if err != nil {
					t.Fatal(err)
				}
				acctest.WriteFile(t, main, []byte(strings.Replace(string(b), "prevent_destroy = true", "prevent_destroy = false", 1)))
			},
			ConfigDirectory: config.StaticDirectory(dir),
			ConfigVariables: vars("ca01"),
		},
	))
}
