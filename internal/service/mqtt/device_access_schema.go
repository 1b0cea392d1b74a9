package mqtt

import (
	"context"
	"fmt"
	"maps"
	"slices"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/mapvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/resource/identityschema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
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
			"id": schema.StringAttribute{
				MarkdownDescription: "`instance_id:ca_sn`, also the import ID (append `@<region>` to import from another region).",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"instance_id": schema.StringAttribute{
				MarkdownDescription: "ID of the ApsaraMQ for MQTT instance, e.g. `post-cn-7mz2d******`. Changing it replaces the resource.",
				Required:            true,
				Validators:          []validator.String{instanceIDValidator},
				PlanModifiers:       replace,
			},
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
				Validators: []validator.Map{
					mapvalidator.KeysAre(serialNumberValidator),
					mapvalidator.ValueStringsAre(statusValidator()),
					distinctDeviceKeys{},
				},
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

// distinctDeviceKeys refuses a devices map in which two keys name the same
// certificate (canonicalSerial: case, or leading zeros of a hexadecimal
// serial number), and null statuses, which would leave a device's wanted
// status unsaid.
type distinctDeviceKeys struct{}

var _ validator.Map = distinctDeviceKeys{}

func (distinctDeviceKeys) Description(context.Context) string {
	return "no two keys may name the same certificate (serial numbers match case-insensitively, and without leading zeros when hexadecimal), and every status must be set"
}

func (v distinctDeviceKeys) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (distinctDeviceKeys) ValidateMap(_ context.Context, req validator.MapRequest, resp *validator.MapResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	elems := req.ConfigValue.Elements()
	seen := map[string]string{}
	for _, k := range slices.Sorted(maps.Keys(elems)) {
		if s, ok := elems[k].(types.String); ok && s.IsNull() {
			resp.Diagnostics.AddAttributeError(req.Path.AtMapKey(k), "Invalid Attribute Value",
				fmt.Sprintf("Attribute %s must be %q or %q, not null.", req.Path.AtMapKey(k), statusActive, statusInactive))
		}
		c := canonicalSerial(k)
		if first, dup := seen[c]; dup {
			resp.Diagnostics.AddAttributeError(req.Path.AtMapKey(k), "Duplicate Device Serial Number",
				fmt.Sprintf("Keys %q and %q of %s name the same certificate: serial numbers match case-insensitively, and a "+
					"hexadecimal serial number also without its leading zeros. Keep one of them.", first, k, req.Path))
			continue
		}
		seen[c] = k
	}
}
