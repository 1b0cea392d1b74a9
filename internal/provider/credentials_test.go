package provider

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

const cliConfigJSON = `{
  "current": "dev",
  "profiles": [
    {"name": "dev", "mode": "AK", "access_key_id": "AK-DEV", "access_key_secret": "SK-DEV", "region_id": "cn-shanghai"},
    {"name": "sts", "mode": "StsToken", "access_key_id": "STS.AK", "access_key_secret": "SK-STS", "sts_token": "TOKEN", "region_id": "cn-beijing"},
    {"name": "role", "mode": "RamRoleArn", "access_key_id": "AK-R", "access_key_secret": "SK-R", "ram_role_arn": "acs:ram::1:role/ops", "ram_session_name": "ci"},
    {"name": "sso", "mode": "CloudSSO"},
    {"name": "empty", "mode": "AK"}
  ]
}`

func writeCLIConfig(t *testing.T) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "config.json")
	if err := os.WriteFile(p, []byte(cliConfigJSON), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestResolveCredentials(t *testing.T) {
	file := writeCLIConfig(t)
	missing := filepath.Join(t.TempDir(), "nope.json")
	cases := []struct {
		name    string
		in      credentialSettings
		want    resolvedCredentials
		wantErr string
	}{
		{name: "static keys", in: credentialSettings{AccessKey: "AK", SecretKey: "SK", Region: "cn-hangzhou", SharedCredentialsFile: file},
			want: resolvedCredentials{AccessKey: "AK", SecretKey: "SK", Region: "cn-hangzhou", Source: "static"}},
		{name: "static keys with token", in: credentialSettings{AccessKey: "AK", SecretKey: "SK", SecurityToken: "T"},
			want: resolvedCredentials{AccessKey: "AK", SecretKey: "SK", SecurityToken: "T", Source: "static"}},
		{name: "access key alone", in: credentialSettings{AccessKey: "AK"}, wantErr: "access_key and secret_key must be set together"},
		{name: "secret alone", in: credentialSettings{SecretKey: "SK"}, wantErr: "must be set together"},
		{name: "token alone", in: credentialSettings{SecurityToken: "T"}, wantErr: "must be set together"},
		{name: "static and explicit profile conflict", in: credentialSettings{AccessKey: "AK", SecretKey: "SK", Profile: "dev", ProfileExplicit: true},
			wantErr: `conflicting credentials: static keys are set and so is profile "dev"`},
		{name: "current profile of the file", in: credentialSettings{SharedCredentialsFile: file, FileExplicit: true},
			want: resolvedCredentials{AccessKey: "AK-DEV", SecretKey: "SK-DEV", Region: "cn-shanghai", Source: "profile dev"}},
		{name: "explicit region wins over the profile's", in: credentialSettings{SharedCredentialsFile: file, Region: "ap-southeast-1"},
			want: resolvedCredentials{AccessKey: "AK-DEV", SecretKey: "SK-DEV", Region: "ap-southeast-1", Source: "profile dev"}},
		{name: "StsToken profile", in: credentialSettings{SharedCredentialsFile: file, Profile: "sts", ProfileExplicit: true},
			want: resolvedCredentials{AccessKey: "STS.AK", SecretKey: "SK-STS", SecurityToken: "TOKEN", Region: "cn-beijing", Source: "profile sts"}},
		{name: "RamRoleArn profile", in: credentialSettings{SharedCredentialsFile: file, Profile: "role", ProfileExplicit: true},
			want: resolvedCredentials{AccessKey: "AK-R", SecretKey: "SK-R", RoleArn: "acs:ram::1:role/ops", SessionName: "ci", Source: "profile role"}},
		{name: "assume_role block overrides the profile's role", in: credentialSettings{SharedCredentialsFile: file, Profile: "role", ProfileExplicit: true, RoleArn: "acs:ram::2:role/x"},
			want: resolvedCredentials{AccessKey: "AK-R", SecretKey: "SK-R", RoleArn: "acs:ram::2:role/x", Source: "profile role"}},
		{name: "unsupported mode", in: credentialSettings{SharedCredentialsFile: file, Profile: "sso", ProfileExplicit: true}, wantErr: `uses mode "CloudSSO"`},
		{name: "profile without keys", in: credentialSettings{SharedCredentialsFile: file, Profile: "empty", ProfileExplicit: true}, wantErr: `profile "empty" has no access_key_id`},
		{name: "unknown profile", in: credentialSettings{SharedCredentialsFile: file, Profile: "prod", ProfileExplicit: true}, wantErr: `profile "prod" is not in`},
		{name: "no source at all", in: credentialSettings{SharedCredentialsFile: missing}, wantErr: "no credentials found"},
		{name: "explicit file missing", in: credentialSettings{SharedCredentialsFile: missing, FileExplicit: true}, wantErr: "reading the shared credentials file"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := resolveCredentials(tc.in)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want it to contain %q", err, tc.wantErr)
				}
				if strings.Contains(err.Error(), "SK") && strings.Contains(err.Error(), "SK-") {
					t.Errorf("error %q echoes a secret", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got != tc.want {
				t.Errorf("got %+v, want %+v", got, tc.want)
			}
		})
	}
}

func TestNoCredentialsErrorNamesEverySource(t *testing.T) {
	for _, want := range []string{"access_key", "ALIBABA_CLOUD_ACCESS_KEY_ID", "config.json"} {
		if !strings.Contains(errNoCredentials.Error(), want) {
			t.Errorf("%q does not mention %s", errNoCredentials, want)
		}
	}
}

func TestSettingsFromConfigPrefersTheBlockOverTheEnvironment(t *testing.T) {
	t.Setenv("ALIBABA_CLOUD_ACCESS_KEY_ID", "ENV-AK")
	t.Setenv("ALICLOUD_SECRET_KEY", "ENV-SK")
	t.Setenv("ALIBABA_CLOUD_REGION", "cn-beijing")
	t.Setenv("ALICLOUD_REGION", "cn-shenzhen")
	s := settingsFromConfig(providerModel{AccessKey: types.StringValue("CFG-AK"), SecretKey: types.StringNull(), Region: types.StringNull()})
	if s.AccessKey != "CFG-AK" || s.SecretKey != "ENV-SK" || s.Region != "cn-beijing" || s.ProfileExplicit {
		t.Errorf("settings = %+v", s)
	}
}

func TestEndpointSettingWarnsAboutPlainHTTPOffLoopback(t *testing.T) {
	at := path.Root("endpoints").AtName("onsmqtt")
	field := func(e *endpointsModel) types.String { return e.OnsMqtt }
	cases := []struct {
		raw      string
		warnings int
		errors   int
	}{
		{"https://onsmqtt.cn-hangzhou.aliyuncs.com", 0, 0},
		{"http://127.0.0.1:8787", 0, 0},
		{"http://onsmqtt.cn-hangzhou.aliyuncs.com", 1, 0},
		{"ftp://x", 0, 1},
	}
	for _, tc := range cases {
		var diags diag.Diagnostics
		ep, ok := endpointSetting(&endpointsModel{OnsMqtt: types.StringValue(tc.raw)}, field, "UNSET_ENV_FOR_TEST", "https://default", at, &diags)
		if diags.WarningsCount() != tc.warnings || diags.ErrorsCount() != tc.errors || ok != (tc.errors == 0) {
			t.Errorf("%s: ok=%v warnings=%d errors=%d (%v)", tc.raw, ok, diags.WarningsCount(), diags.ErrorsCount(), diags)
		}
		if ok && ep.String() != strings.TrimSuffix(strings.ToLower(tc.raw), "/") {
			t.Errorf("%s parsed as %s", tc.raw, ep)
		}
	}
	var diags diag.Diagnostics
	ep, _ := endpointSetting(nil, field, "UNSET_ENV_FOR_TEST", "https://onsmqtt.cn-beijing.aliyuncs.com", at, &diags)
	if ep.Scheme != "https" || ep.Host != "onsmqtt.cn-beijing.aliyuncs.com" {
		t.Errorf("default endpoint = %s: real traffic must be HTTPS", ep)
	}
}
