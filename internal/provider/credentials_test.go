package provider

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/apsaramq/terraform-provider-apsaramq/internal/onsmqtt"
)

const cliConfigJSON = `{
  "current": "dev",
  "profiles": [
    {"name": "dev", "mode": "AK", "access_key_id": "AK-DEV", "access_key_secret": "SK-DEV", "region_id": "cn-shanghai"},
    {"name": "sts", "mode": "StsToken", "access_key_id": "STS.AK", "access_key_secret": "SK-STS", "sts_token": "TOKEN", "region_id": "cn-beijing"},
    {"name": "role", "mode": "RamRoleArn", "access_key_id": "AK-R", "access_key_secret": "SK-R", "ram_role_arn": "acs:ram::1:role/ops", "ram_session_name": "ci",
     "expired_seconds": 1800, "external_id": "ext", "policy": "{}", "sts_region": "cn-beijing"},
    {"name": "chain", "mode": "chainableramrolearn", "source_profile": "role", "ram_role_arn": "acs:ram::1:role/deploy"},
    {"name": "loop", "mode": "ChainableRamRoleArn", "source_profile": "loop", "ram_role_arn": "acs:ram::1:role/x"},
    {"name": "ecs", "mode": "ECSRAMROLE", "ram_role_name": "runner"},
    {"name": "oidc", "mode": "OIDC", "oidc_provider_arn": "acs:ram::1:oidc-provider/gh", "oidc_token_file": "/tmp/token", "ram_role_arn": "acs:ram::1:role/ci"},
    {"name": "uri", "mode": "CredentialsURI", "credentials_uri": "http://127.0.0.1:1/creds"},
    {"name": "ext", "mode": "External", "process_command": "get-creds --json"},
    {"name": "sso", "mode": "CloudSSO"},
    {"name": "empty", "mode": "AK"},
    {"name": "oidc-half", "mode": "OIDC", "ram_role_arn": "acs:ram::1:role/ci"}
  ]
}`

func writeCLIConfig(t *testing.T, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "config.json")
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func testOptions(defaultFile string) libraryOptions {
	return libraryOptions{stsHost: "sts.cn-hangzhou.aliyuncs.com", defaultFile: defaultFile,
		profileSTS: func(r string) string { return "sts." + r + ".aliyuncs.com" }}
}

var (
	oidcSet       = &oidcSettings{ProviderArn: "acs:ram::1:oidc-provider/gh", RoleArn: "acs:ram::1:role/ci", TokenFile: "/tmp/token"}
	assumeRoleSet = &assumeRoleSettings{RoleArn: "acs:ram::1:role/top"}
)

// The precedence table, row by row: with the row's source and every source
// below it set, the row's source is the one used. The last row is the
// error when nothing is set. Static keys and a named profile together are
// refused as ambiguous instead (TestStaticCredentialSources).
func TestCredentialPrecedenceTable(t *testing.T) {
	home := writeCLIConfig(t, strings.Replace(cliConfigJSON, `"current": "dev"`, `"current": "sts"`, 1))
	named := writeCLIConfig(t, cliConfigJSON)
	rows := []struct {
		row  string
		set  func(s *credentialSettings)
		want string
	}{
		{"1 static keys", func(s *credentialSettings) { s.AccessKey, s.SecretKey = "AK", "SK" }, "static keys"},
		{"2 named profile", func(s *credentialSettings) {
			s.SharedCredentialsFile, s.Profile, s.ProfileExplicit = named, "dev", true
		}, "profile dev (AK)"},
		{"3 credentials_uri", func(s *credentialSettings) { s.CredentialsURI = "http://127.0.0.1:1/creds" }, "credentials_uri (http://127.0.0.1:1/creds)"},
		{"4 ecs_role_name", func(s *credentialSettings) { s.ECSRoleName = "runner" }, "ecs_role_name (instance RAM role runner)"},
		{"5 assume_role_with_oidc", func(s *credentialSettings) { s.OIDC = oidcSet }, "assume_role_with_oidc (token file /tmp/token, role acs:ram::1:role/ci)"},
		{"6 current profile of ~/.aliyun/config.json", func(*credentialSettings) {}, "profile sts (StsToken)"},
	}
	for i, row := range rows {
		t.Run(row.row, func(t *testing.T) {
			var s credentialSettings
			for j, below := range rows[i:] {
				if i == 0 && j == 1 {
					continue // static keys with a named profile: refused, not ranked
				}
				below.set(&s)
			}
			got, err := resolveCredentials(s, testOptions(home))
			if err != nil {
				t.Fatal(err)
			}
			if got.Name != row.want {
				t.Errorf("source %q, want %q", got.Name, row.want)
			}
			// assume_role goes on top of whichever source won.
			s.AssumeRole = assumeRoleSet
			top, err := resolveCredentials(s, testOptions(home))
			if err != nil {
				t.Fatal(err)
			}
			if want := "assume_role (acs:ram::1:role/top) over " + row.want; top.Name != want {
				t.Errorf("with assume_role: %q, want %q", top.Name, want)
			}
		})
	}
	t.Run("7 nothing set", func(t *testing.T) {
		_, err := resolveCredentials(credentialSettings{}, testOptions(filepath.Join(t.TempDir(), "none.json")))
		if err != errNoCredentials {
			t.Fatalf("err = %v, want errNoCredentials", err)
		}
	})
}

