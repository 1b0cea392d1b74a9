package mqtt

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/apsaramq/terraform-provider-apsaramq/internal/onsmqtt"
)

// Plan-time checks shared by the two resources whose destroy inactivates
// certificates: a plan that would replace one of them, or create one under
// default deny, first makes sure that what the configuration names exists,
// and is refused (pointing at the attribute) when it does not, so that no
// destroy runs for a typo.

// planCheckClient is the client for plan-time calls in the region the plan
// names (unset: the provider's), bounded by timeouts.read. ok is false when
// no call can be made: the provider is not configured yet (validation, where
// the checks are skipped), or diags says why (a bad timeouts block or region).
func planCheckClient(ctx context.Context, base *onsmqtt.Client, region types.String, t timeouts.Value,
	diags *diag.Diagnostics) (context.Context, context.CancelFunc, *onsmqtt.Client, bool) {
	if base == nil {
		return ctx, func() {}, nil, false
	}
	timeout, timeoutDiags := t.Read(ctx, defaultReadTimeout)
	return startOperation(ctx, base, region, timeout, timeoutDiags, diags)
}

// checkedKey is what a plan-time check looked for, to name it in errors.
type checkedKey struct {
	InstanceID, CASn, DeviceSn string
	Region                     string
}

// refuseMissing reports what a check found missing at the attribute that
// names it. consequence says what the plan spared by stopping (e.g. what
// the destroy of a replacement would have inactivated); suggestions are
// registered serial numbers close to a mistyped one.
func refuseMissing(diags *diag.Diagnostics, m onsmqtt.Missing, k checkedKey, consequence string, suggestions []string) {
	var (
		attr    path.Path
		summary string
		b       strings.Builder
	)
	switch m {
	case onsmqtt.MissingInstance:
		attr, summary = path.Root("instance_id"), "MQTT Instance Not Found"
		fmt.Fprintf(&b, "Instance %q does not exist in region %s (the API answered MqttInstanceNotFound).", k.InstanceID, k.Region)
	case onsmqtt.MissingCA:
		attr, summary = path.Root("ca_sn"), "CA Certificate Not Found"
		fmt.Fprintf(&b, "No CA certificate %q is registered on instance %s (region %s).", k.CASn, k.InstanceID, k.Region)
	default:
		attr, summary = path.Root("device_sn"), "Device Certificate Not Registered"
		fmt.Fprintf(&b, "No device certificate %q is registered under CA %s on instance %s (region %s).", k.DeviceSn, k.CASn, k.InstanceID, k.Region)
	}
	if len(suggestions) > 0 {
		fmt.Fprintf(&b, " Did you mean %s?", quoteList(suggestions))
	}
	b.WriteString("\n\nThe plan stops here")
	if consequence != "" {
		b.WriteString(": " + consequence)
	}
	b.WriteString(".\n\n")
	switch m {
	case onsmqtt.MissingInstance:
		b.WriteString("Check instance_id and region (the resource's, or the provider's when unset).")
	case onsmqtt.MissingCA:
		b.WriteString("Check ca_sn: the data source apsaramq_mqtt_ca_certificates lists the CA certificates of an instance, " +
			"and apsaramq_mqtt_ca_certificate.sn names one this configuration registers.")
	default:
		b.WriteString("Check device_sn. A device certificate is registered by the broker when the device first connects with " +
			"a certificate signed by the CA; set wait_for_registration = true to create the resource before that.")
	}
	diags.AddAttributeError(attr, summary, b.String())
}

// suggestCAs names the instance's CA certificates close to a mistyped
// serial number, with one ListCaCertificate call made only on that error
// path; a failed list suggests nothing.
func suggestCAs(ctx context.Context, client *onsmqtt.Client, instanceID, caSn string) []string {
	cas, err := client.ListCACertificates(ctx, instanceID)
	if err != nil {
		return nil
	}
	sns := make([]string, 0, len(cas))
	for _, ca := range cas {
		sns = append(sns, ca.Sn)
	}
	return suggestSerials(caSn, sns)
}

// quoteList renders serial numbers for a sentence: "a", "a" or "b", ...
func quoteList(sns []string) string {
	quoted := make([]string, len(sns))
	for i, sn := range sns {
		quoted[i] = fmt.Sprintf("%q", sn)
	}
	if len(quoted) == 1 {
		return quoted[0]
	}
	return strings.Join(quoted[:len(quoted)-1], ", ") + " or " + quoted[len(quoted)-1]
}

// keyUnknown names the identifying attributes whose planned value is known
// only at apply (a value from a resource not yet created), in order.
func keyUnknown(attrs map[string]types.String, order ...string) []string {
	var out []string
	for _, name := range order {
		if attrs[name].IsUnknown() {
			out = append(out, name)
		}
	}
	return out
}
