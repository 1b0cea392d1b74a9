package acctest

import (
	"fmt"
	"testing"

	"github.com/apsaramq/terraform-provider-apsaramq/internal/emulator"
)

// Emulators for acceptance tests: one per test, seeded, and the provider
// block that points at it.

// StartEmulator starts an emulator with the demo seed for one test.
func StartEmulator(t *testing.T, opts emulator.Options) *emulator.Server {
	t.Helper()
	return StartEmulatorWithSeed(t, emulator.DemoSeed(), opts)
}

// StartEmulatorWithSeed starts an emulator with seed for one test.
func StartEmulatorWithSeed(t *testing.T, seed emulator.Seed, opts emulator.Options) *emulator.Server {
	t.Helper()
	if opts.TLSCA == nil {
		opts.TLSCA = processCA
	}
	srv, err := emulator.Start(seed, opts, "127.0.0.1:0")
	if err != nil {
		t.Fatalf("starting the emulator: %v", err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	return srv
}

// ProviderBlock is a provider configuration with the demo account's keys
// pointing at srv; extra is inserted into the block.
func ProviderBlock(srv *emulator.Server, extra string) string {
	return ProviderBlockWithKey(srv, emulator.DemoAccessKeyID, emulator.DemoAccessKeySecret, extra)
}

// ProviderBlockWithKey is ProviderBlock signed with another access key of
// the emulator's seed, e.g. one restricted to a RAM policy's actions.
func ProviderBlockWithKey(srv *emulator.Server, keyID, secret, extra string) string {
	return providerBlock(srv.URL, STSURL(srv), keyID, secret, extra)
}

// ProviderBlockAt is a provider configuration in the demo region whose API
// and STS endpoints are endpoint, which need not be an emulator (a wrong
// endpoint, say).
func ProviderBlockAt(endpoint, keyID, secret, extra string) string {
	return providerBlock(endpoint, endpoint, keyID, secret, extra)
}

func providerBlock(api, sts, keyID, secret, extra string) string {
	return fmt.Sprintf(`
provider "apsaramq" {
  region     = %q
  access_key = %q
  secret_key = %q
  %s
  endpoints {
    onsmqtt = %q
    sts     = %q
  }
}
`, emulator.DemoRegion, keyID, secret, extra, api, sts)
}

// Device is a device certificate record for the demo instance.
func Device(caSn, deviceSn, status string) emulator.DeviceCertificate {
	return emulator.DeviceCertificate{
		InstanceID: emulator.DemoInstanceID,
		CASn:       caSn,
		DeviceSn:   deviceSn,
		DeviceName: "device-" + deviceSn,
		Status:     status,
	}
}

// InactiveFleet registers n active certificates under CA ca01 of the demo
// instance, serial numbers fmt.Sprintf(snFormat, i), and returns the
// configuration that inactivates them: n certificate state resources
// "fleet", by count (terraform-plugin-testing's state shim rejects the
// string keys of for_each).
func InactiveFleet(t *testing.T, srv *emulator.Server, n int, snFormat string) string {
	t.Helper()
	for i := range n {
		PutDevices(t, srv, Device("ca01", fmt.Sprintf(snFormat, i), "1"))
	}
	return fmt.Sprintf(`
resource "apsaramq_mqtt_device_certificate_state" "fleet" {
  count       = %d
  instance_id = %q
  ca_sn       = "ca01"
  device_sn   = format(%q, count.index)
  status      = "inactive"
}
`, n, emulator.DemoInstanceID, snFormat)
}

// PutDevices registers devices on srv or fails the test.
func PutDevices(t *testing.T, srv *emulator.Server, devices ...emulator.DeviceCertificate) {
	t.Helper()
	for _, d := range devices {
		if err := srv.PutDevice(d); err != nil {
			t.Fatalf("seeding device %s: %v", d.DeviceSn, err)
		}
	}
}
