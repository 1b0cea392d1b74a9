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
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/apsaramq/terraform-provider-apsaramq/internal/acctest"
	"github.com/apsaramq/terraform-provider-apsaramq/internal/engine"
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
	root, err := acctest.ModuleRoot()
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
	// The provider fetches temporary credentials from the emulator's HTTPS
	// listener, trusting its CA through SSL_CERT_FILE like a user would.
	return acctest.RunWithEmulatorCA(m)
}

// engineRun is one engine in one working directory, with a CLI config
// whose dev_overrides point at the freshly built provider (no init, no
// registry), driven through internal/engine like the demo and the benchmark.
type engineRun struct {
	t   *testing.T
	eng engine.Engine
	dir string
	env []string
}

func newEngine(t *testing.T) *engineRun {
	t.Helper()
	eng := acctest.Engine(t)
	dir := t.TempDir()
	cli := filepath.Join(dir, ".tfrc")
	if err := engine.WriteCLIConfig(cli, providerDir); err != nil {
		t.Fatal(err)
	}
	return &engineRun{t: t, eng: eng, dir: dir, env: engine.Env(engine.Settings{CLIConfig: cli, Home: dir})}
}

func (e *engineRun) writeConfig(hcl string) {
	e.t.Helper()
	if err := os.WriteFile(filepath.Join(e.dir, "main.tf"), []byte(hcl), 0o600); err != nil {
		e.t.Fatal(err)
	}
}

// command prepares an engine command; extraEnv is appended.
func (e *engineRun) command(ctx context.Context, extraEnv []string, args ...string) (*exec.Cmd, *bytes.Buffer) {
	cmd := e.eng.Command(ctx, e.dir, append(slices.Clone(e.env), extraEnv...), args...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	return cmd, &out
}

// run runs the engine to completion and returns its exit code and output.
func (e *engineRun) run(extraEnv []string, args ...string) (int, string) {
	e.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd, out := e.command(ctx, extraEnv, args...)
	res, err := engine.Run(ctx, cmd)
	if err != nil {
		e.t.Fatalf("%s %v: %v\n%s", e.eng, args, err, out)
	}
	return res.ExitCode, out.String()
}

// mustRun runs the engine and fails the test unless the exit code is want.
func (e *engineRun) mustRun(want int, extraEnv []string, args ...string) string {
	e.t.Helper()
	code, out := e.run(extraEnv, args...)
	if code != want {
		e.t.Fatalf("%s %s: exit code %d, want %d\n%s", e.eng, strings.Join(args, " "), code, want, out)
	}
	return out
}
