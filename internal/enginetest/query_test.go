package enginetest

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/go-version"

	"github.com/apsaramq/terraform-provider-apsaramq/internal/acctest"
	"github.com/apsaramq/terraform-provider-apsaramq/internal/emulator"
	"github.com/apsaramq/terraform-provider-apsaramq/internal/engine"
)

// The first day with an instance nobody manages, as the guide tells it:
// terraform query -generate-config-out writes a resource and an import
// block for every CA and every CA's device access; plan then shows only
// imports, with no other change; apply adopts the instance without
// changing a certificate; and the next plan is empty.
func TestAccQuery_generateConfigAdoptsTheInstance(t *testing.T) {
	e := newEngine(t)
	skipWithoutQuery(t, e.eng)
	srv := acctest.StartEmulatorWithSeed(t, seedWithVerification(t), emulator.Options{})
	secondSn := acctest.RegisterCA(t, srv, emulator.DemoInstanceID, acctest.NewCA(t, "trucks CA"))
	for i, status := range []string{"1", "0", "1", "1", "0"} {
		acctest.PutDevices(t, srv, acctest.Device(secondSn, fmt.Sprintf("7a00%02d", i), status))
	}
	before := srv.Snapshot()

	e.writeConfig(providerConfig(srv.URL))
	writeFile(t, filepath.Join(e.dir, "adopt.tfquery.hcl"), fmt.Sprintf(`
list "apsaramq_mqtt_ca_certificate" "cas" {
  provider = apsaramq
  config {
    instance_id = %[1]q
  }
}

list "apsaramq_mqtt_device_access" "access" {
  provider = apsaramq
  config {
    instance_id = %[1]q
  }
}
`, emulator.DemoInstanceID))

	srv.ResetCounters()
	out := e.mustRun(0, nil, "query", "-generate-config-out=generated.tf", "-no-color")
	t.Logf("terraform query:\n%s", out)
	checkCallsOnly(t, srv, "query", map[string]int64{"ListCaCertificate": 2, "ListDeviceCertificateByCaSn": 2})
	generated, err := os.ReadFile(filepath.Join(e.dir, "generated.tf"))
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("generated.tf:\n%s", generated)
	for what, want := range map[string]int{
		`resource "apsaramq_mqtt_ca_certificate"`:                       2,
		`resource "apsaramq_mqtt_device_access"`:                        2,
		"import {":                                                      4,
		fmt.Sprintf(`"%s" = "inactive"`, emulator.DemoInactiveDeviceSn): 1,
		`"7a0001" = "inactive"`:                                         1,
		`"7a0004" = "inactive"`:                                         1,
		`"7a0000" = "active"`:                                           1,
	} {
		if got := strings.Count(string(generated), what); got != want {
			t.Errorf("generated.tf holds %q %d times, want %d", what, got, want)
		}
	}
	if got := len(regexp.MustCompile(`unlisted_devices\s+= "ignore"`).FindAllString(string(generated), -1)); got != 2 {
		t.Errorf("generated.tf sets unlisted_devices = \"ignore\" %d times, want 2 (what an import reads)", got)
	}

	srv.ResetCounters()
	out = e.mustRun(0, nil, "plan", "-out=adopt.tfplan", "-input=false", "-no-color")
	if !regexp.MustCompile(`Plan: 4 to import, 0 to add, 0 to change, 0 to destroy\.`).MatchString(out) {
		t.Fatalf("plan of the generated configuration is not imports only:\n%s", out)
	}
	checkCallsOnly(t, srv, "plan", map[string]int64{"GetCaCertificate": 2, "ListDeviceCertificateByCaSn": 2})
	checkImportsOnly(t, e, "adopt.tfplan", 4)

	srv.ResetCounters()
	out = e.mustRun(0, nil, "apply", "-input=false", "-no-color", "adopt.tfplan")
	t.Logf("apply:\n%s", out)
	checkCallsOnly(t, srv, "apply", map[string]int64{})
	checkUnchanged(t, srv, before, "adopting the instance")
	e.mustRun(0, nil, "plan", "-detailed-exitcode", "-input=false", "-no-color")

	// After adoption, default deny is a reviewed change of its own: every
	// registered certificate is listed, so switching changes no status, and
	// a device that registers afterwards is refused by the next apply.
	deny := regexp.MustCompile(`(unlisted_devices\s+=) "ignore"`).ReplaceAll(generated, []byte(`$1 "inactive"`))
	writeFile(t, filepath.Join(e.dir, "generated.tf"), string(deny))
	out = e.mustRun(2, nil, "plan", "-detailed-exitcode", "-input=false", "-no-color")
	if !strings.Contains(out, "Plan: 0 to add, 2 to change, 0 to destroy.") {
		t.Fatalf("switching to default deny does not plan two in-place updates:\n%s", out)
	}
	srv.ResetCounters()
	e.mustRun(0, nil, "apply", "-auto-approve", "-input=false", "-no-color")
	checkNoStatusCalls(t, srv, "apply of default deny")
	acctest.PutDevices(t, srv, acctest.Device(emulator.DemoCASn, "7b0000", "1"))
	srv.ResetCounters()
	e.mustRun(0, nil, "apply", "-auto-approve", "-input=false", "-no-color")
	if d, _ := srv.Device(emulator.DemoInstanceID, emulator.DemoCASn, "7b0000"); d.Status != "0" || srv.Calls()["InactivateDeviceCertificate"] != 1 {
		t.Fatalf("a device registered after adoption: status %q after apply (calls %s), want inactive by one call", d.Status, acctest.FormatCalls(srv.Calls()))
	}
	checkUnchanged(t, srv, before, "default deny")
}

