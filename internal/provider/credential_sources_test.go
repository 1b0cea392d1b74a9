package provider_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/apsaramq/terraform-provider-apsaramq/internal/acctest"
	"github.com/apsaramq/terraform-provider-apsaramq/internal/emulator"
)

// Each credential source end to end: plan and apply on a real engine,
// with a role that holds only the published least-privilege policy of
// apsaramq_mqtt_device_certificate_state, temporary credentials fetched
// from the emulator's STS over HTTPS.

// sourceTest applies a device state resource with provider block cfg and
// checks that the device was inactivated with no API error at all, and
// that check holds.
func sourceTest(t *testing.T, w *acctest.CredentialWorld, providerBlock, deviceSn string, check func() error) resource.TestCase {
	t.Helper()
	acctest.PutDevices(t, w.Server, acctest.Device("ca01", deviceSn, "1"))
	return acctest.TestCase(t, resource.TestStep{
		Config: providerBlock + resourceBlock(deviceSn),
		Check: resource.ComposeAggregateTestCheckFunc(
			acctest.CheckEmulatorDeviceStatus(w.Server, "ca01", deviceSn, "0"),
			func(*terraform.State) error { return noAPIErrors(w.Server) },
			func(*terraform.State) error {
				if check == nil {
					return nil
				}
				return check()
			},
		),
	})
}

func noAPIErrors(srv *emulator.Server) error {
	if errs := srv.Errors(); len(errs) > 0 {
		return fmt.Errorf("the emulator answered errors: %v", errs)
	}
	return nil
}

func callsAtLeast(srv *emulator.Server, action string, n int64) func() error {
	return func() error {
		if got := srv.Calls()[action]; got < n {
			return fmt.Errorf("%s was called %d times, want at least %d (calls: %s)", action, got, n, acctest.FormatCalls(srv.Calls()))
		}
		return nil
	}
}

func TestAccCredentials_oidcTokenFile(t *testing.T) {
	w := acctest.StartCredentialWorld(t, emulator.Options{})
	block := acctest.ProviderBlockWithout(w.Server, acctest.OIDCBlock(acctest.RoleOIDC, w.WriteToken(t, emulator.TokenClaims{})))
	resource.ParallelTest(t, sourceTest(t, w, block, "oidc01", callsAtLeast(w.Server, "AssumeRoleWithOIDC", 1)))
}

func TestAccCredentials_oidcTokenInline(t *testing.T) {
	w := acctest.StartCredentialWorld(t, emulator.Options{})
	block := acctest.ProviderBlockWithout(w.Server, fmt.Sprintf(`
  assume_role_with_oidc {
    oidc_provider_arn = %q
    role_arn          = %q
    oidc_token        = %q
  }`, acctest.OIDCProviderArn(), acctest.RoleArn(acctest.RoleOIDC), w.Token(t, emulator.TokenClaims{})))
	resource.ParallelTest(t, sourceTest(t, w, block, "oidc02", callsAtLeast(w.Server, "AssumeRoleWithOIDC", 1)))
}

// assume_role on top of OIDC: the OIDC role may only assume the deploy
// role, which holds the policy (role chaining).
func TestAccCredentials_assumeRoleOverOIDC(t *testing.T) {
	w := acctest.StartCredentialWorld(t, emulator.Options{})
	block := acctest.ProviderBlockWithout(w.Server, acctest.OIDCBlock(acctest.RoleHop, w.WriteToken(t, emulator.TokenClaims{}))+fmt.Sprintf(`
  assume_role {
    role_arn           = %q
    session_expiration = 3600
  }`, acctest.RoleArn(acctest.RoleDeploy)))
	resource.ParallelTest(t, sourceTest(t, w, block, "chain01", func() error {
		if err := callsAtLeast(w.Server, "AssumeRoleWithOIDC", 1)(); err != nil {
			return err
		}
		return callsAtLeast(w.Server, "AssumeRole", 1)()
	}))
}

// ACK RRSA sets three environment variables in a pod and nothing else.
// Not parallel: t.Setenv.
func TestAccCredentials_oidcFromEnvironment(t *testing.T) {
	w := acctest.StartCredentialWorld(t, emulator.Options{})
	t.Setenv("ALIBABA_CLOUD_OIDC_PROVIDER_ARN", acctest.OIDCProviderArn())
	t.Setenv("ALIBABA_CLOUD_ROLE_ARN", acctest.RoleArn(acctest.RoleOIDC))
	t.Setenv("ALIBABA_CLOUD_OIDC_TOKEN_FILE", w.WriteToken(t, emulator.TokenClaims{}))
	t.Setenv("HOME", t.TempDir()) // no ~/.aliyun/config.json to fall back on
	resource.Test(t, sourceTest(t, w, acctest.ProviderBlockWithout(w.Server, ""), "rrsa01", callsAtLeast(w.Server, "AssumeRoleWithOIDC", 1)))
}

