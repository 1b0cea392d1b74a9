package provider

import (
	"context"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/apsaramq/terraform-provider-apsaramq/internal/onsmqtt"
)

// Environment variables for endpoints; the credential variables follow the
// alicloud provider's names.
const (
	EnvOnsMqttEndpoint = "APSARAMQ_ONSMQTT_ENDPOINT"
	EnvSTSEndpoint     = "APSARAMQ_STS_ENDPOINT"
)

func (p *apsaramqProvider) Configure(ctx context.Context, req provider.ConfigureRequest, resp *provider.ConfigureResponse) {
	var cfg providerModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if rejectUnknown(cfg, &resp.Diagnostics); resp.Diagnostics.HasError() {
		return
	}

	if cfg.AssumeRole != nil && cfg.AssumeRole.RoleArn.IsNull() {
		resp.Diagnostics.AddAttributeError(path.Root("assume_role").AtName("role_arn"), "Missing Role ARN",
			"An assume_role block needs role_arn, e.g. acs:ram::<account-id>:role/<role-name>.")
		return
	}

	settings := settingsFromConfig(cfg)
	creds, err := resolveCredentials(settings)
	if err != nil {
		resp.Diagnostics.AddError("Invalid Provider Credentials", err.Error())
		return
	}
	if creds.Region == "" {
		resp.Diagnostics.AddAttributeError(path.Root("region"), "Missing Region",
			"Set region in the provider block, ALIBABA_CLOUD_REGION, or region_id in the credentials profile.")
		return
	}
	if err := onsmqtt.ValidateRegion(creds.Region); err != nil {
		resp.Diagnostics.AddAttributeError(path.Root("region"), "Invalid Region", err.Error())
		return
	}

	apiEndpoint, ok := endpointSetting(cfg.Endpoints, func(e *endpointsModel) types.String { return e.OnsMqtt },
		EnvOnsMqttEndpoint, onsmqtt.DefaultEndpoint(creds.Region), path.Root("endpoints").AtName("onsmqtt"), &resp.Diagnostics)
	if !ok {
		return
	}

	client, err := onsmqtt.New(onsmqtt.Config{
		Region:   creds.Region,
		Endpoint: apiEndpoint,
		Credentials: onsmqtt.Credentials{
			AccessKeyID: creds.AccessKey, AccessKeySecret: creds.SecretKey, SecurityToken: creds.SecurityToken,
		},
		RateLimit:      cfg.RateLimit.ValueFloat64(),
		RateMode:       onsmqtt.RateMode(cfg.RateLimitMode.ValueString()),
		AttemptTimeout: time.Duration(cfg.ClientReadTimeout.ValueInt64()) * time.Millisecond,
		ConnectTimeout: time.Duration(cfg.ClientConnectTimeout.ValueInt64()) * time.Millisecond,
		UserAgent:      fmt.Sprintf("terraform-provider-apsaramq/%s Terraform/%s", p.version, req.TerraformVersion),
		Logger:         newTFLogger(creds.SecretKey, creds.SecurityToken),
	})
	if err != nil {
		resp.Diagnostics.AddError("Unable to Create the API Client", err.Error())
		return
	}

	roleArn, role := assumeRoleInput(cfg.AssumeRole, creds)
	if roleArn != "" {
		stsEndpoint, ok := endpointSetting(cfg.Endpoints, func(e *endpointsModel) types.String { return e.STS },
			EnvSTSEndpoint, onsmqtt.DefaultSTSEndpoint(creds.Region), path.Root("endpoints").AtName("sts"), &resp.Diagnostics)
		if !ok {
			return
		}
		temp, expires, err := client.AssumeRole(ctx, stsEndpoint, role)
		if err != nil {
			resp.Diagnostics.AddAttributeError(path.Root("assume_role").AtName("role_arn"), "Unable to Assume Role", err.Error())
			return
		}
		tflog.Info(ctx, "assumed RAM role", map[string]any{"role_arn": roleArn, "expires": expires.Format(time.RFC3339)})
		client = client.WithCredentials(temp)
	}

	tflog.Info(ctx, "configured the OnsMqtt client", map[string]any{
		"region": creds.Region, "endpoint": apiEndpoint.String(), "credentials_source": creds.Source,
		"rate_limit": client.CurrentRate(), "rate_limit_mode": string(client.RateMode()),
	})
	resp.ResourceData = client
	resp.DataSourceData = client
}

