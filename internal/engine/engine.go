// Package engine drives Terraform-compatible engines (Terraform and
// OpenTofu) for the demo, the engine tests, the benchmark and the docs
// generator: it finds an engine, writes a CLI configuration that installs a
// locally built provider, builds the environment engine commands run in, and
// runs them. It is the only place that knows these rules.
package engine

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

// Kind tells Terraform and OpenTofu apart where they differ (registry host,
// version output).
type Kind string

const (
	Terraform Kind = "terraform"
	OpenTofu  Kind = "tofu"
)

// Engine is one engine binary.
type Engine struct {
	Kind    Kind   `json:"name"`
	Path    string `json:"path"`
	Version string `json:"version"`
}

// KindOf guesses the kind from the binary's name: OpenTofu's is tofu.
func KindOf(path string) Kind {
	if strings.Contains(filepath.Base(path), "tofu") {
		return OpenTofu
	}
	return Terraform
}

// Detect returns the engine at path with its version, asked with
// `version -json` (no CLI configuration is read, so none can warn into the
// output).
func Detect(ctx context.Context, path string) (Engine, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return Engine{}, err
	}
	cmd := exec.CommandContext(ctx, abs, "version", "-json")
	cmd.Env = append(os.Environ(), "TF_CLI_CONFIG_FILE="+os.DevNull, "CHECKPOINT_DISABLE=1")
	out, err := cmd.Output()
	if err != nil {
		return Engine{}, fmt.Errorf("%s version: %w", abs, err)
	}
	var v struct {
		TerraformVersion string `json:"terraform_version"`
	}
	if err := json.Unmarshal(out, &v); err != nil {
		return Engine{}, fmt.Errorf("%s version -json: %w", abs, err)
	}
	return Engine{Kind: KindOf(abs), Path: abs, Version: v.TerraformVersion}, nil
}

// String is what the engine says of itself, e.g. "OpenTofu v1.12.6-dev".
func (e Engine) String() string {
	name := "Terraform"
	if e.Kind == OpenTofu {
		name = "OpenTofu"
	}
	return name + " v" + e.Version
}

// RegistryHost is the registry the engine resolves "apsaramq/apsaramq" to.
func (e Engine) RegistryHost() string {
	if e.Kind == OpenTofu {
		return "registry.opentofu.org"
	}
	return "registry.terraform.io"
}

// ProviderSource is the provider's source address as seen by the engine.
func (e Engine) ProviderSource() string { return e.RegistryHost() + "/apsaramq/apsaramq" }

// WriteCLIConfig writes a CLI configuration whose dev_overrides install the
// provider binary found in pluginDir under both registries' addresses, so
// no `init` and no network are needed with either engine.
func WriteCLIConfig(path, pluginDir string) error {
	abs, err := filepath.Abs(pluginDir)
	if err != nil {
		return err
	}
	cfg := fmt.Sprintf(`provider_installation {
  dev_overrides {
    "registry.terraform.io/apsaramq/apsaramq" = %[1]q
    "registry.opentofu.org/apsaramq/apsaramq" = %[1]q
  }
  direct {}
}
`, abs)
	return os.WriteFile(path, []byte(cfg), 0o600)
}

// WriteRegistryCLIConfig writes a CLI configuration whose host blocks send
// both default registries' provider requests to the provider registry
// protocol served at providersURL (e.g. "https://127.0.0.1:PORT/v1/providers/").
// A host block stands in for service discovery, so no name is resolved: a
// configuration's source "apsaramq/apsaramq" is then installed by init
// through that registry exactly as from the public one, signature checks
// and lock file included.
func WriteRegistryCLIConfig(path, providersURL string) error {
	var cfg strings.Builder
	for _, host := range []string{"registry.terraform.io", "registry.opentofu.org"} {
		fmt.Fprintf(&cfg, "host %q {\n  services = {\n    \"providers.v1\" = %q\n  }\n}\n", host, providersURL)
	}
	return os.WriteFile(path, []byte(cfg.String()), 0o600)
}

// Settings are what a caller decides about an engine's environment.
type Settings struct {
	CLIConfig string   // the CLI configuration file (WriteCLIConfig)
	Home      string   // HOME for the engine and the provider: a scratch directory
	Extra     []string // KEY=VALUE added last: credentials, TF_LOG, …
}

// Env is the environment of engine commands. The rule, the same for every
// caller: the caller's environment is kept, except what would change which
// provider, configuration, credentials, endpoints, state, variables or
// logging the engine and the provider use; those come only from s. HOME is
// replaced too, so that no credentials profile under ~/.aliyun and no CLI
// configuration under ~/.terraform.d is read by accident.
func Env(s Settings) []string {
	var env []string
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		if !dropped(name) {
			env = append(env, kv)
		}
	}
	env = append(env, "HOME="+s.Home, "TF_CLI_CONFIG_FILE="+s.CLIConfig,
		"CHECKPOINT_DISABLE=1", "TF_IN_AUTOMATION=1", "TF_INPUT=0")
	return append(env, s.Extra...)
}

func dropped(name string) bool {
	switch name {
	case "HOME", "TF_CLI_CONFIG_FILE", "TERRAFORM_CONFIG", "TF_CLI_ARGS", "TF_REATTACH_PROVIDERS",
		"TF_PLUGIN_CACHE_DIR", "TF_DATA_DIR", "TF_WORKSPACE", "TF_IN_AUTOMATION", "TF_INPUT",
		"TF_STATE_PERSIST_INTERVAL":
		return true
	}
	for _, prefix := range []string{"TF_CLI_ARGS_", "TF_LOG", "TF_VAR_", "TF_ACC",
		"ALIBABA_CLOUD_", "ALICLOUD_", "APSARAMQ_"} {
		if strings.HasPrefix(name, prefix) {
			return true
		}
	}
	return false
}

// Command prepares an engine command in dir. When ctx ends, the engine is
// interrupted first, so it can release its state lock and stop the
// provider, and killed after a grace period.
func (e Engine) Command(ctx context.Context, dir string, env []string, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, e.Path, args...)
	cmd.Dir, cmd.Env = dir, env
	cmd.Cancel = func() error { return cmd.Process.Signal(os.Interrupt) }
	cmd.WaitDelay = 30 * time.Second
	return cmd
}

// Result is a finished engine command.
type Result struct {
	ExitCode   int
	Wall       time.Duration
	CPU        time.Duration // user+system of the engine process itself
	PeakRSSKiB int64         // of the engine process itself
}

// Run runs cmd (from Command) to completion. A non-zero exit is not an
// error: callers judge exit codes (plan -detailed-exitcode answers 2 for
// changes). An engine that could not start, or was stopped because ctx
// ended, is.
func Run(ctx context.Context, cmd *exec.Cmd) (Result, error) {
	start := time.Now()
	err := cmd.Run()
	res := Result{Wall: time.Since(start)}
	if ps := cmd.ProcessState; ps != nil {
		res.ExitCode = ps.ExitCode()
		res.CPU = ps.UserTime() + ps.SystemTime()
		if ru, ok := ps.SysUsage().(*syscall.Rusage); ok {
			res.PeakRSSKiB = ru.Maxrss // KiB on Linux
		}
	}
	name := filepath.Base(cmd.Path)
	var exitErr *exec.ExitError
	if err != nil && !errors.As(err, &exitErr) {
		return res, fmt.Errorf("running %s %s: %w", name, strings.Join(cmd.Args[1:], " "), err)
	}
	if ctx.Err() != nil {
		return res, fmt.Errorf("%s %s: %w", name, strings.Join(cmd.Args[1:], " "), ctx.Err())
	}
	return res, nil
}
