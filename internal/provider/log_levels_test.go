package provider

import (
	"maps"
	"path"
	"slices"
	"strings"
	"testing"
)

func TestSilenceUnreadLogs(t *testing.T) {
	allOff := map[string]string{
		"TF_LOG_SDK": "OFF", "TF_LOG_SDK_PROTO": "OFF", "TF_LOG_SDK_FRAMEWORK": "OFF", "TF_LOG_PROVIDER_APSARAMQ": "OFF",
	}
	cases := []struct {
		name string
		env  map[string]string
		want map[string]string
	}{
		{"engine drops provider logs", map[string]string{}, allOff},
		{"TF_LOG_CORE alone keeps provider logs dropped", map[string]string{"TF_LOG_CORE": "TRACE"},
			merge(allOff, map[string]string{"TF_LOG_CORE": "TRACE"})},
		{"empty TF_LOG counts as unset", map[string]string{"TF_LOG": ""},
			merge(allOff, map[string]string{"TF_LOG": ""})},
		{"TF_LOG keeps every level", map[string]string{"TF_LOG": "DEBUG"}, map[string]string{"TF_LOG": "DEBUG"}},
		{"TF_LOG_PROVIDER keeps every level", map[string]string{"TF_LOG_PROVIDER": "TRACE"}, map[string]string{"TF_LOG_PROVIDER": "TRACE"}},
		{"the temporary trace log keeps every level", map[string]string{"TF_TEMP_LOG_PATH": "/tmp/x.log"}, map[string]string{"TF_TEMP_LOG_PATH": "/tmp/x.log"}},
		{"a level the user chose stays", map[string]string{"TF_LOG_SDK_PROTO": "TRACE", "TF_LOG_SDK": "INFO"},
			merge(allOff, map[string]string{"TF_LOG_SDK_PROTO": "TRACE", "TF_LOG_SDK": "INFO"})},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			env := maps.Clone(tc.env)
			lookup := func(k string) (string, bool) { v, ok := env[k]; return v, ok }
			set := func(k, v string) error { env[k] = v; return nil }
			silenceUnreadLogs(lookup, set)
			if !maps.Equal(env, tc.want) {
				t.Errorf("environment after: %v\nwant: %v", env, tc.want)
			}
		})
	}
}

// tf6server names the provider logger's variable after the last part of the
// registry address; a renamed address must rename the variable too.
func TestProviderLogLevelVariableMatchesTheAddress(t *testing.T) {
	want := "TF_LOG_PROVIDER_" + strings.ToUpper(path.Base(Address))
	if !slices.Contains(pluginLogLevels, want) {
		t.Errorf("pluginLogLevels %v lacks %s", pluginLogLevels, want)
	}
}

func merge(a, b map[string]string) map[string]string {
	out := maps.Clone(a)
	maps.Copy(out, b)
	return out
}