func TestProfileModes(t *testing.T) {
	file := writeCLIConfig(t, cliConfigJSON)
	cases := []struct {
		profile, want, wantErr string
	}{
		{"dev", "profile dev (AK)", ""},
		{"sts", "profile sts (StsToken)", ""},
		{"role", "assume_role (acs:ram::1:role/ops) over profile role (RamRoleArn)", ""},
		{"chain", "assume_role (acs:ram::1:role/deploy) over assume_role (acs:ram::1:role/ops) over profile role (RamRoleArn)", ""},
		{"ecs", "profile ecs (ECSRAMROLE) (instance RAM role runner)", ""},
		{"oidc", "profile oidc (OIDC) (token file /tmp/token, role acs:ram::1:role/ci)", ""},
		{"uri", "profile uri (CredentialsURI) (http://127.0.0.1:1/creds)", ""},
		{"ext", "profile ext (External)", ""},
		{"loop", "", "source_profile loops back"},
		{"sso", "", "needs a person"},
		{"empty", "", `profile "empty" (mode AK) has no access_key_id, access_key_secret`},
		{"oidc-half", "", "has no oidc_provider_arn, oidc_token_file"},
		{"prod", "", `profile "prod" is not in`},
	}
	for _, tc := range cases {
		t.Run(tc.profile, func(t *testing.T) {
			got, err := resolveCredentials(credentialSettings{SharedCredentialsFile: file, Profile: tc.profile, ProfileExplicit: true}, testOptions(""))
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got.Name != tc.want {
				t.Errorf("source %q, want %q", got.Name, tc.want)
			}
		})
	}
}

func TestStaticCredentialSources(t *testing.T) {
	file := writeCLIConfig(t, cliConfigJSON)
	missing := filepath.Join(t.TempDir(), "nope.json")
	cases := []struct {
		name    string
		in      credentialSettings
		want    onsmqtt.Credentials
		region  string
		wantErr string
	}{
		{name: "static keys", in: credentialSettings{AccessKey: "AK", SecretKey: "SK", Region: "cn-hangzhou", SharedCredentialsFile: file},
			want: onsmqtt.Credentials{AccessKeyID: "AK", AccessKeySecret: "SK"}, region: "cn-hangzhou"},
		{name: "static keys with token", in: credentialSettings{AccessKey: "AK", SecretKey: "SK", SecurityToken: "T", Region: "cn-beijing"}, region: "cn-beijing",
			want: onsmqtt.Credentials{AccessKeyID: "AK", AccessKeySecret: "SK", SecurityToken: "T"}},
		{name: "access key alone", in: credentialSettings{AccessKey: "AK"}, wantErr: "access_key and secret_key must be set together"},
		{name: "secret alone", in: credentialSettings{SecretKey: "SK"}, wantErr: "must be set together"},
		{name: "token alone", in: credentialSettings{SecurityToken: "T"}, wantErr: "must be set together"},
		{name: "static and explicit profile conflict", in: credentialSettings{AccessKey: "AK", SecretKey: "SK", Profile: "dev", ProfileExplicit: true},
			wantErr: `conflicting credentials: static keys are set and so is profile "dev"`},
		{name: "current profile of a file that is set", in: credentialSettings{SharedCredentialsFile: file, FileExplicit: true},
			want: onsmqtt.Credentials{AccessKeyID: "AK-DEV", AccessKeySecret: "SK-DEV"}, region: "cn-shanghai"},
		{name: "explicit region wins over the profile's", in: credentialSettings{SharedCredentialsFile: file, FileExplicit: true, Region: "ap-southeast-1"},
			want: onsmqtt.Credentials{AccessKeyID: "AK-DEV", AccessKeySecret: "SK-DEV"}, region: "ap-southeast-1"},
		{name: "StsToken profile", in: credentialSettings{SharedCredentialsFile: file, Profile: "sts", ProfileExplicit: true},
			want: onsmqtt.Credentials{AccessKeyID: "STS.AK", AccessKeySecret: "SK-STS", SecurityToken: "TOKEN"}, region: "cn-beijing"},
		{name: "explicit file missing", in: credentialSettings{SharedCredentialsFile: missing, FileExplicit: true}, wantErr: "reading the shared credentials file"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := resolveCredentials(tc.in, testOptions(missing))
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want it to contain %q", err, tc.wantErr)
				}
				if strings.Contains(err.Error(), "SK-") {
					t.Errorf("error %q echoes a secret", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			creds, err := got.Source.Retrieve(context.Background())
			if err != nil || creds != tc.want {
				t.Errorf("credentials %+v (%v), want %+v", creds, err, tc.want)
			}
			if got.Region != tc.region {
				t.Errorf("region %q, want %q", got.Region, tc.region)
			}
		})
	}
}

