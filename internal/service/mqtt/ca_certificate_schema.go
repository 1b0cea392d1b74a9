package mqtt

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/resource/identityschema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
)

func caCertificateSchema(ctx context.Context) schema.Schema {
	replace := []planmodifier.String{stringplanmodifier.RequiresReplace()}
	keep := []planmodifier.String{stringplanmodifier.UseStateForUnknown()}
	return schema.Schema{
		MarkdownDescription: "Registers a **CA certificate** on an ApsaraMQ for MQTT instance (RegisterCaCertificate), holds its " +
			"status, and deregisters it on destroy (DeleteCaCertificate). Alibaba's API reference says that deleting a CA " +
			"also deletes the registrations of the device certificates it signed: after a destroy, those devices are " +
			"refused, and they register again only on their first connection after the CA is registered again. " +
			"A CA certificate can be registered with one instance per region (the same CA may serve a `cn-hangzhou` and " +
			"a `cn-shanghai` instance; a second instance in the same region answers `SnNotUnique`).\n\n" +
			"Once a CA is registered and active, the broker registers every device certificate it signed on that " +
			"device's first TLS connection; manage those with `apsaramq_mqtt_device_certificate_state`.\n\n" +
			"Registration needs a **verification certificate** signed by the CA whose subject common name is the " +
			"instance's current registration code (data source `apsaramq_mqtt_register_code`). A code can be used " +
			"once: after a registration the instance issues a new one. The provider checks at plan time, without " +
			"calling the API, that both PEMs parse, that the CA certificate is a CA (BasicConstraints CA=true) and " +
			"that the verification certificate is signed by it.",
		Attributes: map[string]schema.Attribute{
			"id":          importIDAttribute(caIDFormat),
			"instance_id": resourceInstanceIDAttribute(),
			"region":      resourceRegionAttribute(),
			"name": schema.StringAttribute{
				MarkdownDescription: "Name of the CA certificate on the instance (`CaName`). The API cannot rename a CA: changing it replaces the resource.",
				Required:            true,
				Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
				PlanModifiers:       replace,
			},
			"ca_certificate_pem": schema.StringAttribute{
				MarkdownDescription: "The CA certificate, PEM-encoded (one `CERTIFICATE` block; BasicConstraints CA=true). Changing it replaces the resource.",
				Required:            true,
				PlanModifiers:       replace,
			},
			"verification_certificate_pem": schema.StringAttribute{
				MarkdownDescription: "The verification certificate, PEM-encoded: signed by the CA, its subject common name set to the " +
					"registration code. The API uses it only at registration, so a later change is recorded in state " +
					"without any API call and never replaces the CA (the code is used once: see \"Registration codes are used once\" on this page).",
				Required: true,
			},
			"status": schema.StringAttribute{
				MarkdownDescription: "`active` (default): devices whose certificates it signed may register and connect. `inactive`: " +
					"they cannot. Changed in place (ActiveCaCertificate / InactivateCaCertificate).",
				Optional:   true,
				Computed:   true,
				Default:    stringdefault.StaticString(statusActive),
				Validators: []validator.String{statusValidator()},
			},
			"sn": schema.StringAttribute{
				MarkdownDescription: "Serial number the instance gave the CA certificate: the `ca_sn` of its device certificates.",
				Computed:            true,
				PlanModifiers:       keep,
			},
			"valid_from": schema.StringAttribute{
				MarkdownDescription: "Start of the CA certificate's validity, RFC 3339 in UTC.",
				Computed:            true,
				PlanModifiers:       keep,
			},
			"valid_until": schema.StringAttribute{
				MarkdownDescription: "End of the CA certificate's validity, RFC 3339 in UTC.",
				Computed:            true,
				PlanModifiers:       keep,
			},
			"registration_code": schema.StringAttribute{
				MarkdownDescription: "The registration code the CA was registered with (the verification certificate's common name).",
				Computed:            true,
				PlanModifiers:       keep,
			},
			"timeouts": timeouts.Attributes(ctx, timeouts.Opts{Create: true, Read: true, Update: true, Delete: true}),
		},
	}
}

func caCertificateIdentitySchema() identityschema.Schema {
	return identityschema.Schema{
		Attributes: map[string]identityschema.Attribute{
			"instance_id": identityschema.StringAttribute{RequiredForImport: true, Description: "ID of the MQTT instance."},
			"sn":          identityschema.StringAttribute{RequiredForImport: true, Description: "Serial number of the CA certificate."},
			"region":      regionIdentityAttribute(),
		},
	}
}
