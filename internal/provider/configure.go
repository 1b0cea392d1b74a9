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

	"github.com/aliyun/credentials-go/credentials/providers"

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

	settings, diags := settingsFromConfig(cfg)
	if resp.Diagnostics.Append(diags...); resp.Diagnostics.HasError() {
		return
	}
	// The region decides the default STS endpoint; a profile may still
	// supply it, so it is checked after resolution.
	region := settings.Region
	if region == "" {
		region = defaultRegionForSTS
	}
	opts := p.libraryOptions(cfg, region, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	creds, err := resolveCredentials(settings, opts)
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
	if settings.Region == "" && creds.Region != region {
		// The profile named the region: resolve again so that STS is the
		// profile region's, not the placeholder's.
		settings.Region = creds.Region
		if creds, err = resolveCredentials(settings, p.libraryOptions(cfg, creds.Region, &resp.Diagnostics)); err != nil {
			resp.Diagnostics.AddError("Invalid Provider Credentials", err.Error())
			return
		}
	}

	apiEndpoint, ok := endpointSetting(cfg.Endpoints, func(e *endpointsModel) types.String { return e.OnsMqtt },
		EnvOnsMqttEndpoint, onsmqtt.DefaultEndpoint(creds.Region), path.Root("endpoints").AtName("onsmqtt"), &resp.Diagnostics)
	if !ok {
		return
	}

	client, err := onsmqtt.New(onsmqtt.Config{
		Region:           creds.Region,
		Endpoint:         apiEndpoint,
		CredentialSource: creds.Source,
		RateLimit:        cfg.RateLimit.ValueFloat64(),
		RateMode:         onsmqtt.RateMode(cfg.RateLimitMode.ValueString()),
		AttemptTimeout:   time.Duration(cfg.ClientReadTimeout.ValueInt64()) * time.Millisecond,
		ConnectTimeout:   time.Duration(cfg.ClientConnectTimeout.ValueInt64()) * time.Millisecond,
		UserAgent:        fmt.Sprintf("terraform-provider-apsaramq/%s Terraform/%s", p.version, req.TerraformVersion),
		Logger:           newTFLogger(settings.SecretKey, settings.SecurityToken),
	})
	if err != nil {
		resp.Diagnostics.AddError("Unable to Create the API Client", err.Error())
		return
	}
	// Fetch temporary credentials now, so a wrong source fails the plan in
	// seconds, before any resource is touched; the source then renews them.
	// Only an outage is retried, and not for longer than fetchCredentialsTimeout.
	fetchCtx, cancel := context.WithTimeout(ctx, fetchCredentialsTimeout)
	defer cancel()
	if err := client.FetchCredentials(fetchCtx); err != nil {
		resp.Diagnostics.AddError("Unable to Obtain Credentials", err.Error())
		return
	}

	tflog.Info(ctx, "configured the OnsMqtt client", map[string]any{
		"region": creds.Region, "endpoint": apiEndpoint.String(), "credentials_source": creds.Name,
		"rate_limit": client.CurrentRate(), "rate_limit_mode": string(client.RateMode()),
	})
	p.configured.Store(client)
	resp.ResourceData = client
	resp.DataSourceData = client
	resp.ListResourceData = client
}

// fetchCredentialsTimeout bounds the retries of a credential service that
// fails retryably while the provider is configured.
const fetchCredentialsTimeout = 2 * time.Minute

// defaultRegionForSTS stands in for a region that only a profile will name,
// until the profile is read.
const defaultRegionForSTS = "cn-hangzhou"

// libraryOptions are the STS endpoint and HTTP timeouts the credential
// libraries get. A bad STS endpoint is kept as an error for the sources
// that call STS; the others never use it.
func (p *apsaramqProvider) libraryOptions(cfg providerModel, region string, diags *diag.Diagnostics) libraryOptions {
	at := path.Root("endpoints").AtName("sts")
	opts := libraryOptions{
		http: &providers.HttpOptions{
			ConnectTimeout: int(orDefaultInt64(cfg.ClientConnectTimeout.ValueInt64(), int64(onsmqtt.DefaultConnectTimeout/time.Millisecond))),
			ReadTimeout:    int(orDefaultInt64(cfg.ClientReadTimeout.ValueInt64(), int64(onsmqtt.DefaultAttemptTimeout/time.Millisecond))),
		},
		log:         newTFLogger(),
		defaultFile: defaultCredentialsFile(),
	}
	raw := onsmqtt.DefaultSTSEndpoint(region)
	explicit := false
	if v := firstEnv(EnvSTSEndpoint); v != "" {
		raw, explicit = v, true
	}
	if cfg.Endpoints != nil && !cfg.Endpoints.STS.IsNull() {
		raw, explicit = cfg.Endpoints.STS.ValueString(), true
	}
	ep, err := onsmqtt.ParseEndpoint(raw)
	switch {
	case err != nil:
		diags.AddAttributeError(at, "Invalid Endpoint", err.Error())
	case ep.Scheme != "https":
		opts.stsErr = fmt.Errorf("endpoints.sts (or %s) is %s: temporary credentials are fetched from STS over HTTPS only "+
			"(the Alibaba Cloud credential libraries speak nothing else); use an https:// endpoint", EnvSTSEndpoint, ep)
	}
	opts.stsHost = ep.Host
	opts.profileSTS = func(stsRegion string) string {
		if explicit {
			return opts.stsHost
		}
		return "sts." + stsRegion + ".aliyuncs.com"
	}
	return opts
}

func orDefaultInt64(v, def int64) int64 {
	if v == 0 {
		return def
	}
	return v
}

