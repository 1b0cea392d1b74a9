// Package provider holds the apsaramq provider: its schema, configuration and
// credential resolution. Resources live in internal/service/mqtt.
package provider

import (
	"context"
	"sync/atomic"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/resource"

	"github.com/apsaramq/terraform-provider-apsaramq/internal/onsmqtt"
	"github.com/apsaramq/terraform-provider-apsaramq/internal/service/mqtt"
)

// Address is the provider's registry address.
const Address = "registry.terraform.io/apsaramq/apsaramq"

var (
	_ provider.Provider                  = (*apsaramqProvider)(nil)
	_ provider.ProviderWithListResources = (*apsaramqProvider)(nil)
)

type apsaramqProvider struct {
	version string
	// configured is the API client Configure made, for the RPCs served
	// below the framework (NewProtocol6Server); nil before Configure.
	configured atomic.Pointer[onsmqtt.Client]
}

// New returns a constructor of the provider at version.
func New(version string) func() provider.Provider {
	return func() provider.Provider { return &apsaramqProvider{version: version} }
}

func (p *apsaramqProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "apsaramq"
	resp.Version = p.version
}

func (p *apsaramqProvider) Schema(_ context.Context, _ provider.SchemaRequest, resp *provider.SchemaResponse) {
	resp.Schema = providerSchema()
}

func (p *apsaramqProvider) Resources(context.Context) []func() resource.Resource {
	return mqtt.Resources()
}

func (p *apsaramqProvider) DataSources(context.Context) []func() datasource.DataSource {
	return mqtt.DataSources()
}

// ListResources are served to engines with terraform query (Terraform 1.14+).
func (p *apsaramqProvider) ListResources(context.Context) []func() list.ListResource {
	return mqtt.ListResources()
}
