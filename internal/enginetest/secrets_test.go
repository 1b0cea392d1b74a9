package enginetest

import (
	"bufio"
	"context"
	"fmt"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/apsaramq/terraform-provider-apsaramq/internal/acctest"
	"github.com/apsaramq/terraform-provider-apsaramq/internal/emulator"
	"github.com/apsaramq/terraform-provider-apsaramq/internal/onsmqtt"
	"github.com/apsaramq/terraform-provider-apsaramq/internal/onsmqtt/onsmqtttest"
)

// A permanent access key planted for this test only: its secret reaches
// the provider (through the environment, as in CI) and nothing else.
const (
	canaryKeyID  = "LTAI5tCanaryKeyForScans01"
	canarySecret = "CANARY-permanent-secret-7d1f0c9e5b2a4e31"
)

// Canary credentials pass through the provider in every way a user gives
// them: (1) a permanent key with which the provider itself assumes a RAM
// role, so the STS secret and token exist only inside the provider, (2)
// temporary keys with a security token handed to the provider, (3) an OIDC
// token file (as ACK RRSA or a CI job writes it) that the provider
// exchanges for STS keys, and (4) a credentials URI whose answers hold
// temporary keys. With
// TF_LOG=TRACE, through apply, a saved plan and its JSON, an apply the
// gateway refuses (whose SignatureDoesNotMatch message echoes the string to
// sign, token included) and destroy, none of these secrets may appear in the
// engine's logs, its output, the plan JSON or the state files.
func TestAccEngine_canaryCredentialsNeverLeak(t *testing.T) {
	seed := emulator.DemoSeed()
	for i, a := range seed.Accounts {
		if a.ID == emulator.DemoAccountID {
			seed.Accounts[i].AccessKeys = append(seed.Accounts[i].AccessKeys, emulator.AccessKey{ID: canaryKeyID, Secret: canarySecret})
		}
	}
	srv := acctest.StartEmulatorWithSeed(t, seed, emulator.Options{})
	acctest.PutDevices(t, srv, acctest.Device("ca01", "sec01", "1"), acctest.Device("ca01", "sec02", "1"), acctest.Device("ca01", "sec03", "1"))
	scan := newSecretScan(t)

	// (1) The provider assumes the role with the canary key.
	roleRun := newEngine(t)
	roleRun.writeConfig(secretsConfig(srv, fmt.Sprintf("assume_role {\n    role_arn = %q\n  }", emulator.DemoRoleArn)))
	scan.phases(roleRun, "assume-role", []string{"ALIBABA_CLOUD_ACCESS_KEY_ID=" + canaryKeyID, "ALIBABA_CLOUD_ACCESS_KEY_SECRET=" + canarySecret},
		"ALIBABA_CLOUD_ACCESS_KEY_SECRET="+canarySecret+"x", "SignatureDoesNotMatch")
	issued := srv.IssuedCredentials()
	if len(issued) == 0 {
		t.Fatal("the provider never assumed the role: the STS canaries never existed")
	}
	scan.secret("canary access key secret", canarySecret)
	for i, c := range issued {
		scan.secret(fmt.Sprintf("STS secret issued to the provider #%d", i+1), c.AccessKeySecret)
		scan.secret(fmt.Sprintf("STS token issued to the provider #%d", i+1), c.SecurityToken)
	}

	// (2) Temporary keys and their token handed to the provider.
	temp := assumeRole(t, srv)
	tokenRun := newEngine(t)
	tokenRun.writeConfig(secretsConfig(srv, ""))
	scan.phases(tokenRun, "security-token", []string{
		"ALIBABA_CLOUD_ACCESS_KEY_ID=" + temp.AccessKeyID, "ALIBABA_CLOUD_ACCESS_KEY_SECRET=" + temp.AccessKeySecret,
		"ALIBABA_CLOUD_SECURITY_TOKEN=" + temp.SecurityToken,
	}, "ALIBABA_CLOUD_ACCESS_KEY_SECRET="+temp.AccessKeySecret+"x", "SignatureDoesNotMatch")
	scan.secret("temporary secret handed to the provider", temp.AccessKeySecret)
	scan.secret("security token handed to the provider", temp.SecurityToken)

	// (3) An OIDC token file, configured by the environment alone as ACK's
	// RRSA does; the refused apply points at a token for another audience.
	w := acctest.StartCredentialWorld(t, emulator.Options{})
	acctest.PutDevices(t, w.Server, acctest.Device("ca01", "sec01", "1"), acctest.Device("ca01", "sec02", "1"), acctest.Device("ca01", "sec03", "1"))
	tokenFile := w.WriteToken(t, emulator.TokenClaims{})
	wrongAudience := w.WriteToken(t, emulator.TokenClaims{Audience: []string{"someone-else"}})
	oidcRun := newEngine(t)
	oidcRun.writeConfig(secretsConfig(w.Server, ""))
	scan.phases(oidcRun, "oidc", []string{
		"ALIBABA_CLOUD_OIDC_PROVIDER_ARN=" + acctest.OIDCProviderArn(), "ALIBABA_CLOUD_ROLE_ARN=" + acctest.RoleArn(acctest.RoleOIDC),
		"ALIBABA_CLOUD_OIDC_TOKEN_FILE=" + tokenFile,
	}, "ALIBABA_CLOUD_OIDC_TOKEN_FILE="+wrongAudience, "AudienceNotMatch")
	scan.secret("OIDC token", mustRead(t, tokenFile))
	scan.secret("refused OIDC token", mustRead(t, wrongAudience))

	// (4) A credentials URI sidecar; the refused apply points at one that
	// answers an error.
	uri := httptest.NewServer(w.CredentialsURIHandler(acctest.RoleArn(acctest.RoleURI)))
	t.Cleanup(uri.Close)
	failing := httptest.NewServer(w.CredentialsURIHandler(acctest.RoleArn("gone")))
	t.Cleanup(failing.Close)
	uriRun := newEngine(t)
	uriRun.writeConfig(secretsConfig(w.Server, ""))
	scan.phases(uriRun, "credentials-uri", []string{"ALIBABA_CLOUD_CREDENTIALS_URI=" + uri.URL},
		"ALIBABA_CLOUD_CREDENTIALS_URI="+failing.URL, "RoleNotFound")
	issuedByWorld := w.IssuedCredentials()
	if len(issuedByWorld) < 2 {
		t.Fatalf("the OIDC and URI runs obtained %d temporary keys: the canaries never existed", len(issuedByWorld))
	}
	for i, c := range issuedByWorld {
		scan.secret(fmt.Sprintf("STS secret from OIDC or the credentials URI #%d", i+1), c.AccessKeySecret)
		scan.secret(fmt.Sprintf("STS token from OIDC or the credentials URI #%d", i+1), c.SecurityToken)
	}

	scan.run(roleRun.dir, tokenRun.dir, oidcRun.dir, uriRun.dir)
}

