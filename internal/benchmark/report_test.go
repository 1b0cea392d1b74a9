package benchmark

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/apsaramq/terraform-provider-apsaramq/internal/engine"
)

func TestCheckBudget(t *testing.T) {
	want := map[string]int64{ActionGet: 10, ActionActivate: 1}
	cases := []struct {
		name      string
		calls     map[string]int64
		errs      map[string]int64
		throttled bool
		ok        bool
		note      string
	}{
		{"exact", map[string]int64{ActionGet: 10, ActionActivate: 1}, nil, false, true, "exact"},
		{"one retry", map[string]int64{ActionGet: 11, ActionActivate: 1}, nil, false, false, "GetDeviceCertificate 11 (budget 10)"},
		{"unexpected action", map[string]int64{ActionGet: 10, ActionActivate: 1, "ListDeviceCertificate": 1}, nil, false, false, "ListDeviceCertificate 1 (budget 0)"},
		{"error answer", map[string]int64{ActionGet: 10, ActionActivate: 1}, map[string]int64{"InternalError": 1}, false, false, "1× InternalError"},
		{"throttle retries allowed", map[string]int64{ActionGet: 13, ActionActivate: 2}, map[string]int64{"Throttling.User": 4}, true, true, "exact + 4 retries of throttled answers"},
		{"throttle retries not allowed", map[string]int64{ActionGet: 13, ActionActivate: 2}, map[string]int64{"Throttling.User": 4}, false, false, "4× Throttling.User"},
		{"retry without cause", map[string]int64{ActionGet: 14, ActionActivate: 2}, map[string]int64{"Throttling.User": 4}, true, false, "5 calls beyond the budget for 4 throttled answers"},
		{"missing call", map[string]int64{ActionGet: 10}, nil, true, false, "ActiveDeviceCertificate 0 (budget 1)"},
	}
	for _, c := range cases {
		ok, note := CheckBudget(c.calls, c.errs, want, c.throttled)
		if ok != c.ok || !strings.Contains(note, c.note) {
			t.Errorf("%s: CheckBudget = %v %q, want %v containing %q", c.name, ok, note, c.ok, c.note)
		}
	}
	if ok, note := CheckBudget(nil, nil, nil, false); !ok || note != "exact" {
		t.Errorf("baseline with no calls: %v %q", ok, note)
	}
}

func step(r Resource, s Step, wall float64, calls, expected map[string]int64, peakKiB int64) StepResult {
	return StepResult{Step: s, Resource: r, CommandResult: CommandResult{WallSeconds: wall}, Calls: calls, Expected: expected,
		Provider: ProcPeak{Processes: 1, PeakKiB: peakKiB}, OK: true, StateOK: true}
}

func sampleReport() *Report {
	tf := engine.Engine{Kind: engine.Terraform, Version: "1.11.4"}
	get := func(n int64) map[string]int64 { return map[string]int64{ActionGet: n} }
	return &Report{Runs: []Run{
		{Scenario: ScenarioFleet, Engine: tf, N: 1000, Steps: []StepResult{
			step(ResourceBaseline, StepApply, 10, nil, nil, 0),
			step(ResourcePerCertificate, StepApply, 14, get(1000), get(1000), 40*1024),
			step(ResourceBaseline, StepPlan, 4, nil, nil, 0),
			step(ResourcePerCertificate, StepPlan, 8, get(1001), get(1000), 45*1024),
		}},
		{Scenario: ScenarioFleet, Engine: tf, N: 5000, Steps: []StepResult{
			step(ResourcePerCertificate, StepApply, 100, get(5000), get(5000), 150*1024),
		}},
		{Scenario: ScenarioThroughput, Engine: tf, N: 5000, EmulatorRateLimit: 500, Steps: []StepResult{
			func() StepResult {
				s := step(ResourcePerCertificate, StepApply, 12, get(5000), get(5000), 60*1024)
				s.Rate = Rate{Successes: 5000, PerSecond: 460, WindowSeconds: 10.9}
				return s
			}(),
		}},
		{Scenario: ScenarioThroughput, Engine: tf, N: 5000, EmulatorRateLimit: 100, Steps: []StepResult{
			func() StepResult {
				s := step(ResourcePerCertificate, StepApply, 60, map[string]int64{ActionGet: 5300}, get(5000), 60*1024)
				s.Errors = map[string]int64{"Throttling.User": 300}
				s.Rate = Rate{Successes: 5000, PerSecond: 97, WindowSeconds: 51}
				return s
			}(),
		}},
	}}
}

