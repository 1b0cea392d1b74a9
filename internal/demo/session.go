package demo

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"

	"github.com/apsaramq/terraform-provider-apsaramq/internal/emulator"
	"github.com/apsaramq/terraform-provider-apsaramq/internal/engine"
)

// session is one demo run: an engine in a configuration directory, with the
// provider installed as the CLI configuration says (the fresh build through
// dev_overrides, or a pinned version that init installs), and the emulator
// it talks to.
type session struct {
	ctx     context.Context
	out     io.Writer
	eng     engine.Engine
	dir     string
	env     []string
	srv     *emulator.Server
	version string // the version init installs; "" with dev_overrides
}

func newSession(ctx context.Context, out io.Writer, eng engine.Engine, work string, installed Installed, srv *emulator.Server) (*session, error) {
	dir := filepath.Join(work, "config")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	// Credentials reach the provider through the environment, as in CI.
	env := engine.Env(engine.Settings{CLIConfig: installed.CLIConfig, Home: work, Extra: append([]string{
		"ALIBABA_CLOUD_ACCESS_KEY_ID=" + emulator.DemoAccessKeyID,
		"ALIBABA_CLOUD_ACCESS_KEY_SECRET=" + emulator.DemoAccessKeySecret,
	}, installed.Env...)})
	return &session{ctx: ctx, out: out, eng: eng, dir: dir, env: env, srv: srv, version: installed.Version}, nil
}

// install runs init when the provider is not a dev_overrides build, and
// checks that the engine then reports the pinned version.
func (s *session) install() error {
	if s.version == "" {
		return nil
	}
	s.step(filepath.Base(s.eng.Path) + " init: install apsaramq/apsaramq " + s.version)
	if err := s.run(0, "init"); err != nil {
		return err
	}
	out, err := s.runCapture(0, "version")
	if err != nil {
		return err
	}
	if !containsLine(out, "apsaramq/apsaramq", "v"+s.version) {
		return fmt.Errorf("%s version does not list apsaramq/apsaramq v%s", filepath.Base(s.eng.Path), s.version)
	}
	return nil
}

// writeConfig writes main.tf, shows it and installs the provider it
// requires (install).
func (s *session) writeConfig(hcl string) error {
	path := filepath.Join(s.dir, "main.tf")
	fmt.Fprintf(s.out, "configuration (%s):\n%s", path, indent(hcl))
	if err := os.WriteFile(path, []byte(hcl), 0o600); err != nil {
		return err
	}
	return s.install()
}

// run executes the engine with its output shown and checks its exit code.
func (s *session) run(wantExit int, args ...string) error {
	_, err := s.runCapture(wantExit, args...)
	return err
}

// runCapture is run that also returns what the engine printed.
func (s *session) runCapture(wantExit int, args ...string) (string, error) {
	args = append(args, "-no-color")
	fmt.Fprintf(s.out, "$ %s %s\n", filepath.Base(s.eng.Path), strings.Join(args, " "))
	var out strings.Builder
	cmd := s.eng.Command(s.ctx, s.dir, s.env, args...)
	cmd.Stdout = io.MultiWriter(s.out, &out)
	cmd.Stderr = cmd.Stdout
	res, err := engine.Run(s.ctx, cmd)
	if err != nil {
		return out.String(), err
	}
	if res.ExitCode != wantExit {
		return out.String(), fmt.Errorf("%s %s exited with %d, want %d", filepath.Base(s.eng.Path), args[0], res.ExitCode, wantExit)
	}
	return out.String(), nil
}

// containsLine reports whether one line of text holds every part.
func containsLine(text string, parts ...string) bool {
	for _, line := range strings.Split(text, "\n") {
		found := true
		for _, p := range parts {
			found = found && strings.Contains(line, p)
		}
		if found {
			return true
		}
	}
	return false
}

// buildProvider builds the provider into pluginDir.
func buildProvider(ctx context.Context, pluginDir string) error {
	cmd := exec.CommandContext(ctx, "go", "build", "-o", filepath.Join(pluginDir, "terraform-provider-apsaramq"), ".")
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("building the provider: %w\n%s", err, stderr.String())
	}
	return nil
}

// reportCalls prints the API calls since the last report and resets them.
func (s *session) reportCalls() {
	calls := s.srv.Calls()
	var parts []string
	for _, action := range sortedKeys(calls) {
		parts = append(parts, fmt.Sprintf("%s=%d", action, calls[action]))
	}
	fmt.Fprintf(s.out, "API calls in this step: %s\n", strings.Join(parts, ", "))
	s.srv.ResetCounters()
}

func (s *session) step(title string) {
	fmt.Fprintf(s.out, "\n==> %s\n", title)
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
