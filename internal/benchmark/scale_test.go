package benchmark

import (
	"math"
	"strings"
	"testing"

	"github.com/apsaramq/terraform-provider-apsaramq/internal/engine"
)

func TestFitExponent(t *testing.T) {
	ns := []float64{20000, 50000, 100000}
	for _, tc := range []struct {
		ys   []float64
		want float64
	}{
		{[]float64{2, 5, 10}, 1},                   // linear
		{[]float64{4, 25, 100}, 2},                 // quadratic
		{[]float64{3, 3, 3}, 0},                    // constant
		{[]float64{2 * 0.9, 5 * 1.1, 10 * 1}, 1.0}, // noisy linear: close to 1
	} {
		k, ok := FitExponent(ns, tc.ys)
		if !ok || math.Abs(k-tc.want) > 0.1 {
			t.Errorf("FitExponent(%v) = %.3f %v, want about %.1f", tc.ys, k, ok, tc.want)
		}
	}
	for _, bad := range [][2][]float64{{{1000}, {1}}, {{1000, 1000}, {1, 2}}, {{1000, 2000}, {0, 2}}} {
		if k, ok := FitExponent(bad[0], bad[1]); ok {
			t.Errorf("FitExponent(%v, %v) = %.2f: no fit expected", bad[0], bad[1], k)
		}
	}
}

// scaleReport is three sizes on one engine: device_access's provider CPU
// linear in N, its wall time beyond the API bound 1.2× terraform_data's
// except the 100,000 plan (2×), and a peak RSS of 200 MB at N = 100,000.
func scaleReport() *Report {
	tf := engine.Engine{Kind: engine.Terraform, Version: "1.11.4"}
	r := &Report{}
	for _, n := range []int{20000, 50000, 100000} {
		pages := int64(n/100 + 1)
		run := Run{Scenario: ScenarioScale, Engine: tf, N: n, EmulatorRateLimit: 500, ProviderRateLimit: 500}
		for _, st := range Steps {
			calls := map[string]int64{ActionList: pages}
			baseline := float64(n) / 10000 // seconds
			wall := 1.2*baseline + float64(pages)/500
			if n == 100000 && st == StepPlan {
				wall = 2*baseline + float64(pages)/500
			}
			a := step(ResourceAccess, st, wall, calls, calls, 200*1024)
			a.Provider.CPUSeconds = float64(n) / 20000
			a.StateBytes = int64(n) * 30
			run.Steps = append(run.Steps, step(ResourceBaselineMap, st, baseline, nil, nil, 0), a)
		}
		r.Runs = append(r.Runs, run)
	}
	return r
}

func TestScaleTargets(t *testing.T) {
	r := scaleReport()
	got := evaluate(t, r, map[string]string{
		"API calls (scale)":                        statusPass,
		"device_access scale N=20000 apply":        statusPass,
		"device_access scale N=100000 flip":        statusPass,
		"device_access scale N=100000 plan":        statusMiss,
		"device_access provider CPU growth, plan":  statusPass,
		"device_access provider CPU growth, apply": statusPass,
		"device_access memory N=100000":            statusPass,
	})
	if f := got["device_access scale N=100000 plan"].Figure; !strings.HasPrefix(f, "2.00× ((22.0s − 2.0s) ÷ 10.0s)") {
		t.Errorf("plan figure %q", f)
	}
	if f := got["device_access provider CPU growth, plan"].Figure; !strings.HasPrefix(f, "k = 1.00 (1.0s at 20000, 2.5s at 50000, 5.0s at 100000)") {
		t.Errorf("growth figure %q", f)
	}
	md := r.Markdown()
	for _, want := range []string{
		"| 100000 | plan | 22.0s | 10.0s | ListDeviceCertificateByCaSn 1001 | 2.0s at 500/s | 2.00× | 5.0s |",
		"Provider CPU ∝ N^k, k fitted by least squares on logarithms: apply k = 1.00",
		"2.9 MB / –", // device_access's state; terraform_data's was not recorded
	} {
		if !strings.Contains(md, want) {
			t.Errorf("markdown lacks %q:\n%s", want, md)
		}
	}

	// A quadratic CPU misses its target; an RSS of 300 MB misses the memory target.
	for i := range r.Runs {
		for j := range r.Runs[i].Steps {
			s := &r.Runs[i].Steps[j]
			n := float64(r.Runs[i].N)
			s.Provider.CPUSeconds = n * n / 1e9
			s.Provider.PeakKiB = 300 * 1024
		}
	}
	r.Evaluate()
	for _, tg := range r.Targets {
		if (strings.HasPrefix(tg.Name, "device_access provider CPU growth") || tg.Name == "device_access memory N=100000") && tg.Status != statusMiss {
			t.Errorf("%s: %s (%s), want a miss", tg.Name, tg.Status, tg.Figure)
		}
	}
}
