package mqtt

import (
	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/apsaramq/terraform-provider-apsaramq/internal/onsmqtt"
)

// deviceCertificateStateModel is the configuration, plan and state of apsaramq_mqtt_device_certificate_state.
type deviceCertificateStateModel struct {
	deviceCertificateItem
	Region              types.String   `tfsdk:"region"`
	WaitForRegistration types.Bool     `tfsdk:"wait_for_registration"`
	Timeouts            timeouts.Value `tfsdk:"timeouts"`
}

// deviceCertificateIdentityModel is the resource identity of apsaramq_mqtt_device_certificate_state.
type deviceCertificateIdentityModel struct {
	InstanceID types.String `tfsdk:"instance_id"`
	CASn       types.String `tfsdk:"ca_sn"`
	DeviceSn   types.String `tfsdk:"device_sn"`
	Region     types.String `tfsdk:"region"`
}

func (m *deviceCertificateStateModel) key() onsmqtt.DeviceKey {
	return onsmqtt.DeviceKey{InstanceID: m.InstanceID.ValueString(), CASn: m.CASn.ValueString(), DeviceSn: m.DeviceSn.ValueString()}
}

// fill copies what the API holds into the model; region is the region the
// client addressed. The identifying attributes keep the spelling the
// configuration (or import ID) gave: the API found the certificate by them,
// and a different rendering in its answer (letter case, for one) must not
// become a difference that replaces the resource.
func (m *deviceCertificateStateModel) fill(cert onsmqtt.DeviceCertificate, region string) {
	cert.DeviceKey = m.key()
	m.deviceCertificateItem = deviceItem(cert)
	m.Region = types.StringValue(region)
	if m.WaitForRegistration.IsNull() || m.WaitForRegistration.IsUnknown() {
		// Imported, or created before the attribute existed: its default.
		m.WaitForRegistration = types.BoolValue(false)
	}
}

func identityFromKey(k onsmqtt.DeviceKey, region string) deviceCertificateIdentityModel {
	return deviceCertificateIdentityModel{
		InstanceID: types.StringValue(k.InstanceID),
		CASn:       types.StringValue(k.CASn),
		DeviceSn:   types.StringValue(k.DeviceSn),
		Region:     types.StringValue(region),
	}
}

func (m deviceCertificateIdentityModel) importID() string {
	return formatDeviceID(onsmqtt.DeviceKey{InstanceID: m.InstanceID.ValueString(), CASn: m.CASn.ValueString(), DeviceSn: m.DeviceSn.ValueString()})
}

func (m deviceCertificateIdentityModel) importRegion() string { return m.Region.ValueString() }
