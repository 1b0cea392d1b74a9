package provider_test

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/apsaramq/terraform-provider-apsaramq/internal/acctest"
	"github.com/apsaramq/terraform-provider-apsaramq/internal/emulator"
)

// A device state resource makes the engine configure the provider.
func resourceBlock(deviceSn string) string {
	return fmt.Sprintf(`
resource "apsaramq_mqtt_device_certificate_state" "test" {
  instance_id = %q
  ca_sn       = "ca01"
  device_sn   = %q
  status      = "inactive"
}
`, emulator.DemoInstanceID, deviceSn)
}

func endpointsBlock(srv *emulator.Server) string {
	return fmt.Sprintf(`
  endpoints {
    onsmqtt = %q
    sts     = %q
  }`, srv.URL, srv.URL)
}

func TestAccProvider_assumeRole(t *testing.T) {
	srv := acctest.StartEmulator(t, emulator.Options{})
	acctest.PutDevices(t, srv, acctest.Device("ca01", "role01", "1"))
	cfg := acctest.ProviderBlock(srv, fmt.Sprintf(`
  assume_role {
    role_arn           = %q
    session_name       = "acc-test"
    session_expiration = 900
  }`, emulator.DemoRoleArn)) + resourceBlock("role01")

	resource.ParallelTest(t, acctest.TestCase(t, resource.TestStep{
		PreConfig: srv.ResetCounters,
		Config:    cfg,
		Check: resource.ComposeAggregateTestCheckFunc(
			acctest.CheckEmulatorDeviceStatus(srv, "ca01", "role01", "0"),
			// Terraform configures the provider once for the plan and once
			// for the apply phase: one AssumeRole each.
			acctest.CheckCalls(srv, map[string]int64{"AssumeRole": 2, "GetDeviceCertificate": 1, "InactivateDeviceCertificate": 1}),
		),
	}))
}

func TestAccProvider_assumeRoleErrors(t *testing.T) {
	srv := acctest.StartEmulator(t, emulator.Options{})
	cases := map[string]struct{ block, want string }{
		"unknown role": {fmt.Sprintf(`assume_role { role_arn = "acs:ram::%s:role/nope" }`, emulator.DemoAccountID),
			`(?s)Unable to Obtain Credentials.*EntityNotExist.Role.*request\s+ID.*assume_role.role_arn\s+names\s+no\s+role`},
		"malformed arn": {`assume_role { role_arn = "arn:aws:iam::1:role/x" }`, `(?s)must be a RAM role ARN`},
		"empty block":   {`assume_role {}`, `(?s)Missing Role ARN`},
		"expiration": {fmt.Sprintf(`assume_role {
    role_arn           = %q
    session_expiration = 60
  }`, emulator.DemoRoleArn), `(?s)session_expiration value must be between 900 and 43200`},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			resource.Test(t, acctest.TestCase(t, resource.TestStep{
				Config:      acctest.ProviderBlock(srv, tc.block) + resourceBlock("x1"),
				ExpectError: regexp.MustCompile(tc.want),
			}))
		})
	}
}

