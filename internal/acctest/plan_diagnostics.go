package acctest

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"sync"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"

	"github.com/apsaramq/terraform-provider-apsaramq/internal/provider"
)

// PlanDiagnostics records what the provider answers to every plan of a
// resource (PlanResourceChange), for the warnings a plan shows: the test
// harness sees an engine's errors but not its warnings. The engine still
// drives the provider; the recorder only looks at the answers on their way
// back.
type PlanDiagnostics struct {
	mu    sync.Mutex
	plans []PlanAnswer
}

// PlanAnswer is one PlanResourceChange answer.
type PlanAnswer struct {
	TypeName string
	// Kind is "create" (no prior state), "destroy" (no planned state) or
	// "update" (both: an update, a plan with no change, or the first half of
	// a replacement, whose warnings the engine shows; the engine then plans
	// the new object as a "create" and shows only that answer's errors).
	Kind     string
	Warnings []Diagnostic
	Errors   []Diagnostic
}

// Diagnostic is one diagnostic of an answer; Attribute is its path, as
// tftypes prints it ("" when none).
type Diagnostic struct {
	Summary, Detail, Attribute string
}

// ProviderFactories serves the provider like ProtoV6ProviderFactories,
// recording its plan answers into d.
func (d *PlanDiagnostics) ProviderFactories() map[string]func() (tfprotov6.ProviderServer, error) {
	return map[string]func() (tfprotov6.ProviderServer, error){
		"apsaramq": func() (tfprotov6.ProviderServer, error) {
			return &recordingServer{ProviderServer: provider.NewProtocol6Server("acctest")(), record: d}, nil
		},
	}
}

// Reset forgets the answers recorded so far.
func (d *PlanDiagnostics) Reset() {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.plans = nil
}

// Answers returns the answers recorded since the last Reset.
func (d *PlanDiagnostics) Answers() []PlanAnswer {
	d.mu.Lock()
	defer d.mu.Unlock()
	return append([]PlanAnswer(nil), d.plans...)
}

// CheckWarning checks that a plan of typeName of the given kind ("" for any)
// answered a warning whose summary and detail match pattern (a space in it
// matches any white space).
func (d *PlanDiagnostics) CheckWarning(typeName, kind, pattern string) error {
	re := regexp.MustCompile(`(?s)` + strings.ReplaceAll(pattern, " ", `\s+`))
	var seen []string
	for _, a := range d.Answers() {
		if a.TypeName != typeName || (kind != "" && a.Kind != kind) {
			continue
		}
		for _, w := range a.Warnings {
			if re.MatchString(w.Summary + "\n" + w.Detail) {
				return nil
			}
			seen = append(seen, a.Kind+": "+w.Summary+": "+w.Detail)
		}
	}
	return fmt.Errorf("no %s plan of %s warned %q; warnings: %q", kind, typeName, pattern, seen)
}

// CheckError checks that a plan of typeName answered an error whose summary
// and detail match pattern (a space matches any white space), pointing at
// attribute (as tftypes prints a path, e.g. AttributeName("ca_sn")).
func (d *PlanDiagnostics) CheckError(typeName, attribute, pattern string) error {
	re := regexp.MustCompile(`(?s)` + strings.ReplaceAll(pattern, " ", `\s+`))
	var seen []string
	for _, a := range d.Answers() {
		if a.TypeName != typeName {
			continue
		}
		for _, e := range a.Errors {
			if e.Attribute == attribute && re.MatchString(e.Summary+"\n"+e.Detail) {
				return nil
			}
			seen = append(seen, e.Attribute+": "+e.Summary)
		}
	}
	return fmt.Errorf("no plan of %s answered an error at %s matching %q; errors: %q", typeName, attribute, pattern, seen)
}

// Warned is a plan check (and CheckWarning) for a step's plan: reset the
// recorder in the step's PreConfig.
func (d *PlanDiagnostics) Warned(typeName, kind, pattern string) plancheck.PlanCheck {
	return planCheckFunc(func() error { return d.CheckWarning(typeName, kind, pattern) })
}

type planCheckFunc func() error

func (f planCheckFunc) CheckPlan(_ context.Context, _ plancheck.CheckPlanRequest, resp *plancheck.CheckPlanResponse) {
	resp.Error = f()
}

// Warnings counts the warnings of typeName's plans, of the given kind ("" for any).
func (d *PlanDiagnostics) Warnings(typeName, kind string) int {
	n := 0
	for _, a := range d.Answers() {
		if a.TypeName == typeName && (kind == "" || a.Kind == kind) {
			n += len(a.Warnings)
		}
	}
	return n
}

type recordingServer struct {
	tfprotov6.ProviderServer
	record *PlanDiagnostics
}

func (s *recordingServer) PlanResourceChange(ctx context.Context, req *tfprotov6.PlanResourceChangeRequest) (*tfprotov6.PlanResourceChangeResponse, error) {
	resp, err := s.ProviderServer.PlanResourceChange(ctx, req)
	if resp == nil {
		return resp, err
	}
	answer := PlanAnswer{TypeName: req.TypeName, Kind: "update"}
	if isNull(req.PriorState) {
		answer.Kind = "create"
	} else if isNull(resp.PlannedState) {
		answer.Kind = "destroy"
	}
	for _, diag := range resp.Diagnostics {
		d := Diagnostic{Summary: diag.Summary, Detail: diag.Detail}
		if diag.Attribute != nil {
			d.Attribute = diag.Attribute.String()
		}
		if diag.Severity == tfprotov6.DiagnosticSeverityError {
			answer.Errors = append(answer.Errors, d)
		} else {
			answer.Warnings = append(answer.Warnings, d)
		}
	}
	s.record.mu.Lock()
	s.record.plans = append(s.record.plans, answer)
	s.record.mu.Unlock()
	return resp, err
}

// isNull reports whether a DynamicValue holds no object. The engines send
// null as msgpack nil (0xc0).
func isNull(v *tfprotov6.DynamicValue) bool {
	if v == nil {
		return true
	}
	if len(v.MsgPack) > 0 {
		return len(v.MsgPack) == 1 && v.MsgPack[0] == 0xc0
	}
	return len(v.JSON) == 0 || string(v.JSON) == "null"
}
