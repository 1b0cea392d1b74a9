// Package enginetest runs the provider binary under a real engine, driven
// directly rather than through terraform-plugin-testing, for what that
// harness cannot do: kill the engine mid-apply, and read the engine's own
// TF_LOG=TRACE log (with the provider's lines in it) and state file.
//
// Tests are TestAcc* and run only with TF_ACC set, on the engine named by
// TF_ACC_TERRAFORM_PATH (Terraform or OpenTofu).
package enginetest

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// providerDir holds the provider binary built once for this test binary.
var providerDir string

func TestMain(m *testing.M) {
	os.Exit(run(m))
}

func run(m *testing.M) int {
	if os.Getenv("TF_ACC") == "" {
		return m.Run() // every test skips itself
	}
	dir, err := os.MkdirTemp("", "apsaramq-enginetest-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(dir)
	root, err := moduleRoot()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	build := exec.Command("go", "build", "-o", filepath.Join(dir, "terraform-provider-apsaramq"), ".")
	build.Dir = root
	if out, err := build.CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "building the provider: %v\n%s", err, out)
		return 1
	}
	providerDir = dir
	return m.Run()
}

func moduleRoot() (string, error) {
	out, err := exec.Command("go", "env", "GOMOD").Output()
	if err != nil {
		return "", fmt.Errorf("go env GOMOD: %w", err)
	}
	mod := strings.TrimSpace(string(out))
	if mod == "" || mod == os.DevNull {
		return "", fmt.Errorf("not inside the module")
	}
	return filepath.Dir(mod), nil
}

// engine runs one engine in one working directory with a CLI config whose
// dev_overrides point at the freshly built provider (no init, no registry).
type engine struct {
	t    *testing.T
	path string
	dir  string
	env  []string
}

func newEngine(t *testing.T) *engine {
	t.Helper()
	if os.Getenv("TF_ACC") == "" {
		t.Skip("acceptance test: set TF_ACC=1 and TF_ACC_TERRAFORM_PATH")
	}
	path := os.Getenv("TF_ACC_TERRAFORM_PATH")
	if path == "" {
		t.Fatal("TF_ACC_TERRAFORM_PATH must name the engine (terraform or tofu)")
	}
	if _, err := os.Stat(path); err != nil {
		t.Fatalf("TF_ACC_TERRAFORM_PATH=%s: %v", path, err)
	}
	host := "registry.terraform.io"
	if isTofu(path) {
		host = "registry.opentofu.org"
	}
	dir := t.TempDir()
	rc := filepath.Join(dir, ".tfrc")
	cfg := fmt.Sprintf("provider_installation {\n  dev_overrides {\n    %q = %q\n  }\n  direct {}\n}\n", host+"/apsaramq/apsaramq", providerDir)
	if err := os.WriteFile(rc, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	var env []string
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		switch {
		case strings.HasPrefix(name, "TF_LOG"), name == "TF_CLI_CONFIG_FILE", name == "TF_REATTACH_PROVIDERS",
			strings.HasPrefix(name, "ALIBABA_CLOUD_"), strings.HasPrefix(name, "ALICLOUD_"), strings.HasPrefix(name, "APSARAMQ_"):
			continue
		}
		env = append(env, kv)
	}
	env = append(env, "TF_CLI_CONFIG_FILE="+rc, "CHECKPOINT_DISABLE=1", "TF_IN_AUTOMATION=1", "HOME="+dir)
	return &engine{t: t, path: path, dir: dir, env: env}
}

func isTofu(path string) bool { return strings.Contains(filepath.Base(path), "tofu") }

func (e *engine) writeConfig(hcl string) {
	e.t.Helper()
	if err := os.WriteFile(filepath.Join(e.dir, "main.tf"), []byte(hcl), 0o600); err != nil {
		e.t.Fatal(err)
	}
}

// command prepares an engine command; extraEnv is appended.
func (e *engine) command(ctx context.Context, extraEnv []string, args ...string) (*exec.Cmd, *bytes.Buffer) {
	cmd := exec.CommandContext(ctx, e.path, args...)
	cmd.Dir = e.dir
	cmd.Env = append(append([]string(nil), e.env...), extraEnv...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	return cmd, &out
}

// run runs the engine to completion and returns its exit code and output.
func (e *engine) run(extraEnv []string, args ...string) (int, string) {
	e.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd, out := e.command(ctx, extraEnv, args...)
	err := cmd.Run()
	if ctx.Err() != nil {
		e.t.Fatalf("%s %v did not finish in 5 minutes:\n%s", filepath.Base(e.path), args, out)
	}
	if err != nil {
		if exit, ok := err.(*exec.ExitError); ok {
			return exit.ExitCode(), out.String()
		}
		e.t.Fatalf("%s %v: %v", filepath.Base(e.path), args, err)
	}
	return 0, out.String()
}

// mustRun runs the engine and fails the test unless the exit code is want.
func (e *engine) mustRun(want int, extraEnv []string, args ...string) string {
	e.t.Helper()
	code, out := e.run(extraEnv, args...)
	if code != want {
		e.t.Fatalf("%s %s: exit code %d, want %d\n%s", filepath.Base(e.path), strings.Join(args, " "), code, want, out)
	}
	return out
}
