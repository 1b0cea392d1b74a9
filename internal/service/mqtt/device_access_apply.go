package mqtt

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/apsaramq/terraform-provider-apsaramq/internal/onsmqtt"
)

// applyAccess is create and update: list the CA's certificates, send one
// status call per certificate whose status differs from the plan
// (concurrently, within the client's rate limit), and return the data to
// record with what could not be done. ok is false when nothing was changed
// because the list or the plan failed (diags says why).
func applyAccess(ctx context.Context, client *onsmqtt.Client, plan *deviceAccessModel, diags *diag.Diagnostics) (accessData, accessOutcome, bool) {
	key := plan.key()
	planned, d := plan.plan(ctx)
	if diags.Append(d...); diags.HasError() {
		return accessData{}, accessOutcome{}, false
	}
	certs, err := client.ListDeviceCertificates(ctx, key.InstanceID, key.CaSn)
	if err != nil {
		diags.AddError("Unable to List Device Certificates", apiErrorDetail("ListDeviceCertificateByCaSn", err))
		return accessData{}, accessOutcome{}, false
	}
	work, err := planApply(planned, certs)
	if err != nil {
		diags.AddAttributeError(path.Root("devices"), "Ambiguous Device Serial Number", err.Error())
		return accessData{}, accessOutcome{}, false
	}
	changes := work.changes(key)
	tflog.Info(ctx, "applying device access", map[string]any{
		"id": formatDeviceAccessID(key), "registered": len(certs), "status_changes": len(changes), "missing": len(work.missing),
	})
	data, failed := work.record(client.SetDeviceCertificateStatuses(ctx, changes, 0))
	outcome := accessOutcome{key: key, changes: len(changes), failed: failed}
	if !planned.Settings.AllowUnregistered {
		outcome.missing = work.missing
	}
	return data, outcome, true
}
