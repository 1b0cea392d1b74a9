package mqtt

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/resource"
)

// ModifyPlan plans the computed per-device attributes from the refreshed
// state and the configuration, with no API call: unlisted_device_statuses
// at the status apply will hold them at (so a certificate registered since
// the last apply shows in the plan by serial number), and the counts. A
// create, a replacement or an unknown configuration leaves them to apply.
func (r *deviceAccessResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() {
		r.warnDestroy(ctx, req, resp)
		return
	}
	var plan deviceAccessModel
	if resp.Diagnostics.Append(getAccessModel(ctx, req.Plan.Raw, &plan)...); resp.Diagnostics.HasError() {
		return
	}
	if req.State.Raw.IsNull() || !plan.configKnown() {
		plan.setUnknown(true)
		resp.Diagnostics.Append(setAccessModel(ctx, &resp.Plan.Raw, &plan)...)
		return
	}
	var state deviceAccessModel
	if resp.Diagnostics.Append(getAccessModel(ctx, req.State.Raw, &state)...); resp.Diagnostics.HasError() {
		return
	}
	if !plan.InstanceID.Equal(state.InstanceID) || !plan.CASn.Equal(state.CASn) || !plan.Region.Equal(state.Region) {
		plan.setUnknown(true) // replaced: planned again as a create
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
	plan.setComputed(p.accessData)
	if !p.UnregisteredKnown {
		plan.setUnknown(false)
	}
	resp.Diagnostics.Append(setAccessModel(ctx, &resp.Plan.Raw, &plan)...)
}

// warnDestroy says in the plan what destroying the resource does to the
// fleet, since it is more than forgetting it.
func (r *deviceAccessResource) warnDestroy(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	var state deviceAccessModel
	if req.State.Raw.IsNull() {
		return
	}
	if resp.Diagnostics.Append(getAccessModel(ctx, req.State.Raw, &state)...); resp.Diagnostics.HasError() {
		return
	}
	scope := "the certificates listed in devices"
	if state.settings().Unlisted != unlistedIgnore {
		scope = "every certificate registered under the CA"
	}
	resp.Diagnostics.AddWarning("Destroying Device Access Inactivates Certificates",
		fmt.Sprintf("Destroying %s inactivates %s (%d registered, %d active at the last refresh): those devices can no longer connect.",
			formatDeviceAccessID(state.key()), scope, state.RegisteredCount.ValueInt64(), state.ActiveCount.ValueInt64()))
}
