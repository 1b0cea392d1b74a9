package mqtt

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/apsaramq/terraform-provider-apsaramq/internal/onsmqtt"
)

// Plan-time checks of apsaramq_mqtt_device_access: what a plan refuses before
// anything is inactivated, and the blast radius it shows.
//
// API calls per plan, with N certificates under the CA (L = floor(N/100)+1
// list calls, the refresh's cost):
//   - update or no change: none beyond the refresh (the refreshed state
//     holds every registered serial number);
//   - create under "inactive" or "active": L, plus one GetCaCertificate when
//     the list is empty (an empty list does not say whether the CA exists);
//     the engine plans the resource once more during apply, which costs the
//     same again;
//   - create under "ignore": none;
//   - replacement: under "ignore" one GetCaCertificate; otherwise none for
//     the replacement itself, and the create half is planned as a create;
//   - destroy: none.

// blastRadius is what destroying the resource in state does: the
// certificates it leaves inactive, and how many of them are active now (the
// InactivateDeviceCertificate calls it makes), from the refreshed state.
func blastRadius(d accessData, s accessSettings) (managed, active int64) {
	unregistered := map[string]bool{}
	for _, k := range d.Unregistered {
		unregistered[k] = true
	}
	count := func(status string) {
		managed++
		if status == statusActive {
			active++
		}
	}
	for k, status := range d.Devices {
		if !unregistered[k] {
			count(status)
		}
	}
	if s.Unlisted != unlistedIgnore {
		for _, status := range d.Unlisted {
			count(status)
		}
	}
	return managed, active
}

// blastRadiusText says in words which certificates destroying state
// inactivates: "N certificate(s) (scope), M of them active now".
func blastRadiusText(state *deviceAccessModel, d accessData) string {
	s := state.settings()
	managed, active := blastRadius(d, s)
	scope := "the registered certificates listed in devices"
	if s.Unlisted != unlistedIgnore {
		scope = "every certificate registered under the CA"
	}
	return fmt.Sprintf("%d certificate(s) (%s), %d of them active now", managed, scope, active)
}

// warnDestroy says in the plan what destroying the resource does to the
// fleet, since it is more than forgetting it: on every plan that destroys it
// (terraform destroy, or the resource removed from the configuration).
func (r *deviceAccessResource) warnDestroy(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	var state deviceAccessModel
	if req.State.Raw.IsNull() {
		return
	}
	if resp.Diagnostics.Append(getAccessModel(ctx, req.State.Raw, &state)...); resp.Diagnostics.HasError() {
		return
	}
	d, diags := state.data(ctx)
	if resp.Diagnostics.Append(diags...); resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.AddWarning("Destroying Device Access Inactivates Certificates",
		fmt.Sprintf("Destroying %s inactivates %s: those devices can no longer connect.\n\n"+
			"To stop managing the CA without touching any certificate, remove the resource from state instead (a removed "+
			"block with lifecycle { destroy = false }, or terraform state rm). In production, lifecycle { prevent_destroy = true } "+
			"makes a plan that would destroy or replace it fail.", formatDeviceAccessID(state.key()), blastRadiusText(&state, d)))
}

// planReplacement is the first half of a replacement plan (instance_id,
// ca_sn or region changed): it warns with the destroy's blast radius and,
// under "ignore", checks with one call that the new instance and CA exist.
// Under "inactive" or "active" the engine then plans the new resource as a
// create, whose listing of the new CA checks the same (planCreate).
func (r *deviceAccessResource) planReplacement(ctx context.Context, plan, state *deviceAccessModel, resp *resource.ModifyPlanResponse) {
	diags := &resp.Diagnostics
	d, dd := state.data(ctx)
	if diags.Append(dd...); diags.HasError() {
		return
	}
	old := formatDeviceAccessID(state.key())
	radius := blastRadiusText(state, d)
	destroy := "destroying it first inactivates " + radius
	consequence := fmt.Sprintf("nothing is changed (the replacement would have destroyed %s first, inactivating %s, before its create failed)", old, radius)
	unknown := keyUnknown(map[string]types.String{"instance_id": plan.InstanceID, "ca_sn": plan.CASn, "region": plan.Region},
		"instance_id", "ca_sn", "region")
	if len(unknown) > 0 {
		diags.AddWarning("Replacing Device Access Inactivates Certificates First",
			fmt.Sprintf("This plan replaces %s: %s, before the new resource is created.\n\n"+
				"Whether the new instance and CA exist cannot be checked now: the value of %s is known only at apply. If they "+
				"do not exist, the create fails after the destroy has run. To have them checked first, apply what produces the "+
				"value on its own (terraform apply -target=<that resource>), then plan again. (create_before_destroy does not "+
				"help here: when the new value equals the old one, the destroy that follows the create inactivates what the "+
				"create just set.)", old, destroy, strings.Join(unknown, ", ")))
		return
	}
	diags.AddWarning("Replacing Device Access Inactivates Certificates First",
		fmt.Sprintf("This plan replaces %s: %s, before the new resource (CA %s on instance %s) is created. The plan is refused "+
			"if the new instance or CA does not exist, so a typo inactivates nothing.", old, destroy, plan.CASn.ValueString(), plan.InstanceID.ValueString()))
	if plan.UnlistedDevices.IsUnknown() || plan.settings().Unlisted != unlistedIgnore {
		// The create half lists the new CA (planCreate); this note lets its
		// refusal say what the replacement would have done.
		note, _ := json.Marshal(consequence)
		diags.Append(resp.Private.SetKey(ctx, replacementNoteKey, note)...)
		return
	}
	ctx, cancel, client, ok := planCheckClient(ctx, r.client, plan.Region, plan.Timeouts, diags)
	if !ok {
		return
	}
	defer cancel()
	key := plan.key()
	m, err := client.CheckCA(ctx, onsmqtt.CAKey{InstanceID: key.InstanceID, Sn: key.CASn})
	switch {
	case err != nil:
		diags.AddError("Unable to Check the Replacement's Instance and CA",
			"Before replacing "+old+", the plan checks that the new instance and CA exist, and that check failed, so the "+
				"plan stops (nothing is changed).\n\n"+apiErrorDetail("GetCaCertificate", err))
	case m != onsmqtt.MissingNothing:
		r.refuseMissingCA(ctx, client, diags, m, key, consequence)
	}
}

