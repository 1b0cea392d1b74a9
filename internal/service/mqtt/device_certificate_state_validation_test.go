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

// badInput is one invalid configuration the provider must refuse before any
// API call, with the error text the user sees. want is a regular expression
// whose spaces match any whitespace: engines wrap long messages.
type badInput struct {
	name string
	// config is the whole configuration (stateConfigAt, accessConfigAt).
	config string
	// importID, when set, runs `import` with this ID instead of a plan, of
	// resource (default the device state resource).
	importID string
	resource string
	// env is set for the case only (cases run one after another).
	env  map[string]string
	want string
}

// badAccessCases are the device access resource's invalid inputs: each map
// key is a serial number (named in the error), each value a status, and the
// import ID has two parts.
func badAccessCases(srv *emulator.Server) []badInput {
	const inst = emulator.DemoInstanceID
	provider := acctest.ProviderBlock(srv, "")
	acc := func(devices, extra string) string { return accessConfigAt(provider, inst, "ca01", devices, extra) }
	key := func(k string) string { return fmt.Sprintf("{ %s = \"active\" }", acctest.HCLString(k)) }
	valid := acc(key("dev01"), "")
	imp := func(name, id, want string) badInput {
		return badInput{name: name, config: valid, importID: id, resource: "apsaramq_mqtt_device_access.test", want: want}
	}
	return []badInput{
		{name: "access key 129 bytes", config: acc(key(strings.Repeat("a", 129)), ""), want: `Attribute devices\["a{129}"\] must be at most 128 bytes, got 129 bytes`},
		{name: "access key 43 three-byte characters", config: acc(key(strings.Repeat("€", 43)), ""), want: `devices\["€{43}"\] must be at most 128 bytes, got 129 bytes \(43 characters\)`},
		{name: "access key empty", config: acc(key(""), ""), want: `devices\[""\] must not be empty`},
		{name: "access key with space", config: acc(key("dev 01"), ""), want: `devices\["dev 01"\] must not contain whitespace`},
		{name: "access key as openssl prints it", config: acc(key("3a:7f:1c"), ""), want: `devices\["3a:7f:1c"\] must not contain ':'`},
		{name: "access keys naming one certificate", config: acc(`{ "00AB" = "active", "ab" = "inactive" }`, ""), want: `Duplicate Device Serial Number.*Keys "00AB" and "ab" of devices name the same certificate`},
		{name: "access status misspelled", config: acc(`{ dev01 = "enabled" }`, ""), want: `devices\["dev01"\] value must be one of: \["active" "inactive"\], got: "enabled"`},
		{name: "access status capitalised", config: acc(`{ dev01 = "Inactive" }`, ""), want: `devices\["dev01"\] value must be one of`},
		{name: "access status null", config: acc(`{ dev01 = null }`, ""), want: `devices\["dev01"\] must be "active" or "inactive", not null`},
		{name: "access devices as a list", config: acc(`["dev01"]`, ""), want: `Inappropriate value for attribute "devices"`},
		{name: "access devices missing", config: acctest.ProviderBlock(srv, "") + fmt.Sprintf("resource \"apsaramq_mqtt_device_access\" \"test\" {\n  instance_id = %q\n  ca_sn = \"ca01\"\n}\n", inst), want: `The argument "devices" is required`},
		{name: "access unlisted_devices unknown word", config: acc(key("dev01"), `unlisted_devices = "deny"`), want: `unlisted_devices value must be one of: \["ignore" "inactive" "active"\]`},
		{name: "access unlisted_devices capitalised", config: acc(key("dev01"), `unlisted_devices = "Inactive"`), want: `unlisted_devices value must be one of`},
		{name: "access allow_unregistered_devices not a bool", config: acc(key("dev01"), `allow_unregistered_devices = "maybe"`), want: `Inappropriate value for attribute "allow_unregistered_devices"`},
		{name: "access computed count set", config: acc(key("dev01"), `registered_count = 3`), want: `registered_count.*(read-only|Read-Only|cannot set)`},
		{name: "access instance_id wrong prefix", config: accessConfigAt(provider, "kafka-cn-123", "ca01", key("dev01"), ""), want: `instance_id must look like post-cn-xxxxxxxx`},
		{name: "access ca_sn with colon", config: accessConfigAt(provider, inst, "3a:7f", key("dev01"), ""), want: `ca_sn must not contain ':'`},
		{name: "access ca_sn 129 bytes", config: accessConfigAt(provider, inst, strings.Repeat("c", 129), key("dev01"), ""), want: `ca_sn must be at most 128 bytes`},
		{name: "access timeout negative", config: acc(key("dev01"), `timeouts = { update = "-1m" }`), want: `(?s)Invalid Timeout.*timeouts.update must be a positive duration`},
		imp("access import ID with a slash", inst+"/ca01", `Unexpected Import Identifier.*instance_id:ca_sn with two parts, got 1 part`),
		imp("access import ID with a device", inst+":ca01:dev01", `instance_id:ca_sn with two parts, got 3 part\(s\)`),
		imp("access import ID without CA", inst+":", `ca_sn must not be empty`),
		imp("access import ID with a bad region", inst+":ca01@Shanghai", `the part after '@' must be a region`),
		imp("access import ID with a bad instance", "kafka-cn-1:ca01", `instance_id must look like`),
	}
}