func settingsFromConfig(cfg providerModel) credentialSettings {
	s := credentialSettings{
		AccessKey:             orEnv(cfg.AccessKey, "ALIBABA_CLOUD_ACCESS_KEY_ID", "ALICLOUD_ACCESS_KEY"),
		SecretKey:             orEnv(cfg.SecretKey, "ALIBABA_CLOUD_ACCESS_KEY_SECRET", "ALICLOUD_SECRET_KEY"),
		SecurityToken:         orEnv(cfg.SecurityToken, "ALIBABA_CLOUD_SECURITY_TOKEN", "ALICLOUD_SECURITY_TOKEN"),
		Region:                orEnv(cfg.Region, "ALIBABA_CLOUD_REGION", "ALICLOUD_REGION"),
		Profile:               orEnv(cfg.Profile, "ALIBABA_CLOUD_PROFILE", "ALICLOUD_PROFILE"),
		SharedCredentialsFile: orEnv(cfg.SharedCredentialsFile, "ALIBABA_CLOUD_CREDENTIALS_FILE"),
	}
	s.ProfileExplicit = s.Profile != ""
	s.FileExplicit = s.SharedCredentialsFile != ""
	return s
}

func orEnv(v types.String, env ...string) string {
	if !v.IsNull() && !v.IsUnknown() {
		return v.ValueString()
	}
	return firstEnv(env...)
}

func assumeRoleInput(block *assumeRoleModel, creds resolvedCredentials) (string, onsmqtt.AssumeRoleInput) {
	in := onsmqtt.AssumeRoleInput{RoleArn: creds.RoleArn, SessionName: creds.SessionName}
	if block != nil {
		in.RoleArn = block.RoleArn.ValueString()
		in.SessionName = block.SessionName.ValueString()
		in.DurationSeconds = int(block.SessionExpiration.ValueInt64())
		in.Policy = block.Policy.ValueString()
		in.ExternalID = block.ExternalID.ValueString()
	}
	if in.SessionName == "" {
		in.SessionName = defaultSessionName
	}
	return in.RoleArn, in
}

// endpointSetting picks the endpoint from the block, the environment, or the
// default, and warns when real traffic would travel unencrypted.
func endpointSetting(block *endpointsModel, field func(*endpointsModel) types.String, env, def string,
	at path.Path, diags *diag.Diagnostics) (onsmqtt.Endpoint, bool) {
	raw := def
	if v := firstEnv(env); v != "" {
		raw = v
	}
	if block != nil && !field(block).IsNull() {
		raw = field(block).ValueString()
	}
	ep, err := onsmqtt.ParseEndpoint(raw)
	if err != nil {
		diags.AddAttributeError(at, "Invalid Endpoint", err.Error())
		return onsmqtt.Endpoint{}, false
	}
	if ep.Scheme == "http" && !ep.Loopback() {
		diags.AddAttributeWarning(at, "Unencrypted Endpoint",
			fmt.Sprintf("%s uses plain HTTP to a host that is not loopback: requests and their signatures travel unencrypted. Use https:// outside a local emulator.", ep))
	}
	return ep, true
}

// rejectUnknown stops configuration that depends on values known only after
// apply: building a client from half a configuration would sign with the
// wrong identity.
func rejectUnknown(cfg providerModel, diags *diag.Diagnostics) {
	check := func(v interface{ IsUnknown() bool }, p path.Path) {
		if v.IsUnknown() {
			diags.AddAttributeError(p, "Unknown Provider Setting",
				"This provider setting depends on a value known only after apply. Set it from a variable or a value known at plan time.")
		}
	}
	check(cfg.Region, path.Root("region"))
	check(cfg.AccessKey, path.Root("access_key"))
	check(cfg.SecretKey, path.Root("secret_key"))
	check(cfg.SecurityToken, path.Root("security_token"))
	check(cfg.Profile, path.Root("profile"))
	check(cfg.SharedCredentialsFile, path.Root("shared_credentials_file"))
	check(cfg.RateLimit, path.Root("rate_limit"))
	check(cfg.RateLimitMode, path.Root("rate_limit_mode"))
	check(cfg.ClientReadTimeout, path.Root("client_read_timeout"))
	check(cfg.ClientConnectTimeout, path.Root("client_connect_timeout"))
	if cfg.Endpoints != nil {
		check(cfg.Endpoints.OnsMqtt, path.Root("endpoints").AtName("onsmqtt"))
		check(cfg.Endpoints.STS, path.Root("endpoints").AtName("sts"))
	}
	if cfg.AssumeRole != nil {
		check(cfg.AssumeRole.RoleArn, path.Root("assume_role").AtName("role_arn"))
	}
}
