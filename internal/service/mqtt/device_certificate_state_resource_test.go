package mqtt_test

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/apsaramq/terraform-provider-apsaramq/internal/acctest"
	"github.com/apsaramq/terraform-provider-apsaramq/internal/emulator"
	"github.com/apsaramq/terraform-provider-apsaramq/internal/onsmqtt/onsmqtttest"
)

const stateAddr = "apsaramq_mqtt_device_certificate_state.test"

// stateConfigAt is a configuration of one certificate state resource with
// the demo provider block; extra goes inside the resource block. Any
// string may be given (the validation tests give invalid ones).
func stateConfigAt(srv *emulator.Server, instanceID, caSn, deviceSn, extra string) string {
	return acctest.ProviderBlock(srv, "") + fmt.Sprintf(`
resource "apsaramq_mqtt_device_certificate_state" "test" {
  instance_id = %s
  ca_sn       = %s
  device_sn   = %s
  %s
}
`, acctest.HCLString(instanceID), acctest.HCLString(caSn), acctest.HCLString(deviceSn), extra)
}

// stateConfig is stateConfigAt on the demo instance, with status unless "".
func stateConfig(srv *emulator.Server, caSn, deviceSn, status string) string {
	statusLine := ""
	if status != "" {
		statusLine = fmt.Sprintf("status = %q", status)
	}
	return stateConfigAt(srv, emulator.DemoInstanceID, caSn, deviceSn, statusLine)
}

func deviceID(caSn, deviceSn string) string {
	return emulator.DemoInstanceID + ":" + caSn + ":" + deviceSn
}

// checkInactiveAfterDestroy proves destroy inactivated the certificate in
// the API (and kept the registration record).
func checkInactiveAfterDestroy(srv *emulator.Server, caSn, deviceSn string) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		return acctest.CheckEmulatorDeviceStatus(srv, caSn, deviceSn, "0")(s)
	}
}

func TestAccDeviceCertificateState_createActiveFlipAndDestroy(t *testing.T) {
	srv := acctest.StartEmulator(t, emulator.Options{})
	acctest.PutDevices(t, srv, acctest.Device("ca01", "dev01", "1"))

	tc := acctest.TestCase(t,
		resource.TestStep{
			// Already active: adopting it costs one read and no change.
			PreConfig: srv.ResetCounters,
			Config:    stateConfig(srv, "ca01", "dev01", ""),
			Check: resource.ComposeAggregateTestCheckFunc(
				acctest.CheckCalls(srv, map[string]int64{"GetDeviceCertificate": 1}),
				acctest.CheckEmulatorDeviceStatus(srv, "ca01", "dev01", "1"),
			),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(stateAddr, tfjsonpath.New("id"), knownvalue.StringExact(deviceID("ca01", "dev01"))),
				statecheck.ExpectKnownValue(stateAddr, tfjsonpath.New("status"), knownvalue.StringExact("active")),
				statecheck.ExpectKnownValue(stateAddr, tfjsonpath.New("device_name"), knownvalue.StringExact("device-dev01")),
				statecheck.ExpectKnownValue(stateAddr, tfjsonpath.New("valid_until"), knownvalue.NotNull()),
			},
		},
		resource.TestStep{
			// Update is exactly one status call, after the plan's refresh read.
			PreConfig: srv.ResetCounters,
			Config:    stateConfig(srv, "ca01", "dev01", "inactive"),
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(stateAddr, plancheck.ResourceActionUpdate)},
			},
			Check: resource.ComposeAggregateTestCheckFunc(
				acctest.CheckCalls(srv, map[string]int64{"GetDeviceCertificate": 1, "InactivateDeviceCertificate": 1}),
				acctest.CheckEmulatorDeviceStatus(srv, "ca01", "dev01", "0"),
			),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(stateAddr, tfjsonpath.New("status"), knownvalue.StringExact("inactive")),
			},
		},
		resource.TestStep{
			Config: stateConfig(srv, "ca01", "dev01", "active"),
			Check:  acctest.CheckEmulatorDeviceStatus(srv, "ca01", "dev01", "1"),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(stateAddr, tfjsonpath.New("status"), knownvalue.StringExact("active")),
			},
		},
	)
	tc.CheckDestroy = checkInactiveAfterDestroy(srv, "ca01", "dev01")
	resource.ParallelTest(t, tc)
}