func secretsConfig(srv *emulator.Server, extra string) string {
	return fmt.Sprintf(`
terraform {
  required_providers {
    apsaramq = { source = "apsaramq/apsaramq" }
  }
}

provider "apsaramq" {
  region = %q
  %s
  endpoints {
    onsmqtt = %q
    sts     = %q
  }
}

resource "apsaramq_mqtt_device_certificate_state" "fleet" {
  count       = 3
  instance_id = %q
  ca_sn       = "ca01"
  device_sn   = format("sec%%02d", count.index + 1)
  status      = count.index == 0 ? "inactive" : "active"
}
`, emulator.DemoRegion, extra, srv.URL, acctest.STSURL(srv), emulator.DemoInstanceID)
}

// secretScan collects engine logs and outputs, then looks for secrets.
type secretScan struct {
	t       *testing.T
	logDir  string
	outputs map[string]string
	secrets map[string]string
}

func newSecretScan(t *testing.T) *secretScan {
	return &secretScan{t: t, logDir: t.TempDir(), outputs: map[string]string{}, secrets: map[string]string{}}
}

// secret adds a value that must appear nowhere, with its percent-encoded
// form (query strings and strings to sign carry that).
func (s *secretScan) secret(what, v string) {
	if v == "" {
		s.t.Fatalf("the %s is empty: nothing to look for", what)
	}
	s.secrets[what] = v
	if enc := url.QueryEscape(v); enc != v {
		s.secrets[what+" (percent-encoded)"] = enc
	}
}