func settingsFromConfig(cfg providerModel) (credentialSettings, diag.Diagnostics) {
	var diags diag.Diagnostics
	s := credentialSettings{
		AccessKey:             orEnv(cfg.AccessKey, "ALIBABA_CLOUD_ACCESS_KEY_ID", "ALICLOUD_ACCESS_KEY"),
		SecretKey:             orEnv(cfg.SecretKey, "ALIBABA_CLOUD_ACCESS_KEY_SECRET", "ALICLOUD_SECRET_KEY"),
		SecurityToken:         orEnv(cfg.SecurityToken, "ALIBABA_CLOUD_SECURITY_TOKEN", "ALICLOUD_SECURITY_TOKEN"),
		Region:                orEnv(cfg.Region, "ALIBABA_CLOUD_REGION", "ALICLOUD_REGION"),
		Profile:               orEnv(cfg.Profile, "ALIBABA_CLOUD_PROFILE", "ALICLOUD_PROFILE"),
		SharedCredentialsFile: orEnv(cfg.SharedCredentialsFile, "ALIBABA_CLOUD_CREDENTIALS_FILE"),
		CredentialsURI:        orEnv(cfg.CredentialsURI, "ALIBABA_CLOUD_CREDENTIALS_URI", "ALICLOUD_CREDENTIALS_URI"),
		ECSRoleName:           orEnv(cfg.ECSRoleName, "ALIBABA_CLOUD_ECS_METADATA", "ALICLOUD_ECS_ROLE_NAME"),
	}
	s.ProfileExplicit = s.Profile != ""
	s.FileExplicit = s.SharedCredentialsFile != ""
	if r := cfg.AssumeRole; r != nil {
		s.AssumeRole = &assumeRoleSettings{
			RoleArn: r.RoleArn.ValueString(), SessionName: r.SessionName.ValueString(),
			Duration: int(r.SessionExpiration.ValueInt64()), Policy: r.Policy.ValueString(), ExternalID: r.ExternalID.ValueString(),
		}
	}
	s.OIDC = oidcFromConfig(cfg.AssumeRoleWithOIDC, &diags)
	return s, diags
}

// oidcFromConfig reads the assume_role_with_oidc block, each attribute
// falling back to its environment variable; without the block, the
// environment alone configures it when it names a provider, a role and a
// token.
func oidcFromConfig(b *oidcModel, diags *diag.Diagnostics) *oidcSettings {
	if b == nil {
		b = &oidcModel{}
		if firstEnv("ALIBABA_CLOUD_OIDC_PROVIDER_ARN") == "" || firstEnv("ALIBABA_CLOUD_ROLE_ARN") == "" ||
			firstEnv("ALIBABA_CLOUD_OIDC_TOKEN_FILE", "ALIBABA_CLOUD_OIDC_TOKEN") == "" {
			return nil
		}
	}
	o := &oidcSettings{
		ProviderArn: orEnv(b.OIDCProviderArn, "ALIBABA_CLOUD_OIDC_PROVIDER_ARN"),
		RoleArn:     orEnv(b.RoleArn, "ALIBABA_CLOUD_ROLE_ARN"),
		TokenFile:   orEnv(b.OIDCTokenFile, "ALIBABA_CLOUD_OIDC_TOKEN_FILE"),
		Token:       orEnv(b.OIDCToken, "ALIBABA_CLOUD_OIDC_TOKEN"),
		SessionName: orEnv(b.RoleSessionName, "ALIBABA_CLOUD_ROLE_SESSION_NAME"),
		Policy:      b.Policy.ValueString(),
		Duration:    int(b.SessionExpiration.ValueInt64()),
	}
	at := path.Root("assume_role_with_oidc")
	if o.ProviderArn == "" {
		diags.AddAttributeError(at.AtName("oidc_provider_arn"), "Missing OIDC Provider ARN",
			"assume_role_with_oidc needs oidc_provider_arn (or ALIBABA_CLOUD_OIDC_PROVIDER_ARN), e.g. acs:ram::<account-id>:oidc-provider/<name>.")
	}
	if o.RoleArn == "" {
		diags.AddAttributeError(at.AtName("role_arn"), "Missing Role ARN",
			"assume_role_with_oidc needs role_arn (or ALIBABA_CLOUD_ROLE_ARN), e.g. acs:ram::<account-id>:role/<role-name>.")
	}
	if o.TokenFile == "" && o.Token == "" {
		diags.AddAttributeError(at.AtName("oidc_token_file"), "Missing OIDC Token",
			"assume_role_with_oidc needs oidc_token_file (or ALIBABA_CLOUD_OIDC_TOKEN_FILE), or oidc_token.")
	}
	if o.TokenFile != "" && o.Token != "" && !b.OIDCTokenFile.IsNull() && !b.OIDCToken.IsNull() {
		diags.AddAttributeError(at.AtName("oidc_token"), "Conflicting OIDC Token",
			"Set oidc_token_file or oidc_token, not both.")
	}
	return o
}

func orEnv(v types.String, env ...string) string {
	if !v.IsNull() && !v.IsUnknown() {
		return v.ValueString()
	}
	return firstEnv(env...)
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
	check(cfg.CredentialsURI, path.Root("credentials_uri"))
	check(cfg.ECSRoleName, path.Root("ecs_role_name"))
	if cfg.AssumeRole != nil {
		check(cfg.AssumeRole.RoleArn, path.Root("assume_role").AtName("role_arn"))
	}
	if o := cfg.AssumeRoleWithOIDC; o != nil {
		at := path.Root("assume_role_with_oidc")
		check(o.OIDCProviderArn, at.AtName("oidc_provider_arn"))
		check(o.RoleArn, at.AtName("role_arn"))
		check(o.OIDCTokenFile, at.AtName("oidc_token_file"))
		check(o.OIDCToken, at.AtName("oidc_token"))
	}
}