// planCreate plans a create, or the create half of a replacement (the
// engine plans that as a create, with no prior state). Under "inactive" or
// "active" it lists the CA, so that the plan names every certificate the
// apply will change, exactly as an update does, refuses an instance or CA
// that does not exist, and refuses listed devices that are not registered.
// Under "ignore" it makes no call: the apply changes only listed devices.
// Anything unknown leaves the computed attributes to apply.
//
// consequence, when the create is the second half of a replacement, says
// what its destroy would have done; a refusal names it.
func (r *deviceAccessResource) planCreate(ctx context.Context, config *deviceAccessModel, plan *deviceAccessModel, consequence string, diags *diag.Diagnostics) {
	plan.setUnknown(true)
	unknown := keyUnknown(map[string]types.String{"instance_id": plan.InstanceID, "ca_sn": plan.CASn, "region": config.Region},
		"instance_id", "ca_sn", "region")
	if !plan.configKnown() || len(unknown) > 0 {
		warnPlannedBlind(diags, plan)
		return
	}
	s := plan.settings()
	if s.Unlisted == unlistedIgnore {
		return
	}
	ctx, cancel, client, ok := planCheckClient(ctx, r.client, plan.Region, plan.Timeouts, diags)
	if !ok {
		return
	}
	defer cancel()
	key := plan.key()
	certs, ok := r.listForPlan(ctx, client, key, consequence, diags)
	if !ok {
		return
	}
	configured, d := plan.data(ctx)
	if diags.Append(d...); diags.HasError() {
		return
	}
	// The plan of a create is the plan of an update whose refreshed state
	// holds the configured devices: the same matching, the same planned values.
	prior, err := readAccess(accessData{Devices: configured.Devices}, false, true, certs)
	if err != nil {
		diags.AddAttributeError(path.Root("devices"), "Ambiguous Device Serial Number", err.Error())
		return
	}
	p := planAccess(prior, configured.Devices, s)
	if refuseUnregistered(diags, p, key) {
		return
	}
	plan.setComputed(p.accessData)
}

// replacementNoteKey is the private state key under which the first half of
// a replacement plan tells the second (the create, which the engine plans
// with the first half's private state and no prior state) what the destroy
// would do.
const replacementNoteKey = "replacement_destroys"

// takeReplacementNote reads, and removes from the plan, the note of the
// first half of a replacement; "" for a plain create.
func takeReplacementNote(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) string {
	raw, _ := req.Private.GetKey(ctx, replacementNoteKey)
	if len(raw) == 0 {
		return ""
	}
	resp.Diagnostics.Append(resp.Private.SetKey(ctx, replacementNoteKey, nil)...)
	var note string
	if json.Unmarshal(raw, &note) != nil {
		return ""
	}
	return note
}

