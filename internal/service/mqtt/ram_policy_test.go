package mqtt_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	frameworkresource "github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/apsaramq/terraform-provider-apsaramq/internal/acctest"
	"github.com/apsaramq/terraform-provider-apsaramq/internal/emulator"
	"github.com/apsaramq/terraform-provider-apsaramq/internal/service/mqtt"
)

// The published RAM policies (examples/*/*/ram-policy.json, rendered into
// the RAM permissions guide) are tested as users would use them: each type's
// whole lifecycle runs with an access key that holds exactly the policy's
// actions, and every action of the policy must be one the lifecycle needed.

const restrictedKeyID, restrictedSecret = "LTAI5tPolicyUnderTest001", "policy-under-test-secret"

// startRestricted starts an emulator whose demo account has an extra key
// restricted to actions.
func startRestricted(t *testing.T, actions []string) *emulator.Server {
	t.Helper()
	seed := emulator.DemoSeed()
	for i := range seed.Accounts {
		if seed.Accounts[i].ID == emulator.DemoAccountID {
			seed.Accounts[i].AccessKeys = append(seed.Accounts[i].AccessKeys,
				emulator.AccessKey{ID: restrictedKeyID, Secret: restrictedSecret, Actions: actions})
		}
	}
	srv := acctest.StartEmulatorWithSeed(t, seed, emulator.Options{})
	acctest.PutDevices(t, srv, acctest.Device("ca01", "pol01", "1"))
	return srv
}

func restrictedProvider(srv *emulator.Server) string {
	return acctest.ProviderBlockWithKey(srv, restrictedKeyID, restrictedSecret, "")
}

// policyLifecycle is what a type does over its life, with the restricted key.
// A list resource's life is terraform query (Terraform 1.14 only).
type policyLifecycle struct {
	file  string
	steps func(t *testing.T, srv *emulator.Server) []resource.TestStep
}

// isQuery reports whether the lifecycle is a list resource's.
func (lc policyLifecycle) isQuery() bool { return strings.HasPrefix(lc.file, "list-resources/") }

