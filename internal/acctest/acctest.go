// Package acctest is the shared acceptance-test harness: provider factories,
// an emulator per test, provider blocks pointing at it, and custom checks.
//
// Acceptance tests run when TF_ACC is set, on whichever engine
// TF_ACC_TERRAFORM_PATH names (tools/run-tests.sh runs them once on
// Terraform and once on OpenTofu).
package acctest

import (
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"

	"github.com/apsaramq/terraform-provider-apsaramq/internal/emulator"
	"github.com/apsaramq/terraform-provider-apsaramq/internal/provider"
)

// ProtoV6ProviderFactories serves the provider in-process, attached to the
// engine through TF_REATTACH_PROVIDERS, so no registry is needed.
func ProtoV6ProviderFactories() map[string]func() (tfprotov6.ProviderServer, error) {
	return map[string]func() (tfprotov6.ProviderServer, error){
		"apsaramq": func() (tfprotov6.ProviderServer, error) { return provider.NewProtocol6Server("acctest")(), nil },
	}
}

// PreCheck stops a test early with a clear message instead of letting
// terraform-plugin-testing exit the whole binary when no engine is found.
func PreCheck(t *testing.T) {
	t.Helper()
	if os.Getenv("TF_ACC") == "" {
		return // resource.Test skips by itself
	}
	if p := os.Getenv("TF_ACC_TERRAFORM_PATH"); p != "" {
		if _, err := os.Stat(p); err != nil {
			t.Fatalf("TF_ACC_TERRAFORM_PATH=%s: %v", p, err)
		}
	}
}

// IsOpenTofu reports whether the engine under test is OpenTofu.
func IsOpenTofu() bool {
	return strings.Contains(os.Getenv("TF_ACC_TERRAFORM_PATH"), "tofu")
}

// StartEmulator starts an emulator with the demo seed for one test.
func StartEmulator(t *testing.T, opts emulator.Options) *emulator.Server {
	t.Helper()
	return StartEmulatorWithSeed(t, emulator.DemoSeed(), opts)
}

// StartEmulatorWithSeed starts an emulator with seed for one test.
func StartEmulatorWithSeed(t *testing.T, seed emulator.Seed, opts emulator.Options) *emulator.Server {
	t.Helper()
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
`, emulator.DemoRegion, emulator.DemoAccessKeyID, emulator.DemoAccessKeySecret, extra, srv.URL, srv.URL)
}

// Device is a device certificate record for the demo instance.
func Device(caSn, deviceSn, status string) emulator.DeviceCertificate {
	return emulator.DeviceCertificate{
		InstanceID: emulator.DemoInstanceID,
		CaSn:       caSn,
		DeviceSn:   deviceSn,
		DeviceName: "device-" + deviceSn,
		Status:     status,
	}
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
