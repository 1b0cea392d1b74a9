package benchmark

import (
	"slices"
	"testing"

	"github.com/apsaramq/terraform-provider-apsaramq/internal/engine"
)

func TestParseSizes(t *testing.T) {
	got, err := ParseSizes(" 100,1000 ,,5000")
	if err != nil || !slices.Equal(got, []int{100, 1000, 5000}) {
		t.Fatalf("ParseSizes = %v, %v", got, err)
	}
	if got, err := ParseSizes(""); err != nil || len(got) != 0 {
		t.Fatalf("empty: %v, %v", got, err)
	}
	for _, bad := range []string{"0", "-5", "ten", "100,1e3"} {
		if _, err := ParseSizes(bad); err == nil {
			t.Errorf("ParseSizes(%q) accepted", bad)
		}
	}
}

func TestParseThroughput(t *testing.T) {
	got, err := ParseThroughput("500:500, 100")
	want := []ThroughputCase{{EmulatorLimit: 500, RateLimit: 500}, {EmulatorLimit: 100}}
	if err != nil || !slices.Equal(got, want) {
		t.Fatalf("ParseThroughput = %v, %v; want %v", got, err, want)
	}
	for _, bad := range []string{"0", "500:0", "500:501", "x:1", "500:y"} {
		if _, err := ParseThroughput(bad); err == nil {
			t.Errorf("ParseThroughput(%q) accepted", bad)
		}
	}
}

func TestParseEnginesAndSteps(t *testing.T) {
	if got, err := ParseEngines("tofu, terraform"); err != nil || !slices.Equal(got, []engine.Kind{engine.OpenTofu, engine.Terraform}) {
		t.Fatalf("ParseEngines = %v, %v", got, err)
	}
	if _, err := ParseEngines("pulumi"); err == nil {
		t.Error("ParseEngines accepted pulumi")
	}
	// Order is always the run order, whatever the flag's order.
	if got, err := ParseSteps("plan,apply"); err != nil || !slices.Equal(got, []Step{StepApply, StepPlan}) {
		t.Fatalf("ParseSteps = %v, %v", got, err)
	}
	if _, err := ParseSteps("plan,destroy"); err == nil {
		t.Error("ParseSteps accepted steps without apply")
	}
	if _, err := ParseSteps("apply,import"); err == nil {
		t.Error("ParseSteps accepted an unknown step")
	}
}

func TestParseWorkspaces(t *testing.T) {
	got, err := ParseWorkspaces("apsaramq:4x200@100, apsaramq_access:4x1000@500")
	if err != nil {
		t.Fatal(err)
	}
	want := []WorkspacesCase{{ResourcePerCertificate, 4, 200, 100}, {ResourceAccess, 4, 1000, 500}}
	if !slices.Equal(got, want) {
		t.Fatalf("got %+v, want %+v", got, want)
	}
	for _, bad := range []string{"apsaramq:4x200", "terraform_data:4x200@100", "apsaramq:0x200@100", "apsaramq:4x200@-1", "4x200@100"} {
		if _, err := ParseWorkspaces(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}