var policyLifecycles = map[string]policyLifecycle{
	"apsaramq_mqtt_device_certificate_state": {"resources/apsaramq_mqtt_device_certificate_state/ram-policy.json",
		func(_ *testing.T, srv *emulator.Server) []resource.TestStep {
			cfg := func(status string) string {
				return restrictedProvider(srv) + fmt.Sprintf(`
resource "apsaramq_mqtt_device_certificate_state" "test" {
  instance_id = %q
  ca_sn       = "ca01"
  device_sn   = "pol01"
  status      = %q
}
`, emulator.DemoInstanceID, status)
			}
			return []resource.TestStep{{Config: cfg("inactive")}, {Config: cfg("active")}}
		}},
	"apsaramq_mqtt_device_access": {"resources/apsaramq_mqtt_device_access/ram-policy.json",
		func(_ *testing.T, srv *emulator.Server) []resource.TestStep {
			cfg := func(caSn, deviceSn, status, unlisted string) string {
				return restrictedProvider(srv) + fmt.Sprintf(`
resource "apsaramq_mqtt_device_access" "test" {
  instance_id      = %q
  ca_sn            = %q
  devices          = { %q = %q }
  unlisted_devices = %q
}
`, emulator.DemoInstanceID, caSn, deviceSn, status, unlisted)
			}
			// The last step replaces the resource under "ignore": its plan
			// checks that the new CA exists (GetCaCertificate).
			return []resource.TestStep{
				{Config: cfg("ca01", "pol01", "inactive", "inactive")},
				{Config: cfg("ca01", "pol01", "active", "inactive")},
				{Config: cfg(emulator.DemoCASn, emulator.DemoDeviceSn, "active", "ignore")},
			}
		}},
	"apsaramq_mqtt_ca_certificate (resource)": {"resources/apsaramq_mqtt_ca_certificate/ram-policy.json",
		func(t *testing.T, srv *emulator.Server) []resource.TestStep {
			ca := acctest.NewCA(t, "policy CA")
			ver := acctest.Issue(t, ca, acctest.RegisterCode(t, srv, emulator.DemoInstanceID), true)
			srv.ResetCounters() // the code was fetched with the demo key, not under the policy
			cfg := func(status string) string {
				return restrictedProvider(srv) + fmt.Sprintf(`
resource "apsaramq_mqtt_ca_certificate" "test" {
  instance_id                  = %q
  name                         = "policy-ca"
  ca_certificate_pem           = %s
  verification_certificate_pem = %s
  status                       = %q
}
`, emulator.DemoInstanceID, acctest.HCLString(string(ca.CertPEM)), acctest.HCLString(string(ver.CertPEM)), status)
			}
			return []resource.TestStep{{Config: cfg("active")}, {Config: cfg("inactive")}, {Config: cfg("active")}}
		}},
	"apsaramq_mqtt_device_certificate": {"data-sources/apsaramq_mqtt_device_certificate/ram-policy.json",
		dataSourceSteps(`data "apsaramq_mqtt_device_certificate" "test" {
  instance_id = %[1]q
  ca_sn       = "ca01"
  device_sn   = "pol01"
}`)},
	"apsaramq_mqtt_device_certificates": {"data-sources/apsaramq_mqtt_device_certificates/ram-policy.json",
		dataSourceSteps(`data "apsaramq_mqtt_device_certificates" "all" {
  instance_id = %[1]q
}

data "apsaramq_mqtt_device_certificates" "by_ca" {
  instance_id = %[1]q
  ca_sn       = "ca01"
}`)},
	"apsaramq_mqtt_ca_certificate (data source)": {"data-sources/apsaramq_mqtt_ca_certificate/ram-policy.json",
		dataSourceSteps(`data "apsaramq_mqtt_ca_certificate" "test" {
  instance_id = %[1]q
  sn          = %[2]q
}`)},
	"apsaramq_mqtt_ca_certificates": {"data-sources/apsaramq_mqtt_ca_certificates/ram-policy.json",
		dataSourceSteps(`data "apsaramq_mqtt_ca_certificates" "test" {
  instance_id = %[1]q
}`)},
	"apsaramq_mqtt_register_code": {"data-sources/apsaramq_mqtt_register_code/ram-policy.json",
		dataSourceSteps(`data "apsaramq_mqtt_register_code" "test" {
  instance_id = %[1]q
}`)},
	"apsaramq_mqtt_device_certificate_state (list resource)": {"list-resources/apsaramq_mqtt_device_certificate_state/ram-policy.json",
		querySteps(listBlock("apsaramq_mqtt_device_certificate_state", "by_ca", "instance_id = %[1]q\n    ca_sn = \"ca01\"", "") +
			listBlock("apsaramq_mqtt_device_certificate_state", "all", "instance_id = %[1]q", ""))},
	"apsaramq_mqtt_device_access (list resource)": {"list-resources/apsaramq_mqtt_device_access/ram-policy.json",
		querySteps(listBlock("apsaramq_mqtt_device_access", "test", "instance_id = %[1]q", "include_resource = true"))},
	"apsaramq_mqtt_ca_certificate (list resource)": {"list-resources/apsaramq_mqtt_ca_certificate/ram-policy.json",
		querySteps(listBlock("apsaramq_mqtt_ca_certificate", "test", "instance_id = %[1]q", "include_resource = true"))},
}

// querySteps runs terraform query on the list blocks of block (formatted
// with the demo instance).
func querySteps(block string) func(*testing.T, *emulator.Server) []resource.TestStep {
	return func(_ *testing.T, srv *emulator.Server) []resource.TestStep {
		return []resource.TestStep{{Query: true, Config: restrictedProvider(srv) + fmt.Sprintf(block, emulator.DemoInstanceID)}}
	}
}

// dataSourceSteps reads the data sources of block (formatted with the demo
// instance and CA).
func dataSourceSteps(block string) func(*testing.T, *emulator.Server) []resource.TestStep {
	return func(_ *testing.T, srv *emulator.Server) []resource.TestStep {
		return []resource.TestStep{{Config: restrictedProvider(srv) + fmt.Sprintf(block, emulator.DemoInstanceID, emulator.DemoCASn)}}
	}
}

