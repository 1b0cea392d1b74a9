package benchmark

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/apsaramq/terraform-provider-apsaramq/internal/onsmqtt"
)

// The scale runs' figures: apsaramq_mqtt_device_access on one CA of tens of
// thousands of certificates against the engine's own cost for the same map
// (one terraform_data holding it), beyond what the API's rate allows.

// Targets of the scale runs.
const (
	MaxScaleOverheadRatio = 1.5
	ScaleMemoryN          = 100_000
	MaxScalePeakMiB       = 256
	// MaxCPUExponent: a fitted exponent at most this reads as CPU growing
	// linearly in N (a sort would show as barely more than 1; per-page work
	// that grows with N as 2).
	MaxCPUExponent = 1.2
)

// rateBound is the calls per second a run's provider may make: its
// rate_limit, or the emulator's limit when lower.
func (run Run) rateBound() float64 {
	limit := run.ProviderRateLimit
	if limit <= 0 {
		limit = onsmqtt.DefaultRateLimit
	}
	if run.EmulatorRateLimit > 0 {
		limit = min(limit, run.EmulatorRateLimit)
	}
	return limit
}

// APIBound is the least time the calls of s take at the run's rate: its
// calls ÷ rateBound.
func (run Run) APIBound(s StepResult) float64 {
	return float64(total(s.Calls)) / run.rateBound()
}

// ScaleOverhead is what device_access's step costs beyond the API bound,
// in units of the engine's own cost for the same map: (a − bound) ÷ baseline.
func (run Run) ScaleOverhead(a, baseline StepResult) float64 {
	return Ratio(a.WallSeconds-run.APIBound(a), baseline.WallSeconds)
}

// FitExponent fits y = c·x^k to the points by least squares on their
// logarithms and returns k; ok is false without two distinct positive x
// and positive y.
func FitExponent(xs, ys []float64) (k float64, ok bool) {
	var n, sx, sy, sxx, sxy float64
	for i := range xs {
		if xs[i] <= 0 || ys[i] <= 0 {
			return 0, false
		}
		lx, ly := math.Log(xs[i]), math.Log(ys[i])
		n++
		sx, sy, sxx, sxy = sx+lx, sy+ly, sxx+lx*lx, sxy+lx*ly
	}
	den := n*sxx - sx*sx
	if n < 2 || den < 1e-12 {
		return 0, false
	}
	return (n*sxy - sx*sy) / den, true
}

// cpuGrowth is, for step, device_access's provider CPU at each N of the
// scale runs (in increasing N) and the exponent fitted to them.
type cpuGrowth struct {
	step     Step
	ns       []int
	cpu      []float64
	exponent float64
	ok       bool
}

func scaleCPUGrowth(runs []Run, step Step) cpuGrowth {
	g := cpuGrowth{step: step}
	sorted := slices.Clone(runs)
	slices.SortFunc(sorted, func(a, b Run) int { return a.N - b.N })
	var xs []float64
	for _, run := range sorted {
		if s, ok := run.Find(step, ResourceAccess); ok && s.OK {
			g.ns, g.cpu = append(g.ns, run.N), append(g.cpu, s.Provider.CPUSeconds)
			xs = append(xs, float64(run.N))
		}
	}
	g.exponent, g.ok = FitExponent(xs, g.cpu)
	return g
}

func (g cpuGrowth) String() string {
	var pts []string
	for i, n := range g.ns {
		pts = append(pts, fmt.Sprintf("%.1fs at %d", g.cpu[i], n))
	}
	return fmt.Sprintf("k = %.2f (%s)", g.exponent, strings.Join(pts, ", "))
}

// scaleTargets judges the scale runs: every step succeeds with its exact
// calls, costs at most MaxScaleOverheadRatio × the engine's own cost beyond
// the API bound, the provider's CPU grows linearly, and its peak RSS at
// ScaleMemoryN stays below MaxScalePeakMiB.
func scaleTargets(ts *targets, runs []Run) {
	if len(runs) == 0 {
		return
	}
	ts.budget("API calls (scale)", "device_access: floor(N/100)+1 list calls per read, one status call per differing certificate; zero errors",
		"all %d steps exact", false, runs, func(run Run, s StepResult) (string, bool) {
			return fmt.Sprintf("scale N=%d %s", run.N, s.Step), s.Resource == ResourceAccess
		})
	goal := fmt.Sprintf("(device_access − API bound) ≤ %.1f× terraform_data holding the same map", MaxScaleOverheadRatio)
	for row := range stepPairs(runs, ResourceAccess, ResourceBaselineMap) {
		run, a, b := row.run, row.x, row.y
		name := fmt.Sprintf("device_access scale N=%d %s", run.N, row.step)
		if !row.okX || !row.okY || !a.OK || !b.OK {
			ts.add(name, goal, "", statusNotRun)
			continue
		}
		ratio := run.ScaleOverhead(a, b)
		ts.add(name, goal, fmt.Sprintf("%.2f× ((%.1fs − %.1fs) ÷ %.1fs)", ratio, a.WallSeconds, run.APIBound(a), b.WallSeconds),
			verdict(ratio <= MaxScaleOverheadRatio))
	}
	for _, step := range Steps {
		if g := scaleCPUGrowth(runs, step); g.ok {
			ts.add(fmt.Sprintf("device_access provider CPU growth, %s", step), fmt.Sprintf("CPU ∝ N^k, k ≤ %.1f (linear)", MaxCPUExponent),
				g.String(), verdict(g.exponent <= MaxCPUExponent))
		}
	}
	for _, run := range runs {
		if run.N < ScaleMemoryN {
			continue
		}
		var peak int64
		for _, s := range run.Steps {
			if s.Resource == ResourceAccess {
				peak = max(peak, s.Provider.PeakKiB)
			}
		}
		ts.add(fmt.Sprintf("device_access memory N=%d", run.N), fmt.Sprintf("provider peak RSS < %d MB", MaxScalePeakMiB),
			fmt.Sprintf("%.1f MB", MiB(peak)), verdict(peak > 0 && MiB(peak) < MaxScalePeakMiB))
	}
}

