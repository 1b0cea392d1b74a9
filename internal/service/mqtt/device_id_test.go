package mqtt

import (
	"strings"
	"testing"

	"github.com/apsaramq/terraform-provider-apsaramq/internal/onsmqtt"
)

func TestParseDeviceID(t *testing.T) {
	valid := []struct {
		id   string
		want onsmqtt.DeviceKey
	}{
		{"post-cn-7mz2d01:007269004887ab:356217374433cd", onsmqtt.DeviceKey{InstanceID: "post-cn-7mz2d01", CASn: "007269004887ab", DeviceSn: "356217374433cd"}},
		{"mqtt-cn-i7m26mf:" + strings.Repeat("c", 128) + ":€", onsmqtt.DeviceKey{InstanceID: "mqtt-cn-i7m26mf", CASn: strings.Repeat("c", 128), DeviceSn: "€"}},
	}
	for _, tc := range valid {
		got, err := parseDeviceID(tc.id)
		if err != nil {
			t.Errorf("parseDeviceID(%q): unexpected error %v", tc.id, err)
			continue
		}
		if got != tc.want {
			t.Errorf("parseDeviceID(%q) = %+v, want %+v", tc.id, got, tc.want)
		}
		if back := formatDeviceID(got); back != tc.id {
			t.Errorf("formatDeviceID(parseDeviceID(%q)) = %q", tc.id, back)
		}
	}

	invalid := map[string]string{
		"":                       "got 1 part(s)",
		"post-cn-a":              "got 1 part(s)",
		"post-cn-a:ca":           "got 2 part(s)",
		"post-cn-a:ca:dev:extra": "got 4 part(s)",
		"post-cn-a/ca/dev":       "got 1 part(s)",
		":ca:dev":                "instance_id must not be empty",
		"post-cn-a::dev":         "ca_sn must not be empty",
		"post-cn-a:ca:":          "device_sn must not be empty",
		"Post-CN-a:ca:dev":       "instance_id must look like",
		"post-cn-a:ca 1:dev":     "ca_sn must not contain whitespace",
		"post-cn-a:ca:" + strings.Repeat("€", 43): "device_sn must be at most 128 bytes, got 129 bytes (43 characters)",
	}
	for id, want := range invalid {
		_, err := parseDeviceID(id)
		if err == nil {
			t.Errorf("parseDeviceID(%q): expected an error containing %q", id, want)
			continue
		}
		if !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), deviceIDFormat) {
			t.Errorf("parseDeviceID(%q) error %q: want it to contain %q and the format %q", id, err, want, deviceIDFormat)
		}
	}
}

func TestSerialNumberProblemCountsBytes(t *testing.T) {
	cases := map[string]bool{ // value -> valid
		strings.Repeat("a", 128): true,
		strings.Repeat("a", 129): false,
		strings.Repeat("€", 42):  true,  // 126 bytes
		strings.Repeat("€", 43):  false, // 129 bytes, 43 characters
		strings.Repeat("é", 64):  true,  // 128 bytes
		strings.Repeat("é", 65):  false,
		"00f26900ba87":           true,
		"a\u00a0b":               false, // no-break space
		"a\u200bb":               true,  // zero-width space is a format character, not space or control
		"a\x7fb":                 false,
	}
	for value, valid := range cases {
		problem := serialNumberProblem(value)
		if (problem == "") != valid {
			t.Errorf("serialNumberProblem(%q) = %q, want valid=%v", value, problem, valid)
		}
	}
}
