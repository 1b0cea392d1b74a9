package mqtt

import (
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/apsaramq/terraform-provider-apsaramq/internal/onsmqtt"
)

// caCertificateItem is what the API holds about one CA certificate: an
// element of apsaramq_mqtt_ca_certificates' results, and the attributes of
// apsaramq_mqtt_ca_certificate (the data source and the resource) but their
// region and timeouts.
type caCertificateItem struct {
	ID               types.String `tfsdk:"id"`
	InstanceID       types.String `tfsdk:"instance_id"`
	Sn               types.String `tfsdk:"sn"`
	Name             types.String `tfsdk:"name"`
	Status           types.String `tfsdk:"status"`
	CACertificatePEM types.String `tfsdk:"ca_certificate_pem"`
	VerificationPEM  types.String `tfsdk:"verification_certificate_pem"`
	RegistrationCode types.String `tfsdk:"registration_code"`
	ValidFrom        types.String `tfsdk:"valid_from"`
	ValidUntil       types.String `tfsdk:"valid_until"`
}

func caItem(c onsmqtt.CACertificate) caCertificateItem {
	return caCertificateItem{
		ID:               types.StringValue(formatCAID(c.CAKey)),
		InstanceID:       types.StringValue(c.InstanceID),
		Sn:               types.StringValue(c.Sn),
		Name:             types.StringValue(c.Name),
		Status:           types.StringValue(string(c.Status)),
		CACertificatePEM: types.StringValue(c.Content),
		VerificationPEM:  types.StringValue(c.VerificationContent),
		RegistrationCode: types.StringValue(c.RegistrationCode),
		ValidFrom:        rfc3339(c.ValidBegin),
		ValidUntil:       rfc3339(c.ValidEnd),
	}
}

// caItemAttributes describes a CA certificate's computed attributes, shared
// by the single and the list data source.
func caItemAttributes() map[string]schema.Attribute {
	return map[string]schema.Attribute{
		"id":                           computedString("`instance_id:sn`, the import ID of `apsaramq_mqtt_ca_certificate`."),
		"instance_id":                  computedString("ID of the instance."),
		"sn":                           computedString("Serial number of the CA certificate (the `ca_sn` of its device certificates)."),
		"name":                         computedString("Name of the CA certificate."),
		"status":                       computedString("`active` or `inactive`."),
		"ca_certificate_pem":           computedString("The CA certificate in PEM form."),
		"verification_certificate_pem": computedString("The verification certificate it was registered with, in PEM form."),
		"registration_code":            computedString("The registration code it was registered with."),
		"valid_from":                   computedString("Start of the CA certificate's validity, RFC 3339 in UTC."),
		"valid_until":                  computedString("End of the CA certificate's validity, RFC 3339 in UTC."),
	}
}