// An assume_role block replaces a RamRoleArn profile's role (as in the
// alicloud provider): the profile's keys assume the block's role.
func TestAssumeRoleReplacesTheRamRoleArnProfileRole(t *testing.T) {
	file := writeCLIConfig(t, cliConfigJSON)
	got, err := resolveCredentials(credentialSettings{SharedCredentialsFile: file, Profile: "role", ProfileExplicit: true, AssumeRole: assumeRoleSet}, testOptions(""))
	if err != nil {
		t.Fatal(err)
	}
	if want := "assume_role (acs:ram::1:role/top) over profile role (RamRoleArn)"; got.Name != want {
		t.Errorf("source %q, want %q", got.Name, want)
	}
}

// An http:// STS endpoint is refused only where a source calls STS.
func TestPlainHTTPSTSEndpointIsRefusedOnlyWhereSTSIsCalled(t *testing.T) {
	opts := testOptions("")
	opts.stsErr = errTestSTS
	if _, err := resolveCredentials(credentialSettings{AccessKey: "AK", SecretKey: "SK"}, opts); err != nil {
		t.Errorf("static keys: %v", err)
	}
	for name, s := range map[string]credentialSettings{
		"assume_role": {AccessKey: "AK", SecretKey: "SK", AssumeRole: assumeRoleSet},
		"oidc":        {OIDC: oidcSet},
	} {
		if _, err := resolveCredentials(s, opts); err != errTestSTS {
			t.Errorf("%s: err = %v, want the STS endpoint's error", name, err)
		}
	}
}

var errTestSTS = &onsmqtt.CredentialError{Source: "test", Problem: "http STS"}

func TestNoCredentialsErrorNamesEverySource(t *testing.T) {
	for _, want := range []string{"access_key", "ALIBABA_CLOUD_ACCESS_KEY_ID", "config.json", "credentials_uri", "ecs_role_name", "assume_role_with_oidc", "ALIBABA_CLOUD_OIDC_TOKEN_FILE"} {
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
	t.Setenv("ALIBABA_CLOUD_ECS_METADATA", "env-role")
	s, diags := settingsFromConfig(providerModel{AccessKey: types.StringValue("CFG-AK"), SecretKey: types.StringNull(), Region: types.StringNull(),
		ECSRoleName: types.StringValue("cfg-role")})
	if diags.HasError() || s.AccessKey != "CFG-AK" || s.SecretKey != "ENV-SK" || s.Region != "cn-beijing" || s.ProfileExplicit || s.ECSRoleName != "cfg-role" || s.OIDC != nil {
		t.Errorf("settings = %+v (%v)", s, diags)
	}
}

// ACK RRSA sets three variables in a pod: they configure OIDC without a block.
func TestOIDCFromTheEnvironmentAlone(t *testing.T) {
	t.Setenv("ALIBABA_CLOUD_OIDC_PROVIDER_ARN", "acs:ram::1:oidc-provider/ack")
	t.Setenv("ALIBABA_CLOUD_ROLE_ARN", "acs:ram::1:role/pod")
	if s, _ := settingsFromConfig(providerModel{}); s.OIDC != nil {
		t.Fatalf("two of three variables configured OIDC: %+v", s.OIDC)
	}
	t.Setenv("ALIBABA_CLOUD_OIDC_TOKEN_FILE", "/var/run/secrets/token")
	s, diags := settingsFromConfig(providerModel{})
	if diags.HasError() || s.OIDC == nil || s.OIDC.TokenFile != "/var/run/secrets/token" || s.OIDC.RoleArn != "acs:ram::1:role/pod" {
		t.Fatalf("OIDC = %+v (%v)", s.OIDC, diags)
	}
	// A block with nothing in it needs all three.
	t.Setenv("ALIBABA_CLOUD_OIDC_PROVIDER_ARN", "")
	if _, diags := settingsFromConfig(providerModel{AssumeRoleWithOIDC: &oidcModel{}}); !diags.HasError() {
		t.Error("a block without oidc_provider_arn was accepted")
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
