package benchmark

import (
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/apsaramq/terraform-provider-apsaramq/internal/emulator"
	"github.com/apsaramq/terraform-provider-apsaramq/internal/engine"
)

// Scenario names.
const (
	ScenarioFleet      = "fleet"      // the four steps, against the baseline, unthrottled
	ScenarioThroughput = "throughput" // apply only, with the emulator throttling
)

// StepResult is one step of one kind of a run.
type StepResult struct {
	Step Step `json:"step"`
	Kind Kind `json:"kind"`
	CommandResult
	// API figures (provider kind only).
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
	OK         bool     `json:"ok"` // exit code as expected and state as expected
	Failure    string   `json:"failure,omitempty"`
}

// Run is one scenario on one engine at one N.
type Run struct {
	Scenario          string       `json:"scenario"`
	Engine            Engine       `json:"engine"`
	N                 int          `json:"n"`
	Parallelism       int          `json:"parallelism"`
	EmulatorRateLimit float64      `json:"emulator_rate_limit"`
	EmulatorLatencyMS float64      `json:"emulator_latency_ms"`
	ProviderRateLimit float64      `json:"provider_rate_limit"` // 0: provider default
	LoadAvg           string       `json:"loadavg_at_start"`
	Steps             []StepResult `json:"steps"`
	Error             string       `json:"error,omitempty"`
	// Workspaces runs only: the configuration each process applied, each
	// process, and their sum.
	Kind       Kind              `json:"kind,omitempty"`
	Workspaces []WorkspaceResult `json:"workspaces,omitempty"`
	Total      *WorkspacesTotal  `json:"workspaces_total,omitempty"`
}

// Find returns the result of step for kind.
func (r Run) Find(step Step, kind Kind) (StepResult, bool) {
	for _, s := range r.Steps {
		if s.Step == step && s.Kind == kind {
			return s, true
		}
	}
	return StepResult{}, false
}

// Runner runs scenarios with one provider binary.
type Runner struct {
	ProviderBin string        // absolute path of terraform-provider-apsaramq
	WorkDir     string        // scratch space for configs, state and logs
	StepTimeout time.Duration // bound of one engine command
	Progress    io.Writer     // one line per step
	// ProfileDir, when set, gets the profiles of a provider built from
	// cmd/profprovider: one folder per run and step.
	ProfileDir string
	// ExtraEnv is added to every engine command (and so reaches the
	// provider), e.g. GOGC or log levels for an experiment.
	ExtraEnv []string
}

// Spec selects what a run does.
type Spec struct {
	Engine      Engine
	Workload    *Workload
	Parallelism int
	// Kinds are the configurations run side by side, step by step
	// alternately, each against an emulator of its own; default: the
	// per-certificate resource, after terraform_data when Baseline is set.
	Kinds    []Kind
	Baseline bool   // also run the terraform_data steps (fleet)
	Steps    []Step // default: all four
	// StepsOf limits a kind to some of Steps (e.g. no destroy where it
	// would only measure the engine's own cost at length).
	StepsOf           map[Kind][]Step
	EmulatorRateLimit float64       // calls/s, 0 = unlimited
	EmulatorLatency   time.Duration // per call
	ProviderRateLimit float64       // provider rate_limit, 0 = default
	Scenario          string
	Workspaces        int // processes of a workspaces run
}

func (s Spec) kinds() []Kind {
	switch {
	case len(s.Kinds) > 0:
		return s.Kinds
	case s.Baseline:
		return []Kind{KindBaseline, KindProvider} // baseline first, so both see the same machine load
	}
	return []Kind{KindProvider}
}

func (s Spec) runs(kind Kind, step Step) bool {
	only, ok := s.StepsOf[kind]
	return !ok || slices.Contains(only, step)
}

type liveEmulator struct {
	emu   *emulator.Emulator
	meter *Meter
	srv   *http.Server
	url   string
}

