package mqtt

import (
	"context"
	"sort"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/datasource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/apsaramq/terraform-provider-apsaramq/internal/onsmqtt"
)

var (
	_ datasource.DataSource              = (*caCertificatesDataSource)(nil)
	_ datasource.DataSourceWithConfigure = (*caCertificatesDataSource)(nil)
)

type caCertificatesDataSource struct {
	client *onsmqtt.Client
}

// NewCaCertificatesDataSource is the constructor the provider registers.
func NewCaCertificatesDataSource() datasource.DataSource {
	return &caCertificatesDataSource{}
}

type caCertificatesDataSourceModel struct {
	ID           types.String        `tfsdk:"id"`
	InstanceID   types.String        `tfsdk:"instance_id"`
	Region       types.String        `tfsdk:"region"`
	Status       types.String        `tfsdk:"status"`
	NameRegex    types.String        `tfsdk:"name_regex"`
	Certificates []caCertificateItem `tfsdk:"certificates"`
	IDs          []string            `tfsdk:"ids"`
	Timeouts     timeouts.Value      `tfsdk:"timeouts"`
}

// caCertificateItem is one CA certificate in data source results.
type caCertificateItem struct {
	ID               types.String `tfsdk:"id"`
	InstanceID       types.String `tfsdk:"instance_id"`
	Sn               types.String `tfsdk:"sn"`
	Name             types.String `tfsdk:"name"`
	Status           types.String `tfsdk:"status"`
	CaCertificatePEM types.String `tfsdk:"ca_certificate_pem"`
	VerificationPEM  types.String `tfsdk:"verification_certificate_pem"`
	RegistrationCode types.String `tfsdk:"registration_code"`
	ValidFrom        types.String `tfsdk:"valid_from"`
	ValidUntil       types.String `tfsdk:"valid_until"`
}

func caItem(c onsmqtt.CACertificate) caCertificateItem {
	return caCertificateItem{
		ID:               types.StringValue(formatCaID(c.CaKey)),
		InstanceID:       types.StringValue(c.InstanceID),
		Sn:               types.StringValue(c.Sn),
		Name:             types.StringValue(c.Name),
		Status:           types.StringValue(string(c.Status)),
		CaCertificatePEM: types.StringValue(c.Content),
		VerificationPEM:  types.StringValue(c.VerificationContent),
		RegistrationCode: types.StringValue(c.RegistrationCode),
		ValidFrom:        rfc3339(c.ValidBegin),
		ValidUntil:       rfc3339(c.ValidEnd),
	}
}

// caItemAttributes describes a CA certificate's computed attributes, shared
// by the single and the list data source.
func caItemAttributes() map[string]schema.Attribute {
	computed := func(desc string) schema.StringAttribute {
		return schema.StringAttribute{MarkdownDescription: desc, Computed: true}
	}
	return map[string]schema.Attribute{
		"id":                           computed("`instance_id:sn`, the import ID of `apsaramq_mqtt_ca_certificate`."),
		"instance_id":                  computed("ID of the instance."),
		"sn":                           computed("Serial number of the CA certificate (the `ca_sn` of its device certificates)."),
		"name":                         computed("Name of the CA certificate."),
		"status":                       computed("`active` or `inactive`."),
		"ca_certificate_pem":           computed("The CA certificate in PEM form."),
		"verification_certificate_pem": computed("The verification certificate it was registered with, in PEM form."),
		"registration_code":            computed("The registration code it was registered with."),
		"valid_from":                   computed("Start of the CA certificate's validity, RFC 3339 in UTC."),
		"valid_until":                  computed("End of the CA certificate's validity, RFC 3339 in UTC."),
	}
}

func (d *caCertificatesDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_mqtt_ca_certificates"
}

func (d *caCertificatesDataSource) Schema(ctx context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Lists the **CA certificates** registered on an ApsaraMQ for MQTT instance (ListCaCertificate), " +
			"following every page, optionally filtered by status and name, sorted by `sn`.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{MarkdownDescription: "`instance_id`.", Computed: true},
			"instance_id": schema.StringAttribute{
				MarkdownDescription: "ID of the ApsaraMQ for MQTT instance.",
				Required:            true,
				Validators:          []validator.String{instanceIDValidator},
			},
			"region": dataSourceRegionAttribute(),
			"status": schema.StringAttribute{
				MarkdownDescription: "Only CA certificates in this status: `active` or `inactive`. Default: both.",
				Optional:            true,
				Validators:          []validator.String{stringvalidator.OneOf(statusActive, statusInactive)},
			},
			"name_regex": schema.StringAttribute{
				MarkdownDescription: "Only CA certificates whose `name` matches this regular expression (Go RE2 syntax, unanchored). Checked at plan time.",
				Optional:            true,
				Validators:          []validator.String{nameRegexValidator},
			},
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

func (d *caCertificatesDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	client, diags := clientFrom(req.ProviderData)
	resp.Diagnostics.Append(diags...)
	d.client = client
}

func (d *caCertificatesDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var cfg caCertificatesDataSourceModel
	if resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...); resp.Diagnostics.HasError() {
		return
	}
	filter, err := newListFilter(cfg.Status, cfg.NameRegex)
	if err != nil {
		resp.Diagnostics.AddAttributeError(path.Root("name_regex"), "Invalid Regular Expression", err.Error())
		return
	}
	timeout, diags := cfg.Timeouts.Read(ctx, defaultDataSourceReadTimeout)
	ctx, cancel, client, ok := startOperation(ctx, d.client, cfg.Region, timeout, diags, &resp.Diagnostics)
	if !ok {
		return
	}
	defer cancel()
	cas, err := client.ListCaCertificates(ctx, cfg.InstanceID.ValueString())
	if err != nil {
		resp.Diagnostics.AddError("Unable to List CA Certificates", apiErrorDetail("ListCaCertificate", err))
		return
	}
	sort.SliceStable(cas, func(i, j int) bool { return cas[i].Sn < cas[j].Sn })
	cfg.Certificates, cfg.IDs = []caCertificateItem{}, []string{}
	for i, c := range cas {
		if (i > 0 && c.Sn == cas[i-1].Sn) || !filter.keep(c.Status, c.Name) {
			continue // a page boundary can repeat an item
		}
		cfg.Certificates = append(cfg.Certificates, caItem(c))
		cfg.IDs = append(cfg.IDs, formatCaID(c.CaKey))
	}
	cfg.ID = cfg.InstanceID
	cfg.Region = types.StringValue(client.Region())
	resp.Diagnostics.Append(resp.State.Set(ctx, &cfg)...)
}
