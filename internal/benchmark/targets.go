package benchmark

import (
	"fmt"
	"slices"
	"strings"

	"github.com/apsaramq/terraform-provider-apsaramq/internal/engine"
	"github.com/apsaramq/terraform-provider-apsaramq/internal/onsmqtt"
)

// The targets the runs are judged against.
const (
	OverheadN          = 1000
	MaxOverheadRatio   = 1.5
	ThroughputShare    = 0.9
	MemoryN            = 5000
	MaxProviderPeakMiB = 100

	CompareSpeedupAt1000  = 10.0
	CompareSpeedupAt5000  = 20.0
	MaxAccessPlanCalls    = 51 // N = 5000 under one CA
	ChangesBoundSlack     = 1.2
	WorkspacesMaxThrottle = 0.10
	WorkspacesMinUseful   = 0.80
)

// Target is one target for one engine, judged against a figure.
type Target struct {
	Engine engine.Kind `json:"engine"`
	Name   string      `json:"name"`
	Goal   string      `json:"goal"`
	Figure string      `json:"figure"`
	Status string      `json:"status"` // PASS, MISS or "not run"
}

const (
	statusPass   = "PASS"
	statusMiss   = "MISS"
	statusNotRun = "not run"
)

func verdict(ok bool) string {
	if ok {
		return statusPass
	}
	return statusMiss
}

// targets collects the targets of one engine.
type targets struct {
	engine engine.Kind
	list   []Target
}

func (ts *targets) add(name, goal, figure, status string) {
	ts.list = append(ts.list, Target{Engine: ts.engine, Name: name, Goal: goal, Figure: figure, Status: status})
}

// Evaluate judges every target per engine and stores the result in Targets;
// it recomputes each step's budget verdict, so an older JSON can be judged
// again with `bench -report`.
func (r *Report) Evaluate() {
	for i := range r.Runs {
		run := &r.Runs[i]
		for j := range run.Steps {
			if s := &run.Steps[j]; s.Resource.callsAPI() {
				s.BudgetOK, s.Budget = CheckBudget(s.Calls, s.Errors, s.Expected, run.EmulatorRateLimit > 0)
			}
		}
	}
	r.Targets = nil
	for _, e := range r.engines() {
		ts := &targets{engine: e.Kind}
		r.perCertificateTargets(ts)
		r.accessTargets(ts)
		r.Targets = append(r.Targets, ts.list...)
	}
}

// perCertificateTargets judges the fleet and throughput runs (or, for
// ClientEngine, the client's).
func (r *Report) perCertificateTargets(ts *targets) {
	fleet, tp := r.runs(ts.engine, ScenarioFleet), r.runs(ts.engine, ScenarioThroughput)
	if ts.engine == ClientEngine {
		tp = r.runs(ts.engine, ScenarioClient)
	}
	ts.budget("API calls", "create 1 Get + 1 change only where status differs; refresh 1 Get; update 1 call; destroy 1 call (after the refresh Get); no retries",
		"all %d provider steps exact", true, append(slices.Clone(fleet), tp...), func(run Run, s StepResult) (string, bool) {
			return fmt.Sprintf("%s N=%d %s", run.Scenario, run.N, s.Step), s.Resource != ResourceBaseline
		})
	if ts.engine != ClientEngine {
		overheadTargets(ts, fleet)
	}
	throughputTargets(ts, tp)
	if ts.engine != ClientEngine {
		memoryTarget(ts, fleet)
	}
}

// budget judges the call budgets of the steps of runs that label selects:
// a miss names each step, under its label, that missed its budget or
// failed. With no such step, the target is "not run" when notRun is set,
// and left out otherwise.
func (ts *targets) budget(name, goal, allExact string, notRun bool, runs []Run, label func(Run, StepResult) (string, bool)) {
	var misses []string
	steps := 0
	for _, run := range runs {
		for _, s := range run.Steps {
			step, ok := label(run, s)
			if !ok {
				continue
			}
			steps++
			if !s.OK {
				misses = append(misses, step+": "+s.Failure)
			} else if !s.BudgetOK {
				misses = append(misses, step+": "+s.Budget)
			}
		}
	}
	switch {
	case steps == 0 && notRun:
		ts.add(name, goal, "", statusNotRun)
	case steps == 0:
	case len(misses) == 0:
		ts.add(name, goal, fmt.Sprintf(allExact, steps), statusPass)
	default:
		ts.add(name, goal, strings.Join(misses, " | "), statusMiss)
	}
}

// overheadTargets compare the provider's apply and plan with terraform_data's at OverheadN.
func overheadTargets(ts *targets, fleet []Run) {
	for _, step := range []Step{StepApply, StepPlan} {
		name := fmt.Sprintf("Overhead %s N=%d", step, OverheadN)
		goal := fmt.Sprintf("≤ %.1f× terraform_data", MaxOverheadRatio)
		run, ok := findN(fleet, OverheadN)
		p, okP := run.Find(step, ResourcePerCertificate)
		b, okB := run.Find(step, ResourceBaseline)
		if !ok || !okP || !okB || !p.OK || !b.OK {
			ts.add(name, goal, "", statusNotRun)
			continue
		}
		ratio := Ratio(p.WallSeconds, b.WallSeconds)
		ts.add(name, goal, fmt.Sprintf("%.2f× (%.1fs vs %.1fs)", ratio, p.WallSeconds, b.WallSeconds), verdict(ratio <= MaxOverheadRatio))
	}
}

