package benchmark

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/apsaramq/terraform-provider-apsaramq/internal/emulator"
	"github.com/apsaramq/terraform-provider-apsaramq/internal/engine"
)

// ScenarioWorkspaces is several workspaces applying at once: K engine
// processes, each with its own directory, state, access key and fleet
// (under a CA of its own), against one emulator account limited to
// EmulatorRateLimit calls/s. None knows of the others; they share the
// account's limit, as CI runners and workspaces of one account do.
const ScenarioWorkspaces = "workspaces"

// WorkspaceResult is one process of a workspaces run.
type WorkspaceResult struct {
	Workspace int `json:"workspace"`
	N         int `json:"n"`
	CommandResult
	Successes int64 `json:"successes"`
	Throttled int64 `json:"throttled"`
	Failed    int64 `json:"failed"` // failed answers other than throttling
	// UsefulPerSecond is the successful calls over the process's wall time.
	UsefulPerSecond float64 `json:"useful_per_second"`
	OK              bool    `json:"ok"`
	Failure         string  `json:"failure,omitempty"`
}

// WorkspacesTotal sums the processes of a workspaces run.
type WorkspacesTotal struct {
	Successes int64 `json:"successes"`
	Throttled int64 `json:"throttled"`
	Failed    int64 `json:"failed"`
	// Rate is the successful calls of all processes over the window from
	// the first to the last successful answer.
	Rate        Rate    `json:"rate"`
	WallSeconds float64 `json:"wall_seconds"` // the slowest process
	Errors      int64   `json:"errors"`       // failed answers other than throttling, and failed processes
}

// ThrottledShare is the share of all answers that were throttled.
func (t WorkspacesTotal) ThrottledShare() float64 {
	return Ratio(float64(t.Throttled), float64(t.Successes+t.Throttled+t.Failed))
}

func workspaceKey(i int) (id, secret string) {
	return fmt.Sprintf("LTAI5tBenchWorkspace%03d", i), fmt.Sprintf("bench-workspace-secret-%03d", i)
}

// Workspaces runs spec.Workspaces processes of spec.Kinds[0], each applying
// its share of spec.Workload, all started at once.
func (rn *Runner) Workspaces(ctx context.Context, spec Spec) (Run, error) {
	kind := spec.kinds()[0]
	run := Run{
		Scenario: ScenarioWorkspaces, Engine: spec.Engine, N: spec.Workload.N(), Parallelism: spec.Parallelism, Kind: kind,
		EmulatorRateLimit: spec.EmulatorRateLimit, EmulatorLatencyMS: float64(spec.EmulatorLatency) / float64(time.Millisecond),
		ProviderRateLimit: spec.ProviderRateLimit, LoadAvg: loadAvg(),
	}
	parts, err := spec.Workload.Split(spec.Workspaces)
	if err != nil {
		return run, err
	}
	seed := emulator.DemoSeed()
	for i, part := range parts {
		id, secret := workspaceKey(i)
		seed.Accounts[0].AccessKeys = append(seed.Accounts[0].AccessKeys, emulator.AccessKey{ID: id, Secret: secret})
		seed.Devices = append(seed.Devices, part.Devices...)
	}
	if seed.Accounts[0].ID != emulator.DemoAccountID {
		return run, fmt.Errorf("the demo seed's first account is not the demo account")
	}
	live, err := startEmulator(seed, emulator.Options{RateLimit: spec.EmulatorRateLimit, ThrottleCode: emulator.CodeSystemOverFlow, Latency: spec.EmulatorLatency})
	if err != nil {
		return run, err
	}
	defer live.srv.Close()

	base := filepath.Join(rn.WorkDir, fmt.Sprintf("%s-%s-%s-%dx%d", ScenarioWorkspaces, kind, spec.Engine.Name, len(parts), parts[0].N()))
	if err := os.RemoveAll(base); err != nil {
		return run, err
	}
	cli := filepath.Join(base, "cli.tfrc")
	dirs := make([]string, len(parts))
	for i, part := range parts {
		dirs[i] = filepath.Join(base, fmt.Sprintf("workspace-%d", i))
		if err := os.MkdirAll(dirs[i], 0o755); err != nil {
			return run, err
		}
		id, secret := workspaceKey(i)
		settings := ProviderSettings{EmulatorURL: live.url, RateLimit: spec.ProviderRateLimit, AccessKeyID: id, AccessKeySecret: secret, CASn: part.CASn}
		if err := WriteConfig(dirs[i], kind, settings); err != nil {
			return run, err
		}
		if err := WriteVars(dirs[i], part.Desired(StepApply)); err != nil {
			return run, err
		}
	}
	if err := engine.WriteCLIConfig(cli, filepath.Dir(rn.ProviderBin)); err != nil {
		return run, err
	}
	env := engine.Env(engine.Settings{CLIConfig: cli, Home: base, Extra: rn.ExtraEnv})

	ctx, cancel := context.WithTimeout(ctx, rn.StepTimeout)
	defer cancel()
	live.meter.Reset()
	run.Total = &WorkspacesTotal{}
	results := make([]WorkspaceResult, len(parts))
	errs := make([]error, len(parts))
	var wg sync.WaitGroup
	for i := range parts {
		wg.Go(func() {
			args := []string{"apply", "-auto-approve", "-input=false", "-no-color", fmt.Sprintf("-parallelism=%d", spec.Parallelism)}
			results[i].CommandResult, errs[i] = runEngine(ctx, spec.Engine, dirs[i], env, filepath.Join(dirs[i], "apply.log"), args...)
		})
	}
	wg.Wait()

	byKey := live.meter.ByKey()
	var all []time.Time
	for i, part := range parts {
		id, _ := workspaceKey(i)
		calls := byKey[id]
		r := &results[i]
		r.Workspace, r.N = i, part.N()
		r.Successes, r.Throttled, r.Failed = int64(len(calls.Successes)), calls.Throttled, calls.Failed
		r.UsefulPerSecond = Ratio(float64(r.Successes), r.WallSeconds)
		ok, note := checkState(live.emu, part, StepApply)
		switch {
		case errs[i] != nil:
			r.Failure = errs[i].Error()
		case r.ExitCode != 0:
			r.Failure = fmt.Sprintf("exit code %d (see %s)", r.ExitCode, r.Log)
		case !ok:
			r.Failure = note
		}
		r.OK = r.Failure == ""
		all = append(all, calls.Successes...)
		run.Total.Successes += r.Successes
		run.Total.Throttled += r.Throttled
		run.Total.Failed += r.Failed
		run.Total.WallSeconds = max(run.Total.WallSeconds, r.WallSeconds)
		run.Total.Errors += r.Failed
		if !r.OK {
			run.Total.Errors++
		}
	}
	run.Total.Rate = rateOf(all, run.Total.Throttled+run.Total.Failed)
	run.Workspaces = results
	if rn.Progress != nil {
		fmt.Fprintf(rn.Progress, "  workspaces %-8s %d×%d %s at %g/s: %.1fs, %d calls ok, %d throttled (%.0f%%), %.0f useful calls/s (%.0f%% of the limit), %d errors\n",
			spec.Engine.Name, len(parts), parts[0].N(), kind, spec.EmulatorRateLimit, run.Total.WallSeconds, run.Total.Successes,
			run.Total.Throttled, 100*run.Total.ThrottledShare(), run.Total.Rate.PerSecond, 100*Ratio(run.Total.Rate.PerSecond, spec.EmulatorRateLimit), run.Total.Errors)
	}
	return run, nil
}
