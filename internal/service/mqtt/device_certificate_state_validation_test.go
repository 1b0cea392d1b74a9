package mqtt_test

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/apsaramq/terraform-provider-apsaramq/internal/acctest"
	"github.com/apsaramq/terraform-provider-apsaramq/internal/emulator"
)

// invalidStateConfigs are configurations validation must refuse at plan time,
// each with the error text the user sees.
var invalidStateConfigs = []struct {
	name                     string
	instance, caSn, deviceSn string
	extra                    string
	want                     string
}{
	{"ca_sn 129 bytes ascii", "post-cn-demo0001", strings.Repeat("a", 129), "dev01", "", `ca_sn must be at most 128 bytes, got 129 bytes`},
	{"ca_sn 43 three-byte characters", "post-cn-demo0001", strings.Repeat("€", 43), "dev01", "", `ca_sn must be at most 128 bytes, got 129 bytes \(43 characters\)`},
	{"device_sn 129 bytes", "post-cn-demo0001", "ca01", strings.Repeat("b", 129), "", `device_sn must be at most 128 bytes`},
	{"empty ca_sn", "post-cn-demo0001", "", "dev01", "", `ca_sn must not be empty`},
	{"empty device_sn", "post-cn-demo0001", "ca01", "", "", `device_sn must not be empty`},
	{"ca_sn with space", "post-cn-demo0001", "ca 01", "dev01", "", `ca_sn must not contain whitespace`},
	{"device_sn with tab", "post-cn-demo0001", "ca01", "dev\t01", "", `device_sn must not contain whitespace`},
	{"device_sn with newline", "post-cn-demo0001", "ca01", "dev01\n", "", `device_sn must not contain whitespace`},
	{"ca_sn with control character", "post-cn-demo0001", "ca\u000101", "dev01", "", `ca_sn must not contain whitespace or control`},
	{"device_sn pasted in composite form", "post-cn-demo0001", "ca01", "post-cn-demo0001:ca01:dev01", "", `(?s)device_sn must not contain ':'.*import\s+IDs\s+use`},
	{"instance_id empty", "", "ca01", "dev01", "", `instance_id must not be empty`},
	{"instance_id wrong prefix", "kafka-cn-123", "ca01", "dev01", "", `instance_id must look like post-cn-xxxxxxxx`},
	{"instance_id upper case", "POST-CN-DEMO0001", "ca01", "dev01", "", `instance_id must look like post-cn-xxxxxxxx`},
	{"instance_id with colon", "post-cn-demo0001:ca01", "ca01", "dev01", "", `instance_id must look like`},
	{"instance_id too long", "post-cn-" + strings.Repeat("a", 60), "ca01", "dev01", "", `instance_id must be at most 64 characters`},
	{"status misspelled", "post-cn-demo0001", "ca01", "dev01", `status = "enabled"`, `status value must be one of`},
	{"status capitalised", "post-cn-demo0001", "ca01", "dev01", `status = "Active"`, `status value must be one of`},
	{"timeout not a duration", "post-cn-demo0001", "ca01", "dev01", `timeouts = { create = "soon" }`, `(?s)Invalid Attribute Value Time Duration.*"soon" must be a string containing a sequence of decimal numbers`},
}

func TestAccDeviceCertificateState_invalidConfigurationMakesNoAPICall(t *testing.T) {
	srv := acctest.StartEmulator(t, emulator.Options{})
	for _, tc := range invalidStateConfigs {
		t.Run(strings.ReplaceAll(tc.name, " ", "_"), func(t *testing.T) {
			cfg := acctest.ProviderBlock(srv, "") + fmt.Sprintf(`
resource "apsaramq_mqtt_device_certificate_state" "test" {
  instance_id = %s
  ca_sn       = %s
  device_sn   = %s
  %s
}
`, acctest.HCLString(tc.instance), acctest.HCLString(tc.caSn), acctest.HCLString(tc.deviceSn), tc.extra)
			resource.Test(t, resource.TestCase{
				PreCheck:                 func() { acctest.PreCheck(t) },
				ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories(),
				Steps: []resource.TestStep{{
					Config:      cfg,
					PlanOnly:    true,
					ExpectError: regexp.MustCompile(tc.want),
				}},
			})
		})
	}
	if err := acctest.CheckNoAPICalls(srv); err != nil {
		t.Error(err)
	}
}
