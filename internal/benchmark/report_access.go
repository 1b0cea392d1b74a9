package benchmark

import (
	"fmt"
	"strings"

	"github.com/apsaramq/terraform-provider-apsaramq/internal/onsmqtt"
)

// Scenarios of the authoritative resource.
const (
	// ScenarioCompare runs the per-certificate resource and
	// apsaramq_mqtt_device_access on the same fleet (already in the wanted
	// state), same engine, same run, step by step alternately.
	ScenarioCompare = "compare"
	// ScenarioAccessThroughput flips every certificate of a fleet held by
	// apsaramq_mqtt_device_access with the emulator throttling.
	ScenarioAccessThroughput = "access-throughput"
)

// Targets of the authoritative resource and of several workspaces.
const (
	CompareSpeedupAt1000  = 10.0
	CompareSpeedupAt5000  = 20.0
	MaxAccessPlanCalls    = 51 // N = 5000 under one CA
	ChangesBoundSlack     = 1.2
	WorkspacesMaxThrottle = 0.10
	WorkspacesMinUseful   = 0.80
)

// evaluateAccess judges the targets of the compare, access-throughput and
// workspaces runs of engine; none when the report has no such runs.
func (r *Report) evaluateAccess(engine string) []Target {
	var out []Target
	add := func(name, goal, figure, status string) {
		out = append(out, Target{Engine: engine, Name: name, Goal: goal, Figure: figure, Status: status})
	}
	compare := r.runs(engine, ScenarioCompare)
	tp := r.runs(engine, ScenarioAccessThroughput)

	// Exact budgets of every device_access step.
	var misses []string
	steps := 0
	for _, run := range append(compare, tp...) {
		for _, s := range run.Steps {
			if !s.Kind.callsAPI() {
				continue
			}
			steps++
			if !s.BudgetOK || !s.OK {
				why := s.Budget
				if !s.OK {
					why = s.Failure
				}
				misses = append(misses, fmt.Sprintf("%s N=%d %s %s: %s", run.Scenario, run.N, s.Kind, s.Step, why))
			}
		}
	}
	if steps > 0 {
		goal := "device_access: floor(N/100)+1 list calls per read, one status call per differing certificate; per-certificate as above"
		if len(misses) == 0 {
			add("API calls (compare)", goal, fmt.Sprintf("all %d steps exact", steps), statusPass)
		} else {
			add("API calls (compare)", goal, strings.Join(misses, " | "), statusMiss)
		}
	}

	for _, run := range compare {
		want := CompareSpeedupAt1000
		if run.N >= 5000 {
			want = CompareSpeedupAt5000
		}
		for _, step := range []Step{StepApply, StepPlan} {
			name := fmt.Sprintf("device_access %s N=%d", map[Step]string{StepApply: "adopt", StepPlan: "no-change plan"}[step], run.N)
			goal := fmt.Sprintf("≥ %.0f× faster than per-certificate", want)
			p, okP := run.Find(step, KindProvider)
			a, okA := run.Find(step, KindAccess)
			if !okP || !okA || !p.OK || !a.OK {
				add(name, goal, "", statusNotRun)
				continue
			}
			speedup := Ratio(p.WallSeconds, a.WallSeconds)
			add(name, goal, fmt.Sprintf("%.1f× (%.1fs vs %.2fs)", speedup, p.WallSeconds, a.WallSeconds), verdict(speedup >= want))
		}
		if plan, ok := run.Find(StepPlan, KindAccess); ok && run.N >= 5000 {
			calls := total(plan.Calls)
			add(fmt.Sprintf("device_access plan calls N=%d", run.N), fmt.Sprintf("≤ %d API calls", MaxAccessPlanCalls),
				fmt.Sprintf("%d (%s)", calls, FormatCalls(plan.Calls)), verdict(plan.OK && calls <= MaxAccessPlanCalls))
		}
		if t, ok := changesBound(run); ok {
			out = append(out, Target{Engine: engine, Name: t.Name, Goal: t.Goal, Figure: t.Figure, Status: t.Status})
		}
	}

	var peak int64
	for _, run := range tp {
		s, ok := run.Find(StepFlip, KindAccess)
		limit := run.EmulatorRateLimit
		name := fmt.Sprintf("device_access throughput %.0f/s N=%d", limit, run.N)
		if !ok {
			add(name, "", "", statusNotRun)
			continue
		}
		if run.N >= MemoryN {
			peak = max(peak, s.Provider.PeakKiB)
		}
		throttled := total(s.Errors)
		changes := Rate{}
		if s.ChangeRate != nil {
			changes = *s.ChangeRate
		}
		figure := fmt.Sprintf("exit %d, %d throttled answers; status changes %.0f/s over %.1fs (%.0f%% of the limit); "+
			"the whole command %.0f calls/s over %.1fs (%.0f%%, with the refresh and the engine's plan), flip %.1fs",
			s.ExitCode, throttled, changes.PerSecond, changes.WindowSeconds, 100*Ratio(changes.PerSecond, limit),
			s.Rate.PerSecond, s.Rate.WindowSeconds, 100*Ratio(s.Rate.PerSecond, limit), s.WallSeconds)
		if limit >= 500 {
			add(name, fmt.Sprintf("zero errors; the status changes ≥ %.0f%% of %.0f calls/s", 100*ThroughputShare, limit), figure,
				verdict(s.OK && s.BudgetOK && changes.PerSecond >= ThroughputShare*limit))
		} else {
			add(name, "finishes with zero errors (throttling absorbed)", figure, verdict(s.OK && s.BudgetOK))
		}
	}
	for _, run := range compare {
		for _, s := range run.Steps {
			if s.Kind == KindAccess && run.N >= MemoryN {
				peak = max(peak, s.Provider.PeakKiB)
			}
		}
	}
	if peak > 0 {
		add(fmt.Sprintf("device_access memory N=%d", MemoryN), fmt.Sprintf("provider peak RSS < %d MB", MaxProviderPeakMiB),
			fmt.Sprintf("%.1f MB", MiB(peak)), verdict(MiB(peak) < MaxProviderPeakMiB))
	}

	for _, run := range r.runs(engine, ScenarioWorkspaces) {
		if run.Total == nil || len(run.Workspaces) == 0 {
			continue
		}
		t := run.Total
		name := fmt.Sprintf("Workspaces %d×%d %s at %.0f/s", len(run.Workspaces), run.Workspaces[0].N, run.Kind, run.EmulatorRateLimit)
		goal := fmt.Sprintf("zero errors, throttled ≤ %.0f%% of answers, useful calls ≥ %.0f%% of the limit", 100*WorkspacesMaxThrottle, 100*WorkspacesMinUseful)
		figure := fmt.Sprintf("%d errors, %.1f%% throttled (%d of %d answers), %.0f useful calls/s (%.0f%%), slowest %.1fs",
			t.Errors, 100*t.ThrottledShare(), t.Throttled, t.Successes+t.Throttled+t.Failed, t.Rate.PerSecond,
			100*Ratio(t.Rate.PerSecond, run.EmulatorRateLimit), t.WallSeconds)
		add(name, goal, figure, verdict(t.Errors == 0 && t.ThrottledShare() <= WorkspacesMaxThrottle &&
			t.Rate.PerSecond >= WorkspacesMinUseful*run.EmulatorRateLimit))
	}
	return out
}

