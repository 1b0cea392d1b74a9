package mqtt

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/datasource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

var _ datasource.DataSourceWithConfigure = (*registerCodeDataSource)(nil)

type registerCodeDataSource struct {
	dataSourceBase
}

// NewRegisterCodeDataSource is the constructor the provider registers.
func NewRegisterCodeDataSource() datasource.DataSource {
	return &registerCodeDataSource{dataSourceBase{typeNameSuffix: "_mqtt_register_code"}}
}

type registerCodeDataSourceModel struct {
	ID           types.String `tfsdk:"id"`
	InstanceID   types.String `tfsdk:"instance_id"`
	RegisterCode types.String `tfsdk:"register_code"`
	dataSourceReadSettings
}

func (d *registerCodeDataSource) Schema(ctx context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Reads the instance's current **CA registration code** (GetRegisterCode): the subject common name " +
			"of the verification certificate that `apsaramq_mqtt_ca_certificate` registers a CA with.\n\n" +
			"A code is used once: after a CA registration the instance answers with a new code. A verification " +
			"certificate derived from this data source inside the same configuration therefore changes after the " +
			"first apply; see the `apsaramq_mqtt_ca_certificate` documentation for how to keep the CA from being replaced.",
		Attributes: map[string]schema.Attribute{
			"id":            computedString("`instance_id`."),
			"instance_id":   dataSourceInstanceIDAttribute(),
			"region":        dataSourceRegionAttribute(),
			"register_code": computedString("The current registration code."),
			"timeouts":      timeouts.Attributes(ctx),
		},
	}
}

func (d *registerCodeDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var cfg registerCodeDataSourceModel
	ctx, cancel, client, ok := d.startRead(ctx, req, resp, &cfg)
	if !ok {
		return
	}
	defer cancel()
	code, err := client.GetRegisterCode(ctx, cfg.InstanceID.ValueString())
	if err != nil {
		resp.Diagnostics.AddError("Unable to Read the Registration Code", apiErrorDetail("GetRegisterCode", err))
		return
	}
	cfg.ID = cfg.InstanceID
	cfg.RegisterCode = types.StringValue(code)
	cfg.Region = types.StringValue(client.Region())
	resp.Diagnostics.Append(resp.State.Set(ctx, &cfg)...)
}