func startEmulator(seed emulator.Seed, opts emulator.Options) (*liveEmulator, error) {
	emu, err := emulator.New(seed, opts)
	if err != nil {
		return nil, fmt.Errorf("starting the emulator: %w", err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	m := NewMeter(emu)
	srv := &http.Server{Handler: m, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	return &liveEmulator{emu: emu, meter: m, srv: srv, url: "http://" + ln.Addr().String()}, nil
}

// Execute runs spec and returns what it measured; a failing step ends the
// run (later steps would measure nothing meaningful) but is not an error.
func (rn *Runner) Execute(ctx context.Context, spec Spec) (Run, error) {
	w := spec.Workload
	run := Run{
		Scenario: spec.Scenario, Engine: spec.Engine, N: w.N(), Parallelism: spec.Parallelism,
		EmulatorRateLimit: spec.EmulatorRateLimit, EmulatorLatencyMS: float64(spec.EmulatorLatency) / float64(time.Millisecond),
		ProviderRateLimit: spec.ProviderRateLimit, LoadAvg: loadAvg(),
	}
	steps := spec.Steps
	if len(steps) == 0 {
		steps = Steps
	}
	kinds := spec.kinds()
	base := filepath.Join(rn.WorkDir, fmt.Sprintf("%s-%s-n%d", spec.Scenario, spec.Engine.Name, w.N()))
	if err := os.RemoveAll(base); err != nil {
		return run, err
	}
	cli := filepath.Join(base, "cli.tfrc")
	lives := map[Kind]*liveEmulator{}
	defer func() {
		for _, live := range lives {
			_ = live.srv.Close()
		}
	}()
	for _, k := range kinds {
		dir := filepath.Join(base, string(k))
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return run, err
		}
		settings := ProviderSettings{RateLimit: spec.ProviderRateLimit, CASn: w.CASn}
		if k.callsAPI() {
			live, err := startEmulator(w.Seed(), emulator.Options{RateLimit: spec.EmulatorRateLimit, Latency: spec.EmulatorLatency})
			if err != nil {
				return run, err
			}
			lives[k], settings.EmulatorURL = live, live.url
		}
		if err := WriteConfig(dir, k, settings); err != nil {
			return run, err
		}
		if err := WriteVars(dir, w.Desired(StepApply)); err != nil {
			return run, err
		}
	}
	if err := engine.WriteCLIConfig(cli, filepath.Dir(rn.ProviderBin)); err != nil {
		return run, err
	}
	env := engine.Env(engine.Settings{CLIConfig: cli, Home: base, Extra: rn.ExtraEnv})

	failed := map[Kind]bool{}
	for _, step := range steps {
		for _, k := range kinds {
			if failed[k] || !spec.runs(k, step) {
				continue
			}
			dir := filepath.Join(base, string(k))
			if step == StepFlip {
				if err := WriteVars(dir, w.Desired(StepFlip)); err != nil {
					return run, err
				}
			}
			res, err := rn.step(ctx, lives[k], spec, env, dir, step, k)
			run.Steps = append(run.Steps, res)
			if err != nil {
				run.Error = err.Error()
				return run, err
			}
			if !res.OK {
				failed[k] = true
			}
			rn.progress(run, res)
		}
	}
	return run, nil
}

func (rn *Runner) step(ctx context.Context, live *liveEmulator, spec Spec, env []string, dir string, step Step, kind Kind) (StepResult, error) {
	res := StepResult{Step: step, Kind: kind}
	p := "-parallelism=" + strconv.Itoa(spec.Parallelism)
	var args []string
	switch step {
	case StepApply, StepFlip:
		args = []string{"apply", "-auto-approve", "-input=false", "-no-color", p}
	case StepPlan:
		args = []string{"plan", "-input=false", "-no-color", "-detailed-exitcode", p}
	case StepDestroy:
		args = []string{"destroy", "-auto-approve", "-input=false", "-no-color", p}
	}
	if rn.ProfileDir != "" && kind.callsAPI() {
		pd := filepath.Join(rn.ProfileDir, filepath.Base(filepath.Dir(dir)), string(step))
		if err := os.MkdirAll(pd, 0o755); err != nil {
			return res, err
		}
		env = append(slices.Clone(env), "APSARAMQ_PROFILE_DIR="+pd)
	}
	if live != nil {
		live.emu.ResetCounters()
		live.meter.Reset()
	}
	watch := NewProcWatcher(rn.ProviderBin, 50*time.Millisecond)
	watch.Start()
	cctx, cancel := context.WithTimeout(ctx, rn.StepTimeout)
	defer cancel()
	cmd, err := runEngine(cctx, spec.Engine, dir, env, filepath.Join(dir, string(step)+".log"), args...)
	res.Provider = watch.Stop()
	res.CommandResult = cmd
	if err != nil {
		res.Failure = err.Error()
		return res, err
	}
	if live != nil {
		res.Calls, res.Errors = live.emu.Calls(), live.emu.Errors()
		res.Rate = live.meter.Rate()
		if cr := live.meter.ChangeRate(); cr.Successes > 1 {
			res.ChangeRate = &cr
		}
		res.Expected = spec.Workload.ExpectedFor(kind, step)
		res.BudgetOK, res.Budget = CheckBudget(res.Calls, res.Errors, res.Expected, spec.EmulatorRateLimit > 0)
		res.StateOK, res.StateNote = checkState(live.emu, spec.Workload, step)
	} else {
		res.BudgetOK, res.Budget = CheckBudget(nil, nil, nil, false)
		res.StateOK = true
	}
	switch {
	case cmd.ExitCode == 2 && step == StepPlan:
		res.Failure = "the no-change plan shows changes"
	case cmd.ExitCode != 0:
		res.Failure = fmt.Sprintf("exit code %d (see %s)", cmd.ExitCode, cmd.Log)
	case !res.StateOK:
		res.Failure = res.StateNote
	}
	res.OK = res.Failure == ""
	return res, nil
}

// checkState compares the emulator's records with what step should leave.
func checkState(emu *emulator.Emulator, w *Workload, step Step) (bool, string) {
	want := w.WantStatus(step)
	var wrong []string
	for _, d := range w.Devices {
		got, ok := emu.Device(d.InstanceID, d.CASn, d.DeviceSn)
		if !ok || got.Status != want[d.DeviceSn] {
			wrong = append(wrong, d.DeviceSn)
		}
	}
	if len(wrong) == 0 {
		return true, ""
	}
	return false, fmt.Sprintf("%d certificates have the wrong status after %s (first: %s)", len(wrong), step, wrong[0])
}

// CheckBudget compares the calls a step made with its budget: exactly the
// expected count per action, nothing else, and no error answer (an error
// answer means a retried or failed call). With throttled set, answers
// carrying a throttling code are retries with a cause: each of them may add
// one call, and nothing else may.
func CheckBudget(calls, errs, expected map[string]int64, throttled bool) (bool, string) {
	var diffs []string
	var extra, throttles int64
	for _, action := range slices.Sorted(maps.Keys(union(calls, expected))) {
		got, want := calls[action], expected[action]
		if got == want || (throttled && got > want && want > 0) {
			extra += got - want
			continue
		}
		diffs = append(diffs, fmt.Sprintf("%s %d (budget %d)", action, got, want))
	}
	for _, code := range slices.Sorted(maps.Keys(errs)) {
		if throttled && (code == emulator.CodeThrottlingUser || code == emulator.CodeSystemOverFlow) {
			throttles += errs[code]
			continue
		}
		diffs = append(diffs, fmt.Sprintf("%d× %s", errs[code], code))
	}
	if extra != throttles {
		diffs = append(diffs, fmt.Sprintf("%d calls beyond the budget for %d throttled answers", extra, throttles))
	}
	switch {
	case len(diffs) > 0:
		return false, strings.Join(diffs, "; ")
	case throttles > 0:
		return true, fmt.Sprintf("exact + %d retries of throttled answers", throttles)
	}
	return true, "exact"
}

func union(a, b map[string]int64) map[string]int64 {
	out := maps.Clone(a)
	if out == nil {
		out = map[string]int64{}
	}
	for k := range b {
		out[k] += 0
	}
	return out
}

func (rn *Runner) progress(run Run, s StepResult) {
	if rn.Progress == nil {
		return
	}
	status := "ok"
	if !s.OK {
		status = "FAILED: " + s.Failure
	}
	line := fmt.Sprintf("  %-10s %-8s N=%-5d %-14s %-7s %7.1fs  engine cpu %6.1fs", run.Scenario, run.Engine.Name, run.N, s.Kind, s.Step, s.WallSeconds, s.EngineCPU)
	if s.Kind.callsAPI() {
		line += fmt.Sprintf("  provider cpu %5.1fs rss %5.1f MB  calls %-28s %5.0f/s  budget %s",
			s.Provider.CPUSeconds, MiB(s.Provider.PeakKiB), FormatCalls(s.Calls), s.Rate.PerSecond, s.Budget)
	}
	fmt.Fprintf(rn.Progress, "%s  %s\n", line, status)
}

func loadAvg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return ""
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return ""
	}
	return strings.Join(f[:3], " ")
}

// ErrFailedSteps says some step did not succeed; the report still shows it.
var ErrFailedSteps = errors.New("some steps failed")
