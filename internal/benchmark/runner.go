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

	"github.com/apsaramq/terraform-provider-apsaramq/internal/benchmark/floor"
	"github.com/apsaramq/terraform-provider-apsaramq/internal/emulator"
	"github.com/apsaramq/terraform-provider-apsaramq/internal/engine"
)

// Spec selects what a run does.
type Spec struct {
	Scenario Scenario
	Engine   engine.Engine
	Workload *Workload
	// Resources are the configurations run side by side, step by step
	// alternately, each against an emulator of its own (a workspaces run
	// applies the first).
	Resources []Resource
	Steps     []Step // default: all four
	// StepsOf limits a resource to some of Steps (e.g. no destroy where it
	// would only measure the engine's own cost at length).
	StepsOf           map[Resource][]Step
	Parallelism       int
	EmulatorRateLimit float64       // calls/s, 0 = unlimited
	EmulatorLatency   time.Duration // per call
	ProviderRateLimit float64       // provider rate_limit, 0 = default
	Workspaces        int           // processes of a workspaces run
}

func (s Spec) steps() []Step {
	if len(s.Steps) == 0 {
		return Steps
	}
	return s.Steps
}

func (s Spec) runs(r Resource, step Step) bool {
	only, ok := s.StepsOf[r]
	return !ok || slices.Contains(only, step)
}

func (s Spec) emulatorOptions() emulator.Options {
	return emulator.Options{RateLimit: s.EmulatorRateLimit, Latency: s.EmulatorLatency}
}

func newRun(spec Spec) Run {
	return Run{
		Scenario: spec.Scenario, Engine: spec.Engine, N: spec.Workload.N(), Parallelism: spec.Parallelism,
		EmulatorRateLimit: spec.EmulatorRateLimit, EmulatorLatencyMS: float64(spec.EmulatorLatency) / float64(time.Millisecond),
		ProviderRateLimit: spec.ProviderRateLimit, LoadAvg: loadAvg(),
	}
}

// Runner runs scenarios with one provider binary.
type Runner struct {
	ProviderBin string // absolute path of terraform-provider-apsaramq
	// FloorProviderBin is the floors' provider (cmd/floorprovider, also
	// named terraform-provider-apsaramq, in a directory of its own); runs
	// with floors need it.
	FloorProviderBin string
	WorkDir          string        // scratch space for configs, state and logs
	StepTimeout      time.Duration // bound of one engine command
	Progress         io.Writer     // one line per step
	// ProfileDir, when set, gets the profiles of a provider built from
	// cmd/profprovider: one folder per run and step.
	ProfileDir string
	// ExtraEnv is added to every engine command (and so reaches the
	// provider), e.g. GOGC or log levels for an experiment.
	ExtraEnv []string
}

// Execute runs spec and returns what it measured. A failing step ends its
// resource's steps (later ones would measure nothing meaningful) but is not
// an error: the run records it.
func (rn *Runner) Execute(ctx context.Context, spec Spec) (Run, error) {
	switch spec.Scenario {
	case ScenarioClient:
		return rn.client(ctx, spec)
	case ScenarioWorkspaces:
		return rn.workspaces(ctx, spec)
	}
	return rn.runSteps(ctx, spec)
}