// badProvider is a provider block with body, plus a valid resource (which
// makes the engine configure the provider). Unless body sets endpoints
// itself, they point at srv: a call that leaked past validation would reach
// the emulator and be counted, never the public endpoint.
func badProvider(srv *emulator.Server, body string) string {
	if !strings.Contains(body, "endpoints {") {
		body += fmt.Sprintf("\n  endpoints {\n    onsmqtt = %q\n    sts     = %q\n  }", srv.URL, srv.URL)
	}
	return fmt.Sprintf("provider \"apsaramq\" {\n%s\n}\n", body) + fmt.Sprintf(`
resource "apsaramq_mqtt_device_certificate_state" "test" {
  instance_id = %q
  ca_sn       = "ca01"
  device_sn   = "dev01"
}
`, emulator.DemoInstanceID)
}

// badInputCatalogue lists the invalid inputs of the categories:
// lengths in bytes and characters, empty strings, whitespace, colon-separated
// serial numbers, instance IDs, status values, import IDs, endpoints,
// credentials and timeouts, and the device access resource's (badAccessCases). The provider package's own credential tests
// (internal/provider) hold further provider-block cases.
func badInputCatalogue(srv *emulator.Server) []badInput {
	const inst = emulator.DemoInstanceID
	res := func(instance, caSn, deviceSn, extra string) string {
		return stateConfigAt(srv, instance, caSn, deviceSn, extra)
	}
	valid := res(inst, "ca01", "dev01", "")
	keys := fmt.Sprintf("region = %q\n  access_key = %q\n  secret_key = %q", emulator.DemoRegion, emulator.DemoAccessKeyID, emulator.DemoAccessKeySecret)
	endpoint := func(url string) string {
		return keys + fmt.Sprintf("\n  endpoints {\n    onsmqtt = %s\n  }", acctest.HCLString(url))
	}
	return append([]badInput{
		// Lengths: the API counts bytes, so do we; the message gives both.
		{name: "ca_sn 129 bytes ascii", config: res(inst, strings.Repeat("a", 129), "dev01", ""), want: `ca_sn must be at most 128 bytes, got 129 bytes`},
		{name: "ca_sn 43 three-byte characters", config: res(inst, strings.Repeat("€", 43), "dev01", ""), want: `ca_sn must be at most 128 bytes, got 129 bytes \(43 characters\)`},
		{name: "device_sn 129 bytes", config: res(inst, "ca01", strings.Repeat("b", 129), ""), want: `device_sn must be at most 128 bytes`},
		{name: "device_sn 65 two-byte characters", config: res(inst, "ca01", strings.Repeat("é", 65), ""), want: `device_sn must be at most 128 bytes, got 130 bytes \(65 characters\)`},
		{name: "device_sn 32 four-byte characters plus one", config: res(inst, "ca01", strings.Repeat("😀", 32)+"a", ""), want: `device_sn must be at most 128 bytes, got 129 bytes \(33 characters\)`},
		{name: "instance_id too long", config: res("post-cn-"+strings.Repeat("a", 60), "ca01", "dev01", ""), want: `instance_id must be at most 64 characters`},
		// Empty strings.
		{name: "empty ca_sn", config: res(inst, "", "dev01", ""), want: `ca_sn must not be empty`},
		{name: "empty device_sn", config: res(inst, "ca01", "", ""), want: `device_sn must not be empty`},
		{name: "instance_id empty", config: res("", "ca01", "dev01", ""), want: `instance_id must not be empty`},
		{name: "status empty", config: res(inst, "ca01", "dev01", `status = ""`), want: `status value must be one of`},
		{name: "missing device_sn", config: acctest.ProviderBlock(srv, "") + fmt.Sprintf(`
resource "apsaramq_mqtt_device_certificate_state" "test" {
  instance_id = %q
  ca_sn       = "ca01"
}
`, inst), want: `The argument "device_sn" is required`},
		// Whitespace and control characters.
		{name: "ca_sn with space", config: res(inst, "ca 01", "dev01", ""), want: `ca_sn must not contain whitespace`},
		{name: "ca_sn only spaces", config: res(inst, "   ", "dev01", ""), want: `ca_sn must not contain whitespace`},
		{name: "device_sn with tab", config: res(inst, "ca01", "dev\t01", ""), want: `device_sn must not contain whitespace`},
		{name: "device_sn with newline", config: res(inst, "ca01", "dev01\n", ""), want: `device_sn must not contain whitespace`},
		{name: "device_sn with leading space", config: res(inst, "ca01", " dev01", ""), want: `device_sn must not contain whitespace`},
		{name: "device_sn with no-break space", config: res(inst, "ca01", "dev\u00a001", ""), want: `device_sn must not contain whitespace`},
		{name: "ca_sn with control character", config: res(inst, "ca\u000101", "dev01", ""), want: `ca_sn must not contain whitespace or control`},
		{name: "instance_id with trailing space", config: res(inst+" ", "ca01", "dev01", ""), want: `instance_id must look like post-cn-xxxxxxxx`},
		// Colon-separated serial numbers.
		{name: "ca_sn as openssl prints it", config: res(inst, "3a:7f:1c:0d:e0:00:00:01", "dev01", ""), want: `ca_sn must not contain ':'`},
		{name: "device_sn pasted in composite form", config: res(inst, "ca01", inst+":ca01:dev01", ""), want: `device_sn must not contain ':'.*import IDs use`},
		// Instance IDs.
		{name: "instance_id wrong prefix", config: res("kafka-cn-123", "ca01", "dev01", ""), want: `instance_id must look like post-cn-xxxxxxxx`},
		{name: "instance_id upper case", config: res("POST-CN-DEMO0001", "ca01", "dev01", ""), want: `instance_id must look like post-cn-xxxxxxxx`},
		{name: "instance_id with colon", config: res(inst+":ca01", "ca01", "dev01", ""), want: `instance_id must look like`},
		{name: "instance_id with underscores", config: res("post_cn_demo0001", "ca01", "dev01", ""), want: `instance_id must look like`},
		{name: "instance_id trailing dash", config: res("post-cn-", "ca01", "dev01", ""), want: `instance_id must look like`},
		// Status values.
		{name: "status misspelled", config: res(inst, "ca01", "dev01", `status = "enabled"`), want: `status value must be one of`},
		{name: "status capitalised", config: res(inst, "ca01", "dev01", `status = "Active"`), want: `status value must be one of`},
		{name: "status in the API's form", config: res(inst, "ca01", "dev01", `status = "1"`), want: `status value must be one of`},
		// Timeouts.
		{name: "timeout not a duration", config: res(inst, "ca01", "dev01", `timeouts = { create = "soon" }`), want: `Invalid Attribute Value Time Duration.*"soon" must be a string containing a sequence of decimal numbers`},
		{name: "timeout in days", config: res(inst, "ca01", "dev01", `timeouts = { update = "1d" }`), want: `"1d" must be a string containing a sequence of decimal numbers`},
		{name: "timeout empty", config: res(inst, "ca01", "dev01", `timeouts = { delete = "" }`), want: `"" must be a string containing a sequence of decimal numbers`},
		// An unknown key (timeouts = { creat = "5m" }) is silently dropped by the
		// engine's object conversion, so it cannot be part of this catalogue.
		{name: "timeout negative", config: res(inst, "ca01", "dev01", `timeouts = { create = "-5m" }`), want: `(?s)Invalid Timeout.*timeouts.create must be a positive duration`},
		{name: "timeout zero", config: res(inst, "ca01", "dev01", `timeouts = { delete = "0s" }`), want: `(?s)Invalid Timeout.*timeouts.delete must be a positive duration`},
		{name: "timeout with a space", config: res(inst, "ca01", "dev01", `timeouts = { read = "5 m" }`), want: `"5 m" must be a string containing a sequence of decimal numbers`},
		{name: "timeouts written as a block", config: res(inst, "ca01", "dev01", "timeouts {\n    create = \"5m\"\n  }"), want: `Unsupported block type.*timeouts`},
		// Malformed import IDs.
		{name: "import ID with slashes", config: valid, importID: inst + "/ca01/dev01", want: `Unexpected Import Identifier.*instance_id:ca_sn:device_sn.*got 1 part`},
		{name: "import ID with an empty part", config: valid, importID: inst + "::dev01", want: `ca_sn must not be empty`},
		{name: "import ID with four parts", config: valid, importID: inst + ":ca01:dev01:extra", want: `got 4 part\(s\)`},
		{name: "import ID with colon-separated serial", config: valid, importID: inst + ":3a:7f:dev01", want: `got 4 part\(s\)`},
		{name: "import ID with whitespace", config: valid, importID: inst + ":ca01:dev 01", want: `device_sn must not contain whitespace`},
		{name: "import ID too long in bytes", config: valid, importID: inst + ":ca01:" + strings.Repeat("€", 43), want: `device_sn must be at most 128 bytes, got 129 bytes \(43 characters\)`},
		{name: "import ID with a bad instance", config: valid, importID: "kafka-cn-1:ca01:dev01", want: `instance_id must look like`},
		// Endpoints.
		{name: "endpoint with a path", config: badProvider(srv, endpoint("http://127.0.0.1:8787/api")), want: `Invalid Endpoint.*without user info, path or query`},
		{name: "endpoint with user info", config: badProvider(srv, endpoint("https://user:pw@onsmqtt.cn-hangzhou.aliyuncs.com")), want: `Invalid Endpoint.*without user info`},
		{name: "endpoint with a query", config: badProvider(srv, endpoint("https://onsmqtt.cn-hangzhou.aliyuncs.com?x=1")), want: `Invalid Endpoint.*without user info, path or query`},
		{name: "endpoint with surrounding space", config: badProvider(srv, endpoint(" https://onsmqtt.cn-hangzhou.aliyuncs.com")), want: `Invalid Endpoint.*without surrounding spaces`},
		{name: "endpoint empty", config: badProvider(srv, endpoint("")), want: `endpoints.onsmqtt.*string length must be at least 1`},
		{name: "endpoint without host", config: badProvider(srv, endpoint("https://")), want: `Invalid Endpoint.*has no host`},
		// Conflicting or incomplete credentials.
		{name: "keys and a profile from the environment", config: badProvider(srv, keys), env: map[string]string{"ALIBABA_CLOUD_PROFILE": "dev"}, want: `Invalid Provider Credentials.*conflicting credentials.*profile "dev"`},
		{name: "security token without keys", config: badProvider(srv, fmt.Sprintf("region = %q\n  security_token = \"token\"", emulator.DemoRegion)), want: `access_key and secret_key must be set together`},
		{name: "secret key without access key", config: badProvider(srv, fmt.Sprintf("region = %q\n  secret_key = \"s\"", emulator.DemoRegion)), want: `access_key and secret_key must be set together`},
		{name: "empty access key", config: badProvider(srv, fmt.Sprintf("region = %q\n  access_key = \"\"\n  secret_key = \"s\"", emulator.DemoRegion)), want: `access_key.*string length must be at least 1`},
		{name: "rate limit zero", config: badProvider(srv, keys+"\n  rate_limit = 0"), want: `rate_limit value must be between 1.000000 and 500.000000`},
		{name: "assume_role session name too short", config: badProvider(srv, keys+fmt.Sprintf("\n  assume_role {\n    role_arn = %q\n    session_name = \"x\"\n  }", emulator.DemoRoleArn)), want: `must be 2 to 64 characters`},
	}, badAccessCases(srv)...)
}

