package floor

import (
	"context"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// protocolServer answers TypeName's RPCs itself, decoding a value only where
// it must change one (a computed attribute the plan leaves open), and
// leaves every other RPC to the framework (schema, provider configuration).
type protocolServer struct {
	tfprotov6.ProviderServer
	schemaType tftypes.Type    // TypeName's object type, from the framework's schema
	computed   map[string]bool // its computed attributes
}

func (s *protocolServer) ValidateResourceConfig(ctx context.Context, req *tfprotov6.ValidateResourceConfigRequest) (*tfprotov6.ValidateResourceConfigResponse, error) {
	if req.TypeName != TypeName {
		return s.ProviderServer.ValidateResourceConfig(ctx, req)
	}
	return &tfprotov6.ValidateResourceConfigResponse{}, nil
}

// UpgradeResourceState hands the stored JSON back: the protocol lets a
// provider answer in JSON, and the schema has one version.
func (s *protocolServer) UpgradeResourceState(ctx context.Context, req *tfprotov6.UpgradeResourceStateRequest) (*tfprotov6.UpgradeResourceStateResponse, error) {
	if req.TypeName != TypeName || req.RawState == nil || len(req.RawState.JSON) == 0 {
		return s.ProviderServer.UpgradeResourceState(ctx, req)
	}
	return &tfprotov6.UpgradeResourceStateResponse{UpgradedState: &tfprotov6.DynamicValue{JSON: req.RawState.JSON}}, nil
}

func (s *protocolServer) ReadResource(ctx context.Context, req *tfprotov6.ReadResourceRequest) (*tfprotov6.ReadResourceResponse, error) {
	if req.TypeName != TypeName {
		return s.ProviderServer.ReadResource(ctx, req)
	}
	return &tfprotov6.ReadResourceResponse{NewState: req.CurrentState, Private: req.Private}, nil
}

// PlanResourceChange plans the proposed state: the engine has already
// carried prior computed values into it. A create's computed attributes
// that the configuration leaves null are planned unknown.
func (s *protocolServer) PlanResourceChange(ctx context.Context, req *tfprotov6.PlanResourceChangeRequest) (*tfprotov6.PlanResourceChangeResponse, error) {
	if req.TypeName != TypeName {
		return s.ProviderServer.PlanResourceChange(ctx, req)
	}
	resp := &tfprotov6.PlanResourceChangeResponse{PlannedState: req.ProposedNewState, PlannedPrivate: req.PriorPrivate}
	if isNull(req.PriorState) {
		proposed, err := s.decode(ctx, req.ProposedNewState)
		if err != nil || proposed.IsNull() {
			return resp, err
		}
		var attrs map[string]tftypes.Value
		if err := proposed.As(&attrs); err != nil {
			return nil, err
		}
		for name, v := range attrs {
			if v.IsNull() && s.computed[name] {
				attrs[name] = tftypes.NewValue(v.Type(), tftypes.UnknownValue)
			}
		}
		planned, err := tfprotov6.NewDynamicValue(proposed.Type(), tftypes.NewValue(proposed.Type(), attrs))
		if err != nil {
			return nil, err
		}
		resp.PlannedState = &planned
	}
	return resp, nil
}

// ApplyResourceChange records the plan, giving what it left open empty
// values of their type.
func (s *protocolServer) ApplyResourceChange(ctx context.Context, req *tfprotov6.ApplyResourceChangeRequest) (*tfprotov6.ApplyResourceChangeResponse, error) {
	if req.TypeName != TypeName {
		return s.ProviderServer.ApplyResourceChange(ctx, req)
	}
	resp := &tfprotov6.ApplyResourceChangeResponse{NewState: req.PlannedState, Private: req.PlannedPrivate}
	planned, err := s.decode(ctx, req.PlannedState)
	if err != nil || planned.IsNull() || planned.IsFullyKnown() {
		return resp, err
	}
	state, err := tfprotov6.NewDynamicValue(planned.Type(), knownState(planned))
	if err != nil {
		return nil, err
	}
	resp.NewState = &state
	return resp, nil
}

func (s *protocolServer) decode(ctx context.Context, v *tfprotov6.DynamicValue) (tftypes.Value, error) {
	if s.schemaType == nil {
		schemas, err := s.GetProviderSchema(ctx, &tfprotov6.GetProviderSchemaRequest{})
		if err != nil {
			return tftypes.Value{}, err
		}
		schema := schemas.ResourceSchemas[TypeName]
		s.schemaType, s.computed = schema.ValueType(), map[string]bool{}
		for _, a := range schema.Block.Attributes {
			s.computed[a.Name] = a.Computed
		}
	}
	return v.Unmarshal(s.schemaType)
}

// isNull reports whether v is absent or msgpack's nil (a create has no
// prior state) without decoding it.
func isNull(v *tfprotov6.DynamicValue) bool {
	return v == nil || (len(v.MsgPack) == 0 && len(v.JSON) == 0) || (len(v.MsgPack) == 1 && v.MsgPack[0] == 0xc0)
}
