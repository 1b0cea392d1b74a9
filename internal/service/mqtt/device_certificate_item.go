package mqtt

import (
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/apsaramq/terraform-provider-apsaramq/internal/onsmqtt"
)

// deviceCertificateItem is what the API holds about one device certificate:
// an element of apsaramq_mqtt_device_certificates' results, and the
// attributes apsaramq_mqtt_device_certificate and
// apsaramq_mqtt_device_certificate_state share with it.
type deviceCertificateItem struct {
	ID             types.String `tfsdk:"id"`
	InstanceID     types.String `tfsdk:"instance_id"`
	CASn           types.String `tfsdk:"ca_sn"`
	DeviceSn       types.String `tfsdk:"device_sn"`
	Status         types.String `tfsdk:"status"`
	DeviceName     types.String `tfsdk:"device_name"`
	CertificatePEM types.String `tfsdk:"certificate_pem"`
	ValidFrom      types.String `tfsdk:"valid_from"`
	ValidUntil     types.String `tfsdk:"valid_until"`
}

func deviceItem(c onsmqtt.DeviceCertificate) deviceCertificateItem {
	return deviceCertificateItem{
		ID:             types.StringValue(formatDeviceID(c.DeviceKey)),
		InstanceID:     types.StringValue(c.InstanceID),
		CASn:           types.StringValue(c.CASn),
		DeviceSn:       types.StringValue(c.DeviceSn),
		Status:         types.StringValue(string(c.Status)),
		DeviceName:     types.StringValue(c.DeviceName),
		CertificatePEM: types.StringValue(c.Content),
		ValidFrom:      rfc3339(c.ValidBegin),
		ValidUntil:     rfc3339(c.ValidEnd),
	}
}

// deviceItemAttributes describes a device certificate's computed attributes,
// shared by the single and the list data source.
func deviceItemAttributes() map[string]schema.Attribute {
	return map[string]schema.Attribute{
		"id":              computedString("`instance_id:ca_sn:device_sn`, the import ID of `apsaramq_mqtt_device_certificate_state`."),
		"instance_id":     computedString("ID of the instance."),
		"ca_sn":           computedString("Serial number of the CA certificate that signed it."),
		"device_sn":       computedString("Serial number of the device certificate."),
		"status":          computedString("`active` or `inactive`."),
		"device_name":     computedString("Device name the broker recorded (the certificate's common name)."),
		"certificate_pem": computedString("The device certificate in PEM form, as the broker recorded it."),
		"valid_from":      computedString("Start of the certificate's validity, RFC 3339 in UTC."),
		"valid_until":     computedString("End of the certificate's validity, RFC 3339 in UTC."),
	}
}