func TestAccDeviceCertificateState_createInactive(t *testing.T) {
	srv := acctest.StartEmulator(t, emulator.Options{})
	acctest.PutDevices(t, srv, acctest.Device("ca01", "dev02", "1"))

	tc := acctest.TestCase(t,
		resource.TestStep{
			PreConfig: srv.ResetCounters,
			Config:    stateConfig(srv, "ca01", "dev02", "inactive"),
			Check: resource.ComposeAggregateTestCheckFunc(
				acctest.CheckCalls(srv, map[string]int64{"GetDeviceCertificate": 1, "InactivateDeviceCertificate": 1}),
				acctest.CheckEmulatorDeviceStatus(srv, "ca01", "dev02", "0"),
			),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(stateAddr, tfjsonpath.New("status"), knownvalue.StringExact("inactive")),
			},
		},
	)
	tc.CheckDestroy = checkInactiveAfterDestroy(srv, "ca01", "dev02")
	resource.ParallelTest(t, tc)
}

func TestAccDeviceCertificateState_outOfBandChangeIsDrift(t *testing.T) {
	srv := acctest.StartEmulator(t, emulator.Options{})
	acctest.PutDevices(t, srv, acctest.Device("ca01", "dev03", "1"))
	cfg := stateConfig(srv, "ca01", "dev03", "active")

	resource.ParallelTest(t, acctest.TestCase(t,
		resource.TestStep{Config: cfg},
		// Someone inactivates the certificate in the console: plan shows an update.
		acctest.PlanAfterChange(cfg, func() {
			if err := srv.SetDeviceStatus(emulator.DemoInstanceID, "ca01", "dev03", "0"); err != nil {
				t.Fatal(err)
			}
		}, plancheck.ExpectResourceAction(stateAddr, plancheck.ResourceActionUpdate)),
		resource.TestStep{
			// Apply repairs it.
			Config: cfg,
			Check:  acctest.CheckEmulatorDeviceStatus(srv, "ca01", "dev03", "1"),
		},
	))
}

func TestAccDeviceCertificateState_outOfBandDeletionIsReplanned(t *testing.T) {
	srv := acctest.StartEmulator(t, emulator.Options{})
	acctest.PutDevices(t, srv, acctest.Device("ca01", "dev04", "1"))
	cfg := stateConfig(srv, "ca01", "dev04", "active")

	resource.ParallelTest(t, acctest.TestCase(t,
		resource.TestStep{Config: cfg},
		// The registration disappears: plan must not fail; it plans a create.
		acctest.PlanAfterChange(cfg, func() {
			if err := srv.DeleteDevice(emulator.DemoInstanceID, "ca01", "dev04"); err != nil {
				t.Fatal(err)
			}
		}, plancheck.ExpectResourceAction(stateAddr, plancheck.ResourceActionCreate)),
		resource.TestStep{
			// Applying before the device reconnects explains what is missing.
			Config:      cfg,
			ExpectError: regexp.MustCompile(`(?s)Device Certificate Not Registered.*first\s+connects.*FindDeviceBySnError`),
		},
		resource.TestStep{
			// The device connects again; the next apply adopts it.
			PreConfig: func() { acctest.PutDevices(t, srv, acctest.Device("ca01", "dev04", "0")) },
			Config:    cfg,
			Check:     acctest.CheckEmulatorDeviceStatus(srv, "ca01", "dev04", "1"),
		},
	))
}

func TestAccDeviceCertificateState_import(t *testing.T) {
	srv := acctest.StartEmulator(t, emulator.Options{})
	acctest.PutDevices(t, srv, acctest.Device("ca01", "dev05", "0"))
	cfg := stateConfig(srv, "ca01", "dev05", "inactive")

	resource.ParallelTest(t, acctest.TestCase(t,
		resource.TestStep{Config: cfg},
		resource.TestStep{
			ResourceName:            stateAddr,
			ImportState:             true,
			ImportStateId:           deviceID("ca01", "dev05"),
			ImportStateVerify:       true,
			ImportStateVerifyIgnore: []string{"timeouts"},
		},
		resource.TestStep{
			Config:          cfg,
			ResourceName:    stateAddr,
			ImportState:     true,
			ImportStateKind: resource.ImportBlockWithID,
			ImportStateId:   deviceID("ca01", "dev05"),
		},
		resource.TestStep{
			ResourceName:  stateAddr,
			ImportState:   true,
			ImportStateId: "post-cn-demo0001/ca01/dev05",
			ExpectError:   regexp.MustCompile(`(?s)Unexpected Import Identifier.*instance_id:ca_sn:device_sn`),
		},
		resource.TestStep{
			ResourceName:  stateAddr,
			ImportState:   true,
			ImportStateId: "post-cn-demo0001::dev05",
			ExpectError:   regexp.MustCompile(`(?s)ca_sn must not be empty`),
		},
	))
}

