package benchmark

import (
	"context"
	"testing"
	"time"
)

// The client-alone scenario drives the real API client over HTTP against
// the emulator: exact budget unthrottled, and throttled answers retried
// with one extra call each.
func TestClientScenario(t *testing.T) {
	w, err := NewWorkload(40, MixTenths)
	if err != nil {
		t.Fatal(err)
	}
	rn := &Runner{StepTimeout: time.Minute}

	run, err := rn.Execute(context.Background(), Spec{Scenario: ScenarioClient, Workload: w, Parallelism: 8})
	if err != nil {
		t.Fatal(err)
	}
	s := run.Steps[0]
	if !s.OK || !s.BudgetOK || s.Budget != "exact" || s.Calls[ActionGet] != 40 || s.Calls[ActionActivate] != 4 {
		t.Fatalf("unthrottled: ok=%v budget=%q calls=%v failure=%q", s.OK, s.Budget, s.Calls, s.Failure)
	}

	// 20 calls/s with a bucket of 20 against 44 calls from 8 goroutines at
	// the client's 500/s: throttling must happen and be absorbed.
	run, err = rn.Execute(context.Background(), Spec{Scenario: ScenarioClient, Workload: w, Parallelism: 8, EmulatorRateLimit: 20, ProviderRateLimit: 500})
	if err != nil {
		t.Fatal(err)
	}
	s = run.Steps[0]
	if !s.OK || !s.BudgetOK || s.Errors["Throttling.User"] == 0 {
		t.Fatalf("throttled: ok=%v budget=%q errors=%v failure=%q", s.OK, s.Budget, s.Errors, s.Failure)
	}
	r := &Report{Runs: []Run{run}}
	r.Evaluate()
	if len(r.Targets) != 2 || r.Targets[1].Name != "Throughput 20/s" || r.Targets[1].Status != statusPass {
		t.Fatalf("client targets: %+v", r.Targets)
	}
}
