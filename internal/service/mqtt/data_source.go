package mqtt

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/datasource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/apsaramq/terraform-provider-apsaramq/internal/onsmqtt"
)

// What every data source of the package shares: the instance it reads, the
// region and timeouts of its read, and the start of that read.

// dataSourceInstanceIDAttribute is the instance every data source reads.
func dataSourceInstanceIDAttribute() schema.StringAttribute {
	return schema.StringAttribute{
		MarkdownDescription: "ID of the ApsaraMQ for MQTT instance.",
		Required:            true,
		Validators:          []validator.String{instanceIDValidator},
	}
}

// dataSourceSerialAttribute is a serial number the data source reads by.
func dataSourceSerialAttribute(description string) schema.StringAttribute {
	return schema.StringAttribute{
		MarkdownDescription: description,
		Required:            true,
		Validators:          []validator.String{serialNumberValidator},
	}
}

// computedString is a string attribute the data source reads from the API.
func computedString(description string) schema.StringAttribute {
	return schema.StringAttribute{MarkdownDescription: description, Computed: true}
}

// dataSourceReadSettings is embedded by every data source's model: the
// region (dataSourceRegionAttribute) and the timeouts block of the read.
type dataSourceReadSettings struct {
	Region   types.String   `tfsdk:"region"`
	Timeouts timeouts.Value `tfsdk:"timeouts"`
}

func (s *dataSourceReadSettings) readSettings() *dataSourceReadSettings { return s }

// dataSourceModel is a data source's model: one that embeds
// dataSourceReadSettings.
type dataSourceModel interface {
	readSettings() *dataSourceReadSettings
}

// startRead reads the configuration into cfg and starts the read in its
// region, bounded by its read timeout. When ok, the caller defers cancel;
// otherwise resp holds why not.
func (b *dataSourceBase) startRead(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse,
	cfg dataSourceModel) (_ context.Context, cancel context.CancelFunc, _ *onsmqtt.Client, ok bool) {
	if resp.Diagnostics.Append(req.Config.Get(ctx, cfg)...); resp.Diagnostics.HasError() {
		return ctx, func() {}, nil, false
	}
	settings := cfg.readSettings()
	timeout, diags := settings.Timeouts.Read(ctx, defaultDataSourceReadTimeout)
	return startOperation(ctx, b.client, settings.Region, timeout, diags, &resp.Diagnostics)
}