func throughputTargets(ts *targets, tp []Run) {
	resource := ResourcePerCertificate
	if ts.engine == ClientEngine {
		resource = ResourceClient
	}
	for _, run := range tp {
		s, ok := run.Find(StepApply, resource)
		limit := run.EmulatorRateLimit
		name := fmt.Sprintf("Throughput %.0f/s", limit)
		if !ok {
			ts.add(name, "", "", statusNotRun)
			continue
		}
		errs := total(s.Errors)
		figure := fmt.Sprintf("exit %d, %d throttled answers, %.0f calls/s over %.1fs (%.0f%% of the limit), apply %.1fs",
			s.ExitCode, errs, s.Rate.PerSecond, s.Rate.WindowSeconds, 100*Ratio(s.Rate.PerSecond, limit), s.WallSeconds)
		if limit >= 500 {
			ts.add(name, fmt.Sprintf("zero errors and ≥ %.0f%% of %.0f calls/s", 100*ThroughputShare, limit), figure,
				verdict(s.OK && errs == 0 && s.Rate.PerSecond >= ThroughputShare*limit))
		} else {
			ts.add(name, "finishes with zero errors (throttling absorbed)", figure, verdict(s.OK))
		}
	}
	if len(tp) == 0 {
		ts.add("Throughput", "", "", statusNotRun)
	}
}

func memoryTarget(ts *targets, fleet []Run) {
	run, ok := findN(fleet, MemoryN)
	if !ok {
		ts.add(fmt.Sprintf("Memory N=%d", MemoryN), "", "", statusNotRun)
		return
	}
	var peak int64
	for _, s := range run.Steps {
		peak = max(peak, s.Provider.PeakKiB)
	}
	peakTarget(ts, "Memory", peak)
}

func peakTarget(ts *targets, label string, peakKiB int64) {
	ts.add(fmt.Sprintf("%s N=%d", label, MemoryN), fmt.Sprintf("provider peak RSS < %d MB", MaxProviderPeakMiB),
		fmt.Sprintf("%.1f MB", MiB(peakKiB)), verdict(MiB(peakKiB) < MaxProviderPeakMiB))
}

// accessTargets judges the compare, access-throughput, workspaces and scale runs;
// none when the report has no such runs.
func (r *Report) accessTargets(ts *targets) {
	compare, tp := r.runs(ts.engine, ScenarioCompare), r.runs(ts.engine, ScenarioAccessThroughput)
	ts.budget("API calls (compare)", "device_access: floor(N/100)+1 list calls per read, one status call per differing certificate; per-certificate as above",
		"all %d steps exact", false, append(slices.Clone(compare), tp...), func(run Run, s StepResult) (string, bool) {
			return fmt.Sprintf("%s N=%d %s %s", run.Scenario, run.N, s.Resource, s.Step), s.Resource.callsAPI()
		})
	for _, run := range compare {
		compareTargets(ts, run)
	}
	peak := accessThroughputTargets(ts, tp)
	for _, run := range compare {
		for _, s := range run.Steps {
			if s.Resource == ResourceAccess && run.N >= MemoryN {
				peak = max(peak, s.Provider.PeakKiB)
			}
		}
	}
	if peak > 0 {
		peakTarget(ts, "device_access memory", peak)
	}
	for _, run := range r.runs(ts.engine, ScenarioWorkspaces) {
		workspacesTarget(ts, run)
	}
	scaleTargets(ts, r.runs(ts.engine, ScenarioScale))
}

// compareTargets judges device_access's speed-ups over the per-certificate
// resource, its plan's calls and the time its changes take.
func compareTargets(ts *targets, run Run) {
	want := CompareSpeedupAt1000
	if run.N >= 5000 {
		want = CompareSpeedupAt5000
	}
	for _, step := range []Step{StepApply, StepPlan} {
		name := fmt.Sprintf("device_access %s N=%d", map[Step]string{StepApply: "adopt", StepPlan: "no-change plan"}[step], run.N)
		goal := fmt.Sprintf("≥ %.0f× faster than per-certificate", want)
		p, okP := run.Find(step, ResourcePerCertificate)
		a, okA := run.Find(step, ResourceAccess)
		if !okP || !okA || !p.OK || !a.OK {
			ts.add(name, goal, "", statusNotRun)
			continue
		}
		speedup := Ratio(p.WallSeconds, a.WallSeconds)
		ts.add(name, goal, fmt.Sprintf("%.1f× (%.1fs vs %.2fs)", speedup, p.WallSeconds, a.WallSeconds), verdict(speedup >= want))
	}
	if plan, ok := run.Find(StepPlan, ResourceAccess); ok && run.N >= 5000 {
		calls := total(plan.Calls)
		ts.add(fmt.Sprintf("device_access plan calls N=%d", run.N), fmt.Sprintf("≤ %d API calls", MaxAccessPlanCalls),
			fmt.Sprintf("%d (%s)", calls, FormatCalls(plan.Calls)), verdict(plan.OK && calls <= MaxAccessPlanCalls))
	}
	changesBound(ts, run)
}