func scaleTable(b *strings.Builder, runs []Run) {
	if len(runs) == 0 {
		return
	}
	b.WriteString("| N | step | device_access | terraform_data, same map | API calls | API bound | (device_access − bound) ÷ terraform_data | " +
		"provider CPU | engine CPU device_access / terraform_data | provider peak RSS | state device_access / terraform_data | budget |\n")
	b.WriteString("|--:|---|--:|--:|---|--:|--:|--:|--:|--:|--:|---|\n")
	for row := range stepPairs(runs, ResourceAccess, ResourceBaselineMap) {
		run, a, okA, bl, okB := row.run, row.x, row.okX, row.y, row.okY
		fmt.Fprintf(b, "| %d | %s | %s | %s | %s | %s | %s | %s | %s / %s | %s | %s / %s | %s |\n", run.N, row.step,
			seconds(a, okA), seconds(bl, okB), cell(okA, "%s", FormatCalls(a.Calls)),
			cell(okA, "%.1fs at %g/s", run.APIBound(a), run.rateBound()),
			cell(okA && okB && bl.WallSeconds > 0, "%.2f×", run.ScaleOverhead(a, bl)),
			cell(okA, "%.1fs", a.Provider.CPUSeconds), cell(okA, "%.1fs", a.EngineCPU), cell(okB, "%.1fs", bl.EngineCPU),
			rssCell(a, okA), stateCell(a, okA), stateCell(bl, okB), budgetCell(a, okA))
	}
	b.WriteString("\n")
	var growth []string
	for _, step := range Steps {
		if g := scaleCPUGrowth(runs, step); g.ok {
			growth = append(growth, fmt.Sprintf("%s %s", step, g))
		}
	}
	if len(growth) > 0 {
		fmt.Fprintf(b, "Provider CPU ∝ N^k, k fitted by least squares on logarithms: %s.\n\n", strings.Join(growth, "; "))
	}
	scaleFloorsTable(b, runs)
}

// scaleFloorsTable sets device_access beside its floors (package floor),
// when the runs have them: what the engine costs any provider holding the
// map (protocol floor), what the framework adds (framework floor) and what
// the resource adds on top.
func scaleFloorsTable(b *strings.Builder, runs []Run) {
	if !slices.ContainsFunc(runs, func(run Run) bool {
		_, ok := run.Find(StepApply, ResourceProtocolFloor)
		return ok
	}) {
		return
	}
	b.WriteString("| N | step | terraform_data, same map | protocol floor | framework floor | device_access − API bound | " +
		"provider CPU protocol / framework / device_access | provider peak RSS framework / device_access |\n")
	b.WriteString("|--:|---|--:|--:|--:|--:|--:|--:|\n")
	for _, run := range runs {
		for _, step := range Steps {
			bl, okB := run.Find(step, ResourceBaselineMap)
			p, okP := run.Find(step, ResourceProtocolFloor)
			f, okF := run.Find(step, ResourceFrameworkFloor)
			a, okA := run.Find(step, ResourceAccess)
			if !okP && !okF {
				continue
			}
			fmt.Fprintf(b, "| %d | %s | %s | %s | %s | %s | %s / %s / %s | %s / %s |\n", run.N, step,
				seconds(bl, okB), seconds(p, okP), seconds(f, okF), cell(okA, "%.1fs", a.WallSeconds-run.APIBound(a)),
				cell(okP, "%.1fs", p.Provider.CPUSeconds), cell(okF, "%.1fs", f.Provider.CPUSeconds), cell(okA, "%.1fs", a.Provider.CPUSeconds),
				rssCell(f, okF), rssCell(a, okA))
		}
	}
	b.WriteString("\n")
}

func stateCell(s StepResult, ok bool) string {
	return cell(ok && s.StateBytes > 0, "%.1f MB", float64(s.StateBytes)/(1<<20))
}