// changesBound judges the flip of a compare run: where statuses change, the
// API's rate is the bound, so the apply should take at most ChangesBoundSlack
// times (changes / rate limit) plus the no-change plan's time.
func changesBound(run Run) (Target, bool) {
	flip, okF := run.Find(StepFlip, KindAccess)
	plan, okP := run.Find(StepPlan, KindAccess)
	if !okF || !okP {
		return Target{}, false
	}
	limit := run.ProviderRateLimit
	if limit <= 0 {
		limit = onsmqtt.DefaultRateLimit
	}
	changes := float64(flip.Calls[ActionInactivate] + flip.Calls[ActionActivate])
	bound := ChangesBoundSlack * (changes/limit + plan.WallSeconds)
	return Target{
		Name: fmt.Sprintf("device_access changes N=%d", run.N),
		Goal: fmt.Sprintf("≤ %.1f × (changes ÷ rate limit + no-change plan)", ChangesBoundSlack),
		Figure: fmt.Sprintf("%.1fs for %.0f changes at %.0f/s (bound %.1fs = %.1f × (%.1fs + %.1fs))",
			flip.WallSeconds, changes, limit, bound, ChangesBoundSlack, changes/limit, plan.WallSeconds),
		Status: verdict(flip.OK && flip.WallSeconds <= bound),
	}, true
}

