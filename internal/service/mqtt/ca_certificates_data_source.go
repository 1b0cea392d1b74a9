package mqtt

import (
	"context"
	"sort"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/datasource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/apsaramq/terraform-provider-apsaramq/internal/onsmqtt"
)

var _ datasource.DataSourceWithConfigure = (*caCertificatesDataSource)(nil)

type caCertificatesDataSource struct {
	dataSourceBase
}

// NewCACertificatesDataSource is the constructor the provider registers.
func NewCACertificatesDataSource() datasource.DataSource {
	return &caCertificatesDataSource{dataSourceBase{typeNameSuffix: "_mqtt_ca_certificates"}}
}

type caCertificatesDataSourceModel struct {
	ID         types.String `tfsdk:"id"`
	InstanceID types.String `tfsdk:"instance_id"`
	listFilterConfig
	Certificates []caCertificateItem `tfsdk:"certificates"`
	IDs          []string            `tfsdk:"ids"`
	dataSourceReadSettings
}

func (d *caCertificatesDataSource) Schema(ctx context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Lists the **CA certificates** registered on an ApsaraMQ for MQTT instance (ListCaCertificate), " +
			"following every page, optionally filtered by status and name, sorted by `sn`.",
		Attributes: map[string]schema.Attribute{
			"id":          computedString("`instance_id`."),
			"instance_id": dataSourceInstanceIDAttribute(),
			"region":      dataSourceRegionAttribute(),
			"status":      listStatusAttribute("CA certificates"),
			"name_regex":  nameRegexAttribute("CA certificates", "name"),
			"certificates": schema.ListNestedAttribute{
				MarkdownDescription: "The matching CA certificates, sorted by `sn`.",
				Computed:            true,
				NestedObject:        schema.NestedAttributeObject{Attributes: caItemAttributes()},
			},
			"ids": schema.ListAttribute{
				MarkdownDescription: "The `id` of each CA certificate in `certificates`, in the same order.",
				Computed:            true,
				ElementType:         types.StringType,
			},
			"timeouts": timeouts.Attributes(ctx),
		},
	}
}

func (d *caCertificatesDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var cfg caCertificatesDataSourceModel
	ctx, cancel, client, ok := d.startRead(ctx, req, resp, &cfg)
	if !ok {
		return
	}
	defer cancel()
	filter, ok := cfg.filter(&resp.Diagnostics)
	if !ok {
		return
	}
	cas, err := client.ListCACertificates(ctx, cfg.InstanceID.ValueString())
	if err != nil {
		resp.Diagnostics.AddError("Unable to List CA Certificates", apiErrorDetail("ListCaCertificate", err))
		return
	}
	cfg.fill(cas, filter, client.Region())
	resp.Diagnostics.Append(resp.State.Set(ctx, &cfg)...)
}

// fill records the CAs the filter keeps, sorted, and the region the client
// addressed.
func (m *caCertificatesDataSourceModel) fill(cas []onsmqtt.CACertificate, filter listFilter, region string) {
	m.Certificates, m.IDs = []caCertificateItem{}, []string{}
	for _, c := range sortedCAs(cas) {
		if filter.keep(c.Status, c.Name) {
			m.Certificates = append(m.Certificates, caItem(c))
			m.IDs = append(m.IDs, formatCAID(c.CAKey))
		}
	}
	m.ID = m.InstanceID
	m.Region = types.StringValue(region)
}

// sortedCAs orders by serial number, so that plans do not churn when the API
// lists in another order. The list has no duplicates: the client's pager
// returns each CA once.
func sortedCAs(cas []onsmqtt.CACertificate) []onsmqtt.CACertificate {
	sort.SliceStable(cas, func(i, j int) bool { return cas[i].Sn < cas[j].Sn })
	return cas
}
