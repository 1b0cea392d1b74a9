package mqtt

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/list"
	listschema "github.com/hashicorp/terraform-plugin-framework/list/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/apsaramq/terraform-provider-apsaramq/internal/onsmqtt"
)

var _ list.ListResourceWithConfigure = (*deviceAccessListResource)(nil)

type deviceAccessListResource struct {
	resourceBase
}

// NewDeviceAccessListResource is the constructor the provider registers.
func NewDeviceAccessListResource() list.ListResource {
	return &deviceAccessListResource{resourceBase{typeNameSuffix: "_mqtt_device_access"}}
}

func (l *deviceAccessListResource) ListResourceConfigSchema(_ context.Context, _ list.ListResourceSchemaRequest, resp *list.ListResourceSchemaResponse) {
	resp.Schema = listschema.Schema{
		MarkdownDescription: "Lists one `apsaramq_mqtt_device_access` per **CA registered on an ApsaraMQ for MQTT instance**, " +
			"for `terraform query` (Terraform 1.14 or later): the way to adopt every CA's certificates at once. Each result " +
			"carries the resource's identity (`instance_id`, `ca_sn`, `region`), from `ListCaCertificate` only. With " +
			"`include_resource` (implied by `-generate-config-out`) it also holds the resource as an import reads it: " +
			"`devices` with every registered certificate and its current status (one `ListDeviceCertificateByCaSn` read " +
			"per CA) and `unlisted_devices = \"ignore\"`, so generated configuration plans as an import with no change.",
		Attributes: listTargetAttributes(),
	}
}

// List reads the CAs; only with include_resource does it read each CA's
// certificates, one CA at a time as results are sent, so that the engine's
// limit also bounds the device reads.
func (l *deviceAccessListResource) List(ctx context.Context, req list.ListRequest, stream *list.ListResultsStream) {
	streamCAListing(ctx, req, stream, l.client, "CA certificates (one device access each)", func(ctx context.Context, client *onsmqtt.Client, ca onsmqtt.CACertificate) list.ListResult {
		return accessListResult(ctx, req, client, ca)
	})
}

// accessListResult is the device access of one CA. With include_resource,
// its state is what the resource's read after an import records
// (readAccess with nothing in state yet: every registered certificate into
// devices, with its status).
func accessListResult(ctx context.Context, req list.ListRequest, client *onsmqtt.Client, ca onsmqtt.CACertificate) list.ListResult {
	key := deviceAccessKey{InstanceID: ca.InstanceID, CASn: ca.Sn}
	var certs []onsmqtt.DeviceStatus
	if req.IncludeResource {
		var err error
		certs, err = client.ListDeviceStatuses(ctx, key.InstanceID, key.CASn)
		if onsmqtt.IsNotFound(err) {
			var warning diag.Diagnostics
			warning.AddWarning("CA Deregistered While Listing",
				fmt.Sprintf("%s was deregistered between listing the CAs and listing its certificates; it is left out.", key))
			return list.ListResult{Diagnostics: warning}
		}
		if err != nil {
			return listError("Unable to List Device Certificates", apiErrorDetail("ListDeviceCertificateByCaSn", err))
		}
	}
	return newListResult(ctx, req, fmt.Sprintf("CA %s (%s)", ca.Name, ca.Sn), deviceAccessIdentity(key, client.Region()),
		func() (any, diag.Diagnostics) {
			t, diags := nullTimeouts(ctx, req)
			data, err := readAccess(accessData{}, true, false, certs)
			if err != nil {
				diags.AddError("Unable to Read Device Access", err.Error())
			}
			m := deviceAccessModel{
				InstanceID:               types.StringValue(key.InstanceID),
				CASn:                     types.StringValue(key.CASn),
				UnlistedDevices:          types.StringNull(),
				AllowUnregisteredDevices: types.BoolNull(),
				Timeouts:                 t,
			}
			m.setData(data, client.Region())
			return &m, diags
		})
}
