package enginetest

import (
	"bufio"
	"context"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/apsaramq/terraform-provider-apsaramq/internal/acctest"
	"github.com/apsaramq/terraform-provider-apsaramq/internal/emulator"
	"github.com/apsaramq/terraform-provider-apsaramq/internal/onsmqtt"
)

// With TF_LOG=TRACE, a full apply, plan and destroy with temporary STS
// credentials, plus an apply the gateway refuses (whose error message
// echoes the string to sign), must never write the secret key or the
// security token to the engine's log, its output or the state file.
func TestAccEngine_traceLogsAndStateHoldNoSecrets(t *testing.T) {
	e := newEngine(t)
	srv := acctest.StartEmulator(t, emulator.Options{})
	acctest.PutDevices(t, srv, acctest.Device("ca01", "sec01", "1"), acctest.Device("ca01", "sec02", "1"), acctest.Device("ca01", "sec03", "1"))
	temp := assumeRole(t, srv)
	secrets := map[string]string{
		"secret key":     temp.AccessKeySecret,
		"security token": temp.SecurityToken,
		"demo secret":    emulator.DemoAccessKeySecret, // used only to obtain the temporary keys
	}

	cfg := fmt.Sprintf(`
terraform {
  required_providers {
    apsaramq = { source = "apsaramq/apsaramq" }
  }
}

variable "access_key" {}
variable "secret_key" {}
variable "security_token" {}

provider "apsaramq" {
  region         = %q
  access_key     = var.access_key
  secret_key     = var.secret_key
  security_token = var.security_token
  endpoints {
    onsmqtt = %q
  }
}

resource "apsaramq_mqtt_device_certificate_state" "fleet" {
  count       = 3
  instance_id = %q
  ca_sn       = "ca01"
  device_sn   = format("sec%%02d", count.index + 1)
  status      = count.index == 0 ? "inactive" : "active"
}
`, emulator.DemoRegion, srv.URL, emulator.DemoInstanceID)
	// Percent-encoded forms too: query strings and strings to sign carry them.
	for what, v := range secrets {
		if enc := url.QueryEscape(v); enc != v {
			secrets[what+" (percent-encoded)"] = enc
		}
	}
	e.writeConfig(cfg)

	logDir := t.TempDir()
	var outputs []string
	phase := func(name string, want int, secretKey string, args ...string) {
		env := []string{
			"TF_LOG=TRACE", "TF_LOG_PATH=" + filepath.Join(logDir, name+".log"),
			"TF_VAR_access_key=" + temp.AccessKeyID, "TF_VAR_secret_key=" + secretKey, "TF_VAR_security_token=" + temp.SecurityToken,
		}
		outputs = append(outputs, e.mustRun(want, env, args...))
	}
	phase("apply", 0, temp.AccessKeySecret, "apply", "-auto-approve", "-input=false", "-no-color")
	phase("plan", 0, temp.AccessKeySecret, "plan", "-detailed-exitcode", "-input=false", "-no-color")
	// A wrong secret: the gateway's SignatureDoesNotMatch message carries
	// the server's string to sign, which includes the SecurityToken.
	e.writeConfig(strings.Replace(cfg, `count.index == 0 ? "inactive" : "active"`, `"inactive"`, 1))
	phase("refused", 1, temp.AccessKeySecret+"x", "apply", "-auto-approve", "-input=false", "-no-color")
	if !strings.Contains(outputs[len(outputs)-1], "SignatureDoesNotMatch") {
		t.Fatalf("the refused apply did not fail with SignatureDoesNotMatch:\n%s", outputs[len(outputs)-1])
	}
	phase("destroy", 0, temp.AccessKeySecret, "destroy", "-auto-approve", "-input=false", "-no-color")

	// Scan every line of every log, the outputs and the state files.
	files, _ := filepath.Glob(filepath.Join(logDir, "*.log"))
	for _, f := range []string{"terraform.tfstate", "terraform.tfstate.backup"} {
		if _, err := os.Stat(filepath.Join(e.dir, f)); err == nil {
			files = append(files, filepath.Join(e.dir, f))
		}
	}
	lines, providerLines := 0, 0
	scan := func(where, text string) {
		sc := bufio.NewScanner(strings.NewReader(text))
		sc.Buffer(make([]byte, 1<<20), 64<<20)
		for n := 1; sc.Scan(); n++ {
			lines++
			line := sc.Text()
			if strings.Contains(line, "OnsMqtt call succeeded") || strings.Contains(line, "configured the OnsMqtt client") {
				providerLines++
			}
			for what, s := range secrets {
				if strings.Contains(line, s) {
					t.Errorf("%s line %d contains the %s: %.300s", where, n, what, line)
				}
			}
		}
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		scan(filepath.Base(f), string(b))
	}
	for i, out := range outputs {
		scan(fmt.Sprintf("output of phase %d", i+1), out)
	}
	// The scan proves something only if the provider's own debug lines are in the logs.
	if providerLines == 0 {
		t.Fatal("the TRACE logs hold no provider lines; the scan proves nothing")
	}
	t.Logf("secrets scan: %d lines in %d files and %d outputs, %d provider log lines", lines, len(files), len(outputs), providerLines)
}

// assumeRole obtains temporary STS credentials from the emulator, so the
// test has a security token to look for.
func assumeRole(t *testing.T, srv *emulator.Server) onsmqtt.Credentials {
	t.Helper()
	ep, err := onsmqtt.ParseEndpoint(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	c, err := onsmqtt.New(onsmqtt.Config{Region: emulator.DemoRegion, Endpoint: ep,
		Credentials: onsmqtt.Credentials{AccessKeyID: emulator.DemoAccessKeyID, AccessKeySecret: emulator.DemoAccessKeySecret}})
	if err != nil {
		t.Fatal(err)
	}
	temp, _, err := c.AssumeRole(context.Background(), ep, onsmqtt.AssumeRoleInput{RoleArn: emulator.DemoRoleArn, SessionName: "secrets-scan"})
	if err != nil {
		t.Fatal(err)
	}
	if temp.SecurityToken == "" || temp.AccessKeySecret == "" {
		t.Fatal("AssumeRole returned no temporary secret or token")
	}
	return temp
}
