package mqtt

import (
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/apsaramq/terraform-provider-apsaramq/internal/onsmqtt"
)

// caIDFormat is shown in every import error.
const caIDFormat = "instance_id:sn"

func formatCaID(k onsmqtt.CaKey) string { return k.InstanceID + ":" + k.Sn }

// parseCaID parses an import ID (without its @region suffix).
func parseCaID(id string) (onsmqtt.CaKey, error) {
	instanceID, sn, err := parseInstanceSerialID(id, caIDFormat, "sn")
	return onsmqtt.CaKey{InstanceID: instanceID, Sn: sn}, err
}

// parseInstanceSerialID parses the two-part IDs "instance_id:<serial>" of
// the CA and device access resources, checking each part like the schema
// does; format and snName name the shape and the serial's attribute in errors.
func parseInstanceSerialID(id, format, snName string) (string, string, error) {
	parts := strings.Split(id, ":")
	if len(parts) != 2 {
		return "", "", fmt.Errorf("expected an import ID of the form %s with two parts, got %d part(s) in %q", format, len(parts), id)
	}
	if problem := instanceIDProblem(parts[0]); problem != "" {
		return "", "", fmt.Errorf("import ID %q: instance_id %s (expected %s)", id, problem, format)
	}
	if problem := serialNumberProblem(parts[1]); problem != "" {
		return "", "", fmt.Errorf("import ID %q: %s %s (expected %s)", id, snName, problem, format)
	}
	return parts[0], parts[1], nil
}

func (m *caCertificateModel) key() onsmqtt.CaKey {
	return onsmqtt.CaKey{InstanceID: m.InstanceID.ValueString(), Sn: m.Sn.ValueString()}
}

func (m *caCertificateModel) plannedStatus() onsmqtt.Status {
	if m.Status.ValueString() == statusInactive {
		return onsmqtt.StatusInactive
	}
	return onsmqtt.StatusActive
}

func (m *caCertificateModel) registerInput() onsmqtt.RegisterCaInput {
	return onsmqtt.RegisterCaInput{
		InstanceID:      m.InstanceID.ValueString(),
		Name:            m.Name.ValueString(),
		CaPEM:           m.CaCertificatePEM.ValueString(),
		VerificationPEM: m.VerificationPEM.ValueString(),
	}
}

// setKey records what a registration returned, so that a failure after it
// still leaves the CA in state (tainted) rather than orphaned.
func (m *caCertificateModel) setKey(key onsmqtt.CaKey, region string) {
	m.ID = types.StringValue(formatCaID(key))
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
	m.setKey(ca.CaKey, region)
	m.InstanceID = types.StringValue(ca.InstanceID)
	m.Name = types.StringValue(ca.Name)
	m.Status = types.StringValue(string(ca.Status))
	m.ValidFrom = rfc3339(ca.ValidBegin)
	m.ValidUntil = rfc3339(ca.ValidEnd)
	m.RegistrationCode = types.StringValue(ca.RegistrationCode)
	if m.CaCertificatePEM.IsNull() || m.CaCertificatePEM.IsUnknown() {
		m.CaCertificatePEM = types.StringValue(ca.Content)
	}
	if m.VerificationPEM.IsNull() || m.VerificationPEM.IsUnknown() {
		m.VerificationPEM = types.StringValue(ca.VerificationContent)
	}
}

func caIdentity(k onsmqtt.CaKey, region string) caCertificateIdentityModel {
	return caCertificateIdentityModel{
		InstanceID: types.StringValue(k.InstanceID),
		Sn:         types.StringValue(k.Sn),
		Region:     types.StringValue(region),
	}
}

func (m caCertificateIdentityModel) importID() string {
	return formatCaID(onsmqtt.CaKey{InstanceID: m.InstanceID.ValueString(), Sn: m.Sn.ValueString()})
}

func (m caCertificateIdentityModel) importRegion() string { return m.Region.ValueString() }