// runSteps runs every step on each of spec's resources in turn.
func (rn *Runner) runSteps(ctx context.Context, spec Spec) (Run, error) {
	w, run := spec.Workload, newRun(spec)
	base := filepath.Join(rn.WorkDir, fmt.Sprintf("%s-%s-n%d", spec.Scenario, spec.Engine.Kind, w.N()))
	if err := emptyDir(base); err != nil {
		return run, err
	}
	envs := map[Resource][]string{}
	lives := map[Resource]*liveEmulator{}
	defer func() {
		for _, live := range lives {
			live.close()
		}
	}()
	for _, r := range spec.Resources {
		settings := ProviderSettings{RateLimit: spec.ProviderRateLimit, CASn: w.CASn}
		if r.floor() != "" {
			settings.EmulatorURL = floorEndpoint
		}
		if r.callsAPI() {
			live, err := startEmulator(w.Seed(), spec.emulatorOptions())
			if err != nil {
				return run, err
			}
			lives[r], settings.EmulatorURL = live, live.url
		}
		dir := filepath.Join(base, string(r))
		if err := writeWorkspace(dir, r, settings, w.Desired(StepApply)); err != nil {
			return run, err
		}
		env, err := rn.engineEnv(base, dir, r)
		if err != nil {
			return run, err
		}
		envs[r] = env
	}
	failed := map[Resource]bool{}
	for _, step := range spec.steps() {
		for _, r := range spec.Resources {
			if failed[r] || !spec.runs(r, step) {
				continue
			}
			dir := filepath.Join(base, string(r))
			if step == StepFlip {
				if err := WriteVars(dir, w.Desired(StepFlip)); err != nil {
					return run, err
				}
			}
			res, err := rn.step(ctx, lives[r], spec, envs[r], dir, step, r)
			run.Steps = append(run.Steps, res)
			if err != nil {
				run.Error = err.Error()
				return run, err
			}
			failed[r] = !res.OK
			rn.progress(run, res)
		}
	}
	return run, nil
}

// step runs one engine command in dir; live is nil for the baseline.
func (rn *Runner) step(ctx context.Context, live *liveEmulator, spec Spec, env []string, dir string, step Step, r Resource) (StepResult, error) {
	res := StepResult{Step: step, Resource: r}
	if rn.ProfileDir != "" && r.runsProvider() {
		pd := filepath.Join(rn.ProfileDir, filepath.Base(filepath.Dir(dir)), string(r), string(step))
		if err := os.MkdirAll(pd, 0o755); err != nil {
			return res, err
		}
		env = append(slices.Clone(env), "APSARAMQ_PROFILE_DIR="+pd)
	}
	if live != nil {
		live.reset()
	}
	watch := NewProcWatcher(rn.providerBin(r), 50*time.Millisecond)
	watch.Start()
	ctx, cancel := context.WithTimeout(ctx, rn.StepTimeout)
	defer cancel()
	cmd, err := runEngine(ctx, spec.Engine, dir, env, filepath.Join(dir, string(step)+".log"), engineArgs(step, spec.Parallelism)...)
	res.Provider = watch.Stop()
	res.CommandResult = cmd
	if fi, err := os.Stat(filepath.Join(dir, "terraform.tfstate")); err == nil {
		res.StateBytes = fi.Size()
	}
	if err != nil {
		res.Failure = err.Error()
		return res, err
	}
	if live != nil {
		res.measure(live, spec)
		if cr := live.meter.ChangeRate(); cr.Successes > 1 {
			res.ChangeRate = &cr
		}
	} else {
		res.BudgetOK, res.Budget = CheckBudget(nil, nil, nil, false)
		res.StateOK = true
	}
	res.Failure = failure(step, cmd, res.StateOK, res.StateNote)
	res.OK = res.Failure == ""
	return res, nil
}

// measure records the calls of the step that just ran against live and
// judges them and the emulator's records against what the step should do.
func (res *StepResult) measure(live *liveEmulator, spec Spec) {
	res.Calls, res.Errors, res.Rate = live.emu.Calls(), live.emu.Errors(), live.meter.Rate()
	res.Expected = spec.Workload.ExpectedFor(res.Resource, res.Step)
	res.BudgetOK, res.Budget = CheckBudget(res.Calls, res.Errors, res.Expected, spec.EmulatorRateLimit > 0)
	res.StateOK, res.StateNote = checkState(live.emu, spec.Workload, res.Step)
}

// failure says why a finished engine command did not do what step should,
// or "" when it did.
func failure(step Step, cmd CommandResult, stateOK bool, stateNote string) string {
	switch {
	case cmd.ExitCode == 2 && step == StepPlan:
		return "the no-change plan shows changes"
	case cmd.ExitCode != 0:
		return fmt.Sprintf("exit code %d (see %s)", cmd.ExitCode, cmd.Log)
	case !stateOK:
		return stateNote
	}
	return ""
}