// sidecar serves a credentials URI on loopback for the test.
func sidecar(t *testing.T, w *acctest.CredentialWorld, role string) string {
	t.Helper()
	s := httptest.NewServer(w.CredentialsURIHandler(acctest.RoleArn(role)))
	t.Cleanup(s.Close)
	return s.URL + "/credentials"
}

func TestAccCredentials_credentialsURI(t *testing.T) {
	w := acctest.StartCredentialWorld(t, emulator.Options{})
	block := acctest.ProviderBlockWithout(w.Server, fmt.Sprintf("credentials_uri = %q", sidecar(t, w, acctest.RoleURI)))
	resource.ParallelTest(t, sourceTest(t, w, block, "uri01", func() error {
		if w.CredentialIssues().Issued == 0 {
			return fmt.Errorf("the sidecar never handed out credentials")
		}
		return nil
	}))
}

// The aliyun CLI profile modes a pipeline can use, with mode names in the
// case the CLI also accepts. Not parallel: HOME.
func TestAccCredentials_profileModes(t *testing.T) {
	w := acctest.StartCredentialWorld(t, emulator.Options{})
	t.Setenv("HOME", t.TempDir())
	dir := t.TempDir()

	// External: a command that prints temporary credentials of the URI role.
	resp, err := http.Get(sidecar(t, w, acctest.RoleURI))
	if err != nil {
		t.Fatal(err)
	}
	var temp map[string]string
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err := json.Unmarshal(b, &temp); err != nil {
		t.Fatal(err)
	}
	external, _ := json.Marshal(map[string]string{"mode": "StsToken", "access_key_id": temp["AccessKeyId"],
		"access_key_secret": temp["AccessKeySecret"], "sts_token": temp["SecurityToken"], "expiration": temp["Expiration"]})
	externalFile := filepath.Join(dir, "external.json")
	if err := os.WriteFile(externalFile, external, 0o600); err != nil {
		t.Fatal(err)
	}

	profiles := []map[string]any{
		{"name": "keys", "mode": "AK", "access_key_id": emulator.DemoAccessKeyID, "access_key_secret": emulator.DemoAccessKeySecret},
		{"name": "chain", "mode": "chainableramrolearn", "source_profile": "keys", "ram_role_arn": acctest.RoleArn(acctest.RoleURI),
			"ram_session_name": "chain", "expired_seconds": 900},
		{"name": "role", "mode": "RamRoleArn", "access_key_id": emulator.DemoAccessKeyID, "access_key_secret": emulator.DemoAccessKeySecret,
			"ram_role_arn": acctest.RoleArn(acctest.RoleURI), "expired_seconds": 1200, "external_id": "abc", "policy": `{"Version":"1","Statement":[]}`},
		{"name": "oidc", "mode": "oidc", "oidc_provider_arn": acctest.OIDCProviderArn(), "ram_role_arn": acctest.RoleArn(acctest.RoleOIDC),
			"oidc_token_file": w.WriteToken(t, emulator.TokenClaims{})},
		{"name": "uri", "mode": "CredentialsUri", "credentials_uri": sidecar(t, w, acctest.RoleURI)},
		{"name": "ext", "mode": "EXTERNAL", "process_command": "cat " + externalFile},
	}
	content, _ := json.Marshal(map[string]any{"current": "keys", "profiles": profiles})
	file := filepath.Join(dir, "config.json")
	if err := os.WriteFile(file, content, 0o600); err != nil {
		t.Fatal(err)
	}
	for i, p := range profiles[1:] {
		name := p["name"].(string)
		t.Run(name, func(t *testing.T) {
			before := w.CredentialIssues().Issued
			block := acctest.ProviderBlockWithout(w.Server, fmt.Sprintf("shared_credentials_file = %q\n  profile = %q", file, name))
			resource.Test(t, sourceTest(t, w, block, fmt.Sprintf("prof%02d", i), func() error {
				if name != "ext" && w.CredentialIssues().Issued == before {
					return fmt.Errorf("profile %s fetched no temporary credentials", name)
				}
				return nil
			}))
		})
	}
}
