package mqtt

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"

	"github.com/apsaramq/terraform-provider-apsaramq/internal/onsmqtt"
)

// resourceBase is embedded by every resource of the package: it names the
// type and keeps the API client the provider configured.
type resourceBase struct {
	typeNameSuffix string // after the provider's name, e.g. "_mqtt_device_access"
	client         *onsmqtt.Client
}

func (b *resourceBase) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + b.typeNameSuffix
}

func (b *resourceBase) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	client, diags := clientFrom(req.ProviderData)
	resp.Diagnostics.Append(diags...)
	b.client = client
}

// dataSourceBase is resourceBase for data sources.
type dataSourceBase struct {
	typeNameSuffix string
	client         *onsmqtt.Client
}

func (b *dataSourceBase) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + b.typeNameSuffix
}

func (b *dataSourceBase) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	client, diags := clientFrom(req.ProviderData)
	resp.Diagnostics.Append(diags...)
	b.client = client
}

// clientFrom extracts the API client the provider configured. A nil
// providerData means the provider is not configured yet (validation), which
// is not an error.
func clientFrom(providerData any) (*onsmqtt.Client, diag.Diagnostics) {
	var diags diag.Diagnostics
	if providerData == nil {
		return nil, diags
	}
	client, ok := providerData.(*onsmqtt.Client)
	if !ok {
		diags.AddError("Unexpected Provider Data",
			fmt.Sprintf("Expected *onsmqtt.Client, got %T. Please report this issue to the provider developers.", providerData))
	}
	return client, diags
}
