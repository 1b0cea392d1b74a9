package mqtt

import (
	"context"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/apsaramq/terraform-provider-apsaramq/internal/onsmqtt"
)

var (
	_ resource.Resource                = (*deviceCertificateStateResource)(nil)
	_ resource.ResourceWithConfigure   = (*deviceCertificateStateResource)(nil)
	_ resource.ResourceWithImportState = (*deviceCertificateStateResource)(nil)
	_ resource.ResourceWithIdentity    = (*deviceCertificateStateResource)(nil)
)

const (
	defaultCreateTimeout = 5 * time.Minute
	defaultReadTimeout   = 2 * time.Minute
	defaultUpdateTimeout = 5 * time.Minute
	defaultDeleteTimeout = 5 * time.Minute
)

type deviceCertificateStateResource struct {
	client *onsmqtt.Client
}

// NewDeviceCertificateStateResource is the constructor the provider registers.
func NewDeviceCertificateStateResource() resource.Resource {
	return &deviceCertificateStateResource{}
}

func (r *deviceCertificateStateResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_mqtt_device_certificate_state"
}

func (r *deviceCertificateStateResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = deviceCertificateStateSchema(ctx)
}

func (r *deviceCertificateStateResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = deviceCertificateIdentitySchema()
}

func (r *deviceCertificateStateResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	client, diags := clientFrom(req.ProviderData)
	resp.Diagnostics.Append(diags...)
	r.client = client
}

// Create adopts a certificate the broker registered: one read, and one status
// call only when the certificate is not already in the planned state.
func (r *deviceCertificateStateResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan deviceCertificateStateModel
	if resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...); resp.Diagnostics.HasError() {
		return
	}
	timeout, diags := plan.Timeouts.Create(ctx, defaultCreateTimeout)
	if resp.Diagnostics.Append(diags...); resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	key := plan.key()
	cert, err := r.client.GetDeviceCertificate(ctx, key)
	if onsmqtt.IsNotFound(err) {
		resp.Diagnostics.AddError("Device Certificate Not Registered", notRegisteredDetail(key, err))
		return
	}
	if err != nil {
		resp.Diagnostics.AddError("Unable to Read Device Certificate", apiErrorDetail("GetDeviceCertificate", err))
		return
	}
	if want := plan.plannedStatus(); cert.Status != want {
		if err := r.client.SetDeviceCertificateStatus(ctx, key, want); err != nil {
			resp.Diagnostics.AddError("Unable to Change Device Certificate Status", apiErrorDetail(statusAction(want), err))
			return
		}
		cert.Status = want
	}
	plan.fill(cert)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	resp.Diagnostics.Append(resp.Identity.Set(ctx, identityFromKey(key))...)
}

// Read detects drift with one GetDeviceCertificate call; a certificate or
// instance that is gone leaves state so the next plan shows it.
func (r *deviceCertificateStateResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state deviceCertificateStateModel
	if resp.Diagnostics.Append(req.State.Get(ctx, &state)...); resp.Diagnostics.HasError() {
		return
	}
	timeout, diags := state.Timeouts.Read(ctx, defaultReadTimeout)
	if resp.Diagnostics.Append(diags...); resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	key := state.key()
	cert, err := r.client.GetDeviceCertificate(ctx, key)
	if onsmqtt.IsNotFound(err) {
		tflog.Warn(ctx, "device certificate no longer registered; removing it from state", map[string]any{"id": formatDeviceID(key)})
		// The framework wants an identity even for a removed resource.
		resp.Diagnostics.Append(resp.Identity.Set(ctx, identityFromKey(key))...)
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		resp.Diagnostics.AddError("Unable to Read Device Certificate", apiErrorDetail("GetDeviceCertificate", err))
		return
	}
	state.fill(cert)
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
	resp.Diagnostics.Append(resp.Identity.Set(ctx, identityFromKey(key))...)
}

// Update can only change status (everything else replaces): one call.
func (r *deviceCertificateStateResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan deviceCertificateStateModel
	if resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...); resp.Diagnostics.HasError() {
		return
	}
	timeout, diags := plan.Timeouts.Update(ctx, defaultUpdateTimeout)
	if resp.Diagnostics.Append(diags...); resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	want := plan.plannedStatus()
	if err := r.client.SetDeviceCertificateStatus(ctx, plan.key(), want); err != nil {
		if onsmqtt.IsNotFound(err) {
			resp.Diagnostics.AddError("Device Certificate Not Registered", notRegisteredDetail(plan.key(), err))
			return
		}
		resp.Diagnostics.AddError("Unable to Change Device Certificate Status", apiErrorDetail(statusAction(want), err))
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	resp.Diagnostics.Append(resp.Identity.Set(ctx, identityFromKey(plan.key()))...)
}

// Delete inactivates the certificate; one already gone counts as done.
func (r *deviceCertificateStateResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state deviceCertificateStateModel
	if resp.Diagnostics.Append(req.State.Get(ctx, &state)...); resp.Diagnostics.HasError() {
		return
	}
	timeout, diags := state.Timeouts.Delete(ctx, defaultDeleteTimeout)
	if resp.Diagnostics.Append(diags...); resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	err := r.client.SetDeviceCertificateStatus(ctx, state.key(), onsmqtt.StatusInactive)
	if err != nil && !onsmqtt.IsNotFound(err) {
		resp.Diagnostics.AddError("Unable to Inactivate Device Certificate", apiErrorDetail("InactivateDeviceCertificate", err))
	}
}

// ImportState accepts "instance_id:ca_sn:device_sn" or, on engines with
// resource identity, the identity's three attributes.
func (r *deviceCertificateStateResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	var key onsmqtt.DeviceKey
	if req.ID != "" {
		parsed, err := parseDeviceID(req.ID)
		if err != nil {
			resp.Diagnostics.AddError("Unexpected Import Identifier", err.Error())
			return
		}
		key = parsed
	} else {
		var identity deviceCertificateIdentityModel
		if resp.Diagnostics.Append(req.Identity.Get(ctx, &identity)...); resp.Diagnostics.HasError() {
			return
		}
		key = onsmqtt.DeviceKey{InstanceID: identity.InstanceID.ValueString(), CaSn: identity.CaSn.ValueString(), DeviceSn: identity.DeviceSn.ValueString()}
		if _, err := parseDeviceID(formatDeviceID(key)); err != nil {
			resp.Diagnostics.AddError("Unexpected Import Identity", err.Error())
			return
		}
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), formatDeviceID(key))...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("instance_id"), key.InstanceID)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("ca_sn"), key.CaSn)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("device_sn"), key.DeviceSn)...)
	resp.Diagnostics.Append(resp.Identity.Set(ctx, identityFromKey(key))...)
}

func statusAction(s onsmqtt.Status) string {
	if s == onsmqtt.StatusInactive {
		return "InactivateDeviceCertificate"
	}
	return "ActiveDeviceCertificate"
}

func notRegisteredDetail(key onsmqtt.DeviceKey, err error) string {
	return fmt.Sprintf("No device certificate %s is registered on instance %s under CA %s.\n\n"+
		"Device certificates are not created through the API: the broker registers one when a device first "+
		"connects with a certificate signed by a registered, active CA. Connect the device once, then apply again; "+
		"or check instance_id, ca_sn, device_sn and the provider's region.\n\n%s",
		key.DeviceSn, key.InstanceID, key.CaSn, apiErrorDetail("GetDeviceCertificate", err))
}
