package mqtt

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/datasource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/apsaramq/terraform-provider-apsaramq/internal/onsmqtt"
)

var _ datasource.DataSourceWithConfigure = (*caCertificateDataSource)(nil)

type caCertificateDataSource struct {
	dataSourceBase
}

// NewCACertificateDataSource is the constructor the provider registers.
func NewCACertificateDataSource() datasource.DataSource {
	return &caCertificateDataSource{dataSourceBase{typeNameSuffix: "_mqtt_ca_certificate"}}
}

type caCertificateDataSourceModel struct {
	caCertificateItem
	dataSourceReadSettings
}

func (d *caCertificateDataSource) Schema(ctx context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	attrs := caItemAttributes()
	attrs["instance_id"] = dataSourceInstanceIDAttribute()
	attrs["sn"] = dataSourceSerialAttribute("Serial number of the CA certificate.")
	attrs["region"] = dataSourceRegionAttribute()
	attrs["timeouts"] = timeouts.Attributes(ctx)
	resp.Schema = schema.Schema{
		MarkdownDescription: "Reads one **CA certificate** registered on an ApsaraMQ for MQTT instance (GetCaCertificate).",
		Attributes:          attrs,
	}
}

func (d *caCertificateDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var cfg caCertificateDataSourceModel
	ctx, cancel, client, ok := d.startRead(ctx, req, resp, &cfg)
	if !ok {
		return
	}
	defer cancel()
	ca, err := client.GetCACertificate(ctx, onsmqtt.CAKey{InstanceID: cfg.InstanceID.ValueString(), Sn: cfg.Sn.ValueString()})
	if err != nil {
		resp.Diagnostics.AddError("Unable to Read CA Certificate", apiErrorDetail("GetCaCertificate", err))
		return
	}
	configured := cfg.caCertificateItem
	cfg.caCertificateItem = caItem(ca)
	cfg.InstanceID, cfg.Sn = configured.InstanceID, configured.Sn // as configured, whatever the API's spelling
	cfg.Region = types.StringValue(client.Region())
	resp.Diagnostics.Append(resp.State.Set(ctx, &cfg)...)
}