func TestAccDeviceCertificateState_importByIdentity(t *testing.T) {
	srv := acctest.StartEmulator(t, emulator.Options{})
	acctest.PutDevices(t, srv, acctest.Device("ca01", "dev06", "1"))
	cfg := stateConfig(srv, "ca01", "dev06", "active")

	resource.ParallelTest(t, acctest.ImportByIdentityTestCase(t, stateAddr, cfg, map[string]knownvalue.Check{
		"instance_id": knownvalue.StringExact(emulator.DemoInstanceID),
		"ca_sn":       knownvalue.StringExact("ca01"),
		"device_sn":   knownvalue.StringExact("dev06"),
		"region":      knownvalue.StringExact(emulator.DemoRegion),
	}, nil))
}

// Serial numbers produced by another resource are unknown at plan time;
// they are accepted then and validated once known.
func TestAccDeviceCertificateState_unknownSerialAtPlan(t *testing.T) {
	srv := acctest.StartEmulator(t, emulator.Options{})
	acctest.PutDevices(t, srv, acctest.Device("ca01", "dev07", "1"))

	resource.ParallelTest(t, acctest.TestCase(t, resource.TestStep{
		Config: acctest.ProviderBlock(srv, "") + fmt.Sprintf(`
resource "terraform_data" "sn" {
  input = "dev07"
}

resource "apsaramq_mqtt_device_certificate_state" "test" {
  instance_id = %q
  ca_sn       = "ca01"
  device_sn   = terraform_data.sn.output
  status      = "inactive"
  timeouts = {
    create = "2m"
  }
}
`, emulator.DemoInstanceID),
		ConfigPlanChecks: resource.ConfigPlanChecks{
			PreApply: []plancheck.PlanCheck{plancheck.ExpectUnknownValue(stateAddr, tfjsonpath.New("device_sn"))},
		},
		Check: acctest.CheckEmulatorDeviceStatus(srv, "ca01", "dev07", "0"),
	}))
}

// Every documented API error reaches the user with code, request ID and a fix.
func TestAccDeviceCertificateState_apiErrors(t *testing.T) {
	srv := acctest.StartEmulator(t, emulator.Options{})
	seed := emulator.DemoSeed()
	otherInstance := ""
	for _, in := range seed.Instances {
		if in.AccountID != emulator.DemoAccountID {
			otherInstance = in.ID
		}
	}
	if otherInstance == "" {
		t.Fatal("the demo seed has no instance of another account")
	}
	resourceBlock := func(instance, caSn, deviceSn string) string {
		return fmt.Sprintf(`
resource "apsaramq_mqtt_device_certificate_state" "test" {
  instance_id = %q
  ca_sn       = %q
  device_sn   = %q
}
`, instance, caSn, deviceSn)
	}
	wrongSecret := strings.Replace(acctest.ProviderBlock(srv, ""), emulator.DemoAccessKeySecret, "not-the-secret", 1)
	unknownKey := strings.Replace(acctest.ProviderBlock(srv, ""), emulator.DemoAccessKeyID, "LTAI-unknown-key", 1)

	cases := []struct {
		name   string
		config string
		want   string
	}{
		{"another account's instance", acctest.ProviderBlock(srv, "") + resourceBlock(otherInstance, "ca01", "dev01"),
			`(?s)MqttOwnerCheckError.*Request ID: [0-9A-F-]+.*another Alibaba Cloud account`},
		{"unknown instance", acctest.ProviderBlock(srv, "") + resourceBlock("post-cn-missing01", "ca01", "dev01"),
			`(?s)MqttInstanceNotFound.*Request ID: .*check instance_id`},
		{"unregistered device", acctest.ProviderBlock(srv, "") + resourceBlock(emulator.DemoInstanceID, "ca01", "never-connected"),
			`(?s)Device Certificate Not Registered.*FindDeviceBySnError`},
		{"wrong secret", wrongSecret + resourceBlock(emulator.DemoInstanceID, "ca01", "dev01"),
			`(?s)SignatureDoesNotMatch.*secret_key`},
		{"unknown access key", unknownKey + resourceBlock(emulator.DemoInstanceID, "ca01", "dev01"),
			`(?s)InvalidAccessKeyId.NotFound.*access_key`},
	}
	for _, tc := range cases {
		t.Run(strings.ReplaceAll(tc.name, " ", "_"), func(t *testing.T) {
			resource.Test(t, acctest.TestCase(t, resource.TestStep{
				Config:      tc.config,
				ExpectError: regexp.MustCompile(tc.want),
			}))
		})
	}
}

