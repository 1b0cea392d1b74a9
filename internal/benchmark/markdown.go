package benchmark

import (
	"fmt"
	"strings"

	"github.com/apsaramq/terraform-provider-apsaramq/internal/engine"
)

// Markdown renders the report's tables.
func (r *Report) Markdown() string {
	var b strings.Builder
	for _, e := range r.engines() {
		fmt.Fprintf(&b, "### %s %s\n\n", e.Kind, e.Version)
		fleetTable(&b, r.runs(e.Kind, ScenarioFleet))
		if e.Kind == ClientEngine {
			throughputTable(&b, r.runs(e.Kind, ScenarioClient), ResourceClient)
		} else {
			throughputTable(&b, r.runs(e.Kind, ScenarioThroughput), ResourcePerCertificate)
		}
		compareTable(&b, r.runs(e.Kind, ScenarioCompare))
		accessThroughputTable(&b, r.runs(e.Kind, ScenarioAccessThroughput))
		scaleTable(&b, r.runs(e.Kind, ScenarioScale))
		workspacesTable(&b, r.runs(e.Kind, ScenarioWorkspaces))
		r.targetsTable(&b, e.Kind)
	}
	return b.String()
}

func fleetTable(b *strings.Builder, fleet []Run) {
	if len(fleet) == 0 {
		return
	}
	b.WriteString("| N | step | apsaramq | terraform_data | ratio | engine CPU apsaramq / terraform_data | provider CPU | API calls | calls/cert | budget | provider peak RSS |\n")
	b.WriteString("|--:|---|--:|--:|--:|--:|--:|---|--:|---|--:|\n")
	for row := range stepPairs(fleet, ResourcePerCertificate, ResourceBaseline) {
		run, step, p, okP, bl, okB := row.run, row.step, row.x, row.okX, row.y, row.okY
		fmt.Fprintf(b, "| %d | %s | %s | %s | %s | %s / %s | %s | %s | %s | %s | %s |\n", run.N, step,
			seconds(p, okP), seconds(bl, okB), cell(okP && okB && bl.WallSeconds > 0, "%.2f×", Ratio(p.WallSeconds, bl.WallSeconds)),
			cell(okP, "%.1fs", p.EngineCPU), cell(okB, "%.1fs", bl.EngineCPU), cell(okP, "%.1fs", p.Provider.CPUSeconds),
			cell(okP, "%s", FormatCalls(p.Calls)), cell(okP && run.N > 0, "%.2f", Ratio(float64(total(p.Calls)), float64(run.N))),
			budgetCell(p, okP), rssCell(p, okP))
	}
	b.WriteString("\n")
}

// throughputTable shows the throttled applies of resource.
func throughputTable(b *strings.Builder, runs []Run, resource Resource) {
	if len(runs) == 0 {
		return
	}
	b.WriteString("| throughput | N | -parallelism | provider rate_limit | apply | engine / provider CPU | calls ok | throttled | calls/s (window) | of limit | median/min per s | provider peak RSS |\n")
	b.WriteString("|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|\n")
	for _, run := range runs {
		s, ok := run.Find(StepApply, resource)
		if !ok {
			continue
		}
		cpu := fmt.Sprintf("%.1fs / %.1fs", s.EngineCPU, s.Provider.CPUSeconds)
		if run.Engine.Kind == ClientEngine {
			cpu = "–"
		}
		fmt.Fprintf(b, "| %g/s + %gms | %d | %d | %s | %s | %s | %d | %d | %.0f/s over %.1fs | %.0f%% | %.0f / %.0f | %s |\n",
			run.EmulatorRateLimit, run.EmulatorLatencyMS, run.N, run.Parallelism, rateLimitCell(run), seconds(s, true), cpu, s.Rate.Successes, total(s.Errors), s.Rate.PerSecond, s.Rate.WindowSeconds,
			100*Ratio(s.Rate.PerSecond, run.EmulatorRateLimit), s.Rate.MedianSecond, s.Rate.MinSecond, rssCell(s, true))
	}
	b.WriteString("\n")
}

