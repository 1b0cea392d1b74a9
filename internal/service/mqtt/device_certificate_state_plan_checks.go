package mqtt

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/apsaramq/terraform-provider-apsaramq/internal/onsmqtt"
)

var _ resource.ResourceWithModifyPlan = (*deviceCertificateStateResource)(nil)

// ModifyPlan guards the two plans that inactivate the certificate in state.
// A destroy says so in a warning. A replacement (instance_id, ca_sn,
// device_sn or region changed) says so too, and first checks that the new
// certificate exists: one GetDeviceCertificate, plus one GetCaCertificate
// only when it is missing (to tell the CA from the device). A missing
// instance, CA or (without wait_for_registration) certificate refuses the
// plan, so the destroy never runs for a typo. A create, an update and a plan
// with no change make no call.
func (r *deviceCertificateStateResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.State.Raw.IsNull() {
		return
	}
	var state deviceCertificateStateModel
	if resp.Diagnostics.Append(req.State.Get(ctx, &state)...); resp.Diagnostics.HasError() {
		return
	}
	old := fmt.Sprintf("certificate %s (CA %s on instance %s, %s now)", state.DeviceSn.ValueString(), state.CASn.ValueString(),
		state.InstanceID.ValueString(), state.Status.ValueString())
	if req.Plan.Raw.IsNull() {
		resp.Diagnostics.AddWarning("Destroying Inactivates the Device Certificate",
			fmt.Sprintf("Destroying this resource inactivates %s: the device can no longer connect. To stop managing it "+
				"without touching it, remove it from state instead (a removed block with lifecycle { destroy = false }, or "+
				"terraform state rm).", old))
		return
	}
	var plan deviceCertificateStateModel
	if resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...); resp.Diagnostics.HasError() {
		return
	}
	if plan.InstanceID.Equal(state.InstanceID) && plan.CASn.Equal(state.CASn) && plan.DeviceSn.Equal(state.DeviceSn) && plan.Region.Equal(state.Region) {
		return
	}
	r.checkReplacement(ctx, &plan, old, &resp.Diagnostics)
}

// checkReplacement warns that a replacement inactivates the old certificate
// first and checks that the new one exists.
func (r *deviceCertificateStateResource) checkReplacement(ctx context.Context, plan *deviceCertificateStateModel, old string, diags *diag.Diagnostics) {
	unknown := keyUnknown(map[string]types.String{"instance_id": plan.InstanceID, "ca_sn": plan.CASn, "device_sn": plan.DeviceSn, "region": plan.Region},
		"instance_id", "ca_sn", "device_sn", "region")
	if len(unknown) > 0 {
		diags.AddWarning("Replacing Inactivates the Device Certificate First",
			fmt.Sprintf("This plan replaces the resource: destroying it first inactivates %s. Whether the new certificate "+
				"exists cannot be checked now: the value of %s is known only at apply. If it does not exist, the create fails "+
				"after the destroy has run. To have it checked first, apply what produces the value on its own (terraform apply "+
				"-target=<that resource>), then plan again. (create_before_destroy does not help here: when the new value equals "+
				"the old one, the destroy that follows the create inactivates the certificate the create just adopted.)",
				old, strings.Join(unknown, ", ")))
		return
	}
	diags.AddWarning("Replacing Inactivates the Device Certificate First",
		fmt.Sprintf("This plan replaces the resource: destroying it first inactivates %s, before the new one (certificate %s "+
			"under CA %s on instance %s) is adopted. The plan is refused if the new certificate does not exist, so a typo "+
			"inactivates nothing.", old, plan.DeviceSn.ValueString(), plan.CASn.ValueString(), plan.InstanceID.ValueString()))
	ctx, cancel, client, ok := planCheckClient(ctx, r.client, plan.Region, plan.Timeouts, diags)
	if !ok {
		return
	}
	defer cancel()
	key := plan.key()
	m, err := client.CheckDevice(ctx, key)
	switch {
	case err != nil:
		diags.AddError("Unable to Check the Replacement Certificate",
			"Before replacing the resource, the plan checks that the new certificate exists, and that check failed, so the "+
				"plan stops (nothing is changed).\n\n"+apiErrorDetail("GetDeviceCertificate", err))
	case m == onsmqtt.MissingDevice && plan.WaitForRegistration.ValueBool():
		// The create waits for the device's first connection; its instance and CA exist.
	case m != onsmqtt.MissingNothing:
		var suggestions []string
		if m == onsmqtt.MissingCA {
			suggestions = suggestCAs(ctx, client, key.InstanceID, key.CASn)
		}
		refuseMissing(diags, m, checkedKey{InstanceID: key.InstanceID, CASn: key.CASn, DeviceSn: key.DeviceSn, Region: client.Region()},
			"destroying the resource first would inactivate "+old+" before the create failed", suggestions)
	}
}
