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
	return config.StaticDirectory(dst)
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
