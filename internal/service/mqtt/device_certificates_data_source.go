package mqtt

import (
	"context"
	"sort"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/datasource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/apsaramq/terraform-provider-apsaramq/internal/onsmqtt"
)

var _ datasource.DataSourceWithConfigure = (*deviceCertificatesDataSource)(nil)

type deviceCertificatesDataSource struct {
	dataSourceBase
}

// NewDeviceCertificatesDataSource is the constructor the provider registers.
func NewDeviceCertificatesDataSource() datasource.DataSource {
	return &deviceCertificatesDataSource{dataSourceBase{typeNameSuffix: "_mqtt_device_certificates"}}
}

type deviceCertificatesDataSourceModel struct {
	ID         types.String `tfsdk:"id"`
	InstanceID types.String `tfsdk:"instance_id"`
	CASn       types.String `tfsdk:"ca_sn"`
	listFilterConfig
	Certificates []deviceCertificateItem `tfsdk:"certificates"`
	IDs          []string                `tfsdk:"ids"`
	dataSourceReadSettings
}

func (d *deviceCertificatesDataSource) Schema(ctx context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Lists the **device certificates** registered on an ApsaraMQ for MQTT instance, or under one of its CAs " +
			"(ListDeviceCertificate / ListDeviceCertificateByCaSn), following every page, optionally filtered by status and " +
			"device name. Results are sorted by `ca_sn`, then `device_sn`, so plans do not churn when the API returns them in " +
			"another order.\n\nUse it with `for_each` to manage every certificate under a CA in one block: " +
			"`for_each = { for c in data.apsaramq_mqtt_device_certificates.x.certificates : c.device_sn => c }` " +
			"(device serial numbers are unique under one CA; without `ca_sn`, key by `c.id`).",
		Attributes: map[string]schema.Attribute{
			"id":          computedString("`instance_id`, or `instance_id:ca_sn` when `ca_sn` is set."),
			"instance_id": dataSourceInstanceIDAttribute(),
			"ca_sn": schema.StringAttribute{
				MarkdownDescription: "Only certificates signed by this CA (ListDeviceCertificateByCaSn). Default: every CA of the instance.",
				Optional:            true,
				Validators:          []validator.String{serialNumberValidator},
			},
			"region":     dataSourceRegionAttribute(),
			"status":     listStatusAttribute("certificates"),
			"name_regex": nameRegexAttribute("certificates", "device_name"),
			"certificates": schema.ListNestedAttribute{
				MarkdownDescription: "The matching certificates, sorted by `ca_sn`, then `device_sn`.",
				Computed:            true,
				NestedObject:        schema.NestedAttributeObject{Attributes: deviceItemAttributes()},
			},
			"ids": schema.ListAttribute{
				MarkdownDescription: "The `id` of each certificate in `certificates`, in the same order.",
				Computed:            true,
				ElementType:         types.StringType,
			},
			"timeouts": timeouts.Attributes(ctx),
		},
	}
}

func (d *deviceCertificatesDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var cfg deviceCertificatesDataSourceModel
	ctx, cancel, client, ok := d.startRead(ctx, req, resp, &cfg)
	if !ok {
		return
	}
	defer cancel()
	filter, ok := cfg.filter(&resp.Diagnostics)
	if !ok {
		return
	}
	certs, err := client.ListDeviceCertificates(ctx, cfg.InstanceID.ValueString(), cfg.CASn.ValueString())
	if err != nil {
		resp.Diagnostics.AddError("Unable to List Device Certificates", apiErrorDetail(listDevicesAction(cfg.CASn.ValueString()), err))
		return
	}
	cfg.fill(certs, filter, client.Region())
	tflog.Debug(ctx, "listed device certificates", map[string]any{"listed": len(certs), "kept": len(cfg.IDs)})
	resp.Diagnostics.Append(resp.State.Set(ctx, &cfg)...)
}

// fill records the certificates the filter keeps, sorted, and the region
// the client addressed.
func (m *deviceCertificatesDataSourceModel) fill(certs []onsmqtt.DeviceCertificate, filter listFilter, region string) {
	m.Certificates, m.IDs = []deviceCertificateItem{}, []string{}
	for _, c := range sortedDevices(certs) {
		if filter.keep(c.Status, c.DeviceName) {
			m.Certificates = append(m.Certificates, deviceItem(c))
			m.IDs = append(m.IDs, formatDeviceID(c.DeviceKey))
		}
	}
	m.ID = m.InstanceID
	if caSn := m.CASn.ValueString(); caSn != "" {
		m.ID = types.StringValue(m.InstanceID.ValueString() + ":" + caSn)
	}
	m.Region = types.StringValue(region)
}

func listDevicesAction(caSn string) string {
	if caSn != "" {
		return "ListDeviceCertificateByCaSn"
	}
	return "ListDeviceCertificate"
}

// sortedDevices orders by (ca_sn, device_sn), so that plans do not churn
// when the API lists in another order. The list has no duplicates: the
// client's pager returns each certificate once.
func sortedDevices(certs []onsmqtt.DeviceCertificate) []onsmqtt.DeviceCertificate {
	sort.SliceStable(certs, func(i, j int) bool {
		if certs[i].CASn != certs[j].CASn {
			return certs[i].CASn < certs[j].CASn
		}
		return certs[i].DeviceSn < certs[j].DeviceSn
	})
	return certs
}