func (r *Report) targetsTable(b *strings.Builder, e engine.Kind) {
	var ts []Target
	for _, t := range r.Targets {
		if t.Engine == e {
			ts = append(ts, t)
		}
	}
	if len(ts) == 0 {
		return
	}
	b.WriteString("| target | goal | measured | |\n|---|---|---|---|\n")
	for _, t := range ts {
		fmt.Fprintf(b, "| %s | %s | %s | **%s** |\n", t.Name, t.Goal, t.Figure, t.Status)
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

// cell is a figure of a step that ran (ok), "–" otherwise.
func cell(ok bool, format string, args ...any) string {
	if !ok {
		return "–"
	}
	return fmt.Sprintf(format, args...)
}

func seconds(s StepResult, ok bool) string {
	if ok && !s.OK {
		return cell(ok, "%.1fs ✗", s.WallSeconds)
	}
	return cell(ok, "%.1fs", s.WallSeconds)
}

func budgetCell(s StepResult, ok bool) string {
	if ok && !s.BudgetOK {
		return "✗ " + s.Budget
	}
	return cell(ok, "exact")
}

func rssCell(s StepResult, ok bool) string {
	return cell(ok && s.Provider.Processes > 0, "%.1f MB", MiB(s.Provider.PeakKiB))
}

func compareTable(b *strings.Builder, compare []Run) {
	if len(compare) == 0 {
		return
	}
	b.WriteString("| N | step | per-certificate | device_access | speed-up | calls per-certificate | calls device_access | device_access budget | device_access provider peak RSS |\n")
	b.WriteString("|--:|---|--:|--:|--:|---|---|---|--:|\n")
	for row := range stepPairs(compare, ResourcePerCertificate, ResourceAccess) {
		run, step, p, okP, a, okA := row.run, row.step, row.x, row.okX, row.y, row.okY
		fmt.Fprintf(b, "| %d | %s | %s | %s | %s | %s | %s | %s | %s |\n", run.N, step, seconds(p, okP), seconds(a, okA),
			cell(okP && okA && a.WallSeconds > 0, "%.1f×", Ratio(p.WallSeconds, a.WallSeconds)),
			cell(okP, "%s", FormatCalls(p.Calls)), cell(okA, "%s", FormatCalls(a.Calls)), budgetCell(a, okA), rssCell(a, okA))
	}
	b.WriteString("\n")
}

func accessThroughputTable(b *strings.Builder, tp []Run) {
	if len(tp) == 0 {
		return
	}
	b.WriteString("| throughput | N | provider rate_limit | flip all | engine / provider CPU | calls ok | throttled | status changes/s (their window) | of limit | whole command calls/s (window) | provider peak RSS |\n")
	b.WriteString("|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|\n")
	for _, run := range tp {
		s, ok := run.Find(StepFlip, ResourceAccess)
		if !ok {
			continue
		}
		changes := s.changeRate()
		fmt.Fprintf(b, "| %g/s + %gms | %d | %s | %s | %.1fs / %.1fs | %d | %d | %.0f/s over %.1fs | %.0f%% | %.0f/s over %.1fs | %s |\n",
			run.EmulatorRateLimit, run.EmulatorLatencyMS, run.N, rateLimitCell(run), seconds(s, true), s.EngineCPU, s.Provider.CPUSeconds,
			s.Rate.Successes, total(s.Errors), changes.PerSecond, changes.WindowSeconds, 100*Ratio(changes.PerSecond, run.EmulatorRateLimit),
			s.Rate.PerSecond, s.Rate.WindowSeconds, rssCell(s, true))
	}
	b.WriteString("\n")
}

func workspacesTable(b *strings.Builder, ws []Run) {
	if len(ws) == 0 {
		return
	}
	b.WriteString("| workspaces | process | N | wall | calls ok | throttled | throttled share | useful calls/s | errors |\n")
	b.WriteString("|---|--:|--:|--:|--:|--:|--:|--:|--:|\n")
	for _, run := range ws {
		if run.Total == nil {
			continue
		}
		label := fmt.Sprintf("%s, %g/s + %gms, -parallelism=%d", run.Resource, run.EmulatorRateLimit, run.EmulatorLatencyMS, run.Parallelism)
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