// markdownAccess renders the compare, access-throughput and workspaces runs
// of engine.
func (r *Report) markdownAccess(b *strings.Builder, engine string) {
	if compare := r.runs(engine, ScenarioCompare); len(compare) > 0 {
		b.WriteString("| N | step | per-certificate | device_access | speed-up | calls per-certificate | calls device_access | device_access budget | device_access provider peak RSS |\n")
		b.WriteString("|--:|---|--:|--:|--:|---|---|---|--:|\n")
		for _, run := range compare {
			for _, step := range Steps {
				p, okP := run.Find(step, KindProvider)
				a, okA := run.Find(step, KindAccess)
				if !okP && !okA {
					continue
				}
				speedup := "–"
				if okP && okA && a.WallSeconds > 0 {
					speedup = fmt.Sprintf("%.1f×", Ratio(p.WallSeconds, a.WallSeconds))
				}
				fmt.Fprintf(b, "| %d | %s | %s | %s | %s | %s | %s | %s | %s |\n", run.N, step, seconds(p, okP), seconds(a, okA), speedup,
					callsCell(p, okP), callsCell(a, okA), budgetCell(a, okA), rssCell(a, okA))
			}
		}
		b.WriteString("\n")
	}
	if tp := r.runs(engine, ScenarioAccessThroughput); len(tp) > 0 {
		b.WriteString("| throughput | N | provider rate_limit | flip all | engine / provider CPU | calls ok | throttled | status changes/s (their window) | of limit | whole command calls/s (window) | provider peak RSS |\n")
		b.WriteString("|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|\n")
		for _, run := range tp {
			s, ok := run.Find(StepFlip, KindAccess)
			if !ok {
				continue
			}
			rl := rateLimitCell(run)
			changes := Rate{}
			if s.ChangeRate != nil {
				changes = *s.ChangeRate
			}
			fmt.Fprintf(b, "| %g/s + %gms | %d | %s | %s | %.1fs / %.1fs | %d | %d | %.0f/s over %.1fs | %.0f%% | %.0f/s over %.1fs | %s |\n",
				run.EmulatorRateLimit, run.EmulatorLatencyMS, run.N, rl, seconds(s, true), s.EngineCPU, s.Provider.CPUSeconds,
				s.Rate.Successes, total(s.Errors), changes.PerSecond, changes.WindowSeconds, 100*Ratio(changes.PerSecond, run.EmulatorRateLimit),
				s.Rate.PerSecond, s.Rate.WindowSeconds, rssCell(s, true))
		}
		b.WriteString("\n")
	}
	if ws := r.runs(engine, ScenarioWorkspaces); len(ws) > 0 {
		b.WriteString("| workspaces | process | N | wall | calls ok | throttled | throttled share | useful calls/s | errors |\n")
		b.WriteString("|---|--:|--:|--:|--:|--:|--:|--:|--:|\n")
		for _, run := range ws {
			if run.Total == nil {
				continue
			}
			label := fmt.Sprintf("%s, %g/s + %gms, -parallelism=%d", run.Kind, run.EmulatorRateLimit, run.EmulatorLatencyMS, run.Parallelism)
			for _, w := range run.Workspaces {
				errs := w.Failed
				if !w.OK {
					errs++
				}
				fmt.Fprintf(b, "| %s | %d | %d | %.1fs | %d | %d | %.1f%% | %.0f/s | %d |\n", label, w.Workspace+1, w.N, w.WallSeconds,
					w.Successes, w.Throttled, 100*Ratio(float64(w.Throttled), float64(w.Successes+w.Throttled+w.Failed)), w.UsefulPerSecond, errs)
			}
			t := run.Total
			fmt.Fprintf(b, "| %s | **all** | %d | %.1fs | %d | %d | %.1f%% | %.0f/s over %.1fs (%.0f%% of the limit) | %d |\n", label, run.N, t.WallSeconds,
				t.Successes, t.Throttled, 100*t.ThrottledShare(), t.Rate.PerSecond, t.Rate.WindowSeconds, 100*Ratio(t.Rate.PerSecond, run.EmulatorRateLimit), t.Errors)
		}
		b.WriteString("\n")
	}
}
