package mqtt

import (
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/apsaramq/terraform-provider-apsaramq/internal/onsmqtt"
)

// The fuzz targets check the validators against an independent statement of
// their rules, and the import ID parser against its formatter. Seeds live in
// testdata/fuzz/<FuzzName>/; `make fuzz` runs each target for a bounded time.

func FuzzSerialNumberProblem(f *testing.F) {
	for _, s := range []string{"", "00f26900ba87", "ca 01", "3a:7f:1c", strings.Repeat("€", 43), strings.Repeat("é", 64), "a\u00a0b", "a\u200bb", "a\x7fb", "\xff\xfe"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		problem := serialNumberProblem(s)
		bad := s == "" || len(s) > maxSerialNumberBytes || strings.ContainsRune(s, ':') ||
			strings.IndexFunc(s, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }) >= 0
		if bad != (problem != "") {
			t.Fatalf("serialNumberProblem(%q) = %q, but the rules say bad=%v", s, problem, bad)
		}
		if problem != "" && !utf8.ValidString(problem) {
			t.Fatalf("problem text for %q is not valid UTF-8: %q", s, problem)
		}
	})
}

func FuzzInstanceIDProblem(f *testing.F) {
	for _, s := range []string{"", "post-cn-demo0001", "mqtt-cn-i7m26mf", "POST-CN-1", "post-cn-", "post--cn", "kafka-cn-1", "post-cn-" + strings.Repeat("a", 60), "post-cn-a\n"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		problem := instanceIDProblem(s)
		if problem != "" {
			return
		}
		// Accepted IDs must be safe to put in a composite ID and a URL.
		if len(s) == 0 || len(s) > maxInstanceIDLength {
			t.Fatalf("instanceIDProblem accepted %q of length %d", s, len(s))
		}
		if !strings.HasPrefix(s, "post-") && !strings.HasPrefix(s, "mqtt-") {
			t.Fatalf("instanceIDProblem accepted %q without a documented prefix", s)
		}
		for _, r := range s {
			allowed := r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-'
			if !allowed {
				t.Fatalf("instanceIDProblem accepted %q containing %q", s, r)
			}
		}
		if strings.HasSuffix(s, "-") || strings.Contains(s, "--") {
			t.Fatalf("instanceIDProblem accepted %q with an empty segment", s)
		}
	})
}

// FuzzDeviceIDRoundTrip: whatever parses formats back to the same ID, and
// any key of valid parts survives format then parse.
func FuzzDeviceIDRoundTrip(f *testing.F) {
	f.Add("post-cn-demo0001:3a7f1c0de0000001:5d1e0000000000a1", "post-cn-demo0001", "ca01", "dev01")
	f.Add("post-cn-a::dev", "mqtt-cn-x", "€", "a:b")
	f.Add("post-cn-a:ca:dev:extra", "post-cn-a", "ca 1", "")
	f.Fuzz(func(t *testing.T, id, instance, caSn, deviceSn string) {
		if key, err := parseDeviceID(id); err == nil {
			if back := formatDeviceID(key); back != id {
				t.Fatalf("parseDeviceID(%q) = %+v, which formats back to %q", id, key, back)
			}
			if instanceIDProblem(key.InstanceID) != "" || serialNumberProblem(key.CASn) != "" || serialNumberProblem(key.DeviceSn) != "" {
				t.Fatalf("parseDeviceID(%q) accepted parts the schema refuses: %+v", id, key)
			}
		} else if !strings.Contains(err.Error(), deviceIDFormat) {
			t.Fatalf("parseDeviceID(%q) error %q does not show the expected format", id, err)
		}

		key := onsmqtt.DeviceKey{InstanceID: instance, CASn: caSn, DeviceSn: deviceSn}
		valid := instanceIDProblem(instance) == "" && serialNumberProblem(caSn) == "" && serialNumberProblem(deviceSn) == ""
		got, err := parseDeviceID(formatDeviceID(key))
		switch {
		case valid && err != nil:
			t.Fatalf("a key of valid parts %+v does not parse back: %v", key, err)
		case valid && got != key:
			t.Fatalf("round trip of %+v gave %+v", key, got)
		case !valid && err == nil:
			t.Fatalf("a key with an invalid part %+v parsed as %+v", key, got)
		}
	})
}