func TestEvaluate(t *testing.T) {
	r := sampleReport()
	got := evaluate(t, r, map[string]string{
		"API calls":             statusMiss, // the plan made one extra Get
		"Overhead apply N=1000": statusPass, // 1.40×
		"Overhead plan N=1000":  statusMiss, // 2.00×
		"Throughput 500/s":      statusPass, // 460/s ≥ 450/s, zero errors
		"Throughput 100/s":      statusPass, // throttled, retried with cause, finished
		"Memory N=5000":         statusMiss, // 150 MB
	})
	if f := got["API calls"].Figure; !strings.Contains(f, "fleet N=1000 plan: GetDeviceCertificate 1001 (budget 1000)") {
		t.Errorf("API calls figure %q does not name the miss", f)
	}
	if f := got["Overhead apply N=1000"].Figure; !strings.HasPrefix(f, "1.40×") {
		t.Errorf("overhead figure %q", f)
	}

	// Below 90% of the limit, or with an error answer, 500/s misses.
	r.Runs[2].Steps[0].Rate.PerSecond = 440
	r.Evaluate()
	for _, tg := range r.Targets {
		if tg.Name == "Throughput 500/s" && tg.Status != statusMiss {
			t.Errorf("440/s judged %s", tg.Status)
		}
	}
}

func TestEvaluateNotRun(t *testing.T) {
	r := &Report{Runs: []Run{{Scenario: ScenarioFleet, Engine: engine.Engine{Kind: engine.OpenTofu}, N: 100, Steps: []StepResult{
		step(ResourcePerCertificate, StepApply, 1, map[string]int64{ActionGet: 100}, map[string]int64{ActionGet: 100}, 1024),
	}}}}
	r.Evaluate()
	for _, tg := range r.Targets {
		if tg.Name != "API calls" && tg.Status != statusNotRun {
			t.Errorf("%s: %s, want %q without the runs it needs", tg.Name, tg.Status, statusNotRun)
		}
	}
}

func TestMarkdownAndJSONRoundTrip(t *testing.T) {
	r := sampleReport()
	r.Evaluate()
	md := r.Markdown()
	for _, want := range []string{"### terraform 1.11.4", "| 1000 | apply | 14.0s | 10.0s | 1.40× |", "Get 1001",
		"| 500/s + 0ms | 5000 |", "**MISS**", "**PASS**", "150.0 MB"} {
		if !strings.Contains(md, want) {
			t.Errorf("markdown lacks %q:\n%s", want, md)
		}
	}
	path := filepath.Join(t.TempDir(), "r.json")
	if err := r.WriteJSON(path); err != nil {
		t.Fatal(err)
	}
	back, err := ReadReport(path)
	if err != nil {
		t.Fatal(err)
	}
	back.Evaluate()
	if back.Markdown() != md {
		t.Error("a report read back renders differently")
	}
}

func TestMergeReports(t *testing.T) {
	dir := t.TempDir()
	a, b := sampleReport(), sampleReport()
	a.StartedAt, a.Finished = "2026-01-01T10:00:00Z", "2026-01-01T11:00:00Z"
	b.StartedAt, b.Finished = "2026-01-01T09:00:00Z", "2026-01-01T12:00:00Z"
	for i := range b.Runs {
		b.Runs[i].Engine = engine.Engine{Kind: engine.OpenTofu, Version: "1.12.6"}
	}
	pa, pb := filepath.Join(dir, "a.json"), filepath.Join(dir, "b.json")
	if err := a.WriteJSON(pa); err != nil {
		t.Fatal(err)
	}
	if err := b.WriteJSON(pb); err != nil {
		t.Fatal(err)
	}
	m, err := MergeReports([]string{pa, " " + pb})
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Runs) != len(a.Runs)+len(b.Runs) || m.StartedAt != b.StartedAt || m.Finished != b.Finished {
		t.Fatalf("merged: %d runs, %s..%s", len(m.Runs), m.StartedAt, m.Finished)
	}
	m.Evaluate()
	if md := m.Markdown(); !strings.Contains(md, "### terraform 1.11.4") || !strings.Contains(md, "### tofu 1.12.6") {
		t.Errorf("merged markdown lacks an engine:\n%s", md)
	}
	// A re-run replaces the earlier run of the same case instead of adding a row.
	rerun := &Report{Runs: []Run{b.Runs[0]}}
	rerun.Runs[0].Steps = rerun.Runs[0].Steps[:1]
	pc := filepath.Join(dir, "c.json")
	if err := rerun.WriteJSON(pc); err != nil {
		t.Fatal(err)
	}
	m2, err := MergeReports([]string{pa, pb, pc})
	if err != nil {
		t.Fatal(err)
	}
	if len(m2.Runs) != len(m.Runs) || len(m2.Runs[len(a.Runs)].Steps) != 1 {
		t.Fatalf("re-run not replaced: %d runs, %d steps", len(m2.Runs), len(m2.Runs[len(a.Runs)].Steps))
	}
	if _, err := MergeReports([]string{filepath.Join(dir, "missing.json")}); err == nil {
		t.Error("a missing file merged")
	}
}

func TestFormatCalls(t *testing.T) {
	if got := FormatCalls(map[string]int64{ActionInactivate: 2, ActionGet: 5, "ListDeviceCertificate": 1}); got != "Get 5, Inactivate 2, ListDeviceCertificate 1" {
		t.Errorf("FormatCalls = %q", got)
	}
	if got := FormatCalls(nil); got != "0" {
		t.Errorf("FormatCalls(nil) = %q", got)
	}
}

