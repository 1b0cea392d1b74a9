package benchmark

import (
	"encoding/json"
	"maps"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/apsaramq/terraform-provider-apsaramq/internal/emulator"
)

func TestWorkloadBudgets(t *testing.T) {
	w, err := NewWorkload(25, MixTenths)
	if err != nil {
		t.Fatal(err)
	}
	// i%10==0 seeded inactive: 0, 10, 20; i%10==5 flipped: 5, 15.
	want := map[Step]map[string]int64{
		StepApply:   {ActionGet: 25, ActionActivate: 3},
		StepPlan:    {ActionGet: 25},
		StepFlip:    {ActionGet: 25, ActionInactivate: 2},
		StepDestroy: {ActionGet: 25, ActionInactivate: 25},
	}
	for step, budget := range want {
		if got := w.ExpectedFor(ResourcePerCertificate, step); !maps.Equal(got, budget) {
			t.Errorf("ExpectedFor(ResourcePerCertificate, %s) = %v, want %v", step, got, budget)
		}
	}
	// Stable, distinct serials: a second workload has the same DeviceSns.
	w2, err := NewWorkload(25, MixTenths)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for i, d := range w.Devices {
		if d.DeviceSn != w2.Devices[i].DeviceSn || seen[d.DeviceSn] {
			t.Fatalf("device %d: SN %s not stable or not unique", i, d.DeviceSn)
		}
		seen[d.DeviceSn] = true
	}
	if _, err := NewWorkload(0, MixTenths); err == nil {
		t.Error("NewWorkload(0, MixTenths) accepted")
	}
}

func TestWorkloadStatuses(t *testing.T) {
	w, err := NewWorkload(20, MixTenths)
	if err != nil {
		t.Fatal(err)
	}
	count := func(m map[string]string, v string) int {
		n := 0
		for _, s := range m {
			if s == v {
				n++
			}
		}
		return n
	}
	if n := count(w.Desired(StepApply), "inactive"); n != 0 {
		t.Errorf("apply config has %d inactive, want 0", n)
	}
	if n := count(w.Desired(StepFlip), "inactive"); n != 2 {
		t.Errorf("flip config has %d inactive, want 2", n)
	}
	if n := count(w.WantStatus(StepApply), "1"); n != 20 {
		t.Errorf("after apply %d active, want 20", n)
	}
	if n := count(w.WantStatus(StepFlip), "0"); n != 2 {
		t.Errorf("after flip %d inactive, want 2", n)
	}
	if n := count(w.WantStatus(StepDestroy), "0"); n != 20 {
		t.Errorf("after destroy %d inactive, want 20", n)
	}
	// The seed holds the demo world plus the workload, and the emulator takes it.
	seed := w.Seed()
	if len(seed.Devices) != len(emulator.DemoSeed().Devices)+20 {
		t.Fatalf("seed has %d devices", len(seed.Devices))
	}
	if _, err := emulator.New(seed, emulator.Options{}); err != nil {
		t.Fatalf("emulator refuses the seed: %v", err)
	}
}

func TestWriteConfigs(t *testing.T) {
	dir := t.TempDir()
	if err := WriteConfig(dir, ResourcePerCertificate, ProviderSettings{EmulatorURL: "http://127.0.0.1:1234", RateLimit: 500}); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(filepath.Join(dir, "main.tf"))
	for _, want := range []string{`source = "apsaramq/apsaramq"`, "rate_limit = 500", `onsmqtt = "http://127.0.0.1:1234"`,
		`resource "apsaramq_mqtt_device_certificate_state" "fleet"`, "for_each    = var.certs", "status      = each.value"} {
		if !strings.Contains(string(b), want) {
			t.Errorf("provider config lacks %q:\n%s", want, b)
		}
	}
	if err := WriteConfig(dir, ResourcePerCertificate, ProviderSettings{EmulatorURL: "http://x"}); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "main.tf")); strings.Contains(string(b), "rate_limit") {
		t.Error("rate_limit written although 0 means the provider default")
	}
	if err := WriteConfig(dir, ResourceBaseline, ProviderSettings{}); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "main.tf")); !strings.Contains(string(b), `resource "terraform_data" "fleet"`) ||
		strings.Contains(string(b), "apsaramq") {
		t.Errorf("baseline config:\n%s", b)
	}
	if err := WriteConfig(dir, ResourceClient, ProviderSettings{}); err == nil {
		t.Error("a configuration written for the client alone")
	}

	if err := WriteVars(dir, map[string]string{"a1": "active"}); err != nil {
		t.Fatal(err)
	}
	var vars struct{ Certs map[string]string }
	b, _ = os.ReadFile(filepath.Join(dir, "terraform.tfvars.json"))
	if err := json.Unmarshal(b, &vars); err != nil || vars.Certs["a1"] != "active" {
		t.Fatalf("tfvars %s: %v", b, err)
	}

}