// changesBound judges the flip of a compare run: where statuses change, the
// API's rate is the bound, so the apply should take at most ChangesBoundSlack
// times (changes / rate limit) plus the no-change plan's time.
func changesBound(ts *targets, run Run) {
	flip, okF := run.Find(StepFlip, ResourceAccess)
	plan, okP := run.Find(StepPlan, ResourceAccess)
	if !okF || !okP {
		return
	}
	limit := run.ProviderRateLimit
	if limit <= 0 {
		limit = onsmqtt.DefaultRateLimit
	}
	changes := float64(flip.Calls[ActionInactivate] + flip.Calls[ActionActivate])
	bound := ChangesBoundSlack * (changes/limit + plan.WallSeconds)
	ts.add(fmt.Sprintf("device_access changes N=%d", run.N),
		fmt.Sprintf("≤ %.1f × (changes ÷ rate limit + no-change plan)", ChangesBoundSlack),
		fmt.Sprintf("%.1fs for %.0f changes at %.0f/s (bound %.1fs = %.1f × (%.1fs + %.1fs))",
			flip.WallSeconds, changes, limit, bound, ChangesBoundSlack, changes/limit, plan.WallSeconds),
		verdict(flip.OK && flip.WallSeconds <= bound))
}

// accessThroughputTargets judges the throttled flips and returns the
// provider's peak RSS over those at MemoryN or more.
func accessThroughputTargets(ts *targets, tp []Run) int64 {
	var peak int64
	for _, run := range tp {
		s, ok := run.Find(StepFlip, ResourceAccess)
		limit := run.EmulatorRateLimit
		name := fmt.Sprintf("device_access throughput %.0f/s N=%d", limit, run.N)
		if !ok {
			ts.add(name, "", "", statusNotRun)
			continue
		}
		if run.N >= MemoryN {
			peak = max(peak, s.Provider.PeakKiB)
		}
		changes := s.changeRate()
		figure := fmt.Sprintf("exit %d, %d throttled answers; status changes %.0f/s over %.1fs (%.0f%% of the limit); "+
			"the whole command %.0f calls/s over %.1fs (%.0f%%, with the refresh and the engine's plan), flip %.1fs",
			s.ExitCode, total(s.Errors), changes.PerSecond, changes.WindowSeconds, 100*Ratio(changes.PerSecond, limit),
			s.Rate.PerSecond, s.Rate.WindowSeconds, 100*Ratio(s.Rate.PerSecond, limit), s.WallSeconds)
		if limit >= 500 {
			ts.add(name, fmt.Sprintf("zero errors; the status changes ≥ %.0f%% of %.0f calls/s", 100*ThroughputShare, limit), figure,
				verdict(s.OK && s.BudgetOK && changes.PerSecond >= ThroughputShare*limit))
		} else {
			ts.add(name, "finishes with zero errors (throttling absorbed)", figure, verdict(s.OK && s.BudgetOK))
		}
	}
	return peak
}

func workspacesTarget(ts *targets, run Run) {
	if run.Total == nil || len(run.Workspaces) == 0 {
		return
	}
	t := run.Total
	name := fmt.Sprintf("Workspaces %d×%d %s at %.0f/s", len(run.Workspaces), run.Workspaces[0].N, run.Resource, run.EmulatorRateLimit)
	goal := fmt.Sprintf("zero errors, throttled ≤ %.0f%% of answers, useful calls ≥ %.0f%% of the limit", 100*WorkspacesMaxThrottle, 100*WorkspacesMinUseful)
	figure := fmt.Sprintf("%d errors, %.1f%% throttled (%d of %d answers), %.0f useful calls/s (%.0f%%), slowest %.1fs",
		t.Errors, 100*t.ThrottledShare(), t.Throttled, t.Successes+t.Throttled+t.Failed, t.Rate.PerSecond,
		100*Ratio(t.Rate.PerSecond, run.EmulatorRateLimit), t.WallSeconds)
	ts.add(name, goal, figure, verdict(t.Errors == 0 && t.ThrottledShare() <= WorkspacesMaxThrottle &&
		t.Rate.PerSecond >= WorkspacesMinUseful*run.EmulatorRateLimit))
}

// changeRate is the status changes' rate, zero when none was measured.
func (s StepResult) changeRate() Rate {
	if s.ChangeRate == nil {
		return Rate{}
	}
	return *s.ChangeRate
}

func findN(runs []Run, n int) (Run, bool) {
	i := slices.IndexFunc(runs, func(r Run) bool { return r.N == n })
	if i < 0 {
		return Run{}, false
	}
	return runs[i], true
}