// warnPlannedBlind says, under "inactive" or "active", that a plan whose
// configuration is known only at apply cannot name the certificates the
// apply changes. The plan is not refused: a CA registered in the same apply
// (ca_sn from apsaramq_mqtt_ca_certificate) is the usual reason, and it has
// no certificates yet.
func warnPlannedBlind(diags *diag.Diagnostics, plan *deviceAccessModel) {
	if !plan.UnlistedDevices.IsUnknown() && plan.settings().Unlisted == unlistedIgnore {
		return // the apply changes listed devices only, and the plan shows them
	}
	diags.AddWarning("Device Access Planned Without Reading the CA",
		"Some of instance_id, ca_sn, region, devices, unlisted_devices and allow_unregistered_devices are known only at "+
			"apply, so this plan cannot name the certificates the apply will change. Under unlisted_devices = \"inactive\" "+
			"the apply inactivates every certificate registered under the CA that devices does not list (none, if the CA is "+
			"registered in the same apply); a create lists the CA first and changes nothing if the instance or CA does not "+
			"exist. Plan again once those values are known to see every change by serial number.")
}

// listForPlan lists the CA's certificates for a create plan. A non-empty
// list proves the instance and the CA exist. An empty one does not (the
// service may answer an unknown CA with an empty list, or with
// FindCaBySnError, see the API reference's open questions): then one
// GetCaCertificate tells.
func (r *deviceAccessResource) listForPlan(ctx context.Context, client *onsmqtt.Client, key deviceAccessKey, consequence string,
	diags *diag.Diagnostics) ([]onsmqtt.DeviceStatus, bool) {
	certs, err := client.ListDeviceStatuses(ctx, key.InstanceID, key.CASn)
	m := onsmqtt.WhatIsMissing(err)
	switch {
	case m == onsmqtt.MissingInstance || m == onsmqtt.MissingCA:
		r.refuseMissingCA(ctx, client, diags, m, key, consequence)
		return nil, false
	case err != nil && m != onsmqtt.MissingDevice: // FindDeviceBySnError for an empty list: no certificates
		diags.AddError("Unable to List Device Certificates", "The plan of a create lists the CA's certificates to show "+
			"every certificate the apply will change, and the list failed, so the plan stops (nothing is changed).\n\n"+
			apiErrorDetail("ListDeviceCertificateByCaSn", err))
		return nil, false
	case len(certs) > 0:
		return certs, true
	}
	m, err = client.CheckCA(ctx, onsmqtt.CAKey{InstanceID: key.InstanceID, Sn: key.CASn})
	switch {
	case err != nil:
		diags.AddError("Unable to Check the Instance and CA", "The CA lists no certificate, which does not tell whether "+
			"it exists; the check failed, so the plan stops (nothing is changed).\n\n"+apiErrorDetail("GetCaCertificate", err))
		return nil, false
	case m != onsmqtt.MissingNothing:
		r.refuseMissingCA(ctx, client, diags, m, key, consequence)
		return nil, false
	}
	return nil, true
}

// refuseMissingCA reports a missing instance or CA, with the instance's CA
// certificates close to a mistyped ca_sn.
func (r *deviceAccessResource) refuseMissingCA(ctx context.Context, client *onsmqtt.Client, diags *diag.Diagnostics, m onsmqtt.Missing, key deviceAccessKey, consequence string) {
	var suggestions []string
	if m == onsmqtt.MissingCA {
		suggestions = suggestCAs(ctx, client, key.InstanceID, key.CASn)
	}
	if consequence == "" {
		consequence = "nothing is changed"
	}
	refuseMissing(diags, m, checkedKey{InstanceID: key.InstanceID, CASn: key.CASn, Region: client.Region()}, consequence, suggestions)
}

// refuseUnregistered refuses, at each devices key, a listed device that
// has no registered certificate, unless allow_unregistered_devices: under
// default deny a mistyped serial number would otherwise leave the real
// device unlisted, and inactivated. It suggests registered, unlisted serial
// numbers close to the key. It reports whether it refused anything.
func refuseUnregistered(diags *diag.Diagnostics, p accessPlan, key deviceAccessKey) bool {
	if p.Settings.AllowUnregistered || len(p.Unregistered) == 0 {
		return false
	}
	unlisted := slices.Collect(maps.Keys(p.Unlisted))
	registered := p.counts().Registered
	for _, k := range p.Unregistered {
		var b strings.Builder
		fmt.Fprintf(&b, "devices key %q names no certificate registered under %s (%d registered).", k, key, registered)
		if s := suggestSerials(k, unlisted); len(s) > 0 {
			fmt.Fprintf(&b, " Did you mean %s (registered, not listed)?", quoteList(s))
		}
		b.WriteString("\n\nA listed device that is not registered is refused at plan, so that a typo never reaches apply")
		if p.Settings.Unlisted == unlistedInactive {
			b.WriteString(" (under default deny, the device the typo meant would be inactivated as unlisted)")
		}
		b.WriteString(". The broker registers a device certificate when the device first connects with a certificate " +
			"signed by the CA: fix the serial number, connect the device first, or set allow_unregistered_devices = true " +
			"to list devices before they connect.")
		diags.AddAttributeError(path.Root("devices").AtMapKey(k), "Device Not Registered", b.String())
	}
	return true
}
