package mqtt

import (
	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/apsaramq/terraform-provider-apsaramq/internal/onsmqtt"
)

// caCertificateModel is the configuration, plan and state of apsaramq_mqtt_ca_certificate.
type caCertificateModel struct {
	caCertificateItem
	Region   types.String   `tfsdk:"region"`
	Timeouts timeouts.Value `tfsdk:"timeouts"`
}

// caCertificateIdentityModel is the resource identity of apsaramq_mqtt_ca_certificate.
type caCertificateIdentityModel struct {
	InstanceID types.String `tfsdk:"instance_id"`
	Sn         types.String `tfsdk:"sn"`
	Region     types.String `tfsdk:"region"`
}

func (m *caCertificateModel) key() onsmqtt.CAKey {
	return onsmqtt.CAKey{InstanceID: m.InstanceID.ValueString(), Sn: m.Sn.ValueString()}
}

func (m *caCertificateModel) registerInput() onsmqtt.RegisterCAInput {
	return onsmqtt.RegisterCAInput{
		InstanceID:      m.InstanceID.ValueString(),
		Name:            m.Name.ValueString(),
		CAPEM:           m.CACertificatePEM.ValueString(),
		VerificationPEM: m.VerificationPEM.ValueString(),
	}
}

// setKey records what a registration returned, so that a failure after it
// still leaves the CA in state (tainted) rather than orphaned.
func (m *caCertificateModel) setKey(key onsmqtt.CAKey, region string) {
	m.ID = types.StringValue(formatCAID(key))
	m.Sn = types.StringValue(key.Sn)
	m.Region = types.StringValue(region)
	for _, v := range []*types.String{&m.ValidFrom, &m.ValidUntil, &m.RegistrationCode} {
		if v.IsUnknown() {
			*v = types.StringNull()
		}
	}
}

// fill copies what the API holds. The PEMs stay as configured (the service
// may re-encode them); only an import, which has none, takes the API's.
func (m *caCertificateModel) fill(ca onsmqtt.CACertificate, region string) {
	configured := m.caCertificateItem
	m.caCertificateItem = caItem(ca)
	m.Region = types.StringValue(region)
	if !configured.CACertificatePEM.IsNull() && !configured.CACertificatePEM.IsUnknown() {
		m.CACertificatePEM = configured.CACertificatePEM
	}
	if !configured.VerificationPEM.IsNull() && !configured.VerificationPEM.IsUnknown() {
		m.VerificationPEM = configured.VerificationPEM
	}
}

func caIdentity(k onsmqtt.CAKey, region string) caCertificateIdentityModel {
	return caCertificateIdentityModel{
		InstanceID: types.StringValue(k.InstanceID),
		Sn:         types.StringValue(k.Sn),
		Region:     types.StringValue(region),
	}
}

func (m caCertificateIdentityModel) importID() string {
	return formatCAID(onsmqtt.CAKey{InstanceID: m.InstanceID.ValueString(), Sn: m.Sn.ValueString()})
}

func (m caCertificateIdentityModel) importRegion() string { return m.Region.ValueString() }
