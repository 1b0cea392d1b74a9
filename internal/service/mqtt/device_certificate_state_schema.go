package mqtt

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/resource/identityschema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
)

func deviceCertificateStateSchema(ctx context.Context) schema.Schema {
	replace := []planmodifier.String{stringplanmodifier.RequiresReplace()}
	keep := []planmodifier.String{stringplanmodifier.UseStateForUnknown()}
	return schema.Schema{
		MarkdownDescription: "Holds the registration state of one ApsaraMQ for MQTT **device certificate**: whether a device " +
			"presenting it may connect (`active`) or is refused (`inactive`).\n\n" +
			"Device certificates are not created through the API: the broker registers one the first time a device " +
			"connects with a certificate signed by a registered CA. This resource therefore adopts an existing " +
			"registration; creating it for a certificate the broker has not seen is an error, unless " +
			"`wait_for_registration` asks create to wait for the device's first connection. Destroying it " +
			"**inactivates** the certificate (InactivateDeviceCertificate), so the device can no longer connect; " +
			"the registration record itself is kept. Every plan that destroys or replaces it says so in a warning, and a " +
			"replacement whose new certificate (or its instance or CA) does not exist is refused at plan.",
		Attributes: map[string]schema.Attribute{
			"id":          importIDAttribute(deviceIDFormat),
			"instance_id": resourceInstanceIDAttribute(),
			"ca_sn": schema.StringAttribute{
				MarkdownDescription: "Serial number of the CA certificate that signed the device certificate: at most 128 **bytes** " +
					"(multi-byte characters count by their UTF-8 length), no whitespace or `:`. Changing it replaces the resource.",
				Required:      true,
				Validators:    []validator.String{serialNumberValidator},
				PlanModifiers: replace,
			},
			"device_sn": schema.StringAttribute{
				MarkdownDescription: "Serial number of the device certificate: at most 128 **bytes**, no whitespace or `:`. Changing it replaces the resource.",
				Required:            true,
				Validators:          []validator.String{serialNumberValidator},
				PlanModifiers:       replace,
			},
			"status": schema.StringAttribute{
				MarkdownDescription: "`active` (default): devices presenting the certificate may connect. `inactive`: they are refused. " +
					"A change calls ActiveDeviceCertificate or InactivateDeviceCertificate in place; a change made outside " +
					"Terraform shows as drift in the next plan.",
				Optional:   true,
				Computed:   true,
				Default:    stringdefault.StaticString(statusActive),
				Validators: []validator.String{statusValidator()},
			},
			"device_name": schema.StringAttribute{
				MarkdownDescription: "Device name the broker recorded (the certificate's common name).",
				Computed:            true,
				PlanModifiers:       keep,
			},
			"certificate_pem": schema.StringAttribute{
				MarkdownDescription: "The device certificate in PEM form, as the broker recorded it.",
				Computed:            true,
				PlanModifiers:       keep,
			},
			"valid_from": schema.StringAttribute{
				MarkdownDescription: "Start of the certificate's validity, RFC 3339 in UTC.",
				Computed:            true,
				PlanModifiers:       keep,
			},
			"valid_until": schema.StringAttribute{
				MarkdownDescription: "End of the certificate's validity, RFC 3339 in UTC.",
				Computed:            true,
				PlanModifiers:       keep,
			},
			"region": resourceRegionAttribute(),
			"wait_for_registration": schema.BoolAttribute{
				MarkdownDescription: "When `true`, create waits for the device to connect for the first time instead of failing " +
					"when the broker has not registered its certificate yet: it checks with GetDeviceCertificate after 1s, " +
					"backing off to one check every 15s (with jitter), until the certificate appears or `timeouts.create` " +
					"(default 5m) ends, which fails with an error saying the device never connected. Useful for pipelines " +
					"that apply before devices come online. Default `false` (create fails at once). It has no effect on " +
					"read, update, delete or import, and changing it does not call the API.",
				Optional: true,
				Computed: true,
				Default:  booldefault.StaticBool(false),
			},
			"timeouts": timeouts.Attributes(ctx, timeouts.Opts{Create: true, Read: true, Update: true, Delete: true}),
		},
	}
}

func deviceCertificateIdentitySchema() identityschema.Schema {
	return identityschema.Schema{
		Attributes: map[string]identityschema.Attribute{
			"instance_id": identityschema.StringAttribute{RequiredForImport: true, Description: "ID of the MQTT instance."},
			"ca_sn":       identityschema.StringAttribute{RequiredForImport: true, Description: "Serial number of the CA certificate."},
			"device_sn":   identityschema.StringAttribute{RequiredForImport: true, Description: "Serial number of the device certificate."},
			"region":      regionIdentityAttribute(),
		},
	}
}
