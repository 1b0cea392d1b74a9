package benchmark

import (
	"encoding/json"
	"fmt"
	"iter"
	"maps"
	"os"
	"slices"
	"strings"

	"github.com/apsaramq/terraform-provider-apsaramq/internal/engine"
)

// Report is everything one bench invocation measured; it is also the JSON.
type Report struct {
	StartedAt   string   `json:"started_at"`
	Finished    string   `json:"finished_at"`
	Host        Host     `json:"host"`
	Runs        []Run    `json:"runs"`
	Targets     []Target `json:"targets"`
	ProviderBin string   `json:"provider_binary"`
}

// Host describes the machine, so figures are read in context.
type Host struct {
	CPUs      int    `json:"cpus"`
	GoVersion string `json:"go_version"`
	OS        string `json:"os"`
}

// Run is one scenario on one engine at one N, as the results record it.
type Run struct {
	Scenario          Scenario      `json:"scenario"`
	Engine            engine.Engine `json:"engine"`
	N                 int           `json:"n"`
	Parallelism       int           `json:"parallelism"`
	EmulatorRateLimit float64       `json:"emulator_rate_limit"`
	EmulatorLatencyMS float64       `json:"emulator_latency_ms"`
	ProviderRateLimit float64       `json:"provider_rate_limit"` // 0: provider default
	LoadAvg           string        `json:"loadavg_at_start"`
	Steps             []StepResult  `json:"steps"`
	Error             string        `json:"error,omitempty"`
	// Workspaces runs only: the resource each process applied, each
	// process, and their sum.
	Resource   Resource          `json:"kind,omitempty"`
	Workspaces []WorkspaceResult `json:"workspaces,omitempty"`
	Total      *WorkspacesTotal  `json:"workspaces_total,omitempty"`
}

// StepResult is one step of one resource of a run.
type StepResult struct {
	Step     Step     `json:"step"`
	Resource Resource `json:"kind"`
	CommandResult
	// API figures (resources that call the API only).
	Calls    map[string]int64 `json:"calls,omitempty"`
	Errors   map[string]int64 `json:"errors,omitempty"`
	Expected map[string]int64 `json:"expected,omitempty"`
	BudgetOK bool             `json:"budget_ok"`
	Budget   string           `json:"budget"`
	Rate     Rate             `json:"rate"`
	// ChangeRate is the status changes alone, over their own window.
	ChangeRate *Rate    `json:"change_rate,omitempty"`
	Provider   ProcPeak `json:"provider"`
	StateOK    bool     `json:"state_ok"`
	StateNote  string   `json:"state_note,omitempty"`
	// StateBytes is the size of the state file the step left.
	StateBytes int64  `json:"state_bytes,omitempty"`
	OK         bool   `json:"ok"` // exit code as expected and state as expected
	Failure    string `json:"failure,omitempty"`
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

// Find returns the result of step for resource r.
func (run Run) Find(step Step, r Resource) (StepResult, bool) {
	for _, s := range run.Steps {
		if s.Step == step && s.Resource == r {
			return s, true
		}
	}
	return StepResult{}, false
}

// stepPair is one step of a run with the results of two resources, either
// of which may be missing (ok false).
type stepPair struct {
	run      Run
	step     Step
	x, y     StepResult
	okX, okY bool
}

// stepPairs yields, run by run and step by step, the results of resources x
// and y, skipping steps neither ran: the rows of a table that sets two
// resources side by side.
func stepPairs(runs []Run, x, y Resource) iter.Seq[stepPair] {
	return func(yield func(stepPair) bool) {
		for _, run := range runs {
			for _, step := range Steps {
				p := stepPair{run: run, step: step}
				p.x, p.okX = run.Find(step, x)
				p.y, p.okY = run.Find(step, y)
				if (p.okX || p.okY) && !yield(p) {
					return
				}
			}
		}
	}
}

// Failed reports whether a step or a workspace of the run did not succeed.
func (run Run) Failed() bool {
	return slices.ContainsFunc(run.Steps, func(s StepResult) bool { return !s.OK }) ||
		slices.ContainsFunc(run.Workspaces, func(w WorkspaceResult) bool { return !w.OK })
}

// MiB converts KiB to MiB.
func MiB(kib int64) float64 { return float64(kib) / 1024 }

// Ratio is a/b, or 0 when b is 0.
func Ratio(a, b float64) float64 {
	if b <= 0 {
		return 0
	}
	return a / b
}

var actionShort = map[string]string{
	ActionGet:        "Get",
	ActionActivate:   "Activate",
	ActionInactivate: "Inactivate",
}

// FormatCalls renders calls per action in a stable order, shortest names.
func FormatCalls(calls map[string]int64) string {
	if len(calls) == 0 {
		return "0"
	}
	var parts []string
	for _, a := range slices.Sorted(maps.Keys(calls)) {
		name := actionShort[a]
		if name == "" {
			name = a
		}
		parts = append(parts, fmt.Sprintf("%s %d", name, calls[a]))
	}
	return strings.Join(parts, ", ")
}

func total(calls map[string]int64) int64 {
	var t int64
	for _, v := range calls {
		t += v
	}
	return t
}

// engines lists the engines of the report in first-seen order.
func (r *Report) engines() []engine.Engine {
	var out []engine.Engine
	seen := map[engine.Kind]bool{}
	for _, run := range r.Runs {
		if !seen[run.Engine.Kind] {
			seen[run.Engine.Kind] = true
			out = append(out, run.Engine)
		}
	}
	return out
}

func (r *Report) runs(e engine.Kind, scenario Scenario) []Run {
	var out []Run
	for _, run := range r.Runs {
		if run.Engine.Kind == e && run.Scenario == scenario {
			out = append(out, run)
		}
	}
	return out
}

// ReadReport loads a report written by WriteJSON.
func ReadReport(path string) (*Report, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var r Report
	if err := json.Unmarshal(b, &r); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return &r, nil
}

// MergeReports reads several reports (e.g. one per engine, run side by side)
// into one: runs in the given order, the earliest start and latest finish. A
// later file's run replaces an earlier one of the same scenario, engine, N
// and limits (e.g. a re-run of an interrupted case).
func MergeReports(paths []string) (*Report, error) {
	var out *Report
	key := func(r Run) string {
		return fmt.Sprintf("%s|%s|%d|%g|%g", r.Scenario, r.Engine.Kind, r.N, r.EmulatorRateLimit, r.ProviderRateLimit)
	}
	for _, p := range paths {
		r, err := ReadReport(strings.TrimSpace(p))
		if err != nil {
			return nil, err
		}
		if out == nil {
			out = r
			continue
		}
		for _, run := range r.Runs {
			if i := slices.IndexFunc(out.Runs, func(o Run) bool { return key(o) == key(run) }); i >= 0 {
				out.Runs[i] = run
			} else {
				out.Runs = append(out.Runs, run)
			}
		}
		if r.StartedAt < out.StartedAt {
			out.StartedAt = r.StartedAt
		}
		if r.Finished > out.Finished {
			out.Finished = r.Finished
		}
	}
	if out == nil {
		return nil, fmt.Errorf("no report to read")
	}
	return out, nil
}

// WriteJSON writes the report to path.
func (r *Report) WriteJSON(path string) error {
	b, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(b, '\n'), 0o644)
}