func engineArgs(step Step, parallelism int) []string {
	p := "-parallelism=" + strconv.Itoa(parallelism)
	switch step {
	case StepPlan:
		return []string{"plan", "-input=false", "-no-color", "-detailed-exitcode", p}
	case StepDestroy:
		return []string{"destroy", "-auto-approve", "-input=false", "-no-color", p}
	}
	return []string{"apply", "-auto-approve", "-input=false", "-no-color", p}
}

// floorEndpoint is the floors' API endpoint: they never call it, and the
// provider block needs one.
const floorEndpoint = "http://127.0.0.1:9"

// emptyDir removes dir and makes it again, empty.
func emptyDir(dir string) error {
	if err := os.RemoveAll(dir); err != nil {
		return err
	}
	return os.MkdirAll(dir, 0o755)
}

// providerBin is the provider binary an engine applying r runs.
func (rn *Runner) providerBin(r Resource) string {
	if r.floor() != "" {
		return rn.FloorProviderBin
	}
	return rn.ProviderBin
}

// engineEnv writes into dir the CLI configuration that installs r's
// provider and returns the environment of engine commands there (home
// under base).
func (rn *Runner) engineEnv(base, dir string, r Resource) ([]string, error) {
	bin := rn.providerBin(r)
	if bin == "" {
		return nil, fmt.Errorf("%s needs the floors' provider binary (FloorProviderBin)", r)
	}
	cli := filepath.Join(dir, "cli.tfrc")
	if err := engine.WriteCLIConfig(cli, filepath.Dir(bin)); err != nil {
		return nil, err
	}
	extra := rn.ExtraEnv
	if mode := r.floor(); mode != "" {
		extra = append(slices.Clone(extra), floor.ModeVariable+"="+mode)
	}
	return engine.Env(engine.Settings{CLIConfig: cli, Home: base, Extra: extra}), nil
}

// writeWorkspace writes a working directory applying r to certs.
func writeWorkspace(dir string, r Resource, p ProviderSettings, certs map[string]string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	if err := WriteConfig(dir, r, p); err != nil {
		return err
	}
	return WriteVars(dir, certs)
}

// runEngine runs the engine in dir with args, writing its output to
// logPath. A non-zero exit is not an error here: the caller judges exit
// codes (plan -detailed-exitcode answers 2 for changes).
func runEngine(ctx context.Context, e engine.Engine, dir string, env []string, logPath string, args ...string) (CommandResult, error) {
	res := CommandResult{Args: args, Log: logPath}
	logf, err := os.Create(logPath)
	if err != nil {
		return res, err
	}
	defer logf.Close()
	cmd := e.Command(ctx, dir, env, args...)
	cmd.Stdout, cmd.Stderr = logf, logf
	r, err := engine.Run(ctx, cmd)
	res.WallSeconds, res.ExitCode = r.Wall.Seconds(), r.ExitCode
	res.EnginePeakKiB, res.EngineCPU = r.PeakRSSKiB, r.CPU.Seconds()
	return res, err
}

type liveEmulator struct {
	emu   *emulator.Emulator
	meter *Meter
	srv   *http.Server
	url   string
}

// startEmulator serves an emulator seeded with seed, behind a Meter.
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

// reset forgets every call counted so far.
func (l *liveEmulator) reset() {
	l.emu.ResetCounters()
	l.meter.Reset()
}

func (l *liveEmulator) close() { _ = l.srv.Close() }

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
	actions := maps.Clone(calls)
	if actions == nil {
		actions = map[string]int64{}
	}
	maps.Copy(actions, expected)
	for _, action := range slices.Sorted(maps.Keys(actions)) {
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

func (rn *Runner) progress(run Run, s StepResult) {
	if rn.Progress == nil {
		return
	}
	status := "ok"
	if !s.OK {
		status = "FAILED: " + s.Failure
	}
	line := fmt.Sprintf("  %-10s %-8s N=%-5d %-14s %-7s %7.1fs  engine cpu %6.1fs", run.Scenario, run.Engine.Kind, run.N, s.Resource, s.Step, s.WallSeconds, s.EngineCPU)
	if s.Resource.runsProvider() {
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
