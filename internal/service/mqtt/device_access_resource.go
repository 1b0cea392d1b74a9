package mqtt

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
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
// state (see converge).
func (r *deviceAccessResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	r.converge(ctx, req.Plan, true, &resp.State, resp.Identity, &resp.Diagnostics)
}

// Update changes only the certificates whose status differs; after a partial
// failure it records what the API now holds, with the error.
func (r *deviceAccessResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	r.converge(ctx, req.Plan, false, &resp.State, resp.Identity, &resp.Diagnostics)
}

// Read lists the CA's certificates (one call per 100) and records what the
// API holds; an import (no devices in state yet) takes every certificate
// into devices.
func (r *deviceAccessResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state deviceAccessModel
	if resp.Diagnostics.Append(getAccessModel(ctx, req.State.Raw, &state)...); resp.Diagnostics.HasError() {
		return
	}
	timeout, diags := state.Timeouts.Read(ctx, defaultReadTimeout)
	ctx, cancel, client, ok := startOperation(ctx, r.client, state.Region, timeout, diags, &resp.Diagnostics)
	if !ok {
		return
	}
	defer cancel()

	key := state.key()
	prior, diags := state.data(ctx)
	if resp.Diagnostics.Append(diags...); resp.Diagnostics.HasError() {
		return
	}
	data, gone := listAndMatch(ctx, client, key, operationTimeout{"read", timeout}, true, &resp.Diagnostics, func(certs []onsmqtt.DeviceStatus) (accessData, error) {
		return readAccess(prior, state.Devices.IsNull(), state.settings().AllowUnregistered, certs)
	})
	if gone {
		tflog.Warn(ctx, "instance or CA no longer exists; removing the device access resource from state", map[string]any{"id": formatDeviceAccessID(key)})
		resp.Diagnostics.Append(resp.Identity.Set(ctx, deviceAccessIdentity(key, client.Region()))...)
		resp.State.RemoveResource(ctx)
		return
	}
	if resp.Diagnostics.HasError() {
		return
	}
	state.setData(data, client.Region())
	resp.Diagnostics.Append(setAccessModel(ctx, &resp.State.Raw, &state)...)
	resp.Diagnostics.Append(resp.Identity.Set(ctx, deviceAccessIdentity(key, client.Region()))...)
}

// Delete inactivates every certificate the resource manages (the listed
// ones, and unless unlisted_devices is "ignore" every other one under the CA)
// that is still active.
func (r *deviceAccessResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state deviceAccessModel
	if resp.Diagnostics.Append(getAccessModel(ctx, req.State.Raw, &state)...); resp.Diagnostics.HasError() {
		return
	}
	timeout, diags := state.Timeouts.Delete(ctx, defaultDeleteTimeout)
	ctx, cancel, client, ok := startOperation(ctx, r.client, state.Region, timeout, diags, &resp.Diagnostics)
	if !ok {
		return
	}
	defer cancel()
	destroyAccess(ctx, client, &state, operationTimeout{"delete", timeout}, &resp.Diagnostics)
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
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("ca_sn"), key.CASn)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("region"), optionalString(region))...)
	resp.Diagnostics.Append(resp.Identity.Set(ctx, deviceAccessIdentity(key, region))...)
}

// converge is create and update, which differ in one thing: after an
// incomplete apply (a change failed, or a listed device is missing), update
// records what the API now holds along with the error, while create saves
// nothing: an error with a state would taint the resource, and replacing it
// would inactivate every certificate before setting them again.
func (r *deviceAccessResource) converge(ctx context.Context, planned tfsdk.Plan, create bool,
	state *tfsdk.State, identity *tfsdk.ResourceIdentity, diags *diag.Diagnostics) {
	var plan deviceAccessModel
	if diags.Append(getAccessModel(ctx, planned.Raw, &plan)...); diags.HasError() {
		return
	}
	op := operationTimeout{name: "update"}
	var timeoutDiags diag.Diagnostics
	op.limit, timeoutDiags = plan.Timeouts.Update(ctx, defaultUpdateTimeout)
	if create {
		op.name = "create"
		op.limit, timeoutDiags = plan.Timeouts.Create(ctx, defaultCreateTimeout)
	}
	ctx, cancel, client, ok := startOperation(ctx, r.client, plan.Region, op.limit, timeoutDiags, diags)
	if !ok {
		return
	}
	defer cancel()

	outcome, ok := applyAccess(ctx, client, &plan, op, diags)
	if !ok {
		return
	}
	if !outcome.ok() {
		outcome.addError(diags, !create)
		if create {
			return
		}
	}
	diags.Append(setAccessModel(ctx, &state.Raw, &plan)...)
	diags.Append(identity.Set(ctx, deviceAccessIdentity(plan.key(), client.Region()))...)
}

