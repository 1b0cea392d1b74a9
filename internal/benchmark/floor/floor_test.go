package floor

import (
	"context"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

func TestServerNeedsAMode(t *testing.T) {
	t.Setenv(ModeVariable, "")
	if _, err := Server(); err == nil {
		t.Fatal("no mode accepted")
	}
}

// The protocol floor passes an update's proposed state through untouched
// and plans a create's null computed attributes unknown; apply gives them
// empty values and leaves the rest as planned.
func TestProtocolFloor(t *testing.T) {
	t.Setenv(ModeVariable, ModeProtocol)
	factory, err := Server()
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	s := factory()
	schemas, err := s.GetProviderSchema(ctx, &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		t.Fatal(err)
	}
	typ := schemas.ResourceSchemas[TypeName].ValueType().(tftypes.Object)
	attrs := map[string]tftypes.Value{}
	for name, at := range typ.AttributeTypes {
		attrs[name] = tftypes.NewValue(at, nil)
	}
	attrs["instance_id"] = tftypes.NewValue(tftypes.String, "post-cn-demo0001")
	attrs["devices"] = tftypes.NewValue(stringMap, map[string]tftypes.Value{"d01": tftypes.NewValue(tftypes.String, "active")})
	proposed := dynamic(t, typ, attrs)

	update, err := s.PlanResourceChange(ctx, &tfprotov6.PlanResourceChangeRequest{TypeName: TypeName, PriorState: proposed, ProposedNewState: proposed})
	if err != nil || update.PlannedState != proposed {
		t.Fatalf("an update's plan must be the proposed state itself: %v", err)
	}
	null := dynamic(t, typ, nil)
	create, err := s.PlanResourceChange(ctx, &tfprotov6.PlanResourceChangeRequest{TypeName: TypeName, PriorState: null, ProposedNewState: proposed})
	if err != nil {
		t.Fatal(err)
	}
	planned, err := create.PlannedState.Unmarshal(typ)
	if err != nil {
		t.Fatal(err)
	}
	var plannedAttrs map[string]tftypes.Value
	_ = planned.As(&plannedAttrs)
	if plannedAttrs["id"].IsKnown() || !plannedAttrs["devices"].IsFullyKnown() || !plannedAttrs["timeouts"].IsNull() {
		t.Errorf("create plan: id %v (computed: unknown), devices %v (configured), timeouts %v (optional, not computed: null)",
			plannedAttrs["id"], plannedAttrs["devices"], plannedAttrs["timeouts"])
	}
	applied, err := s.ApplyResourceChange(ctx, &tfprotov6.ApplyResourceChangeRequest{TypeName: TypeName, PlannedState: create.PlannedState})
	if err != nil {
		t.Fatal(err)
	}
	state, err := applied.NewState.Unmarshal(typ)
	if err != nil || !state.IsFullyKnown() {
		t.Fatalf("applied state not fully known: %v %v", state, err)
	}
	var stateAttrs map[string]tftypes.Value
	_ = state.As(&stateAttrs)
	if !stateAttrs["devices"].Equal(attrs["devices"]) || !stateAttrs["instance_id"].Equal(attrs["instance_id"]) {
		t.Errorf("apply changed planned values: %v", state)
	}
}

var stringMap = tftypes.Map{ElementType: tftypes.String}

func dynamic(t *testing.T, typ tftypes.Object, attrs map[string]tftypes.Value) *tfprotov6.DynamicValue {
	t.Helper()
	var v tftypes.Value
	if attrs == nil {
		v = tftypes.NewValue(typ, nil)
	} else {
		v = tftypes.NewValue(typ, attrs)
	}
	dv, err := tfprotov6.NewDynamicValue(typ, v)
	if err != nil {
		t.Fatal(err)
	}
	return &dv
}