// The committed tables are generated output: each results/*.md must be what
// the report renders from the JSON beside it.
func TestCommittedTablesAreRenderedFromTheirJSON(t *testing.T) {
	files, err := filepath.Glob("results/*.json")
	if err != nil || len(files) == 0 {
		t.Fatalf("no committed results found: %v", err)
	}
	for _, path := range files {
		r, err := MergeReports([]string{path})
		if err != nil {
			t.Fatal(err)
		}
		r.Evaluate()
		md, err := os.ReadFile(strings.TrimSuffix(path, ".json") + ".md")
		if err != nil {
			t.Errorf("%s has no table beside it: %v", path, err)
			continue
		}
		if got := r.Markdown(); got != string(md) {
			t.Errorf("%s.md differs from what %s renders to; regenerate it (internal/benchmark/README.md)", strings.TrimSuffix(path, ".json"), path)
		}
	}
}

// The committed JSON is the record: what Report reads from it, it writes
// back byte for byte, so no field of the format was lost or renamed.
func TestCommittedResultsKeepTheirFormat(t *testing.T) {
	files, err := filepath.Glob("results/*.json")
	if err != nil || len(files) == 0 {
		t.Fatalf("no committed results found: %v", err)
	}
	for _, path := range files {
		r, err := ReadReport(path)
		if err != nil {
			t.Fatal(err)
		}
		out := filepath.Join(t.TempDir(), "again.json")
		if err := r.WriteJSON(out); err != nil {
			t.Fatal(err)
		}
		before, _ := os.ReadFile(path)
		after, _ := os.ReadFile(out)
		if string(before) != string(after) {
			t.Errorf("%s reads and writes back differently: the results format changed", path)
		}
	}
}

// The device_access targets: speed-ups against the per-certificate resource
// by N, the plan's call budget, the bound on changes, and the workspaces'
// ratios, each judged from the figures.
func TestEvaluateAccessTargets(t *testing.T) {
	step := func(s Step, r Resource, wall float64, calls map[string]int64) StepResult {
		return StepResult{Step: s, Resource: r, CommandResult: CommandResult{WallSeconds: wall}, Calls: calls, Expected: calls, BudgetOK: true, OK: true}
	}
	tofu := engine.Engine{Kind: engine.OpenTofu, Version: "1.12.6"}
	r := &Report{Runs: []Run{
		{Scenario: ScenarioCompare, Engine: tofu, N: 1000, Steps: []StepResult{
			step(StepApply, ResourcePerCertificate, 6.0, nil), step(StepApply, ResourceAccess, 0.5, nil), // 12×: pass
			step(StepPlan, ResourcePerCertificate, 5.0, nil), step(StepPlan, ResourceAccess, 0.6, nil), // 8.3×: miss
			step(StepFlip, ResourceAccess, 3.5, map[string]int64{ActionInactivate: 1000, ActionList: 22}), // bound 1.2×(2.5+0.6)=3.72: pass
		}},
		{Scenario: ScenarioCompare, Engine: tofu, N: 5000, Steps: []StepResult{
			step(StepPlan, ResourcePerCertificate, 90, nil), step(StepPlan, ResourceAccess, 2.0, map[string]int64{ActionList: 52}), // 45×: pass; 52 calls: miss
		}},
		{Scenario: ScenarioWorkspaces, Engine: tofu, EmulatorRateLimit: 100, Resource: ResourcePerCertificate,
			Workspaces: []WorkspaceResult{{N: 200, OK: true}, {N: 200, OK: true}},
			Total:      &WorkspacesTotal{Successes: 880, Throttled: 50, Rate: Rate{PerSecond: 85}}}, // 5.4% throttled, 85%: pass
		{Scenario: ScenarioWorkspaces, Engine: tofu, EmulatorRateLimit: 500, Resource: ResourceAccess,
			Workspaces: []WorkspaceResult{{N: 1000, OK: true}},
			Total:      &WorkspacesTotal{Successes: 4000, Throttled: 1000, Rate: Rate{PerSecond: 450}}}, // 20% throttled: miss
	}}
	evaluate(t, r, map[string]string{
		"device_access adopt N=1000":                 statusPass,
		"device_access no-change plan N=1000":        statusMiss,
		"device_access changes N=1000":               statusPass,
		"device_access no-change plan N=5000":        statusPass,
		"device_access plan calls N=5000":            statusMiss,
		"Workspaces 2×200 apsaramq at 100/s":         statusPass,
		"Workspaces 1×1000 apsaramq_access at 500/s": statusMiss,
	})
}

// evaluate judges r's targets and checks the status of each one want
// names; it returns the targets by name for the figures a test checks.
func evaluate(t *testing.T, r *Report, want map[string]string) map[string]Target {
	t.Helper()
	r.Evaluate()
	got := map[string]Target{}
	for _, tg := range r.Targets {
		got[tg.Name] = tg
	}
	for name, status := range want {
		if got[name].Status != status {
			t.Errorf("%s: %q (%s), want %q (targets: %+v)", name, got[name].Status, got[name].Figure, status, r.Targets)
		}
	}
	return got
}
