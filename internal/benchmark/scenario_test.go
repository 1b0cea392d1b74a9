package benchmark

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/apsaramq/terraform-provider-apsaramq/internal/engine"
)

// The plan lists, per engine, each scenario with the resources it compares,
// then the client's runs, and issues each workload once.
func TestPlanSpecs(t *testing.T) {
	p := Plan{
		Sizes: []int{20}, Baseline: true, Parallelism: 10, Steps: []Step{StepApply, StepPlan},
		Throughput: []ThroughputCase{{EmulatorLimit: 100}}, ThroughputN: 20, ThroughputParallelism: 64,
		Latency: 20 * time.Millisecond, EngineThroughput: true, ClientThroughput: true,
		Compare: []int{20}, AccessThroughput: []ThroughputCase{{EmulatorLimit: 50, RateLimit: 40}}, AccessThroughputN: 20,
		Workspaces: []WorkspacesCase{{Resource: ResourceAccess, K: 2, N: 10, Limit: 100}},
		Scale:      []int{30}, ScaleRate: ThroughputCase{EmulatorLimit: 500, RateLimit: 500}, ScaleFloors: true,
	}
	specs, err := p.Specs([]engine.Engine{{Kind: engine.Terraform}, {Kind: engine.OpenTofu}})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, s := range specs {
		got = append(got, fmt.Sprintf("%s %s %v", s.Engine.Kind, s.Scenario, s.Resources))
	}
	var want []string
	for _, e := range []string{"terraform", "tofu"} {
		want = append(want, e+" fleet [terraform_data apsaramq]", e+" throughput [apsaramq]", e+" compare [apsaramq apsaramq_access]",
			e+" access-throughput [apsaramq_access]", e+" scale [terraform_data_map protocol_floor framework_floor apsaramq_access]",
			e+" workspaces [apsaramq_access]")
	}
	want = append(want, "client client-throughput []")
	if !slices.Equal(got, want) {
		t.Fatalf("specs:\n%q\nwant\n%q", got, want)
	}
	fleet, tp, compare, access, scale, ws, client := specs[0], specs[1], specs[2], specs[3], specs[4], specs[5], specs[12]
	if fleet.Workload != tp.Workload || tp.Workload != client.Workload || compare.Workload != access.Workload || fleet.Workload == compare.Workload {
		t.Error("runs of the same N and mix do not share their workload, or runs of different mixes do")
	}
	if access.EmulatorRateLimit != 50 || access.ProviderRateLimit != 40 || access.EmulatorLatency != p.Latency || access.Parallelism != 10 {
		t.Errorf("access-throughput spec: %+v", access)
	}
	if client.ProviderRateLimit != 0 || client.Parallelism != 64 || client.Engine.Kind != ClientEngine {
		t.Errorf("client spec: %+v", client)
	}
	if !compare.runs(ResourceAccess, StepDestroy) || compare.runs(ResourcePerCertificate, StepFlip) {
		t.Error("compare: the per-certificate side must stop after the plan, device_access must run every step")
	}
	if scale.EmulatorRateLimit != 500 || scale.ProviderRateLimit != 500 || scale.EmulatorLatency != p.Latency || scale.Workload.N() != 30 ||
		scale.Workload.ExpectedFor(ResourceAccess, StepApply)[ActionActivate] != 0 || scale.Workload.ExpectedFor(ResourceAccess, StepFlip)[ActionInactivate] != 3 {
		t.Errorf("scale spec: %+v: create must adopt the fleet as it is and the flip inactivate a tenth", scale)
	}
	if !slices.Equal(fleet.Steps, p.Steps) || !slices.Equal(scale.Steps, p.Steps) {
		t.Errorf("fleet steps %v, scale steps %v: both must be -steps (%v)", fleet.Steps, scale.Steps, p.Steps)
	}
	if ws.Workload.N() != 20 || ws.Workspaces != 2 || ws.Workload.ExpectedFor(ResourcePerCertificate, StepApply)[ActionActivate] != 20 {
		t.Errorf("workspaces spec: N=%d K=%d: every certificate must start inactive", ws.Workload.N(), ws.Workspaces)
	}
}
