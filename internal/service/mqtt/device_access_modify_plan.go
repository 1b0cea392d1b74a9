package mqtt

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/resource"
)

// ModifyPlan plans the computed per-device attributes: unlisted_device_statuses
// at the status apply will hold them at (so a certificate registered since
// the last apply shows in the plan by serial number), and the counts. An
// update plans them from the refreshed state and the configuration, with no
// API call; a create reads the CA (planCreate); a replacement or a destroy
// warns with its blast radius (device_access_plan_checks.go). A listed device
// that is not registered is refused here, before anything is inactivated.
func (r *deviceAccessResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() {
		r.warnDestroy(ctx, req, resp)
		return
	}
	var plan deviceAccessModel
	if resp.Diagnostics.Append(getAccessModel(ctx, req.Plan.Raw, &plan)...); resp.Diagnostics.HasError() {
		return
	}
	if req.State.Raw.IsNull() {
		var config deviceAccessModel
		if resp.Diagnostics.Append(getAccessModel(ctx, req.Config.Raw, &config)...); resp.Diagnostics.HasError() {
			return
		}
		consequence := takeReplacementNote(ctx, req, resp)
		r.planCreate(ctx, &config, &plan, consequence, &resp.Diagnostics)
		resp.Diagnostics.Append(setAccessModel(ctx, &resp.Plan.Raw, &plan)...)
		return
	}
	var state deviceAccessModel
	if resp.Diagnostics.Append(getAccessModel(ctx, req.State.Raw, &state)...); resp.Diagnostics.HasError() {
		return
	}
	if !plan.InstanceID.Equal(state.InstanceID) || !plan.CASn.Equal(state.CASn) || !plan.Region.Equal(state.Region) {
		r.planReplacement(ctx, &plan, &state, resp)
		plan.setUnknown(true) // the engine plans the new resource again, as a create
		resp.Diagnostics.Append(setAccessModel(ctx, &resp.Plan.Raw, &plan)...)
		return
	}
	if !plan.configKnown() {
		plan.setUnknown(true)
		warnPlannedBlind(&resp.Diagnostics, &plan)
		resp.Diagnostics.Append(setAccessModel(ctx, &resp.Plan.Raw, &plan)...)
		return
	}
	prior, diags := state.data(ctx)
	resp.Diagnostics.Append(diags...)
	configured, diags := plan.data(ctx)
	if resp.Diagnostics.Append(diags...); resp.Diagnostics.HasError() {
		return
	}
	p := planAccess(prior, configured.Devices, plan.settings())
	if refuseUnregistered(&resp.Diagnostics, p, plan.key()) {
		return
	}
	plan.setComputed(p.accessData)
	resp.Diagnostics.Append(setAccessModel(ctx, &resp.Plan.Raw, &plan)...)
}