// Credentials from the environment and from an aliyun CLI profile file.
// Not parallel: t.Setenv.
func TestAccProvider_credentialSources(t *testing.T) {
	srv := acctest.StartEmulator(t, emulator.Options{})
	acctest.PutDevices(t, srv, acctest.Device("ca01", "env01", "1"), acctest.Device("ca01", "prof01", "1"))

	t.Run("environment", func(t *testing.T) {
		t.Setenv("ALIBABA_CLOUD_ACCESS_KEY_ID", emulator.DemoAccessKeyID)
		t.Setenv("ALICLOUD_SECRET_KEY", emulator.DemoAccessKeySecret)
		t.Setenv("ALIBABA_CLOUD_REGION", emulator.DemoRegion)
		t.Setenv("APSARAMQ_ONSMQTT_ENDPOINT", srv.URL)
		resource.Test(t, acctest.TestCase(t, resource.TestStep{
			Config: `provider "apsaramq" {}` + resourceBlock("env01"),
			Check:  acctest.CheckEmulatorDeviceStatus(srv, "ca01", "env01", "0"),
		}))
	})

	t.Run("profile", func(t *testing.T) {
		file := filepath.Join(t.TempDir(), "config.json")
		content := fmt.Sprintf(`{"current":"other","profiles":[
  {"name":"other","mode":"AK","access_key_id":"LTAI-nobody","access_key_secret":"x","region_id":"cn-beijing"},
  {"name":"emulator","mode":"AK","access_key_id":%q,"access_key_secret":%q,"region_id":%q}]}`,
			emulator.DemoAccessKeyID, emulator.DemoAccessKeySecret, emulator.DemoRegion)
		if err := os.WriteFile(file, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		t.Setenv("ALIBABA_CLOUD_PROFILE", "emulator")
		resource.Test(t, acctest.TestCase(t, resource.TestStep{
			Config: fmt.Sprintf(`provider "apsaramq" {
  shared_credentials_file = %q
%s
}`, file, endpointsBlock(srv)) + resourceBlock("prof01"),
			Check: acctest.CheckEmulatorDeviceStatus(srv, "ca01", "prof01", "0"),
		}))
	})

	t.Run("missing and conflicting", func(t *testing.T) {
		// An empty home: no ~/.aliyun/config.json to fall back on.
		t.Setenv("HOME", t.TempDir())
		cases := map[string]struct{ block, want string }{
			"nothing": {fmt.Sprintf(`provider "apsaramq" {
  region = "cn-hangzhou"
%s
}`, endpointsBlock(srv)), `(?s)Invalid Provider Credentials.*no credentials found`},
			"half a key pair": {fmt.Sprintf(`provider "apsaramq" {
  region     = "cn-hangzhou"
  access_key = "AK"
%s
}`, endpointsBlock(srv)), `(?s)access_key and secret_key must be set together`},
			"keys and profile": {fmt.Sprintf(`provider "apsaramq" {
  region     = "cn-hangzhou"
  access_key = "AK"
  secret_key = "SK"
  profile    = "dev"
%s
}`, endpointsBlock(srv)), `(?s)conflicting credentials`},
			"no region": {fmt.Sprintf(`provider "apsaramq" {
  access_key = "AK"
  secret_key = "SK"
%s
}`, endpointsBlock(srv)), `(?s)Missing Region`},
			"bad region": {fmt.Sprintf(`provider "apsaramq" {
  region     = "Hangzhou"
  access_key = "AK"
  secret_key = "SK"
%s
}`, endpointsBlock(srv)), `(?s)Invalid Region.*not an Alibaba Cloud region ID`},
			"bad endpoint": {`provider "apsaramq" {
  region     = "cn-hangzhou"
  access_key = "AK"
  secret_key = "SK"
  endpoints {
    onsmqtt = "ftp://127.0.0.1:1"
  }
}`, `(?s)Invalid Endpoint.*scheme must be https or http`},
			"read timeout too short":         {acctest.ProviderBlock(srv, "client_read_timeout = 10"), `(?s)client_read_timeout value must be between 100 and 600000`},
			"rate limit above the account's": {acctest.ProviderBlock(srv, "rate_limit = 1000"), `(?s)rate_limit value must be between 1.000000 and 500.000000`},
			"unknown rate limit mode": {acctest.ProviderBlock(srv, `rate_limit_mode = "cubic"`),
				`(?s)rate_limit_mode\s+value\s+must\s+be\s+one\s+of:\s+\["adaptive"\s+"fixed"\],\s+got:\s+"cubic"`},
		}
		srv.ResetCounters()
		for name, tc := range cases {
			t.Run(name, func(t *testing.T) {
				resource.Test(t, acctest.TestCase(t, resource.TestStep{
					Config:      tc.block + resourceBlock("never"),
					PlanOnly:    true,
					ExpectError: regexp.MustCompile(tc.want),
				}))
			})
		}
		if err := acctest.CheckNoAPICalls(srv); err != nil {
			t.Error(err)
		}
	})
}