// wrapTolerant makes every space of want match any run of whitespace, as
// engines wrap error text at word boundaries.
func wrapTolerant(want string) *regexp.Regexp {
	return regexp.MustCompile(`(?s)` + strings.ReplaceAll(want, " ", `\s+`))
}

func TestAccBadInputCatalogue_refusedWithoutAPICalls(t *testing.T) {
	srv := acctest.StartEmulator(t, emulator.Options{})
	// No credentials from the machine may leak into the cases.
	t.Setenv("HOME", t.TempDir())
	for _, env := range []string{"ALIBABA_CLOUD_PROFILE", "ALICLOUD_PROFILE", "ALIBABA_CLOUD_ACCESS_KEY_ID", "ALICLOUD_ACCESS_KEY",
		"ALIBABA_CLOUD_ACCESS_KEY_SECRET", "ALICLOUD_SECRET_KEY", "ALIBABA_CLOUD_SECURITY_TOKEN", "ALICLOUD_SECURITY_TOKEN"} {
		t.Setenv(env, "")
	}
	cases := badInputCatalogue(srv)
	if len(cases) < 30 {
		t.Fatalf("the catalogue has %d cases, the issue asks for at least 30", len(cases))
	}
	for _, tc := range cases {
		t.Run(strings.ReplaceAll(tc.name, " ", "_"), func(t *testing.T) {
			for k, v := range tc.env {
				t.Setenv(k, v)
			}
			step := resource.TestStep{Config: tc.config, ExpectError: wrapTolerant(tc.want)}
			if tc.importID != "" {
				step.ResourceName = tc.resource
				if step.ResourceName == "" {
					step.ResourceName = "apsaramq_mqtt_device_certificate_state.test"
				}
				step.ImportState = true
				step.ImportStateId = tc.importID
			} else {
				step.PlanOnly = true
			}
			// Per case, so a failure names the input that reached the API;
			// deferred, because a failed step ends the case with t.Fatal.
			defer func() {
				if err := acctest.CheckNoAPICalls(srv); err != nil {
					t.Error(err)
					srv.ResetCounters()
				}
			}()
			resource.Test(t, acctest.TestCase(t, step))
		})
	}
	t.Logf("bad-input catalogue: %d invalid inputs tried, emulator calls: %s", len(cases), acctest.FormatCalls(srv.Calls()))

	// The control: the same provider block with a valid configuration that
	// must call the API (a data source read at plan time). The counter sees
	// that call, so a case that leaked one would fail above.
	t.Run("control_a_call_that_gets_through_is_counted", func(t *testing.T) {
		keys := fmt.Sprintf("region = %q\n  access_key = %q\n  secret_key = %q", emulator.DemoRegion, emulator.DemoAccessKeyID, emulator.DemoAccessKeySecret)
		cfg := badProvider(srv, keys) + fmt.Sprintf("\ndata \"apsaramq_mqtt_register_code\" \"control\" {\n  instance_id = %q\n}\n", emulator.DemoInstanceID)
		resource.Test(t, acctest.TestCase(t, resource.TestStep{Config: cfg, PlanOnly: true, ExpectNonEmptyPlan: true}))
		if acctest.CheckNoAPICalls(srv) == nil {
			t.Fatal("a configuration that calls the API left the counter at zero: the catalogue's zero-call check would catch nothing")
		}
		srv.ResetCounters()
	})
}
