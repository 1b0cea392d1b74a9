package mqtt

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/list"
	listschema "github.com/hashicorp/terraform-plugin-framework/list/schema"

	"github.com/apsaramq/terraform-provider-apsaramq/internal/onsmqtt"
)

var _ list.ListResourceWithConfigure = (*caCertificateListResource)(nil)

type caCertificateListResource struct {
	resourceBase
}

// NewCACertificateListResource is the constructor the provider registers.
func NewCACertificateListResource() list.ListResource {
	return &caCertificateListResource{resourceBase{typeNameSuffix: "_mqtt_ca_certificate"}}
}

func (l *caCertificateListResource) ListResourceConfigSchema(_ context.Context, _ list.ListResourceSchemaRequest, resp *list.ListResourceSchemaResponse) {
	resp.Schema = listschema.Schema{
		MarkdownDescription: "Lists the **CA certificates** registered on an ApsaraMQ for MQTT instance, one result per CA, " +
			"for `terraform query` (Terraform 1.14 or later). Each result carries the identity of `apsaramq_mqtt_ca_certificate` " +
			"(`instance_id`, `sn`, `region`); with `include_resource` also the resource as an import reads it, PEMs included. " +
			"It reads with `ListCaCertificate` only, one call per 100 CAs, with or without `include_resource`.",
		Attributes: listTargetAttributes(),
	}
}

func (l *caCertificateListResource) List(ctx context.Context, req list.ListRequest, stream *list.ListResultsStream) {
	streamCAListing(ctx, req, stream, l.client, "CA certificates", func(ctx context.Context, client *onsmqtt.Client, ca onsmqtt.CACertificate) list.ListResult {
		return caListResult(ctx, req, ca, client.Region())
	})
}

// caListResult is one CA: its identity, and the resource as a read after
// import records it (fill takes the API's PEMs when none are configured).
func caListResult(ctx context.Context, req list.ListRequest, ca onsmqtt.CACertificate, region string) list.ListResult {
	r := newListResult(ctx, req, fmt.Sprintf("%s (%s, %s)", ca.Name, ca.Sn, ca.Status), caIdentity(ca.CAKey, region),
		func() (any, diag.Diagnostics) {
			t, diags := nullTimeouts(ctx, req)
			m := caCertificateModel{Timeouts: t}
			m.fill(ca, region)
			return &m, diags
		})
	if req.IncludeResource && ca.VerificationContent == "" {
		// The resource requires the PEM and checks it at plan time: say so
		// here rather than let the generated configuration fail there.
		r.Diagnostics.AddWarning("CA Certificate Without Verification Certificate",
			fmt.Sprintf("The API answers no verification certificate for CA %s on instance %s, so its resource holds "+
				"verification_certificate_pem = \"\", which plan refuses. Set it to the verification certificate the CA was "+
				"registered with (the API uses it only at registration: a later change calls no API and never replaces the CA), "+
				"or leave this CA out of the configuration.", ca.Sn, ca.InstanceID))
	}
	return r
}
