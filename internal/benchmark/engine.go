package benchmark

import (
	"context"
	"os"

	"github.com/apsaramq/terraform-provider-apsaramq/internal/engine"
)

// Engine identifies what ran a run in the results: an engine ("terraform"
// or "tofu"), or ClientEngine for the API client alone.
type Engine struct {
	Name    string `json:"name"`
	Path    string `json:"path"`
	Version string `json:"version"`
}

// EngineOf records a detected engine.
func EngineOf(e engine.Engine) Engine {
	return Engine{Name: string(e.Kind), Path: e.Path, Version: e.Version}
}

func (e Engine) driver() engine.Engine {
	return engine.Engine{Kind: engine.Kind(e.Name), Path: e.Path, Version: e.Version}
}

// CommandResult is one engine command's outcome, as the results record it.
type CommandResult struct {
	Args          []string `json:"args"`
	WallSeconds   float64  `json:"wall_seconds"`
	ExitCode      int      `json:"exit_code"`
	EnginePeakKiB int64    `json:"engine_peak_rss_kib"`
	EngineCPU     float64  `json:"engine_cpu_seconds"` // user+system of the engine process itself
	Log           string   `json:"log"`
}

// runEngine runs the engine in dir with args, writing its output to
// logPath. A non-zero exit is not an error here: the caller judges exit
// codes (plan -detailed-exitcode answers 2 for changes).
func runEngine(ctx context.Context, e Engine, dir string, env []string, logPath string, args ...string) (CommandResult, error) {
	res := CommandResult{Args: args, Log: logPath}
	logf, err := os.Create(logPath)
	if err != nil {
		return res, err
	}
	defer logf.Close()
	cmd := e.driver().Command(ctx, dir, env, args...)
	cmd.Stdout, cmd.Stderr = logf, logf
	r, err := engine.Run(ctx, cmd)
	res.WallSeconds, res.ExitCode = r.Wall.Seconds(), r.ExitCode
	res.EnginePeakKiB, res.EngineCPU = r.PeakRSSKiB, r.CPU.Seconds()
	return res, err
}