func TestAccRAMPolicy_leastPrivilegeForEveryType(t *testing.T) {
	for name, lc := range policyLifecycles {
		t.Run(regexp.MustCompile(`\W+`).ReplaceAllString(name, "_"), func(t *testing.T) {
			allowed := acctest.PublishedPolicyActions(t, lc.file)
			srv := startRestricted(t, allowed)
			tc := acctest.TestCase(t, lc.steps(t, srv)...)
			if lc.isQuery() {
				tc.TerraformVersionChecks = []tfversion.TerraformVersionCheck{queryEngines{}}
			}
			resource.ParallelTest(t, tc)
			// Destroy ran under the policy too: its calls are counted below.
			if denied := srv.Errors()[emulator.CodePermissionCheckFailed]; denied > 0 {
				t.Fatalf("%d calls were denied under the policy", denied)
			}
			// Least privilege: each allowed action was needed by a call the lifecycle made.
			var needed []string
			for action, n := range srv.Calls() {
				if n > 0 {
					needed = append(needed, emulator.RAMActions(action)...)
				}
			}
			for _, a := range allowed {
				if !slices.Contains(needed, a) {
					t.Errorf("%s allows %s, which no call of the lifecycle needed (calls: %s)", lc.file, a, acctest.FormatCalls(srv.Calls()))
				}
			}
			t.Logf("%s: %v sufficed for %s", lc.file, allowed, acctest.FormatCalls(srv.Calls()))
		})
	}
}

// Without one action of the policy, the user learns which one to grant.
func TestAccRAMPolicy_missingActionIsNamed(t *testing.T) {
	allowed := slices.DeleteFunc(acctest.PublishedPolicyActions(t, "resources/apsaramq_mqtt_device_certificate_state/ram-policy.json"),
		func(a string) bool { return a == "mq:UnregisterDeviceCertificate" })
	srv := startRestricted(t, allowed)
	resource.ParallelTest(t, acctest.TestCase(t, resource.TestStep{
		Config: restrictedProvider(srv) + fmt.Sprintf(`
resource "apsaramq_mqtt_device_certificate_state" "test" {
  instance_id = %q
  ca_sn       = "ca01"
  device_sn   = "pol01"
  status      = "inactive"
}
`, emulator.DemoInstanceID),
		ExpectError: wrapTolerant(`Code: PermissionCheckFailed .* may not call InactivateDeviceCertificate: grant it mq:UnregisterDeviceCertificate`),
	}))
	if d, _ := srv.Device(emulator.DemoInstanceID, "ca01", "pol01"); d.Status != "1" {
		t.Fatalf("the certificate changed although the call was denied")
	}
}

// Every resource, data source and list resource has a published, tested
// policy, and the guide shows it.
func TestRAMPolicy_everyTypeHasOne(t *testing.T) {
	guide, err := os.ReadFile(filepath.Join("..", "..", "..", "templates", "guides", "ram-permissions.md.tmpl"))
	if err != nil {
		t.Fatal(err)
	}
	check := func(kind, typeName string) {
		var lc policyLifecycle
		var ok bool
		for name, l := range policyLifecycles {
			// A list resource has its managed resource's name: only its own entry counts.
			if (name == typeName && kind != "list resource") || name == typeName+" ("+kind+")" {
				lc, ok = l, true
			}
		}
		if !ok {
			t.Errorf("%s %s has no RAM policy lifecycle in this test", kind, typeName)
			return
		}
		if !strings.Contains(string(guide), `"examples/`+lc.file+`"`) {
			t.Errorf("the RAM permissions guide does not show %s", lc.file)
		}
	}
	for _, newResource := range mqtt.Resources() {
		var resp frameworkresource.MetadataResponse
		newResource().Metadata(context.Background(), frameworkresource.MetadataRequest{ProviderTypeName: "apsaramq"}, &resp)
		check("resource", resp.TypeName)
	}
	for _, newDataSource := range mqtt.DataSources() {
		var resp datasource.MetadataResponse
		newDataSource().Metadata(context.Background(), datasource.MetadataRequest{ProviderTypeName: "apsaramq"}, &resp)
		check("data source", resp.TypeName)
	}
	for _, newListResource := range mqtt.ListResources() {
		var resp frameworkresource.MetadataResponse
		newListResource().Metadata(context.Background(), frameworkresource.MetadataRequest{ProviderTypeName: "apsaramq"}, &resp)
		check("list resource", resp.TypeName)
	}
}
