package benchmark

import (
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"slices"
	"strings"
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

// Thresholds are the targets.
const (
	OverheadN          = 1000
	MaxOverheadRatio   = 1.5
	ThroughputShare    = 0.9
	MemoryN            = 5000
	MaxProviderPeakMiB = 100
)

// Target is one target of the issue for one engine, judged against a figure.
type Target struct {
	Engine string `json:"engine"`
	Name   string `json:"name"`
	Goal   string `json:"goal"`
	Figure string `json:"figure"`
	Status string `json:"status"` // PASS, MISS or "not run"
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
func (r *Report) engines() []Engine {
	var out []Engine
	seen := map[string]bool{}
	for _, run := range r.Runs {
		if !seen[run.Engine.Name] {
			seen[run.Engine.Name] = true
			out = append(out, run.Engine)
		}
	}
	return out
}

func (r *Report) runs(engine, scenario string) []Run {
	var out []Run
	for _, run := range r.Runs {
		if run.Engine.Name == engine && run.Scenario == scenario {
			out = append(out, run)
		}
	}
	return out
}

// Evaluate judges every target per engine and stores the result in Targets;
// it recomputes each step's budget verdict, so an older JSON can be judged
// again with `bench -report`.
func (r *Report) Evaluate() {
	for i := range r.Runs {
		run := &r.Runs[i]
		for j := range run.Steps {
			s := &run.Steps[j]
			if s.Kind.callsAPI() {
				s.BudgetOK, s.Budget = CheckBudget(s.Calls, s.Errors, s.Expected, run.EmulatorRateLimit > 0)
			}
		}
	}
	r.Targets = nil
	for _, e := range r.engines() {
		r.Targets = append(r.Targets, r.evaluate(e.Name)...)
		r.Targets = append(r.Targets, r.evaluateAccess(e.Name)...)
	}
}

func (r *Report) evaluate(engine string) []Target {
	fleet := r.runs(engine, ScenarioFleet)
	tp := r.runs(engine, ScenarioThroughput)
	if engine == ClientEngine {
		tp = r.runs(engine, ScenarioClient)
	}
	var out []Target
	add := func(name, goal, figure, status string) {
		out = append(out, Target{Engine: engine, Name: name, Goal: goal, Figure: figure, Status: status})
	}

	// API call budget: every provider step of every run, exactly.
	var misses []string
	steps := 0
	for _, run := range append(slices.Clone(fleet), tp...) {
		for _, s := range run.Steps {
			if s.Kind == KindBaseline {
				continue
			}
			steps++
			if !s.BudgetOK || !s.OK {
				why := s.Budget
				if !s.OK {
					why = s.Failure
				}
				misses = append(misses, fmt.Sprintf("%s N=%d %s: %s", run.Scenario, run.N, s.Step, why))
			}
		}
	}
	goal := "create 1 Get + 1 change only where status differs; refresh 1 Get; update 1 call; destroy 1 call (after the refresh Get); no retries"
	switch {
	case steps == 0:
		add("API calls", goal, "", statusNotRun)
	case len(misses) == 0:
		add("API calls", goal, fmt.Sprintf("all %d provider steps exact", steps), statusPass)
	default:
		add("API calls", goal, strings.Join(misses, " | "), statusMiss)
	}

	// Overhead at N=1000 against terraform_data.
	for _, step := range []Step{StepApply, StepPlan} {
		if engine == ClientEngine {
			break
		}
		name := fmt.Sprintf("Overhead %s N=%d", step, OverheadN)
		goal := fmt.Sprintf("≤ %.1f× terraform_data", MaxOverheadRatio)
		run, ok := findN(fleet, OverheadN)
		p, okP := run.Find(step, KindProvider)
		b, okB := run.Find(step, KindBaseline)
		if !ok || !okP || !okB || !p.OK || !b.OK {
			add(name, goal, "", statusNotRun)
			continue
		}
		ratio := Ratio(p.WallSeconds, b.WallSeconds)
		add(name, goal, fmt.Sprintf("%.2f× (%.1fs vs %.1fs)", ratio, p.WallSeconds, b.WallSeconds), verdict(ratio <= MaxOverheadRatio))
	}

	// Throughput.
	for _, run := range tp {
		s, ok := run.Find(StepApply, KindProvider)
		if engine == ClientEngine {
			s, ok = run.Find(StepApply, Kind(ClientEngine))
		}
		limit := run.EmulatorRateLimit
		name := fmt.Sprintf("Throughput %.0f/s", limit)
		if !ok {
			add(name, "", "", statusNotRun)
			continue
		}
		errs := total(s.Errors)
		figure := fmt.Sprintf("exit %d, %d throttled answers, %.0f calls/s over %.1fs (%.0f%% of the limit), apply %.1fs",
			s.ExitCode, errs, s.Rate.PerSecond, s.Rate.WindowSeconds, 100*Ratio(s.Rate.PerSecond, limit), s.WallSeconds)
		if limit >= 500 {
			add(name, fmt.Sprintf("zero errors and ≥ %.0f%% of %.0f calls/s", 100*ThroughputShare, limit), figure,
				verdict(s.OK && errs == 0 && s.Rate.PerSecond >= ThroughputShare*limit))
		} else {
			add(name, "finishes with zero errors (throttling absorbed)", figure, verdict(s.OK))
		}
	}
	if len(tp) == 0 {
		add("Throughput", "", "", statusNotRun)
	}
	if engine == ClientEngine {
		return out
	}

	// Memory at N=5000.
	if run, ok := findN(fleet, MemoryN); ok {
		var peak int64
		for _, s := range run.Steps {
			peak = max(peak, s.Provider.PeakKiB)
		}
		add(fmt.Sprintf("Memory N=%d", MemoryN), fmt.Sprintf("provider peak RSS < %d MB", MaxProviderPeakMiB),
			fmt.Sprintf("%.1f MB", MiB(peak)), verdict(MiB(peak) < MaxProviderPeakMiB))
	} else {
		add(fmt.Sprintf("Memory N=%d", MemoryN), "", "", statusNotRun)
	}
	return out
}

func findN(runs []Run, n int) (Run, bool) {
	for _, r := range runs {
		if r.N == n {
			return r, true
		}
	}
	return Run{}, false
}

// Markdown renders the report's tables.
func (r *Report) Markdown() string {
	var b strings.Builder
	for _, e := range r.engines() {
		fmt.Fprintf(&b, "### %s %s\n\n", e.Name, e.Version)
		if fleet := r.runs(e.Name, ScenarioFleet); len(fleet) > 0 {
			b.WriteString("| N | step | apsaramq | terraform_data | ratio | engine CPU apsaramq / terraform_data | provider CPU | API calls | calls/cert | budget | provider peak RSS |\n")
			b.WriteString("|--:|---|--:|--:|--:|--:|--:|---|--:|---|--:|\n")
			for _, run := range fleet {
				for _, step := range Steps {
					p, okP := run.Find(step, KindProvider)
					bl, okB := run.Find(step, KindBaseline)
					if !okP && !okB {
						continue
					}
					fmt.Fprintf(&b, "| %d | %s | %s | %s | %s | %s / %s | %s | %s | %s | %s | %s |\n", run.N, step,
						seconds(p, okP), seconds(bl, okB), ratioCell(p, bl, okP && okB),
						cpuCell(p.EngineCPU, okP), cpuCell(bl.EngineCPU, okB), cpuCell(p.Provider.CPUSeconds, okP),
						callsCell(p, okP), perCert(p, okP, run.N), budgetCell(p, okP), rssCell(p, okP))
				}
			}
			b.WriteString("\n")
		}
		tp, kind := r.runs(e.Name, ScenarioThroughput), KindProvider
		if e.Name == ClientEngine {
			tp, kind = r.runs(e.Name, ScenarioClient), Kind(ClientEngine)
		}
		if len(tp) > 0 {
			renderThroughput(&b, tp, kind, StepApply, "apply")
		}
		r.markdownAccess(&b, e.Name)
		var ts []Target
		for _, t := range r.Targets {
			if t.Engine == e.Name {
				ts = append(ts, t)
			}
		}
		if len(ts) > 0 {
			b.WriteString("| target | goal | measured | |\n|---|---|---|---|\n")
			for _, t := range ts {
				fmt.Fprintf(&b, "| %s | %s | %s | **%s** |\n", t.Name, t.Goal, t.Figure, t.Status)
			}
			b.WriteString("\n")
		}
	}
	return b.String()
}

// renderThroughput is the table of throttled runs: step of kind, labelled.
func renderThroughput(b *strings.Builder, runs []Run, kind Kind, step Step, label string) {
	fmt.Fprintf(b, "| throughput | N | -parallelism | provider rate_limit | %s | engine / provider CPU | calls ok | throttled | calls/s (window) | of limit | median/min per s | provider peak RSS |\n", label)
	b.WriteString("|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|\n")
	for _, run := range runs {
		s, ok := run.Find(step, kind)
		if !ok {
			continue
		}
		rl := rateLimitCell(run)
		cpu := fmt.Sprintf("%.1fs / %.1fs", s.EngineCPU, s.Provider.CPUSeconds)
		if run.Engine.Name == ClientEngine {
			cpu = "–"
		}
		fmt.Fprintf(b, "| %g/s + %gms | %d | %d | %s | %s | %s | %d | %d | %.0f/s over %.1fs | %.0f%% | %.0f / %.0f | %s |\n",
			run.EmulatorRateLimit, run.EmulatorLatencyMS, run.N, run.Parallelism, rl, seconds(s, true), cpu, s.Rate.Successes, total(s.Errors), s.Rate.PerSecond, s.Rate.WindowSeconds,
			100*Ratio(s.Rate.PerSecond, run.EmulatorRateLimit), s.Rate.MedianSecond, s.Rate.MinSecond, rssCell(s, true))
	}
	b.WriteString("\n")
}

// rateLimitCell is the provider rate_limit a run configured.
func rateLimitCell(run Run) string {
	if run.ProviderRateLimit > 0 {
		return fmt.Sprintf("%g", run.ProviderRateLimit)
	}
	return "400 (default)"
}

func seconds(s StepResult, ok bool) string {
	if !ok {
		return "–"
	}
	if !s.OK {
		return fmt.Sprintf("%.1fs ✗", s.WallSeconds)
	}
	return fmt.Sprintf("%.1fs", s.WallSeconds)
}

func cpuCell(sec float64, ok bool) string {
	if !ok {
		return "–"
	}
	return fmt.Sprintf("%.1fs", sec)
}

func ratioCell(p, b StepResult, ok bool) string {
	if !ok || b.WallSeconds <= 0 {
		return "–"
	}
	return fmt.Sprintf("%.2f×", Ratio(p.WallSeconds, b.WallSeconds))
}

func callsCell(s StepResult, ok bool) string {
	if !ok {
		return "–"
	}
	return FormatCalls(s.Calls)
}

func perCert(s StepResult, ok bool, n int) string {
	if !ok || n == 0 {
		return "–"
	}
	return fmt.Sprintf("%.2f", float64(total(s.Calls))/float64(n))
}

func budgetCell(s StepResult, ok bool) string {
	if !ok {
		return "–"
	}
	if s.BudgetOK {
		return "exact"
	}
	return "✗ " + s.Budget
}

func rssCell(s StepResult, ok bool) string {
	if !ok || s.Provider.Processes == 0 {
		return "–"
	}
	return fmt.Sprintf("%.1f MB", MiB(s.Provider.PeakKiB))
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
		return fmt.Sprintf("%s|%s|%d|%g|%g", r.Scenario, r.Engine.Name, r.N, r.EmulatorRateLimit, r.ProviderRateLimit)
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
