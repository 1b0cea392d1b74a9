package provider_test

import (
	"fmt"
	"net/http/httptest"
	"path/filepath"
	"regexp"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/apsaramq/terraform-provider-apsaramq/internal/acctest"
	"github.com/apsaramq/terraform-provider-apsaramq/internal/emulator"
	"github.com/apsaramq/terraform-provider-apsaramq/internal/onsmqtt/onsmqtttest"
)

// Every credential failure names its source and the fix, at plan time,
// after one request to the credential service: none is retried until a
// timeout.
func TestAccCredentials_failures(t *testing.T) {
	w := acctest.StartCredentialWorld(t, emulator.Options{})
	other, err := emulator.StartOIDCIssuer("127.0.0.1") // an issuer RAM does not know
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = other.Close() })
	otherToken, err := other.Token(emulator.TokenClaims{Subject: acctest.OIDCSubject, Audience: []string{acctest.OIDCAudience}})
	if err != nil {
		t.Fatal(err)
	}
	tokenFile := func(c emulator.TokenClaims) string { return w.WriteToken(t, c) }
	inline := func(token string) string {
		return fmt.Sprintf(`
  assume_role_with_oidc {
    oidc_provider_arn = %q
    role_arn          = %q
    oidc_token        = %q
  }`, acctest.OIDCProviderArn(), acctest.RoleArn(acctest.RoleOIDC), token)
	}
	failing := httptest.NewServer(w.CredentialsURIHandler(acctest.RoleArn("gone")))
	t.Cleanup(failing.Close)
	closed, _ := onsmqtttest.ClosedPort(t)

	cases := []struct {
		name, extra, want string
		sts               string // the action that may be called once
		keys              bool   // sign with the demo key (for assume_role)
	}{
		{"token file missing", acctest.OIDCBlock(acctest.RoleOIDC, filepath.Join(t.TempDir(), "no-token")),
			`(?s)assume_role_with_oidc.*OIDC\s+token:\s+the\s+file\s+\S*no-token\s+does\s+not\s+exist.*oidc_token_file`, "", false},
		{"token expired", acctest.OIDCBlock(acctest.RoleOIDC, tokenFile(emulator.TokenClaims{IssuedAt: time.Now().Add(-2 * time.Hour), ExpiresAt: time.Now().Add(-time.Hour)})),
			`(?s)AuthenticationFail\.OIDCToken\.Expired.*request\s+ID.*token\s+has\s+expired`, "AssumeRoleWithOIDC", false},
		{"audience not trusted", acctest.OIDCBlock(acctest.RoleOIDC, tokenFile(emulator.TokenClaims{Audience: []string{"https://github.com/acme"}})),
			`(?s)AudienceNotMatch.*not\s+a\s+client\s+ID\s+of\s+the\s+OIDC\s+provider`, "AssumeRoleWithOIDC", false},
		{"issuer not trusted", inline(otherToken),
			`(?s)AuthenticationFail\.OIDCToken\.Invalid.*issuer.*its\s+iss\s+must\s+equal`, "AssumeRoleWithOIDC", false},
		{"role not found", acctest.OIDCBlock("nobody", tokenFile(emulator.TokenClaims{})),
			`(?s)EntityNotExist\.Role.*role_arn\s+of\s+assume_role_with_oidc\s+names\s+no\s+role`, "AssumeRoleWithOIDC", false},
		{"no trust for this subject", acctest.OIDCBlock(acctest.RoleOIDC, tokenFile(emulator.TokenClaims{Subject: "repo:mallory/fork:ref:refs/heads/main"})),
			`(?s)AuthenticationFail\.NoPermission.*trust\s+policy\s+does\s+not\s+allow\s+this\s+token.*oidc:sub`, "AssumeRoleWithOIDC", false},
		{"no trust for this principal", fmt.Sprintf(`assume_role { role_arn = %q }`, acctest.RoleArn(acctest.RoleOIDC)),
			`(?s)assume_role.*NoPermission.*trust\s+policy\s+does\s+not\s+name\s+the\s+identity.*static\s+keys`, "AssumeRole", true},
		{"credentials URI answers an error", fmt.Sprintf("credentials_uri = %q", failing.URL),
			`(?s)credentials_uri.*answered\s+an\s+error:\s+RoleNotFound.*sidecar`, "", false},
		{"nothing at the credentials URI", fmt.Sprintf("credentials_uri = %q", "http://"+closed+"/creds"),
			`(?s)credentials_uri.*cannot\s+be\s+read:\s+nothing\s+listens`, "", false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var started time.Time
			block := acctest.ProviderBlockWithout(w.Server, tc.extra)
			if tc.keys {
				block = acctest.ProviderBlock(w.Server, tc.extra)
			}
			resource.Test(t, acctest.TestCase(t, resource.TestStep{
				PreConfig:   func() { w.ResetCounters(); started = time.Now() },
				Config:      block + resourceBlock("never"),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(tc.want),
			}))
			calls := w.Calls()
			t.Logf("%s: failed after %s; calls %s", tc.name, time.Since(started).Round(10*time.Millisecond), acctest.FormatCalls(calls))
			if calls["GetDeviceCertificate"] != 0 {
				t.Errorf("the API was called with no credentials: %s", acctest.FormatCalls(calls))
			}
			if tc.sts != "" && calls[tc.sts] != 1 {
				t.Errorf("%s was called %d times, want once: a refusal must not be retried", tc.sts, calls[tc.sts])
			}
		})
	}
}

// An http:// STS endpoint is refused where temporary credentials need it.
func TestAccCredentials_plainHTTPSTSRefused(t *testing.T) {
	w := acctest.StartCredentialWorld(t, emulator.Options{})
	resource.ParallelTest(t, acctest.TestCase(t, resource.TestStep{
		Config: fmt.Sprintf(`
provider "apsaramq" {
  region = %q
  %s
  endpoints {
    onsmqtt = %q
    sts     = %q
  }
}
`, emulator.DemoRegion, acctest.OIDCBlock(acctest.RoleOIDC, w.WriteToken(t, emulator.TokenClaims{})), w.URL, w.URL) + resourceBlock("never"),
		PlanOnly:    true,
		ExpectError: regexp.MustCompile(`(?s)endpoints\.sts.*HTTPS\s+only`),
	}))
	if n := w.Calls()["AssumeRoleWithOIDC"]; n != 0 {
		t.Errorf("AssumeRoleWithOIDC went over plain HTTP %d times", n)
	}
}
