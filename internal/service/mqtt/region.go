package mqtt

import (
	"fmt"

	dsschema "github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
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
