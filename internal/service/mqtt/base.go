package mqtt

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/identityschema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"

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

// managedResource is what every managed resource of the package implements.
// managedResourceBase gives all but CRUD and ImportState.
type managedResource interface {
	resource.ResourceWithConfigure
	resource.ResourceWithConfigValidators
	resource.ResourceWithIdentity
	resource.ResourceWithImportState
}

// managedResourceBase is resourceBase for managed resources (list resources
// embed resourceBase alone): it also serves the schema and identity schema
// its constructor names, and checks every timeouts block.
type managedResourceBase struct {
	resourceBase
	schemaOf         func(context.Context) schema.Schema
	identitySchemaOf func() identityschema.Schema
}

func newManagedResourceBase(typeNameSuffix string, schemaOf func(context.Context) schema.Schema, identitySchemaOf func() identityschema.Schema) managedResourceBase {
	return managedResourceBase{resourceBase: resourceBase{typeNameSuffix: typeNameSuffix}, schemaOf: schemaOf, identitySchemaOf: identitySchemaOf}
}

func (b *managedResourceBase) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = b.schemaOf(ctx)
}

func (b *managedResourceBase) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = b.identitySchemaOf()
}

// ConfigValidators checks the whole configuration at plan time.
func (b *managedResourceBase) ConfigValidators(context.Context) []resource.ConfigValidator {
	return []resource.ConfigValidator{positiveTimeouts{}}
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
