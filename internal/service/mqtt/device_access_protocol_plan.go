package mqtt

import (
	"context"
	"maps"
	"slices"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/defaults"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// PlanResourceChange is the framework's planning for this schema (defaults,
// computed attributes left unknown, the string attributes' plan modifiers)
// and then the resource's ModifyPlan. A plan that replaces the resource
// goes to the framework, with everything it does for a replacement.
func (s *accessProtocol) PlanResourceChange(ctx context.Context, req *tfprotov6.PlanResourceChangeRequest) (*tfprotov6.PlanResourceChangeResponse, error) {
	r := s.resource(ctx, req.TypeName)
	if r == nil || len(req.PriorPrivate) > 0 {
		return s.ProviderServer.PlanResourceChange(ctx, req)
	}
	config, err1 := s.decode(req.Config)
	prior, err2 := s.decode(req.PriorState)
	proposed, err3 := s.decode(req.ProposedNewState)
	priorIdentity, err4 := s.decodeIdentity(req.PriorIdentity)
	if err1 != nil || err2 != nil || err3 != nil || err4 != nil {
		return s.ProviderServer.PlanResourceChange(ctx, req)
	}
	planned := proposed
	var diags diag.Diagnostics
	if !proposed.IsNull() {
		var replace path.Paths
		var ok bool
		if planned, replace, diags, ok = s.prepare(ctx, config, prior, proposed); !ok || len(replace) > 0 || diags.HasError() {
			return s.ProviderServer.PlanResourceChange(ctx, req)
		}
	}
	modifyReq := resource.ModifyPlanRequest{
		Config: tfsdk.Config{Schema: s.schema, Raw: config}, Plan: tfsdk.Plan{Schema: s.schema, Raw: planned},
		State: s.state(prior), Identity: s.identityValue(priorIdentity),
	}
	modifyResp := resource.ModifyPlanResponse{Diagnostics: diags, Plan: modifyReq.Plan, RequiresReplace: path.Paths{}, Identity: s.identityValue(priorIdentity)}
	r.ModifyPlan(ctx, modifyReq, &modifyResp)

	diags = modifyResp.Diagnostics
	plannedIdentity := modifyResp.Identity
	if !prior.IsNull() && !priorIdentity.IsFullyNull() && !priorIdentity.Equal(plannedIdentity.Raw) {
		addIdentityChanged(&diags, "planning", "Prior", priorIdentity, "Planned", plannedIdentity.Raw)
		return s.planResponse(ctx, modifyResp.Plan.Raw, plannedIdentity, modifyResp.RequiresReplace, diags), nil
	}
	if proposed.IsNull() && !modifyResp.Plan.Raw.IsNull() {
		diags.AddError("Unexpected Planned Resource State on Destroy", "The Terraform Provider unexpectedly returned resource state data when the "+
			"resource was planned for destruction. This is always an issue in the Terraform Provider and should be reported to the provider developers.\n\n"+
			"Ensure all resource plan modifiers do not attempt to change resource plan data from being a null value if the request plan is a null value.")
	}
	return s.planResponse(ctx, modifyResp.Plan.Raw, plannedIdentity, modifyResp.RequiresReplace, diags), nil
}

func (s *accessProtocol) planResponse(ctx context.Context, planned tftypes.Value, identity *tfsdk.ResourceIdentity, replace path.Paths,
	diags diag.Diagnostics) *tfprotov6.PlanResourceChangeResponse {
	resp := &tfprotov6.PlanResourceChangeResponse{}
	resp.PlannedState, resp.PlannedIdentity, diags = s.encodeResult(planned, identity, diags)
	// The framework sorts the paths by their text and drops repeats.
	slices.SortFunc(replace, func(a, b path.Path) int {
		switch as, bs := a.String(), b.String(); {
		case as < bs:
			return -1
		case as > bs:
			return 1
		}
		return 0
	})
	replace = slices.CompactFunc(replace, func(a, b path.Path) bool { return a.Equal(b) })
	for _, p := range replace {
		resp.RequiresReplace = append(resp.RequiresReplace, terraformPath(ctx, p))
	}
	resp.Diagnostics = protocolDiagnostics(ctx, diags)
	return resp
}

// prepare is what the framework does to a proposed state before the
// resource's ModifyPlan: a configured null takes the attribute's default;
// when anything changes, computed attributes the configuration leaves null
// (and without a default) become unknown; then each string attribute's plan
// modifiers run, whose replacement paths are returned. ok is false when the
// values are not objects of the schema.
func (s *accessProtocol) prepare(ctx context.Context, config, prior, proposed tftypes.Value) (tftypes.Value, path.Paths, diag.Diagnostics, bool) {
	var (
		diags                   diag.Diagnostics
		cfg, priorAttrs, attrs  map[string]tftypes.Value
		replace                 path.Paths
		configRaw, priorRaw, pl = config, prior, proposed
	)
	if config.As(&cfg) != nil || proposed.As(&attrs) != nil || (!prior.IsNull() && prior.As(&priorAttrs) != nil) {
		return pl, nil, nil, false
	}
	attrs = maps.Clone(attrs) // As returns the value's own map
	names := slices.Sorted(maps.Keys(s.schema.Attributes))
	for _, name := range names {
		if !cfg[name].IsNull() {
			continue
		}
		var v interface {
			ToTerraformValue(context.Context) (tftypes.Value, error)
		}
		switch a := s.schema.Attributes[name].(type) {
		case schema.StringAttribute:
			if a.Default == nil {
				continue
			}
			resp := &defaults.StringResponse{}
			a.Default.DefaultString(ctx, defaults.StringRequest{Path: path.Root(name)}, resp)
			diags.Append(resp.Diagnostics...)
			v = resp.PlanValue
		case schema.BoolAttribute:
			if a.Default == nil {
				continue
			}
			resp := &defaults.BoolResponse{}
			a.Default.DefaultBool(ctx, defaults.BoolRequest{Path: path.Root(name)}, resp)
			diags.Append(resp.Diagnostics...)
			v = resp.PlanValue
		default:
			continue
		}
		tv, err := v.ToTerraformValue(ctx)
		if err != nil {
			return pl, nil, nil, false
		}
		attrs[name] = tv
	}
	if !tftypes.NewValue(s.objectType, attrs).Equal(prior) {
		for _, name := range names {
			if a := s.schema.Attributes[name]; a.IsComputed() && cfg[name].IsNull() && !hasDefault(a) {
				attrs[name] = tftypes.NewValue(s.objectType.AttributeTypes[name], tftypes.UnknownValue)
			}
		}
	}
	plan := tfsdk.Plan{Schema: s.schema, Raw: tftypes.NewValue(s.objectType, attrs)}
	for _, name := range names {
		a, ok := s.schema.Attributes[name].(schema.StringAttribute)
		if !ok || len(a.PlanModifiers) == 0 {
			continue
		}
		configValue, err1 := stringAttribute(cfg[name])
		planValue, err2 := stringAttribute(attrs[name])
		stateValue, err3 := stringAttribute(priorAttrs[name])
		if err1 != nil || err2 != nil || err3 != nil {
			return pl, nil, nil, false
		}
		modifyReq := planmodifier.StringRequest{
			Path: path.Root(name), PathExpression: path.Root(name).Expression(),
			Config: tfsdk.Config{Schema: s.schema, Raw: configRaw}, ConfigValue: configValue,
			Plan: plan, PlanValue: planValue, State: s.state(priorRaw), StateValue: stateValue,
		}
		for _, m := range a.PlanModifiers {
			modifyResp := &planmodifier.StringResponse{PlanValue: modifyReq.PlanValue}
			m.PlanModifyString(ctx, modifyReq, modifyResp)
			modifyReq.PlanValue = modifyResp.PlanValue
			diags.Append(modifyResp.Diagnostics...)
			if modifyResp.RequiresReplace {
				replace.Append(path.Root(name))
			}
			if modifyResp.Diagnostics.HasError() {
				break
			}
		}
		tv, err := modifyReq.PlanValue.ToTerraformValue(ctx)
		if err != nil {
			return pl, nil, nil, false
		}
		attrs[name] = tv
	}
	return tftypes.NewValue(s.objectType, attrs), replace, diags, true
}

func hasDefault(a schema.Attribute) bool {
	switch a := a.(type) {
	case schema.StringAttribute:
		return a.Default != nil
	case schema.BoolAttribute:
		return a.Default != nil
	case schema.Int64Attribute:
		return a.Default != nil
	case schema.MapAttribute:
		return a.Default != nil
	case schema.SetAttribute:
		return a.Default != nil
	case schema.SingleNestedAttribute:
		return a.Default != nil
	}
	return false
}

// ApplyResourceChange runs the resource's Create, Update or Delete on the
// decoded values, with the framework's checks of what they return.
func (s *accessProtocol) ApplyResourceChange(ctx context.Context, req *tfprotov6.ApplyResourceChangeRequest) (*tfprotov6.ApplyResourceChangeResponse, error) {
	r := s.resource(ctx, req.TypeName)
	if r == nil || len(req.PlannedPrivate) > 0 {
		return s.ProviderServer.ApplyResourceChange(ctx, req)
	}
	config, err1 := s.decode(req.Config)
	prior, err2 := s.decode(req.PriorState)
	planned, err3 := s.decode(req.PlannedState)
	identity, err4 := s.decodeIdentity(req.PlannedIdentity)
	if err1 != nil || err2 != nil || err3 != nil || err4 != nil {
		return s.ProviderServer.ApplyResourceChange(ctx, req)
	}
	null := tftypes.NewValue(s.objectType, nil)
	var (
		diags       diag.Diagnostics
		state       tftypes.Value
		newIdentity *tfsdk.ResourceIdentity
	)
	switch {
	case prior.IsNull():
		createResp := resource.CreateResponse{State: s.state(null), Identity: s.identityValue(identity)}
		r.Create(ctx, resource.CreateRequest{Config: tfsdk.Config{Schema: s.schema, Raw: config}, Plan: tfsdk.Plan{Schema: s.schema, Raw: planned},
			Identity: s.identityValue(identity)}, &createResp)
		diags, state, newIdentity = createResp.Diagnostics, createResp.State.Raw, createResp.Identity
		if !diags.HasError() && state.Equal(null) {
			diags.AddError("Missing Resource State After Create", "The Terraform Provider unexpectedly returned no resource state after having no errors "+
				"in the resource creation. This is always an issue in the Terraform Provider and should be reported to the provider developers.\n\n"+
				"The resource may have been successfully created, but Terraform is not tracking it. Applying the configuration again with no other "+
				"action may result in duplicate resource errors. Import the resource if the resource was actually created and Terraform should be tracking it.")
		}
		if !diags.HasError() && newIdentity.Raw.IsFullyNull() {
			addIdentityMissing(&diags, "create")
		}
	case planned.IsNull():
		deleteResp := resource.DeleteResponse{State: s.state(prior), Identity: s.identityValue(identity)}
		r.Delete(ctx, resource.DeleteRequest{State: s.state(prior), Identity: s.identityValue(identity)}, &deleteResp)
		diags, state, newIdentity = deleteResp.Diagnostics, deleteResp.State.Raw, deleteResp.Identity
		if !diags.HasError() {
			state, newIdentity = null, s.identityValue(tftypes.NewValue(s.identityType, nil))
		}
	default:
		updateResp := resource.UpdateResponse{State: s.state(prior), Identity: s.identityValue(identity)}
		r.Update(ctx, resource.UpdateRequest{Config: tfsdk.Config{Schema: s.schema, Raw: config}, Plan: tfsdk.Plan{Schema: s.schema, Raw: planned},
			State: s.state(prior), Identity: s.identityValue(identity)}, &updateResp)
		diags, state, newIdentity = updateResp.Diagnostics, updateResp.State.Raw, updateResp.Identity
		if !diags.HasError() && state.Equal(null) {
			diags.AddError("Missing Resource State After Update", "The Terraform Provider unexpectedly returned no resource state after having no errors "+
				"in the resource update. This is always an issue in the Terraform Provider and should be reported to the provider developers.")
		}
		if !diags.HasError() {
			checkReturnedIdentity(&diags, "update", "Planned", identity, newIdentity.Raw)
		}
	}
	resp := &tfprotov6.ApplyResourceChangeResponse{}
	resp.NewState, resp.NewIdentity, diags = s.encodeResult(state, newIdentity, diags)
	resp.Diagnostics = protocolDiagnostics(ctx, diags)
	return resp, nil
}
