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

var _ datasource.DataSourceWithConfigure = (*caCertificateDataSource)(nil)

type caCertificateDataSource struct {
	dataSourceBase
}

// NewCACertificateDataSource is the constructor the provider registers.
func NewCACertificateDataSource() datasource.DataSource {
	return &caCertificateDataSource{dataSourceBase{typeNameSuffix: "_mqtt_ca_certificate"}}
}

type caCertificateDataSourceModel struct {
	ID               types.String `tfsdk:"id"`
	InstanceID       types.String `tfsdk:"instance_id"`
	Sn               types.String `tfsdk:"sn"`
	Name             types.String `tfsdk:"name"`
	Status           types.String `tfsdk:"status"`
	CACertificatePEM types.String `tfsdk:"ca_certificate_pem"`
	VerificationPEM  types.String `tfsdk:"verification_certificate_pem"`
	RegistrationCode types.String `tfsdk:"registration_code"`
	ValidFrom        types.String `tfsdk:"valid_from"`
	ValidUntil       types.String `tfsdk:"valid_until"`
	dataSourceReadSettings
}

func (d *caCertificateDataSource) Schema(ctx context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	attrs := caItemAttributes()
	attrs["instance_id"] = dataSourceInstanceIDAttribute()
	attrs["sn"] = schema.StringAttribute{
		MarkdownDescription: "Serial number of the CA certificate.",
		Required:            true,
		Validators:          []validator.String{serialNumberValidator},
	}
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
	item := caItem(ca)
	cfg.ID, cfg.Name, cfg.Status = item.ID, item.Name, item.Status
	cfg.CACertificatePEM, cfg.VerificationPEM, cfg.RegistrationCode = item.CACertificatePEM, item.VerificationPEM, item.RegistrationCode
	cfg.ValidFrom, cfg.ValidUntil = item.ValidFrom, item.ValidUntil
	cfg.Region = types.StringValue(client.Region())
	resp.Diagnostics.Append(resp.State.Set(ctx, &cfg)...)
}
