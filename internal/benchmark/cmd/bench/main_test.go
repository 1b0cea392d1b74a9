package main

import (
	"slices"
	"testing"

	"github.com/apsaramq/terraform-provider-apsaramq/internal/benchmark"
	"github.com/apsaramq/terraform-provider-apsaramq/internal/engine"
)

func TestFlags(t *testing.T) {
	o, err := parseFlags(nil)
	if err != nil {
		t.Fatal(err)
	}
	p := o.plan
	if !slices.Equal(p.Sizes, []int{100, 1000, 5000}) || !slices.Equal(p.Steps, benchmark.Steps) || len(p.Throughput) != 2 ||
		!slices.Equal(p.Compare, []int{1000, 5000}) || len(p.Workspaces) != 2 || !slices.Equal(o.engines, []engine.Kind{engine.Terraform, engine.OpenTofu}) ||
		!slices.Equal(p.Scale, []int{20000, 50000, 100000}) || p.ScaleRate != (benchmark.ThroughputCase{EmulatorLimit: 500, RateLimit: 500}) {
		t.Errorf("defaults: %+v, engines %v", p, o.engines)
	}
	// -quick shrinks only what was not set explicitly.
	o, err = parseFlags([]string{"-quick", "-n", "50", "-access-throughput-n", "300", "-workspaces", "", "-scale-rate", "100"})
	if err != nil {
		t.Fatal(err)
	}
	p = o.plan
	if !slices.Equal(p.Sizes, []int{50}) || p.ThroughputN != 1000 || !slices.Equal(p.Compare, []int{1000}) || p.AccessThroughputN != 300 || len(p.Workspaces) != 0 ||
		!slices.Equal(p.Scale, []int{2000, 5000, 10000}) || p.ScaleRate != (benchmark.ThroughputCase{EmulatorLimit: 100}) {
		t.Errorf("-quick: %+v", p)
	}
	for _, bad := range [][]string{{"-n", "0"}, {"-steps", "plan"}, {"-engines", "pulumi"}, {"-workspaces", "x:1x1@1"}, {"-env", "NOEQUALS"},
		{"-scale-rate", "500,100"}, {"-scale-rate", ""}, {"-scale", "-1"}} {
		if _, err := parseFlags(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}
