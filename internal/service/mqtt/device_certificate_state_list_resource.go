package mqtt

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/list"
	listschema "github.com/hashicorp/terraform-plugin-framework/list/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/apsaramq/terraform-provider-apsaramq/internal/onsmqtt"
)

var _ list.ListResourceWithConfigure = (*deviceCertificateStateListResource)(nil)

type deviceCertificateStateListResource struct {
	resourceBase
}

// NewDeviceCertificateStateListResource is the constructor the provider registers.
func NewDeviceCertificateStateListResource() list.ListResource {
	return &deviceCertificateStateListResource{resourceBase{typeNameSuffix: "_mqtt_device_certificate_state"}}
}

type deviceCertificateStateListConfig struct {
	listTarget
	CASn   types.String `tfsdk:"ca_sn"`
	Status types.String `tfsdk:"status"`
}

func (l *deviceCertificateStateListResource) ListResourceConfigSchema(_ context.Context, _ list.ListResourceSchemaRequest, resp *list.ListResourceSchemaResponse) {
	attrs := listTargetAttributes()
	attrs["ca_sn"] = listschema.StringAttribute{
		MarkdownDescription: "Only certificates signed by this CA. Default: every CA of the instance. Checked before any API call.",
		Optional:            true,
		Validators:          []validator.String{serialNumberValidator},
	}
	attrs["status"] = listschema.StringAttribute{
		MarkdownDescription: "Only certificates in this status: `active` or `inactive`. Default: both. Checked before any API call.",
		Optional:            true,
		Validators:          []validator.String{statusValidator()},
	}
	resp.Schema = listschema.Schema{
		MarkdownDescription: "Lists the **device certificates** the broker registered on an ApsaraMQ for MQTT instance, or under " +
			"one of its CAs, one result per certificate, for `terraform query` (Terraform 1.14 or later). Each result carries " +
			"the identity of `apsaramq_mqtt_device_certificate_state` (`instance_id`, `ca_sn`, `device_sn`, `region`); with " +
			"`include_resource` also the resource as an import reads it. It reads with `ListDeviceCertificateByCaSn` (with " +
			"`ca_sn`) or `ListDeviceCertificate`, one call per 100 certificates either way. Mind the list block's `limit` " +
			"(100 unless set): a warning names it when it cuts the list.",
		Attributes: attrs,
	}
}

func (l *deviceCertificateStateListResource) List(ctx context.Context, req list.ListRequest, stream *list.ListResultsStream) {
	streamListing(ctx, req, stream, l.client,
		func(ctx context.Context, client *onsmqtt.Client, cfg deviceCertificateStateListConfig, push func(list.ListResult) bool) {
			caSn := cfg.CASn.ValueString()
			certs, err := client.ListDeviceCertificates(ctx, cfg.InstanceID.ValueString(), caSn)
			if err != nil {
				push(listError("Unable to List Device Certificates", apiErrorDetail(listDevicesAction(caSn), err)))
				return
			}
			filter, _ := newListFilter(cfg.Status, types.StringNull()) // no regular expression: no error
			var kept []onsmqtt.DeviceCertificate
			for _, c := range sortedDevices(certs) {
				if filter.keep(c.Status, c.DeviceName) {
					kept = append(kept, c)
				}
			}
			listStream(ctx, req, push, "device certificates", kept, func(c onsmqtt.DeviceCertificate) list.ListResult {
				return deviceListResult(ctx, req, c, client.Region())
			})
		})
}

// deviceListResult is one device certificate: its identity, and the
// resource as a read after import records it.
func deviceListResult(ctx context.Context, req list.ListRequest, c onsmqtt.DeviceCertificate, region string) list.ListResult {
	name := fmt.Sprintf("%s (%s)", c.DeviceSn, c.Status)
	if c.DeviceName != "" {
		name = fmt.Sprintf("%s (%s, %s)", c.DeviceName, c.DeviceSn, c.Status)
	}
	return newListResult(ctx, req, name, identityFromKey(c.DeviceKey, region), func() (any, diag.Diagnostics) {
		t, diags := nullTimeouts(ctx, req)
		m := deviceCertificateStateModel{deviceCertificateItem: deviceItem(c), Timeouts: t}
		m.fill(c, region)
		return &m, diags
	})
}
