package mqtt

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/apsaramq/terraform-provider-apsaramq/internal/onsmqtt"
)

var _ managedResource = (*deviceCertificateStateResource)(nil)

type deviceCertificateStateResource struct {
	managedResourceBase
}

// NewDeviceCertificateStateResource is the constructor the provider registers.
func NewDeviceCertificateStateResource() resource.Resource {
	return &deviceCertificateStateResource{newManagedResourceBase("_mqtt_device_certificate_state", deviceCertificateStateSchema, deviceCertificateIdentitySchema)}
}

// Create adopts a certificate the broker registered: one read (or, with
// wait_for_registration, reads until the device first connects), and one
// status call only when the certificate is not already in the planned state.
func (r *deviceCertificateStateResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan deviceCertificateStateModel
	if resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...); resp.Diagnostics.HasError() {
		return
	}
	timeout, diags := plan.Timeouts.Create(ctx, defaultCreateTimeout)
	ctx, cancel, client, ok := startOperation(ctx, r.client, plan.Region, timeout, diags, &resp.Diagnostics)
	if !ok {
		return
	}
	defer cancel()

	key := plan.key()
	cert, err := readOrWaitForDevice(ctx, client, key, plan.WaitForRegistration.ValueBool())
	if err != nil {
		addDeviceReadError(&resp.Diagnostics, key, timeout, err)
		return
	}
	if want := wantedStatus(plan.Status); cert.Status != want {
		if err := client.SetDeviceCertificateStatus(ctx, key, want); err != nil {
			resp.Diagnostics.AddError("Unable to Change Device Certificate Status", apiErrorDetail(onsmqtt.DeviceStatusAction(want), err))
			return
		}
		cert.Status = want
	}
	plan.fill(cert, client.Region())
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	resp.Diagnostics.Append(resp.Identity.Set(ctx, identityFromKey(key, client.Region()))...)
}

// Read detects drift with one GetDeviceCertificate call; a certificate or
// instance that is gone leaves state so the next plan shows it.
func (r *deviceCertificateStateResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state deviceCertificateStateModel
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
	cert, err := client.GetDeviceCertificate(ctx, key)
	if onsmqtt.IsNotFound(err) {
		tflog.Warn(ctx, "device certificate no longer registered; removing it from state", map[string]any{"id": formatDeviceID(key), "region": client.Region()})
		// The framework wants an identity even for a removed resource.
		resp.Diagnostics.Append(resp.Identity.Set(ctx, identityFromKey(key, client.Region()))...)
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		resp.Diagnostics.AddError("Unable to Read Device Certificate", apiErrorDetail("GetDeviceCertificate", err))
		return
	}
	state.fill(cert, client.Region())
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
	resp.Diagnostics.Append(resp.Identity.Set(ctx, identityFromKey(key, client.Region()))...)
}

// Update can only change status or wait_for_registration (everything else
// replaces): one status call, none when only wait_for_registration changed.
func (r *deviceCertificateStateResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state deviceCertificateStateModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.Append(req.State.Get(ctx, &state)...); resp.Diagnostics.HasError() {
		return
	}
	timeout, diags := plan.Timeouts.Update(ctx, defaultUpdateTimeout)
	ctx, cancel, client, ok := startOperation(ctx, r.client, plan.Region, timeout, diags, &resp.Diagnostics)
	if !ok {
		return
	}
	defer cancel()

	if want := wantedStatus(plan.Status); !plan.Status.Equal(state.Status) {
		if err := client.SetDeviceCertificateStatus(ctx, plan.key(), want); err != nil {
			if onsmqtt.IsNotFound(err) {
				resp.Diagnostics.AddError("Device Certificate Not Registered", notRegisteredDetail(plan.key(), err))
				return
			}
			resp.Diagnostics.AddError("Unable to Change Device Certificate Status", apiErrorDetail(onsmqtt.DeviceStatusAction(want), err))
			return
		}
	}
	plan.Region = types.StringValue(client.Region())
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	resp.Diagnostics.Append(resp.Identity.Set(ctx, identityFromKey(plan.key(), client.Region()))...)
}

// Delete inactivates the certificate; one already gone counts as done.
func (r *deviceCertificateStateResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state deviceCertificateStateModel
	if resp.Diagnostics.Append(req.State.Get(ctx, &state)...); resp.Diagnostics.HasError() {
		return
	}
	timeout, diags := state.Timeouts.Delete(ctx, defaultDeleteTimeout)
	ctx, cancel, client, ok := startOperation(ctx, r.client, state.Region, timeout, diags, &resp.Diagnostics)
	if !ok {
		return
	}
	defer cancel()

	err := client.SetDeviceCertificateStatus(ctx, state.key(), onsmqtt.StatusInactive)
	if err != nil && !onsmqtt.IsNotFound(err) {
		resp.Diagnostics.AddError("Unable to Inactivate Device Certificate", apiErrorDetail("InactivateDeviceCertificate", err))
	}
}

// ImportState accepts "instance_id:ca_sn:device_sn[@region]" or, on engines
// with resource identity, the identity's attributes (region optional).
func (r *deviceCertificateStateResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	key, region, diags := importTarget[onsmqtt.DeviceKey, deviceCertificateIdentityModel](ctx, req, r.client, parseDeviceID)
	if resp.Diagnostics.Append(diags...); resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), formatDeviceID(key))...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("instance_id"), key.InstanceID)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("ca_sn"), key.CASn)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("device_sn"), key.DeviceSn)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("region"), optionalString(region))...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("wait_for_registration"), false)...)
	resp.Diagnostics.Append(resp.Identity.Set(ctx, identityFromKey(key, region))...)
}

// readOrWaitForDevice reads the certificate, or with wait waits for the
// device's first connection (bounded by ctx, the create timeout).
func readOrWaitForDevice(ctx context.Context, client *onsmqtt.Client, key onsmqtt.DeviceKey, wait bool) (onsmqtt.DeviceCertificate, error) {
	if !wait {
		return client.GetDeviceCertificate(ctx, key)
	}
	tflog.Info(ctx, "waiting for the device to connect for the first time", map[string]any{"id": formatDeviceID(key)})
	return client.WaitForDeviceCertificate(ctx, key, onsmqtt.DefaultWaitPolicy())
}

func addDeviceReadError(diags *diag.Diagnostics, key onsmqtt.DeviceKey, timeout time.Duration, err error) {
	var never *onsmqtt.RegistrationTimeoutError
	switch {
	case errors.As(err, &never):
		diags.AddError("Device Never Connected", fmt.Sprintf("%s.\n\n"+
			"wait_for_registration waited for the whole create timeout (%s) and the broker never registered the certificate. "+
			"Check that the device is online and presents a certificate signed by CA %s (registered and active on instance %s), "+
			"or raise timeouts.create.", never.Error(), timeout, key.CASn, key.InstanceID))
	case onsmqtt.IsNotFound(err):
		diags.AddError("Device Certificate Not Registered", notRegisteredDetail(key, err))
	default:
		diags.AddError("Unable to Read Device Certificate", apiErrorDetail("GetDeviceCertificate", err))
	}
}