// Throttling and transient faults are absorbed by retries: the apply
// succeeds and the API ends up holding exactly what the configuration says.
func TestAccDeviceCertificateState_ridesThroughThrottlingAndFaults(t *testing.T) {
	srv := acctest.StartEmulator(t, emulator.Options{
		RateLimit: 10,
		Faults:    emulator.FaultConfig{Rate: 0.3, Kinds: []string{"InternalError", "ServiceUnavailable", "reset"}},
		RandSeed:  42,
	})
	const n = 12
	cfg := acctest.ProviderBlock(srv, "") + acctest.InactiveFleet(t, srv, n, "fleet%02d")

	resource.ParallelTest(t, acctest.TestCase(t, resource.TestStep{
		Config: cfg,
		// Check funcs cannot address for_each instances; a state check can.
		ConfigStateChecks: []statecheck.StateCheck{acctest.CheckFunc(func() error {
			for i := 0; i < n; i++ {
				sn := fmt.Sprintf("fleet%02d", i)
				if err := acctest.CheckEmulatorDeviceStatus(srv, "ca01", sn, "0")(nil); err != nil {
					return err
				}
			}
			errs := srv.Errors()
			injected := errs["InternalError"] + errs["ServiceUnavailable"]
			if injected == 0 {
				return fmt.Errorf("no fault was injected (errors: %s); the test proves nothing", acctest.FormatCalls(errs))
			}
			if errs[emulator.CodeThrottlingUser] == 0 {
				return fmt.Errorf("the emulator never throttled (errors: %s); the test proves nothing about throttling", acctest.FormatCalls(errs))
			}
			t.Logf("faults and throttling survived: %s", acctest.FormatCalls(errs))
			return nil
		})},
	}))
}

func waitConfig(srv *emulator.Server, deviceSn, extra string) string {
	return stateConfigAt(srv, emulator.DemoInstanceID, emulator.DemoCASn, deviceSn, "status = \"inactive\"\n  "+extra)
}

// The device comes online during apply, once create has found its
// certificate missing: create waits for its first connection, then manages
// it.
func TestAccDeviceCertificateState_waitForRegistration(t *testing.T) {
	srv := acctest.StartEmulator(t, emulator.Options{})
	dev := acctest.DemoDevice(t, "late-sensor")
	var connected <-chan error

	tc := acctest.TestCase(t,
		resource.TestStep{
			PreConfig: func() {
				srv.ResetCounters()
				connected = acctest.ConnectDeviceWhen(t, srv, emulator.DemoInstanceID, dev.CertPEM, func() bool {
					return srv.Errors()["FindDeviceBySnError"] > 0
				})
			},
			Config: waitConfig(srv, dev.Sn, "wait_for_registration = true"),
			Check: resource.ComposeAggregateTestCheckFunc(
				func(*terraform.State) error {
					if err := <-connected; err != nil {
						return fmt.Errorf("the device could not connect: %w", err)
					}
					if n := srv.Errors()["FindDeviceBySnError"]; n < 1 {
						return fmt.Errorf("create never saw the certificate missing (FindDeviceBySnError=%d): it did not wait", n)
					}
					return nil
				},
				acctest.CheckEmulatorDeviceStatus(srv, emulator.DemoCASn, dev.Sn, "0"),
			),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(stateAddr, tfjsonpath.New("device_name"), knownvalue.StringExact("late-sensor")),
				statecheck.ExpectKnownValue(stateAddr, tfjsonpath.New("wait_for_registration"), knownvalue.Bool(true)),
				statecheck.ExpectKnownValue(stateAddr, tfjsonpath.New("region"), knownvalue.StringExact(emulator.DemoRegion)),
			},
		},
		resource.TestStep{
			// Turning it off is an in-place update that calls nothing.
			PreConfig: srv.ResetCounters,
			Config:    waitConfig(srv, dev.Sn, ""),
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(stateAddr, plancheck.ResourceActionUpdate)},
			},
			Check: func(*terraform.State) error {
				calls := srv.Calls()
				if calls["ActiveDeviceCertificate"]+calls["InactivateDeviceCertificate"] != 0 {
					return fmt.Errorf("changing wait_for_registration called the API: %s", acctest.FormatCalls(calls))
				}
				return nil
			},
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(stateAddr, tfjsonpath.New("wait_for_registration"), knownvalue.Bool(false)),
			},
		},
	)
	tc.CheckDestroy = checkInactiveAfterDestroy(srv, emulator.DemoCASn, dev.Sn)
	resource.ParallelTest(t, tc)
}

