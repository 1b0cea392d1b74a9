package acctest

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/apsaramq/terraform-provider-apsaramq/internal/emulator"
)

// A credential world for acceptance tests: the emulator (with HTTPS), an
// OIDC identity provider registered in the demo account, and roles that
// hold only the published least-privilege policy of
// apsaramq_mqtt_device_certificate_state, each trusted the way its source
// needs.
const (
	OIDCProviderName = "ci"
	OIDCAudience     = "sts.aliyuncs.com"
	OIDCSubject      = "repo:acme/devices:ref:refs/heads/main"

	RoleOIDC   = "mqtt-ci"     // trusts the OIDC provider for acme's repositories
	RoleHop    = "mqtt-hop"    // trusts the OIDC provider; may only assume RoleDeploy
	RoleDeploy = "mqtt-deploy" // trusts sessions of RoleHop and the account (role chaining)
	RoleECS    = "mqtt-ecs"    // trusts ecs.aliyuncs.com (an instance RAM role)
	RoleURI    = "mqtt-uri"    // the account's role a credentials URI sidecar hands out
)

// CredentialWorld is an emulator with an OIDC issuer and the roles above.
type CredentialWorld struct {
	*emulator.Server
	Issuer *emulator.OIDCIssuer
}

// StartCredentialWorld starts the emulator and the issuer for one test.
func StartCredentialWorld(t *testing.T, opts emulator.Options) *CredentialWorld {
	t.Helper()
	iss, err := emulator.StartOIDCIssuer("127.0.0.1")
	if err != nil {
		t.Fatalf("starting the OIDC issuer: %v", err)
	}
	t.Cleanup(func() { _ = iss.Close() })
	actions := PublishedPolicyActions(t, "resources/apsaramq_mqtt_device_certificate_state/ram-policy.json")
	oidcTrust := &emulator.TrustPolicy{Version: "1", Statement: []emulator.TrustStatement{{
		Effect: "Allow", Action: emulator.StringList{"sts:AssumeRole"},
		Principal: emulator.TrustPrincipal{Federated: emulator.StringList{emulator.OIDCProviderArn(emulator.DemoAccountID, OIDCProviderName)}},
		Condition: map[string]map[string]emulator.StringList{
			"StringEquals": {"oidc:aud": {OIDCAudience}, "oidc:iss": {iss.URL}},
			"StringLike":   {"oidc:sub": {"repo:acme/*"}},
		},
	}}}
	seed := emulator.DemoSeed()
	for i := range seed.Accounts {
		a := &seed.Accounts[i]
		if a.ID != emulator.DemoAccountID {
			continue
		}
		a.OIDCProviders = append(a.OIDCProviders, iss.Provider(OIDCProviderName, OIDCAudience))
		a.Roles = append(a.Roles,
			emulator.Role{Name: RoleOIDC, Actions: actions, Trust: oidcTrust},
			emulator.Role{Name: RoleHop, Actions: []string{"sts:AssumeRole"}, Trust: oidcTrust},
			emulator.Role{Name: RoleDeploy, Actions: actions, Trust: trustRAM(RoleArn(RoleHop), "acs:ram::"+emulator.DemoAccountID+":root")},
			emulator.Role{Name: RoleECS, Actions: actions, Trust: &emulator.TrustPolicy{Statement: []emulator.TrustStatement{{
				Effect: "Allow", Action: emulator.StringList{"sts:AssumeRole"},
				Principal: emulator.TrustPrincipal{Service: emulator.StringList{emulator.ECSService}},
			}}}},
			emulator.Role{Name: RoleURI, Actions: actions},
		)
	}
	return &CredentialWorld{Server: StartEmulatorWithSeed(t, seed, opts), Issuer: iss}
}

func trustRAM(principals ...string) *emulator.TrustPolicy {
	return &emulator.TrustPolicy{Statement: []emulator.TrustStatement{{
		Effect: "Allow", Action: emulator.StringList{"sts:AssumeRole"}, Principal: emulator.TrustPrincipal{RAM: principals},
	}}}
}

// RoleArn is the ARN of a role of the demo account.
func RoleArn(name string) string { return "acs:ram::" + emulator.DemoAccountID + ":role/" + name }

// OIDCProviderArn is the ARN of the world's OIDC provider.
func OIDCProviderArn() string {
	return emulator.OIDCProviderArn(emulator.DemoAccountID, OIDCProviderName)
}

// Token mints an ID token with the world's audience and subject unless c
// says otherwise.
func (w *CredentialWorld) Token(t *testing.T, c emulator.TokenClaims) string {
	t.Helper()
	if c.Subject == "" {
		c.Subject = OIDCSubject
	}
	if c.Audience == nil {
		c.Audience = []string{OIDCAudience}
	}
	tok, err := w.Issuer.Token(c)
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

// WriteToken writes a fresh token to a file of its own, as GitHub Actions
// steps or ACK's RRSA do, and returns its path.
func (w *CredentialWorld) WriteToken(t *testing.T, c emulator.TokenClaims) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "oidc-token")
	if err := os.WriteFile(path, []byte(w.Token(t, c)), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// OIDCBlock is an assume_role_with_oidc block for role with the token file.
func OIDCBlock(role, tokenFile string) string {
	return fmt.Sprintf(`
  assume_role_with_oidc {
    oidc_provider_arn = %q
    role_arn          = %q
    oidc_token_file   = %q
    role_session_name = "acc-test"
  }`, OIDCProviderArn(), RoleArn(role), tokenFile)
}

// ProviderBlockWithout is a provider block in the demo region pointing at
// srv (API over HTTP, STS over HTTPS) with extra and no keys: the
// credentials come from whatever extra or the environment names.
func ProviderBlockWithout(srv *emulator.Server, extra string) string {
	return fmt.Sprintf(`
provider "apsaramq" {
  region = %q
  %s
  endpoints {
    onsmqtt = %q
    sts     = %q
  }
}
`, emulator.DemoRegion, extra, srv.URL, STSURL(srv))
}

// ShortLivedCredentials are emulator options under which every temporary
// credential stops working validFor after it is issued, while the
// credential libraries renew it renewAfter after it is issued. The
// libraries renew when at most 180 seconds are left by this machine's
// clock and STS's minimum lifetime is 15 minutes, so renewal would take
// minutes to see: the emulator issues validFor-second credentials and runs
// its clock 180s+renewAfter-validFor ahead (as an STS would whose clock is
// ahead of the client's), so the Expiration it writes leaves the client
// 180s+renewAfter by the client's clock. A client that did not renew would
// see its keys refused validFor after issue.
func ShortLivedCredentials(validFor, renewAfter time.Duration) emulator.Options {
	ahead := 180*time.Second + renewAfter - validFor
	return emulator.Options{
		TemporaryCredentialLifetime: validFor,
		Now:                         func() time.Time { return time.Now().Add(ahead) },
	}
}
