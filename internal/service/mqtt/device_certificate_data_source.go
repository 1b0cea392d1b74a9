package mqtt

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/datasource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/apsaramq/terraform-provider-apsaramq/internal/onsmqtt"
)

var _ datasource.DataSourceWithConfigure = (*deviceCertificateDataSource)(nil)

type deviceCertificateDataSource struct {
	dataSourceBase
}

// NewDeviceCertificateDataSource is the constructor the provider registers.
func NewDeviceCertificateDataSource() datasource.DataSource {
	return &deviceCertificateDataSource{dataSourceBase{typeNameSuffix: "_mqtt_device_certificate"}}
}

type deviceCertificateDataSourceModel struct {
	deviceCertificateItem
	dataSourceReadSettings
}

func (d *deviceCertificateDataSource) Schema(ctx context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	attrs := deviceItemAttributes()
	attrs["instance_id"] = dataSourceInstanceIDAttribute()
	attrs["ca_sn"] = dataSourceSerialAttribute("Serial number of the CA certificate that signed the device certificate.")
	attrs["device_sn"] = dataSourceSerialAttribute("Serial number of the device certificate.")
	attrs["region"] = dataSourceRegionAttribute()
	attrs["timeouts"] = timeouts.Attributes(ctx)
	resp.Schema = schema.Schema{
		MarkdownDescription: "Reads one **device certificate** registered on an ApsaraMQ for MQTT instance (GetDeviceCertificate). " +
			"Fails when the broker has not registered it, i.e. the device never connected.",
		Attributes: attrs,
	}
}

func (d *deviceCertificateDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var cfg deviceCertificateDataSourceModel
	ctx, cancel, client, ok := d.startRead(ctx, req, resp, &cfg)
	if !ok {
		return
	}
	defer cancel()
	key := onsmqtt.DeviceKey{InstanceID: cfg.InstanceID.ValueString(), CASn: cfg.CASn.ValueString(), DeviceSn: cfg.DeviceSn.ValueString()}
	cert, err := client.GetDeviceCertificate(ctx, key)
	if onsmqtt.IsNotFound(err) {
		resp.Diagnostics.AddError("Device Certificate Not Registered", notRegisteredDetail(key, err))
		return
	}
	if err != nil {
		resp.Diagnostics.AddError("Unable to Read Device Certificate", apiErrorDetail("GetDeviceCertificate", err))
		return
	}
	configured := cfg.deviceCertificateItem
	cfg.deviceCertificateItem = deviceItem(cert)
	cfg.InstanceID, cfg.CASn, cfg.DeviceSn = configured.InstanceID, configured.CASn, configured.DeviceSn // as configured, whatever the API's spelling
	cfg.Region = types.StringValue(client.Region())
	resp.Diagnostics.Append(resp.State.Set(ctx, &cfg)...)
}