// A device that never connects: the create timeout ends the wait with an
// error that says so.
func TestAccDeviceCertificateState_waitForRegistrationTimesOut(t *testing.T) {
	srv := acctest.StartEmulator(t, emulator.Options{})
	resource.ParallelTest(t, acctest.TestCase(t, resource.TestStep{
		PreConfig:   srv.ResetCounters,
		Config:      waitConfig(srv, "never-connects", "wait_for_registration = true\n  timeouts = { create = \"4s\" }"),
		ExpectError: regexp.MustCompile(`(?s)Device\s+Never\s+Connected.*never-connects.*never\s+connected.*timeouts.create`),
	}))
	if n := srv.Errors()["FindDeviceBySnError"]; n < 2 {
		t.Errorf("want several checks within the 4s timeout, the emulator answered FindDeviceBySnError %d times", n)
	}
}

// Without wait_for_registration create still fails at once.
func TestAccDeviceCertificateState_noWaitFailsAtOnce(t *testing.T) {
	srv := acctest.StartEmulator(t, emulator.Options{})
	resource.ParallelTest(t, acctest.TestCase(t, resource.TestStep{
		PreConfig:   srv.ResetCounters,
		Config:      waitConfig(srv, "never-connects", ""),
		ExpectError: regexp.MustCompile(`(?s)Device Certificate Not Registered.*wait_for_registration`),
	}))
	if n := srv.Calls()["GetDeviceCertificate"]; n != 1 {
		t.Errorf("want exactly one GetDeviceCertificate, got %d", n)
	}
}

func regionStateConfig(srv *emulator.Server, region, instanceID, caSn, deviceSn string) string {
	regionLine := ""
	if region != "" {
		regionLine = fmt.Sprintf("region = %q\n  ", region)
	}
	return stateConfigAt(srv, instanceID, caSn, deviceSn, regionLine+`status = "inactive"`)
}

