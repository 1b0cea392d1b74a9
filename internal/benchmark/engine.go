package benchmark

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

// Engine is a Terraform-compatible binary.
type Engine struct {
	Name    string `json:"name"` // "terraform" or "tofu"
	Path    string `json:"path"`
	Version string `json:"version"`
}

// DetectVersion asks the engine for its version.
func (e *Engine) DetectVersion(ctx context.Context, env []string) error {
	cmd := exec.CommandContext(ctx, e.Path, "version", "-json")
	cmd.Env = env
	out, err := cmd.Output()
	if err != nil {
		return fmt.Errorf("%s version: %w", e.Path, err)
	}
	var v struct {
		TerraformVersion string `json:"terraform_version"`
	}
	if err := json.Unmarshal(out, &v); err != nil {
		return fmt.Errorf("%s version -json: %w", e.Path, err)
	}
	e.Version = v.TerraformVersion
	return nil
}

// CommandResult is one engine command's outcome.
type CommandResult struct {
	Args          []string `json:"args"`
	WallSeconds   float64  `json:"wall_seconds"`
	ExitCode      int      `json:"exit_code"`
	EnginePeakKiB int64    `json:"engine_peak_rss_kib"`
	EngineCPU     float64  `json:"engine_cpu_seconds"` // user+system of the engine process itself
	Log           string   `json:"log"`
}

// Run runs the engine in dir with args, writing its output to logPath. A
// non-zero exit is not an error here: the caller judges exit codes (plan
// -detailed-exitcode answers 2 for changes).
func (e *Engine) Run(ctx context.Context, dir string, env []string, logPath string, args ...string) (CommandResult, error) {
	res := CommandResult{Args: args, Log: logPath}
	logf, err := os.Create(logPath)
	if err != nil {
		return res, err
	}
	defer logf.Close()
	cmd := exec.CommandContext(ctx, e.Path, args...)
	cmd.Dir, cmd.Env, cmd.Stdout, cmd.Stderr = dir, env, logf, logf
	// Interrupt first so the engine can release its state lock and stop the
	// provider; kill after a grace period.
	cmd.Cancel = func() error { return cmd.Process.Signal(os.Interrupt) }
	cmd.WaitDelay = 30 * time.Second
	start := time.Now()
	err = cmd.Run()
	res.WallSeconds = time.Since(start).Seconds()
	if cmd.ProcessState != nil {
		res.ExitCode = cmd.ProcessState.ExitCode()
		res.EngineCPU = (cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()).Seconds()
		if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
			res.EnginePeakKiB = ru.Maxrss // KiB on Linux
		}
	}
	var exitErr *exec.ExitError
	if err != nil && !errors.As(err, &exitErr) {
		return res, fmt.Errorf("running %s %s: %w", e.Name, strings.Join(args, " "), err)
	}
	if ctx.Err() != nil {
		return res, fmt.Errorf("%s %s: %w", e.Name, args[0], ctx.Err())
	}
	return res, nil
}

// EngineEnv is the environment for engine commands: the caller's, minus
// anything that would change what is measured, plus the CLI config.
func EngineEnv(cliConfig string) []string {
	var env []string
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		switch {
		case name == "TF_CLI_CONFIG_FILE", name == "TF_CLI_ARGS", strings.HasPrefix(name, "TF_CLI_ARGS_"),
			name == "TF_LOG", name == "TF_LOG_PATH", name == "TF_LOG_PROVIDER", name == "TF_LOG_CORE",
			name == "TF_REATTACH_PROVIDERS", name == "TF_PLUGIN_CACHE_DIR", name == "TF_DATA_DIR",
			name == "TF_WORKSPACE", strings.HasPrefix(name, "TF_VAR_"), strings.HasPrefix(name, "TF_ACC"),
			strings.HasPrefix(name, "ALIBABA_CLOUD_"), strings.HasPrefix(name, "ALICLOUD_"),
			strings.HasPrefix(name, "APSARAMQ_"):
			continue
		}
		env = append(env, kv)
	}
	abs, _ := filepath.Abs(cliConfig)
	return append(env, "TF_CLI_CONFIG_FILE="+abs, "CHECKPOINT_DISABLE=1", "TF_IN_AUTOMATION=1", "TF_INPUT=0")
}
