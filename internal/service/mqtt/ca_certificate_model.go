package mqtt

import (
	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/apsaramq/terraform-provider-apsaramq/internal/onsmqtt"
)

// caCertificateModel is the configuration, plan and state of apsaramq_mqtt_ca_certificate.
type caCertificateModel struct {
	ID               types.String   `tfsdk:"id"`
	InstanceID       types.String   `tfsdk:"instance_id"`
	Region           types.String   `tfsdk:"region"`
	Name             types.String   `tfsdk:"name"`
	CACertificatePEM types.String   `tfsdk:"ca_certificate_pem"`
	VerificationPEM  types.String   `tfsdk:"verification_certificate_pem"`
	Status           types.String   `tfsdk:"status"`
	Sn               types.String   `tfsdk:"sn"`
	ValidFrom        types.String   `tfsdk:"valid_from"`
	ValidUntil       types.String   `tfsdk:"valid_until"`
	RegistrationCode types.String   `tfsdk:"registration_code"`
	Timeouts         timeouts.Value `tfsdk:"timeouts"`
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
	m.setKey(ca.CAKey, region)
	m.InstanceID = types.StringValue(ca.InstanceID)
	m.Name = types.StringValue(ca.Name)
	m.Status = types.StringValue(string(ca.Status))
	m.ValidFrom = rfc3339(ca.ValidBegin)
	m.ValidUntil = rfc3339(ca.ValidEnd)
	m.RegistrationCode = types.StringValue(ca.RegistrationCode)
	if m.CACertificatePEM.IsNull() || m.CACertificatePEM.IsUnknown() {
		m.CACertificatePEM = types.StringValue(ca.Content)
	}
	if m.VerificationPEM.IsNull() || m.VerificationPEM.IsUnknown() {
		m.VerificationPEM = types.StringValue(ca.VerificationContent)
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