// applyAccess lists the CA's certificates, sends one status call per
// certificate whose status differs from the plan (concurrently, within the
// client's rate limit), and records in plan what the API now holds. The
// outcome says what could not be done; ok is false when nothing was changed
// because the list or the plan failed (diags says why).
func applyAccess(ctx context.Context, client *onsmqtt.Client, plan *deviceAccessModel, op operationTimeout, diags *diag.Diagnostics) (accessOutcome, bool) {
	key := plan.key()
	planned, d := plan.plan(ctx)
	if diags.Append(d...); diags.HasError() {
		return accessOutcome{}, false
	}
	var registered int
	work, _ := listAndMatch(ctx, client, key, op, false, diags, func(certs []onsmqtt.DeviceStatus) (accessApply, error) {
		registered = len(certs)
		return planApply(planned, certs)
	})
	if diags.HasError() {
		return accessOutcome{}, false
	}
	changes := work.changes(key)
	tflog.Info(ctx, "applying device access", map[string]any{
		"id": formatDeviceAccessID(key), "registered": registered, "status_changes": len(changes), "missing": len(work.missing),
	})
	data, failed := work.record(client.SetDeviceCertificateStatuses(ctx, changes, 0))
	plan.setData(data, client.Region())
	outcome := accessOutcome{key: key, changes: len(changes), failed: failed}
	if !planned.Settings.AllowUnregistered {
		outcome.missing = work.missing
	}
	return outcome, true
}

// destroyAccess inactivates what the resource in state manages
// (destroyChanges); an instance or CA that is gone took its certificates
// with it.
func destroyAccess(ctx context.Context, client *onsmqtt.Client, state *deviceAccessModel, op operationTimeout, diags *diag.Diagnostics) {
	key := state.key()
	data, d := state.data(ctx)
	if diags.Append(d...); diags.HasError() {
		return
	}
	changes, gone := listAndMatch(ctx, client, key, op, true, diags, func(certs []onsmqtt.DeviceStatus) ([]onsmqtt.StatusChange, error) {
		return destroyChanges(data, state.settings(), key, certs)
	})
	if gone || diags.HasError() {
		return
	}
	outcome := accessOutcome{key: key, changes: len(changes)}
	for _, res := range client.SetDeviceCertificateStatuses(ctx, changes, 0) {
		if res.Err != nil && !onsmqtt.IsNotFound(res.Err) {
			outcome.failed = append(outcome.failed, res)
		}
	}
	if !outcome.ok() {
		outcome.addError(diags, true)
	}
}

// listAndMatch lists the certificates under key's CA (one call per 100) and
// hands them to match: readAccess, planApply or destroyChanges. A failed
// list, or a match that fails on an ambiguous serial number, is an error in
// diags. An instance or CA that no longer exists is such an error too,
// unless goneIsFine: then gone is true and diags says nothing (read forgets
// the resource, destroy has nothing left to do).
func listAndMatch[T any](ctx context.Context, client *onsmqtt.Client, key deviceAccessKey, op operationTimeout, goneIsFine bool, diags *diag.Diagnostics,
	match func([]onsmqtt.DeviceStatus) (T, error)) (result T, gone bool) {
	certs, err := client.ListDeviceStatuses(ctx, key.InstanceID, key.CASn)
	if goneIsFine && onsmqtt.IsNotFound(err) {
		return result, true
	}
	if err != nil {
		diags.AddError("Unable to List Device Certificates", listErrorDetail("ListDeviceCertificateByCaSn", op, err))
		return result, false
	}
	if result, err = match(certs); err != nil {
		diags.AddAttributeError(path.Root("devices"), "Ambiguous Device Serial Number", err.Error())
	}
	return result, false
}
