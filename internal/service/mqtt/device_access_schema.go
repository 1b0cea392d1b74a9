package mqtt

import (
	"context"
	"fmt"
	"iter"
	"maps"
	"slices"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource/identityschema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

func deviceAccessSchema(ctx context.Context) schema.Schema {
	replace := []planmodifier.String{stringplanmodifier.RequiresReplace()}
	return schema.Schema{
		MarkdownDescription: "Holds the registration state of **every device certificate under one CA** on one ApsaraMQ for MQTT " +
			"instance: which devices may connect (`active`) and which are refused (`inactive`), including, with " +
			"`unlisted_devices = \"inactive\"`, every certificate that registers later (default deny).\n\n" +
			"It is the authoritative counterpart of `apsaramq_mqtt_device_certificate_state`, which holds one certificate " +
			"and leaves the others alone. One `apsaramq_mqtt_device_access` per instance and CA; a certificate must not be " +
			"managed by both resources. Refresh reads the whole CA with `ListDeviceCertificateByCaSn` (one call per 100 " +
			"certificates) and apply changes only the certificates whose status differs, concurrently within the provider's " +
			"`rate_limit`. Destroying it **inactivates** every certificate it manages; every plan that destroys or replaces it " +
			"says how many in a warning, and a replacement whose new instance or CA does not exist is refused at plan.",
		Attributes: map[string]schema.Attribute{
			"id":          importIDAttribute(deviceAccessIDFormat),
			"instance_id": resourceInstanceIDAttribute(),
			"ca_sn": schema.StringAttribute{
				MarkdownDescription: "Serial number of the registered CA certificate whose device certificates this resource holds: " +
					"at most 128 **bytes**, no whitespace or `:`. Changing it replaces the resource.",
				Required:      true,
				Validators:    []validator.String{serialNumberValidator},
				PlanModifiers: replace,
			},
			"region": resourceRegionAttribute(),
			"devices": schema.MapAttribute{
				MarkdownDescription: "Device certificate serial number → `active` or `inactive`. May be empty. Keys are matched to the " +
					"registered certificates case-insensitively, and a hexadecimal serial number also without its leading zeros " +
					"(`F26900BA87` names the certificate the API lists as `00f26900ba87`); two keys naming the same certificate " +
					"are an error. State keeps your spelling. A device removed from this map becomes unlisted and gets the " +
					"`unlisted_devices` treatment.",
				ElementType: types.StringType,
				Required:    true,
				Validators:  []validator.Map{devicesValidator{}},
			},
			"unlisted_devices": schema.StringAttribute{
				MarkdownDescription: "What happens to registered certificates under the CA that `devices` does not name. " +
					"`ignore` (default): they are left as they are (read into `unlisted_device_statuses`, never changed). " +
					"`inactive`: default deny, every one of them is inactivated, including certificates that register after " +
					"this apply (the next plan shows each newcomer by serial number). `active`: every one of them is activated.",
				Optional:   true,
				Computed:   true,
				Default:    stringdefault.StaticString(unlistedIgnore),
				Validators: []validator.String{stringvalidator.OneOf(unlistedIgnore, unlistedInactive, unlistedActive)},
			},
			"allow_unregistered_devices": schema.BoolAttribute{
				MarkdownDescription: "What a listed device that has not registered yet (never connected) means. `false` (default): " +
					"an error naming every such serial number (with a registered one it may be a typo of): at plan whenever the " +
					"plan knows the CA's certificates (every update, and a create under `unlisted_devices = \"inactive\"` or " +
					"`\"active\"`), otherwise at apply, after every other change is made. `true`: no error; " +
					"such devices are reported in `unregistered_devices`, state's `devices` keeps their configured status (the " +
					"wanted status, not a read one), and the first apply after a device registers brings it to that status.",
				Optional: true,
				Computed: true,
				Default:  booldefault.StaticBool(false),
			},
			"unlisted_device_statuses": schema.MapAttribute{
				MarkdownDescription: "Registered certificates under the CA that `devices` does not name, serial number (as the API " +
					"spells it) → status. Under `unlisted_devices = \"ignore\"` the status as read; otherwise the status apply " +
					"holds them at, so that a certificate registered since the last apply shows in `plan` as " +
					"`\"<serial>\" = \"active\" -> \"inactive\"`.",
				ElementType: types.StringType,
				Computed:    true,
			},
			"unregistered_devices": schema.SetAttribute{
				MarkdownDescription: "Serial numbers in `devices` (your spelling) whose certificate has not registered under the CA.",
				ElementType:         types.StringType,
				Computed:            true,
			},
			"registered_count": schema.Int64Attribute{
				MarkdownDescription: "Registered certificates under the CA, listed or not.",
				Computed:            true,
			},
			"active_count": schema.Int64Attribute{
				MarkdownDescription: "Registered certificates under the CA that are `active` (devices that may connect).",
				Computed:            true,
			},
			"inactive_count": schema.Int64Attribute{
				MarkdownDescription: "Registered certificates under the CA that are `inactive`.",
				Computed:            true,
			},
			"unlisted_count": schema.Int64Attribute{
				MarkdownDescription: "Registered certificates under the CA that `devices` does not name.",
				Computed:            true,
			},
			"timeouts": timeouts.Attributes(ctx, timeouts.Opts{Create: true, Read: true, Update: true, Delete: true}),
		},
	}
}

func deviceAccessIdentitySchema() identityschema.Schema {
	return identityschema.Schema{
		Attributes: map[string]identityschema.Attribute{
			"instance_id": identityschema.StringAttribute{RequiredForImport: true, Description: "ID of the MQTT instance."},
			"ca_sn":       identityschema.StringAttribute{RequiredForImport: true, Description: "Serial number of the CA certificate."},
			"region":      regionIdentityAttribute(),
		},
	}
}

// devicesValidator checks a devices map in one pass over its elements:
// every key a serial number (serialNumberValidator), every status "active"
// or "inactive" and not null, and no two keys naming the same certificate
// (canonicalSerial: case, or leading zeros of a hexadecimal serial number).
// A map of 100,000 devices is checked on every plan and apply, so the valid
// elements cost a lookup each; the checks that word the errors run only on
// the elements that fail, in the order of their keys.
type devicesValidator struct{}

var _ validator.Map = devicesValidator{}

func (devicesValidator) Description(ctx context.Context) string {
	return "keys must be " + serialNumberValidator.description + "; values must be \"active\" or \"inactive\"; no two keys may name " +
		"the same certificate (serial numbers match case-insensitively, and without leading zeros when hexadecimal)"
}

func (v devicesValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (devicesValidator) ValidateMap(ctx context.Context, req validator.MapRequest, resp *validator.MapResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	elems := req.ConfigValue.Elements()
	resp.Diagnostics.Append(validateDevices(ctx, req.Path, req.Config, maps.Keys(elems), func(k string) types.String {
		s, _ := elems[k].(types.String)
		return s
	})...)
}

// validateDevices checks the devices map at p whose keys are keys and whose
// status is status(key): the checks of devicesValidator, for the framework's
// value and for the decoded map of the protocol-level path alike.
func validateDevices(ctx context.Context, p path.Path, config tfsdk.Config, keys iter.Seq[string], status func(string) types.String) diag.Diagnostics {
	var (
		diags                       diag.Diagnostics
		badKeys, badStatuses, nulls []string
		seen                        = map[string]string{}
		same                        = map[string][]string{} // canonical serial number -> the keys naming it, where there are several
	)
	for k := range keys {
		if serialNumberProblem(k) != "" {
			badKeys = append(badKeys, k)
		}
		if s := status(k); s.IsNull() {
			nulls = append(nulls, k)
		} else if !s.IsUnknown() && s.ValueString() != statusActive && s.ValueString() != statusInactive {
			badStatuses = append(badStatuses, k)
		}
		c := canonicalSerial(k)
		if first, dup := seen[c]; dup {
			if same[c] == nil {
				same[c] = []string{first}
			}
			same[c] = append(same[c], k)
			continue
		}
		seen[c] = k
	}
	check := func(keys []string, v validator.String, value func(string) types.String) {
		for _, k := range slices.Sorted(slices.Values(keys)) {
			at := p.AtMapKey(k)
			r := &validator.StringResponse{}
			v.ValidateString(ctx, validator.StringRequest{Path: at, PathExpression: at.Expression(), ConfigValue: value(k), Config: config}, r)
			diags.Append(r.Diagnostics...)
		}
	}
	check(badKeys, serialNumberValidator, types.StringValue)
	check(badStatuses, statusValidator(), status)

	// Nulls and duplicates in the order of their keys; of keys naming the
	// same certificate, the first in that order is kept.
	type problem struct{ summary, detail string }
	problems := map[string][]problem{} // key -> its problems, null first
	for _, k := range nulls {
		problems[k] = append(problems[k], problem{"Invalid Attribute Value",
			fmt.Sprintf("Attribute %s must be %q or %q, not null.", p.AtMapKey(k), statusActive, statusInactive)})
	}
	for _, keys := range same {
		slices.Sort(keys)
		for _, k := range keys[1:] {
			problems[k] = append(problems[k], problem{"Duplicate Device Serial Number",
				fmt.Sprintf("Keys %q and %q of %s name the same certificate: serial numbers match case-insensitively, and a "+
					"hexadecimal serial number also without its leading zeros. Keep one of them.", keys[0], k, p)})
		}
	}
	for _, k := range slices.Sorted(maps.Keys(problems)) {
		for _, pr := range problems[k] {
			diags.AddAttributeError(p.AtMapKey(k), pr.summary, pr.detail)
		}
	}
	return diags
}
