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
		!slices.Equal(p.Compare, []int{1000, 5000}) || len(p.Workspaces) != 2 || !slices.Equal(o.engines, []engine.Kind{engine.Terraform, engine.OpenTofu}) {
		t.Errorf("defaults: %+v, engines %v", p, o.engines)
	}
	// -quick shrinks only what was not set explicitly.
	o, err = parseFlags([]string{"-quick", "-n", "50", "-access-throughput-n", "300", "-workspaces", ""})
	if err != nil {
		t.Fatal(err)
	}
	p = o.plan
	if !slices.Equal(p.Sizes, []int{50}) || p.ThroughputN != 1000 || !slices.Equal(p.Compare, []int{1000}) || p.AccessThroughputN != 300 || len(p.Workspaces) != 0 {
		t.Errorf("-quick: %+v", p)
	}
	for _, bad := range [][]string{{"-n", "0"}, {"-steps", "plan"}, {"-engines", "pulumi"}, {"-workspaces", "x:1x1@1"}, {"-env", "NOEQUALS"}} {
		if _, err := parseFlags(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}