// One provider configuration (cn-hangzhou) manages a device of an instance
// in cn-shanghai through the resource's region.
func TestAccDeviceCertificateState_regionOverride(t *testing.T) {
	srv := acctest.StartEmulatorWithSeed(t, onsmqtttest.FleetSeed(), emulator.Options{})
	dev := emulator.DeviceCertificate{InstanceID: onsmqtttest.SecondInstanceID, CASn: "ca-sh", DeviceSn: "dev-sh", DeviceName: "shanghai-device", Status: "1"}
	acctest.PutDevices(t, srv, dev)
	cfg := regionStateConfig(srv, onsmqtttest.SecondRegion, onsmqtttest.SecondInstanceID, "ca-sh", "dev-sh")
	id := onsmqtttest.SecondInstanceID + ":ca-sh:dev-sh"

	tc := acctest.TestCase(t,
		resource.TestStep{
			// Without region the provider's region is used: the instance is not there.
			Config:      regionStateConfig(srv, "", onsmqtttest.SecondInstanceID, "ca-sh", "dev-sh"),
			ExpectError: regexp.MustCompile(`(?s)MqttInstanceNotFound.*region`),
		},
		resource.TestStep{
			Config: cfg,
			Check: func(*terraform.State) error {
				d, _ := srv.Device(onsmqtttest.SecondInstanceID, "ca-sh", "dev-sh")
				if d.Status != "0" {
					return fmt.Errorf("emulator holds status %q, want \"0\"", d.Status)
				}
				return nil
			},
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(stateAddr, tfjsonpath.New("region"), knownvalue.StringExact(onsmqtttest.SecondRegion)),
				statecheck.ExpectKnownValue(stateAddr, tfjsonpath.New("device_name"), knownvalue.StringExact("shanghai-device")),
			},
		},
		resource.TestStep{
			ResourceName:            stateAddr,
			ImportState:             true,
			ImportStateId:           id + "@" + onsmqtttest.SecondRegion,
			ImportStateVerify:       true,
			ImportStateVerifyIgnore: []string{"timeouts"},
		},
		resource.TestStep{
			// Without the suffix the import looks in the provider's region.
			ResourceName:  stateAddr,
			ImportState:   true,
			ImportStateId: id,
			ExpectError:   regexp.MustCompile(`(?s)Cannot import non-existent remote object`),
		},
		resource.TestStep{
			ResourceName:  stateAddr,
			ImportState:   true,
			ImportStateId: id + "@Shanghai",
			ExpectError:   regexp.MustCompile(`(?s)Unexpected Import Identifier.*must\s+be\s+a\s+region`),
		},
		resource.TestStep{
			// Moving the resource to another region replaces it: here to a
			// region where the instance is not, which the plan refuses
			// before the destroy would inactivate the certificate.
			Config: regionStateConfig(srv, emulator.DemoRegion, onsmqtttest.SecondInstanceID, "ca-sh", "dev-sh"),
			ExpectError: wrapTolerant(`MQTT Instance Not Found.*Instance "post-cn-shanghai01" does not exist in region ` +
				`cn-hangzhou.*The plan stops here: destroying the resource first would inactivate certificate dev-sh`),
		},
	)
	tc.CheckDestroy = func(*terraform.State) error {
		d, _ := srv.Device(onsmqtttest.SecondInstanceID, "ca-sh", "dev-sh")
		if d.Status != "0" {
			return fmt.Errorf("after destroy the device is %q", d.Status)
		}
		return nil
	}
	resource.ParallelTest(t, tc)
}

func TestAccDeviceCertificateState_regionImportByIdentity(t *testing.T) {
	srv := acctest.StartEmulatorWithSeed(t, onsmqtttest.FleetSeed(), emulator.Options{})
	acctest.PutDevices(t, srv, emulator.DeviceCertificate{InstanceID: onsmqtttest.SecondInstanceID, CASn: "ca-sh", DeviceSn: "dev-id", Status: "1"})
	cfg := regionStateConfig(srv, onsmqtttest.SecondRegion, onsmqtttest.SecondInstanceID, "ca-sh", "dev-id")

	resource.ParallelTest(t, acctest.ImportByIdentityTestCase(t, stateAddr, cfg, map[string]knownvalue.Check{
		"instance_id": knownvalue.StringExact(onsmqtttest.SecondInstanceID),
		"ca_sn":       knownvalue.StringExact("ca-sh"),
		"device_sn":   knownvalue.StringExact("dev-id"),
		"region":      knownvalue.StringExact(onsmqtttest.SecondRegion),
	}, nil))
}

// If the service refuses a status change to the status a certificate
// already holds (undocumented; the emulator's strict reading), destroying an
// inactive certificate still succeeds and leaves it inactive.
func TestAccDeviceCertificateState_destroyWhenTheServiceRefusesNoOps(t *testing.T) {
	srv := acctest.StartEmulator(t, emulator.Options{Behaviour: emulator.Behaviour{StrictStatusChanges: true}})
	acctest.PutDevices(t, srv, acctest.Device("ca01", "strict01", "1"))
	tc := acctest.TestCase(t,
		resource.TestStep{Config: stateConfig(srv, "ca01", "strict01", "inactive")},
	)
	tc.CheckDestroy = func(s *terraform.State) error {
		if err := checkInactiveAfterDestroy(srv, "ca01", "strict01")(s); err != nil {
			return err
		}
		if srv.Errors()[emulator.CodeParameterFieldCheckFailed] == 0 {
			return fmt.Errorf("the emulator refused no no-op change: the test proves nothing")
		}
		return nil
	}
	resource.ParallelTest(t, tc)
}
