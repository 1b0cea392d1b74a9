package mqtt

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/apsaramq/terraform-provider-apsaramq/internal/onsmqtt"
)

// The API may render serial numbers its own way (the reference's samples
// are lower-case hex with leading zeros); what the configuration says stays,
// so no plan ever shows a replacement for a spelling.
func TestFillKeepsTheConfiguredSerialSpelling(t *testing.T) {
	m := deviceCertificateStateModel{deviceCertificateItem: deviceCertificateItem{
		InstanceID: types.StringValue("post-cn-demo0001"),
		CASn:       types.StringValue("00F26900BA87AB12"),
		DeviceSn:   types.StringValue("0356217374433CD34"),
	}}
	api := onsmqtt.DeviceCertificate{
		DeviceKey: onsmqtt.DeviceKey{InstanceID: "post-cn-demo0001", CASn: "00f26900ba87ab12", DeviceSn: "0356217374433cd34"},
		Status:    onsmqtt.StatusActive,
	}
	m.fill(api, "cn-hangzhou")
	if m.CASn.ValueString() != "00F26900BA87AB12" || m.DeviceSn.ValueString() != "0356217374433CD34" {
		t.Fatalf("fill rewrote the configured serials to %s/%s", m.CASn.ValueString(), m.DeviceSn.ValueString())
	}
	if want := "post-cn-demo0001:00F26900BA87AB12:0356217374433CD34"; m.ID.ValueString() != want {
		t.Fatalf("ID = %s, want %s", m.ID.ValueString(), want)
	}
	if m.Status.ValueString() != "active" {
		t.Fatalf("status = %s: fill must still copy what the API holds", m.Status.ValueString())
	}
}
