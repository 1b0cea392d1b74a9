package mqtt

import (
	"context"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/apsaramq/terraform-provider-apsaramq/internal/onsmqtt"
)

var (
	_ resource.ResourceWithConfigValidators = (*deviceAccessResource)(nil)
	_ resource.ResourceWithConfigure        = (*deviceAccessResource)(nil)
	_ resource.ResourceWithImportState      = (*deviceAccessResource)(nil)
	_ resource.ResourceWithIdentity         = (*deviceAccessResource)(nil)
	_ resource.ResourceWithModifyPlan       = (*deviceAccessResource)(nil)
)

type deviceAccessResource struct {
	resourceBase
}

// NewDeviceAccessResource is the constructor the provider registers.
func NewDeviceAccessResource() resource.Resource {
	return &deviceAccessResource{resourceBase{typeNameSuffix: "_mqtt_device_access"}}
}

// ConfigValidators checks the whole configuration at plan time.
func (r *deviceAccessResource) ConfigValidators(context.Context) []resource.ConfigValidator {
	return []resource.ConfigValidator{positiveTimeouts{}}
}

func (r *deviceAccessResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = deviceAccessSchema(ctx)
}

func (r *deviceAccessResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = deviceAccessIdentitySchema()
}

// Create brings every certificate of the CA to its planned status. When a
// change fails or a listed device is missing it returns the error without a
// state (see accessOutcome.addError).
func (r *deviceAccessResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan deviceAccessModel
	if resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...); resp.Diagnostics.HasError() {
		return
	}
	timeout, diags := plan.Timeouts.Create(ctx, defaultCreateTimeout)
	region, outcome, ok := r.apply(ctx, &plan, timeout, diags, &resp.Diagnostics)
	if !ok {
		return
	}
	if !outcome.ok() {
		outcome.addError(&resp.Diagnostics, false)
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	resp.Diagnostics.Append(resp.Identity.Set(ctx, deviceAccessIdentity(plan.key(), region))...)
}

// Read lists the CA's certificates (one call per 100) and records what the
// API holds; an import (no devices in state yet) takes every certificate
// into devices.
func (r *deviceAccessResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state deviceAccessModel
	if resp.Diagnostics.Append(req.State.Get(ctx, &state)...); resp.Diagnostics.HasError() {
		return
	}
	timeout, diags := state.Timeouts.Read(ctx, defaultReadTimeout)
	ctx, cancel, client, ok := startOperation(ctx, r.client, state.Region, timeout, diags, &resp.Diagnostics)
	if !ok {
		return
	}
	defer cancel()

	key := state.key()
	certs, err := client.ListDeviceCertificates(ctx, key.InstanceID, key.CaSn)
	if onsmqtt.IsNotFound(err) {
		tflog.Warn(ctx, "instance or CA no longer exists; removing the device access resource from state", map[string]any{"id": formatDeviceAccessID(key)})
		resp.Diagnostics.Append(resp.Identity.Set(ctx, deviceAccessIdentity(key, client.Region()))...)
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		resp.Diagnostics.AddError("Unable to List Device Certificates", apiErrorDetail("ListDeviceCertificateByCaSn", err))
		return
	}
	prior, diags := state.data(ctx)
	if resp.Diagnostics.Append(diags...); resp.Diagnostics.HasError() {
		return
	}
	data, err := readAccess(prior, state.Devices.IsNull(), state.settings().AllowUnregistered, certs)
	if err != nil {
		resp.Diagnostics.AddAttributeError(path.Root("devices"), "Ambiguous Device Serial Number", err.Error())
		return
	}
	state.setData(data, client.Region())
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
	resp.Diagnostics.Append(resp.Identity.Set(ctx, deviceAccessIdentity(key, client.Region()))...)
}

// Update changes only the certificates whose status differs; after a partial
// failure it records what the API now holds, with the error.
func (r *deviceAccessResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan deviceAccessModel
	if resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...); resp.Diagnostics.HasError() {
		return
	}
	timeout, diags := plan.Timeouts.Update(ctx, defaultUpdateTimeout)
	region, outcome, ok := r.apply(ctx, &plan, timeout, diags, &resp.Diagnostics)
	if !ok {
		return
	}
	if !outcome.ok() {
		outcome.addError(&resp.Diagnostics, true)
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	resp.Diagnostics.Append(resp.Identity.Set(ctx, deviceAccessIdentity(plan.key(), region))...)
}

// apply is what create and update share: within the operation's timeout,
// bring the certificates to the plan (applyAccess) and record in plan what
// the API now holds. ok is false when nothing was changed.
func (r *deviceAccessResource) apply(ctx context.Context, plan *deviceAccessModel, timeout time.Duration,
	timeoutDiags diag.Diagnostics, diags *diag.Diagnostics) (string, accessOutcome, bool) {
	ctx, cancel, client, ok := startOperation(ctx, r.client, plan.Region, timeout, timeoutDiags, diags)
	if !ok {
		return "", accessOutcome{}, false
	}
	defer cancel()
	data, outcome, ok := applyAccess(ctx, client, plan, diags)
	if ok {
		plan.setData(data, client.Region())
	}
	return client.Region(), outcome, ok
}

// Delete inactivates every certificate the resource manages (the listed
// ones, and unless unlisted_devices is "ignore" every other one under the CA)
// that is still active.
func (r *deviceAccessResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state deviceAccessModel
	if resp.Diagnostics.Append(req.State.Get(ctx, &state)...); resp.Diagnostics.HasError() {
		return
	}
	timeout, diags := state.Timeouts.Delete(ctx, defaultDeleteTimeout)
	ctx, cancel, client, ok := startOperation(ctx, r.client, state.Region, timeout, diags, &resp.Diagnostics)
	if !ok {
		return
	}
	defer cancel()

	key := state.key()
	certs, err := client.ListDeviceCertificates(ctx, key.InstanceID, key.CaSn)
	if onsmqtt.IsNotFound(err) {
		return // the instance or CA is gone, and its certificates with it
	}
	if err != nil {
		resp.Diagnostics.AddError("Unable to List Device Certificates", apiErrorDetail("ListDeviceCertificateByCaSn", err))
		return
	}
	data, diags := state.data(ctx)
	if resp.Diagnostics.Append(diags...); resp.Diagnostics.HasError() {
		return
	}
	changes, err := destroyChanges(data, state.settings(), key, certs)
	if err != nil {
		resp.Diagnostics.AddAttributeError(path.Root("devices"), "Ambiguous Device Serial Number", err.Error())
		return
	}
	outcome := accessOutcome{key: key, changes: len(changes)}
	for _, res := range client.SetDeviceCertificateStatuses(ctx, changes, 0) {
		if res.Err != nil && !onsmqtt.IsNotFound(res.Err) {
			outcome.failed = append(outcome.failed, res)
		}
	}
	if !outcome.ok() {
		outcome.addError(&resp.Diagnostics, true)
	}
}

// ImportState accepts "instance_id:ca_sn[@region]" or, on engines with
// resource identity, the identity's attributes (region optional). The read
// that follows takes every registered certificate into devices.
func (r *deviceAccessResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	key, region, diags := importTarget[deviceAccessKey, deviceAccessIdentityModel](ctx, req, r.client, parseDeviceAccessID)
	if resp.Diagnostics.Append(diags...); resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), formatDeviceAccessID(key))...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("instance_id"), key.InstanceID)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("ca_sn"), key.CaSn)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("region"), optionalString(region))...)
	resp.Diagnostics.Append(resp.Identity.Set(ctx, deviceAccessIdentity(key, region))...)
}
