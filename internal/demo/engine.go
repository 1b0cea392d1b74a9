package main

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"

	"github.com/apsaramq/terraform-provider-apsaramq/internal/emulator"
)

// engine runs terraform or tofu in the demo's configuration directory, with
// the freshly built provider installed through dev_overrides (no registry).
type engine struct {
	path string
	dir  string
	env  []string
}

func newEngine(path, work, pluginDir string, srv *emulator.Server) (*engine, error) {
	cliConfig := filepath.Join(work, "cli.tfrc")
	// Both registry hostnames: Terraform resolves "apsaramq/apsaramq" to
	// registry.terraform.io, OpenTofu to registry.opentofu.org.
	rc := fmt.Sprintf(`provider_installation {
  dev_overrides {
    "registry.terraform.io/apsaramq/apsaramq" = %[1]q
    "registry.opentofu.org/apsaramq/apsaramq" = %[1]q
  }
  direct {}
}
`, pluginDir)
	if err := os.WriteFile(cliConfig, []byte(rc), 0o600); err != nil {
		return nil, err
	}
	dir := filepath.Join(work, "config")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(demoConfig(srv)), 0o600); err != nil {
		return nil, err
	}
	fmt.Printf("configuration (%s):\n%s", filepath.Join(dir, "main.tf"), indent(demoConfig(srv)))
	env := append(os.Environ(),
		"TF_CLI_CONFIG_FILE="+cliConfig,
		"CHECKPOINT_DISABLE=1",
		"TF_IN_AUTOMATION=1",
		// Credentials reach the provider through the environment, as in CI.
		"ALIBABA_CLOUD_ACCESS_KEY_ID="+emulator.DemoAccessKeyID,
		"ALIBABA_CLOUD_ACCESS_KEY_SECRET="+emulator.DemoAccessKeySecret,
	)
	return &engine{path: path, dir: dir, env: env}, nil
}

func demoConfig(srv *emulator.Server) string {
	var entries []string
	for _, sn := range sortedKeys(fleet) {
		entries = append(entries, fmt.Sprintf("    %q = %q", sn, fleet[sn]))
	}
	return fmt.Sprintf(`terraform {
  required_providers {
    apsaramq = { source = "apsaramq/apsaramq" }
  }
}

provider "apsaramq" {
  region = %q
  endpoints {
    onsmqtt = %q # the local emulator; real use omits this
  }
}

locals {
  # device serial number => wanted status
  fleet = {
%s
  }
}

resource "apsaramq_mqtt_device_certificate_state" "fleet" {
  for_each    = local.fleet
  instance_id = %q
  ca_sn       = %q
  device_sn   = each.key
  status      = each.value
}
`, emulator.DemoRegion, srv.URL, strings.Join(entries, "\n"), emulator.DemoInstanceID, emulator.DemoCASn)
}

// run executes the engine and checks its exit code.
func (e *engine) run(wantExit int, args ...string) error {
	args = append(args, "-no-color")
	fmt.Printf("$ %s %s\n", filepath.Base(e.path), strings.Join(args, " "))
	err := command(e.dir, e.env, e.path, args...).Run()
	code := 0
	var exitErr *exec.ExitError
	if errors.As(err, &exitErr) {
		code = exitErr.ExitCode()
	} else if err != nil {
		return err
	}
	if code != wantExit {
		return fmt.Errorf("%s %s exited with %d, want %d", filepath.Base(e.path), args[0], code, wantExit)
	}
	return nil
}

func command(dir string, env []string, name string, args ...string) *exec.Cmd {
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	cmd.Env = env
	cmd.Stdout = os.Stdout
	cmd.Stderr = os.Stderr
	return cmd
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func indent(s string) string {
	return "    " + strings.ReplaceAll(strings.TrimRight(s, "\n"), "\n", "\n    ") + "\n"
}
