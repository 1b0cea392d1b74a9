package mqtt

import (
	"context"
	"crypto/x509"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/apsaramq/terraform-provider-apsaramq/internal/onsmqtt"
)

var (
	_ managedResource                     = (*caCertificateResource)(nil)
	_ resource.ResourceWithValidateConfig = (*caCertificateResource)(nil)
)

type caCertificateResource struct {
	managedResourceBase
}

// NewCACertificateResource is the constructor the provider registers.
func NewCACertificateResource() resource.Resource {
	return &caCertificateResource{newManagedResourceBase("_mqtt_ca_certificate", caCertificateSchema, caCertificateIdentitySchema)}
}

// ValidateConfig finds at plan time, without an API call, the PEM problems
// RegisterCaCertificate would refuse. Unknown values are checked once known.
func (r *caCertificateResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var caPEM, verPEM types.String
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("ca_certificate_pem"), &caPEM)...)
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("verification_certificate_pem"), &verPEM)...)
	if resp.Diagnostics.HasError() {
		return
	}
	ca := certificateAttribute(path.Root("ca_certificate_pem"), caPEM, &resp.Diagnostics)
	if ca != nil {
		if problem := caProblem(ca); problem != "" {
			resp.Diagnostics.AddAttributeError(path.Root("ca_certificate_pem"), "Invalid CA Certificate", "ca_certificate_pem "+problem+".")
			ca = nil
		} else if warning := caExpiryWarning(ca, time.Now()); warning != "" {
			resp.Diagnostics.AddAttributeWarning(path.Root("ca_certificate_pem"), "CA Certificate Outside Its Validity", warning)
		}
	}
	ver := certificateAttribute(path.Root("verification_certificate_pem"), verPEM, &resp.Diagnostics)
	if ca != nil && ver != nil {
		if problem := verificationProblem(ver, ca); problem != "" {
			resp.Diagnostics.AddAttributeError(path.Root("verification_certificate_pem"), "Invalid Verification Certificate",
				"verification_certificate_pem "+problem+".")
		}
	}
}

// certificateAttribute parses a known PEM attribute, reporting at its line.
func certificateAttribute(p path.Path, v types.String, diags *diag.Diagnostics) *x509.Certificate {
	if v.IsNull() || v.IsUnknown() {
		return nil
	}
	cert, problem := parseOneCertificate(v.ValueString())
	if problem != "" {
		diags.AddAttributeError(p, "Invalid Certificate PEM", p.String()+" "+problem+".")
	}
	return cert
}

// Create registers the CA (one call), then reads it back (one call) and
// inactivates it only when planned so.
func (r *caCertificateResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan caCertificateModel
	if resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...); resp.Diagnostics.HasError() {
		return
	}
	timeout, diags := plan.Timeouts.Create(ctx, defaultCreateTimeout)
	ctx, cancel, client, ok := startOperation(ctx, r.client, plan.Region, timeout, diags, &resp.Diagnostics)
	if !ok {
		return
	}
	defer cancel()

	key, registered := registerCA(ctx, client, &plan, &resp.Diagnostics)
	if !registered {
		return
	}
	// Saved even after a failure once registered: a tainted resource in
	// state beats an orphaned registration.
	resp.Diagnostics.Append(resp.Identity.Set(ctx, caIdentity(key, client.Region()))...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

// registerCA registers the CA the plan describes, inactivates it when
// planned so, and reads it back into plan. It returns the key the
// registration gave and whether there was one: then plan holds the key even
// if a later call failed.
func registerCA(ctx context.Context, client *onsmqtt.Client, plan *caCertificateModel, diags *diag.Diagnostics) (onsmqtt.CAKey, bool) {
	sn, err := client.RegisterCACertificate(ctx, plan.registerInput())
	if err != nil {
		diags.AddError("Unable to Register CA Certificate", apiErrorDetail("RegisterCaCertificate", err))
		return onsmqtt.CAKey{}, false
	}
	key := onsmqtt.CAKey{InstanceID: plan.InstanceID.ValueString(), Sn: sn}
	plan.setKey(key, client.Region())
	if want := wantedStatus(plan.Status); want != onsmqtt.StatusActive {
		if err := client.SetCACertificateStatus(ctx, key, want); err != nil {
			diags.AddError("Unable to Change CA Certificate Status", apiErrorDetail(onsmqtt.CAStatusAction(want), err))
		}
	}
	ca, err := client.GetCACertificate(ctx, key)
	if err != nil {
		diags.AddError("Unable to Read CA Certificate", apiErrorDetail("GetCaCertificate", err))
		return key, true
	}
	plan.fill(ca, client.Region())
	return key, true
}

// Read detects drift with one GetCaCertificate call; a CA that is gone
// leaves state so the next plan registers it again.
func (r *caCertificateResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state caCertificateModel
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
	resp.Diagnostics.Append(resp.Identity.Set(ctx, caIdentity(key, client.Region()))...)
	ca, err := client.GetCACertificate(ctx, key)
	if onsmqtt.IsNotFound(err) {
		tflog.Warn(ctx, "CA certificate no longer registered; removing it from state", map[string]any{"id": formatCAID(key), "region": client.Region()})
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		resp.Diagnostics.AddError("Unable to Read CA Certificate", apiErrorDetail("GetCaCertificate", err))
		return
	}
	state.fill(ca, client.Region())
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

// Update can only change status (everything else replaces): one call.
func (r *caCertificateResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state caCertificateModel
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
		if err := client.SetCACertificateStatus(ctx, plan.key(), want); err != nil {
			resp.Diagnostics.AddError("Unable to Change CA Certificate Status", apiErrorDetail(onsmqtt.CAStatusAction(want), err))
			return
		}
	}
	plan.Region = types.StringValue(client.Region())
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	resp.Diagnostics.Append(resp.Identity.Set(ctx, caIdentity(plan.key(), client.Region()))...)
}

// Delete deregisters the CA; one already gone counts as done.
func (r *caCertificateResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state caCertificateModel
	if resp.Diagnostics.Append(req.State.Get(ctx, &state)...); resp.Diagnostics.HasError() {
		return
	}
	timeout, diags := state.Timeouts.Delete(ctx, defaultDeleteTimeout)
	ctx, cancel, client, ok := startOperation(ctx, r.client, state.Region, timeout, diags, &resp.Diagnostics)
	if !ok {
		return
	}
	defer cancel()

	if err := client.DeleteCACertificate(ctx, state.key()); err != nil && !onsmqtt.IsNotFound(err) {
		resp.Diagnostics.AddError("Unable to Delete CA Certificate", apiErrorDetail("DeleteCaCertificate", err))
	}
}

// ImportState accepts "instance_id:sn[@region]" or, on engines with resource
// identity, the identity's attributes (region optional).
func (r *caCertificateResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	key, region, diags := importTarget[onsmqtt.CAKey, caCertificateIdentityModel](ctx, req, r.client, parseCAID)
	if resp.Diagnostics.Append(diags...); resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), formatCAID(key))...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("instance_id"), key.InstanceID)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("sn"), key.Sn)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("region"), optionalString(region))...)
	resp.Diagnostics.Append(resp.Identity.Set(ctx, caIdentity(key, region))...)
}