// phases runs apply, a saved plan and its JSON, an apply refused with
// refusedEnv (whose output must mention refusal), and destroy, all at
// TF_LOG=TRACE, keeping every output and log.
func (s *secretScan) phases(e *engineRun, name string, creds []string, refusedEnv, refusal string) {
	s.t.Helper()
	run := func(phase string, want int, env []string, args ...string) string {
		env = append(append([]string{"TF_LOG=TRACE", "TF_LOG_PATH=" + filepath.Join(s.logDir, name+"-"+phase+".log")}, creds...), env...)
		out := e.mustRun(want, env, args...)
		s.outputs[name+" "+phase] = out
		return out
	}
	run("apply", 0, nil, "apply", "-auto-approve", "-input=false", "-no-color")
	run("plan", 0, nil, "plan", "-detailed-exitcode", "-input=false", "-no-color", "-out=saved.tfplan")
	if out := run("show-plan-json", 0, nil, "show", "-json", "saved.tfplan"); !strings.Contains(out, `"planned_values"`) {
		s.t.Fatalf("%s: show -json printed no plan:\n%.500s", name, out)
	}
	e.writeConfig(strings.Replace(mustRead(s.t, filepath.Join(e.dir, "main.tf")), `count.index == 0 ? "inactive" : "active"`, `"inactive"`, 1))
	if out := run("refused", 1, []string{refusedEnv}, "apply", "-auto-approve", "-input=false", "-no-color"); !strings.Contains(out, refusal) {
		s.t.Fatalf("%s: the refused apply did not fail with %s:\n%s", name, refusal, out)
	}
	run("destroy", 0, nil, "destroy", "-auto-approve", "-input=false", "-no-color")
}

// run scans every log, every output and the state files of dirs.
func (s *secretScan) run(dirs ...string) {
	s.t.Helper()
	files, _ := filepath.Glob(filepath.Join(s.logDir, "*.log"))
	for _, dir := range dirs {
		for _, f := range []string{"terraform.tfstate", "terraform.tfstate.backup"} {
			if _, err := os.Stat(filepath.Join(dir, f)); err == nil {
				files = append(files, filepath.Join(dir, f))
			}
		}
	}
	lines, providerLines := 0, 0
	scanText := func(where, text string) {
		sc := bufio.NewScanner(strings.NewReader(text))
		sc.Buffer(make([]byte, 1<<20), 64<<20)
		for n := 1; sc.Scan(); n++ {
			lines++
			line := sc.Text()
			if strings.Contains(line, "OnsMqtt call succeeded") || strings.Contains(line, "configured the OnsMqtt client") {
				providerLines++
			}
			for what, secret := range s.secrets {
				if strings.Contains(line, secret) {
					s.t.Errorf("%s line %d contains the %s: %.300s", where, n, what, line)
				}
			}
		}
	}
	for _, f := range files {
		scanText(f, mustRead(s.t, f))
	}
	for name, out := range s.outputs {
		scanText("output of "+name, out)
	}
	// The scan proves something only if the provider's own lines are in the logs.
	if providerLines == 0 {
		s.t.Fatal("the TRACE logs hold no provider lines; the scan proves nothing")
	}
	s.t.Logf("secrets scan: %d secrets (with encodings) in %d lines of %d files and %d outputs; %d provider log lines",
		len(s.secrets), lines, len(files), len(s.outputs), providerLines)
}

func mustRead(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// assumeRole obtains temporary STS credentials from the emulator, so the
// test has a security token to hand to the provider.
func assumeRole(t *testing.T, srv *emulator.Server) onsmqtt.Credentials {
	t.Helper()
	c := onsmqtttest.Client(t, srv.URL)
	temp, _, err := c.AssumeRole(context.Background(), c.Endpoint(), onsmqtt.AssumeRoleInput{RoleArn: emulator.DemoRoleArn, SessionName: "secrets-scan"})
	if err != nil {
		t.Fatal(err)
	}
	if temp.SecurityToken == "" || temp.AccessKeySecret == "" {
		t.Fatal("AssumeRole returned no temporary secret or token")
	}
	return temp
}
