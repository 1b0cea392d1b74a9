package benchmark

import (
	"context"
	"fmt"
	"path/filepath"
	"sync"
	"time"

	"github.com/apsaramq/terraform-provider-apsaramq/internal/emulator"
)

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

// workspaces runs spec.Workspaces processes applying spec.Resources[0], each
// its share of spec.Workload with an access key of its own, all started at
// once against one throttled account.
func (rn *Runner) workspaces(ctx context.Context, spec Spec) (Run, error) {
	r, run := spec.Resources[0], newRun(spec)
	run.Resource = r
	parts, err := spec.Workload.Split(spec.Workspaces)
	if err != nil {
		return run, err
	}
	seed, err := workspacesSeed(parts)
	if err != nil {
		return run, err
	}
	opts := spec.emulatorOptions()
	opts.ThrottleCode = emulator.CodeSystemOverFlow
	live, err := startEmulator(seed, opts)
	if err != nil {
		return run, err
	}
	defer live.close()

	base := filepath.Join(rn.WorkDir, fmt.Sprintf("%s-%s-%s-%dx%d", ScenarioWorkspaces, r, spec.Engine.Kind, len(parts), parts[0].N()))
	if err := emptyDir(base); err != nil {
		return run, err
	}
	env, err := rn.engineEnv(base, base, r)
	if err != nil {
		return run, err
	}
	dirs := make([]string, len(parts))
	for i, part := range parts {
		id, secret := workspaceKey(i)
		dirs[i] = filepath.Join(base, fmt.Sprintf("workspace-%d", i))
		settings := ProviderSettings{EmulatorURL: live.url, RateLimit: spec.ProviderRateLimit, AccessKeyID: id, AccessKeySecret: secret, CASn: part.CASn}
		if err := writeWorkspace(dirs[i], r, settings, part.Desired(StepApply)); err != nil {
			return run, err
		}
	}

	ctx, cancel := context.WithTimeout(ctx, rn.StepTimeout)
	defer cancel()
	live.meter.Reset()
	results := make([]WorkspaceResult, len(parts))
	errs := make([]error, len(parts))
	var wg sync.WaitGroup
	for i := range parts {
		wg.Go(func() {
			results[i].CommandResult, errs[i] = runEngine(ctx, spec.Engine, dirs[i], env, filepath.Join(dirs[i], "apply.log"),
				engineArgs(StepApply, spec.Parallelism)...)
		})
	}
	wg.Wait()
	run.Workspaces, run.Total = tally(live, parts, results, errs)
	rn.progressWorkspaces(run)
	return run, nil
}

// workspacesSeed is the demo world with each part's certificates and an
// access key per part in the demo account.
func workspacesSeed(parts []*Workload) (emulator.Seed, error) {
	seed := emulator.DemoSeed()
	if seed.Accounts[0].ID != emulator.DemoAccountID {
		return seed, fmt.Errorf("the demo seed's first account is not the demo account")
	}
	for i, part := range parts {
		id, secret := workspaceKey(i)
		seed.Accounts[0].AccessKeys = append(seed.Accounts[0].AccessKeys, emulator.AccessKey{ID: id, Secret: secret})
		seed.Devices = append(seed.Devices, part.Devices...)
	}
	return seed, nil
}

// tally completes each process's result with its calls, told apart by
// access key, and its fleet's state, and sums them.
func tally(live *liveEmulator, parts []*Workload, results []WorkspaceResult, errs []error) ([]WorkspaceResult, *WorkspacesTotal) {
	byKey := live.meter.ByKey()
	total := &WorkspacesTotal{}
	var all []time.Time
	for i, part := range parts {
		id, _ := workspaceKey(i)
		calls, r := byKey[id], &results[i]
		r.Workspace, r.N = i, part.N()
		r.Successes, r.Throttled, r.Failed = int64(len(calls.Successes)), calls.Throttled, calls.Failed
		r.UsefulPerSecond = Ratio(float64(r.Successes), r.WallSeconds)
		if errs[i] != nil {
			r.Failure = errs[i].Error()
		} else {
			ok, note := checkState(live.emu, part, StepApply)
			r.Failure = failure(StepApply, r.CommandResult, ok, note)
		}
		r.OK = r.Failure == ""
		all = append(all, calls.Successes...)
		total.Successes += r.Successes
		total.Throttled += r.Throttled
		total.Failed += r.Failed
		total.WallSeconds = max(total.WallSeconds, r.WallSeconds)
		total.Errors += r.Failed
		if !r.OK {
			total.Errors++
		}
	}
	total.Rate = rateOf(all, total.Throttled+total.Failed)
	return results, total
}

func (rn *Runner) progressWorkspaces(run Run) {
	if rn.Progress == nil {
		return
	}
	t := run.Total
	fmt.Fprintf(rn.Progress, "  workspaces %-8s %d×%d %s at %g/s: %.1fs, %d calls ok, %d throttled (%.0f%%), %.0f useful calls/s (%.0f%% of the limit), %d errors\n",
		run.Engine.Kind, len(run.Workspaces), run.Workspaces[0].N, run.Resource, run.EmulatorRateLimit, t.WallSeconds, t.Successes,
		t.Throttled, 100*t.ThrottledShare(), t.Rate.PerSecond, 100*Ratio(t.Rate.PerSecond, run.EmulatorRateLimit), t.Errors)
}