// checkUnchanged fails when a CA or a certificate of before is gone or
// holds another status.
func checkUnchanged(t *testing.T, srv *emulator.Server, before emulator.Seed, step string) {
	t.Helper()
	for _, d := range before.Devices {
		if now, ok := srv.Device(d.InstanceID, d.CASn, d.DeviceSn); !ok || now.Status != d.Status {
			t.Fatalf("%s changed certificate %s/%s: status %q before, %q (registered: %v) after", step, d.CASn, d.DeviceSn, d.Status, now.Status, ok)
		}
	}
	for _, c := range before.CAs {
		if now, ok := srv.CA(c.InstanceID, c.Sn); !ok || now.Status != c.Status {
			t.Fatalf("%s changed CA %s: status %q before, %q (registered: %v) after", step, c.Sn, c.Status, now.Status, ok)
		}
	}
}

// checkNoStatusCalls fails when step changed a status, registered or
// deleted anything.
func checkNoStatusCalls(t *testing.T, srv *emulator.Server, step string) {
	t.Helper()
	calls := srv.Calls()
	t.Logf("%s made %s", step, acctest.FormatCalls(calls))
	for action, n := range calls {
		if n > 0 && !strings.HasPrefix(action, "Get") && !strings.HasPrefix(action, "List") {
			t.Fatalf("%s called %s %d times: it must change nothing", step, action, n)
		}
	}
}

// seedWithVerification is the demo seed whose CA carries the verification
// certificate it was registered with, as the API answers for any CA
// registered through it (the seed's CA was not).
func seedWithVerification(t *testing.T) emulator.Seed {
	t.Helper()
	seed := emulator.DemoSeed()
	ca, err := emulator.DemoCA()
	if err != nil {
		t.Fatal(err)
	}
	ver := acctest.Issue(t, ca, "a-registration-code-used-long-ago", true)
	for i := range seed.CAs {
		if seed.CAs[i].Sn == emulator.DemoCASn {
			seed.CAs[i].VerificationContent = string(ver.CertPEM)
		}
	}
	return seed
}

// skipWithoutQuery skips, by name, the engines without terraform query.
func skipWithoutQuery(t *testing.T, eng engine.Engine) {
	t.Helper()
	if eng.Kind == engine.OpenTofu {
		t.Skipf("%s has no query command and no list resources (Terraform 1.14 added them): generated configuration is tested on Terraform 1.14", eng)
	}
	v, err := version.NewVersion(eng.Version)
	if err != nil {
		t.Fatalf("%s: %v", eng, err)
	}
	if v.Core().LessThan(version.Must(version.NewVersion("1.14.0"))) {
		t.Skipf("%s has no query command and no list resources (they need Terraform 1.14 or later)", eng)
	}
}

// checkCallsOnly fails unless the emulator counted exactly want (and
// nothing else) during step.
func checkCallsOnly(t *testing.T, srv *emulator.Server, step string, want map[string]int64) {
	t.Helper()
	got := srv.Calls()
	t.Logf("%s made %s", step, acctest.FormatCalls(got))
	for action, n := range got {
		if n != want[action] {
			t.Fatalf("%s: API calls %s, want %s", step, acctest.FormatCalls(got), acctest.FormatCalls(want))
		}
	}
	for action, n := range want {
		if got[action] != n {
			t.Fatalf("%s: API calls %s, want %s", step, acctest.FormatCalls(got), acctest.FormatCalls(want))
		}
	}
}

// checkImportsOnly reads a saved plan: n resource changes, each an import
// whose action is no-op (nothing to create, update or delete).
func checkImportsOnly(t *testing.T, e *engineRun, planFile string, n int) {
	t.Helper()
	out := e.mustRun(0, nil, "show", "-json", planFile)
	var plan struct {
		ResourceChanges []struct {
			Address string `json:"address"`
			Change  struct {
				Actions   []string        `json:"actions"`
				Importing json.RawMessage `json:"importing"`
			} `json:"change"`
		} `json:"resource_changes"`
	}
	if err := json.Unmarshal([]byte(out), &plan); err != nil {
		t.Fatalf("show -json: %v\n%s", err, out)
	}
	if len(plan.ResourceChanges) != n {
		t.Fatalf("the plan changes %d resources, want %d imports", len(plan.ResourceChanges), n)
	}
	for _, rc := range plan.ResourceChanges {
		if !slices.Equal(rc.Change.Actions, []string{"no-op"}) || len(rc.Change.Importing) == 0 {
			t.Errorf("%s: actions %v, importing %s; want an import and no other change", rc.Address, rc.Change.Actions, rc.Change.Importing)
		}
	}
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}
