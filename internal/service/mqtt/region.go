package mqtt

import (
	"context"
	"fmt"
	"strings"
	"time"

	dsschema "github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/identityschema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/apsaramq/terraform-provider-apsaramq/internal/onsmqtt"
)

// regionDescription is shared by every resource and data source with a
// per-resource region, so the docs say the same thing everywhere.
const regionDescription = "Region of the instance, e.g. `cn-shanghai`. Defaults to the provider's `region`. " +
	"Set it when one provider configuration serves instances in several regions of the same account: the call " +
	"goes to that region's endpoint `https://onsmqtt.<region>.aliyuncs.com`, or to the provider's `endpoints.onsmqtt` " +
	"when one is configured (a custom endpoint is assumed to serve every region). Credentials and the provider's " +
	"`rate_limit` are shared with the provider configuration (the API limit is per account). For another account, " +
	"or for per-region VPC endpoints, use a provider alias instead."

var regionValidator = stringCheck{
	description: "an Alibaba Cloud region ID such as cn-hangzhou or ap-southeast-1",
	problem: func(s string) string {
		if err := onsmqtt.ValidateRegion(s); err != nil {
			return fmt.Sprintf("must look like cn-hangzhou or ap-southeast-1 (lowercase letters, digits and '-'), got %q", s)
		}
		return ""
	},
}

// resourceRegionAttribute: unset means the provider's region, recorded at
// creation; a change replaces the resource, as it names another object.
func resourceRegionAttribute() schema.StringAttribute {
	return schema.StringAttribute{
		MarkdownDescription: regionDescription + " When unset, the provider's region at creation is recorded; " +
			"changing the provider's region later does not move existing resources. Changing `region` replaces the resource.",
		Optional:   true,
		Computed:   true,
		Validators: []validator.String{regionValidator},
		PlanModifiers: []planmodifier.String{
			stringplanmodifier.UseStateForUnknown(),
			stringplanmodifier.RequiresReplace(),
		},
	}
}

func dataSourceRegionAttribute() dsschema.StringAttribute {
	return dsschema.StringAttribute{
		MarkdownDescription: regionDescription,
		Optional:            true,
		Computed:            true,
		Validators:          []validator.String{regionValidator},
	}
}

func regionIdentityAttribute() identityschema.StringAttribute {
	return identityschema.StringAttribute{
		OptionalForImport: true,
		Description:       "Region of the instance; defaults to the provider's region.",
	}
}

// regionalClient returns the client for a region attribute: null or unknown
// (not set in configuration) means the provider's region.
func regionalClient(base *onsmqtt.Client, region types.String) (*onsmqtt.Client, diag.Diagnostics) {
	var diags diag.Diagnostics
	if base == nil {
		diags.AddError("Provider Not Configured", "The provider was not configured before this operation. Please report this issue to the provider developers.")
		return nil, diags
	}
	if region.IsNull() || region.IsUnknown() {
		return base, diags
	}
	c, err := base.ForRegion(region.ValueString())
	if err != nil {
		diags.AddAttributeError(path.Root("region"), "Invalid Region", err.Error())
	}
	return c, diags
}

// startOperation prepares one CRUD operation: it resolves the client for the
// resource's region and bounds ctx by the operation's timeout. Problems go to
// respDiags (with timeoutDiags from parsing the timeouts block); ok is false
// when the operation must stop. The caller defers cancel.
func startOperation(ctx context.Context, base *onsmqtt.Client, region types.String, timeout time.Duration,
	timeoutDiags diag.Diagnostics, respDiags *diag.Diagnostics) (context.Context, context.CancelFunc, *onsmqtt.Client, bool) {
	respDiags.Append(timeoutDiags...)
	if respDiags.HasError() {
		return ctx, func() {}, nil, false
	}
	client, diags := regionalClient(base, region)
	if respDiags.Append(diags...); respDiags.HasError() {
		return ctx, func() {}, nil, false
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	return ctx, cancel, client, true
}

// splitImportRegion splits an optional "@region" suffix off an import ID
// ("instance_id:sn@cn-shanghai"), the form other providers with a
// per-resource region use.
func splitImportRegion(id string) (string, string, error) {
	i := strings.LastIndex(id, "@")
	if i < 0 {
		return id, "", nil
	}
	region := id[i+1:]
	if err := onsmqtt.ValidateRegion(region); err != nil {
		return "", "", fmt.Errorf("import ID %q: the part after '@' must be a region: %v", id, err)
	}
	return id[:i], region, nil
}

// importIdentity is a resource's identity model as an import target: the
// import ID it names and its optional region.
type importIdentity interface {
	importID() string
	importRegion() string
}

// importTarget resolves what an import names, from "<id>[@region]" or, on
// engines with resource identity, from the identity (region optional). Both
// go through parse, so they are checked alike.
func importTarget[K any, I importIdentity](ctx context.Context, req resource.ImportStateRequest,
	parse func(string) (K, error)) (K, string, diag.Diagnostics) {
	var (
		diags diag.Diagnostics
		none  K
	)
	if req.ID != "" {
		id, region, err := splitImportRegion(req.ID)
		if err == nil {
			var key K
			if key, err = parse(id); err == nil {
				return key, region, diags
			}
		}
		diags.AddError("Unexpected Import Identifier", err.Error()+" (an optional @region suffix selects another region)")
		return none, "", diags
	}
	var identity I
	if diags.Append(req.Identity.Get(ctx, &identity)...); diags.HasError() {
		return none, "", diags
	}
	key, err := parse(identity.importID())
	if err != nil {
		diags.AddError("Unexpected Import Identity", err.Error())
	}
	region := identity.importRegion()
	if problem := regionValidator.problem(region); region != "" && problem != "" {
		diags.AddError("Unexpected Import Identity", "region "+problem)
	}
	return key, region, diags
}

// optionalString is null for "", for identity attributes that may be unset.
func optionalString(s string) types.String {
	if s == "" {
		return types.StringNull()
	}
	return types.StringValue(s)
}
