package provider

import (
	"regexp"

	"github.com/hashicorp/terraform-plugin-framework-validators/float64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/apsaramq/terraform-provider-apsaramq/internal/onsmqtt"
)

type providerModel struct {
	Region                types.String     `tfsdk:"region"`
	AccessKey             types.String     `tfsdk:"access_key"`
	SecretKey             types.String     `tfsdk:"secret_key"`
	SecurityToken         types.String     `tfsdk:"security_token"`
	Profile               types.String     `tfsdk:"profile"`
	SharedCredentialsFile types.String     `tfsdk:"shared_credentials_file"`
	RateLimit             types.Float64    `tfsdk:"rate_limit"`
	RateLimitMode         types.String     `tfsdk:"rate_limit_mode"`
	ClientReadTimeout     types.Int64      `tfsdk:"client_read_timeout"`
	ClientConnectTimeout  types.Int64      `tfsdk:"client_connect_timeout"`
	CredentialsURI        types.String     `tfsdk:"credentials_uri"`
	ECSRoleName           types.String     `tfsdk:"ecs_role_name"`
	AssumeRole            *assumeRoleModel `tfsdk:"assume_role"`
	AssumeRoleWithOIDC    *oidcModel       `tfsdk:"assume_role_with_oidc"`
	Endpoints             *endpointsModel  `tfsdk:"endpoints"`
}

type oidcModel struct {
	OIDCProviderArn   types.String `tfsdk:"oidc_provider_arn"`
	RoleArn           types.String `tfsdk:"role_arn"`
	OIDCTokenFile     types.String `tfsdk:"oidc_token_file"`
	OIDCToken         types.String `tfsdk:"oidc_token"`
	RoleSessionName   types.String `tfsdk:"role_session_name"`
	Policy            types.String `tfsdk:"policy"`
	SessionExpiration types.Int64  `tfsdk:"session_expiration"`
}

type assumeRoleModel struct {
	RoleArn           types.String `tfsdk:"role_arn"`
	SessionName       types.String `tfsdk:"session_name"`
	SessionExpiration types.Int64  `tfsdk:"session_expiration"`
	Policy            types.String `tfsdk:"policy"`
	ExternalID        types.String `tfsdk:"external_id"`
}

type endpointsModel struct {
	OnsMqtt types.String `tfsdk:"onsmqtt"`
	STS     types.String `tfsdk:"sts"`
}

func providerSchema() schema.Schema {
	notBlank := []validator.String{stringvalidator.LengthAtLeast(1)}
	return schema.Schema{
		MarkdownDescription: "Manages device-certificate access of **ApsaraMQ for MQTT** (Alibaba Cloud OnsMqtt API, " +
			"version 2020-04-20): which device certificates may connect to an instance.",
		Attributes: map[string]schema.Attribute{
			"region": schema.StringAttribute{
				MarkdownDescription: "Region of the MQTT instances, e.g. `cn-hangzhou`. Falls back to `ALIBABA_CLOUD_REGION`, " +
					"`ALICLOUD_REGION`, then the `region_id` of the profile when a profile supplies the credentials. Required from one of these sources.",
				Optional:   true,
				Validators: notBlank,
			},
			"access_key": schema.StringAttribute{
				MarkdownDescription: "AccessKey ID. Falls back to `ALIBABA_CLOUD_ACCESS_KEY_ID`, then `ALICLOUD_ACCESS_KEY`.",
				Optional:            true,
				Sensitive:           true,
				Validators:          notBlank,
			},
			"secret_key": schema.StringAttribute{
				MarkdownDescription: "AccessKey secret. Falls back to `ALIBABA_CLOUD_ACCESS_KEY_SECRET`, then `ALICLOUD_SECRET_KEY`.",
				Optional:            true,
				Sensitive:           true,
				Validators:          notBlank,
			},
			"security_token": schema.StringAttribute{
				MarkdownDescription: "STS security token for temporary credentials. Falls back to `ALIBABA_CLOUD_SECURITY_TOKEN`, then `ALICLOUD_SECURITY_TOKEN`.",
				Optional:            true,
				Sensitive:           true,
				Validators:          notBlank,
			},
			"profile": schema.StringAttribute{
				MarkdownDescription: "Profile of the shared credentials file to use when no static keys are set. Falls back to " +
					"`ALIBABA_CLOUD_PROFILE`, `ALICLOUD_PROFILE`. Modes (read case-insensitively, as the aliyun CLI does): `AK`, `StsToken`, " +
					"`RamRoleArn` and `ChainableRamRoleArn` (honouring `expired_seconds`, `external_id`, `policy`, `sts_region`), `EcsRamRole`, " +
					"`OIDC`, `CredentialsURI` and `External` (`process_command`); `CloudSSO` and `OAuth` need a person and are refused. " +
					"Without a named profile, the current profile of `~/.aliyun/config.json` is the last source tried.",
				Optional:   true,
				Validators: notBlank,
			},
			"shared_credentials_file": schema.StringAttribute{
				MarkdownDescription: "Path of the aliyun CLI credentials file. Defaults to `~/.aliyun/config.json`; " +
					"falls back to `ALIBABA_CLOUD_CREDENTIALS_FILE`. Set, it selects its `current` profile (or `profile`) like a named profile.",
				Optional:   true,
				Validators: notBlank,
			},
			"credentials_uri": schema.StringAttribute{
				MarkdownDescription: "URL of a sidecar that hands out temporary credentials: an HTTP GET must answer JSON with " +
					"`AccessKeyId`, `AccessKeySecret`, `SecurityToken` and `Expiration` (`2006-01-02T15:04:05Z`); they are fetched again before they expire. " +
					"Falls back to `ALIBABA_CLOUD_CREDENTIALS_URI`, `ALICLOUD_CREDENTIALS_URI`.",
				Optional:   true,
				Validators: notBlank,
			},
			"ecs_role_name": schema.StringAttribute{
				MarkdownDescription: "Name of the RAM role attached to the ECS instance Terraform runs on; its temporary credentials come from the " +
					"instance metadata service (`http://100.100.100.200`, with IMDSv2 session tokens) and are renewed before they expire. " +
					"Falls back to `ALIBABA_CLOUD_ECS_METADATA`, `ALICLOUD_ECS_ROLE_NAME`.",
				Optional:   true,
				Validators: notBlank,
			},
			"rate_limit": schema.Float64Attribute{
				MarkdownDescription: "Client-side ceiling on API calls per second for this provider configuration, " +
					"between 1 and 500 (the account's documented limit). Defaults to 400, leaving headroom for other tools of the account. " +
					"With `rate_limit_mode = \"adaptive\"` (the default) the provider paces itself below this ceiling while the API answers throttling.",
				Optional:   true,
				Validators: []validator.Float64{float64validator.Between(1, 500)},
			},
			"rate_limit_mode": schema.StringAttribute{
				MarkdownDescription: "How the provider paces its API calls below `rate_limit`: `adaptive` (default) or `fixed`. " +
					"`adaptive` works like the AWS SDKs' adaptive retry mode: a throttling answer (`SystemOverFlow`, `Throttling.*`) lowers the pace " +
					"to 70 % of the calls per second the account admitted from this provider lately, at most once per round of calls " +
					"(the first throttling answer of a run, before a second of calls has been measured, lowers it to a tenth); " +
					"the pace then climbs back along a cubic curve, quickly at first and slowly near the rate that was throttled. " +
					"It never exceeds `rate_limit` nor falls below 1 call/s, and retries wait for it too. " +
					"Several runs sharing one account (CI jobs, workspaces per environment or region), each unaware of the others, " +
					"so settle near a share of the account's limit instead of spending it on throttled calls. " +
					"Each Terraform phase (plan, apply) starts a new provider process, which starts at `rate_limit` and learns anew. " +
					"`fixed` always paces at `rate_limit`; only the retry backoff reacts to throttling.",
				Optional:   true,
				Validators: []validator.String{stringvalidator.OneOf(string(onsmqtt.RateAdaptive), string(onsmqtt.RateFixed))},
			},
			"client_read_timeout": schema.Int64Attribute{
				MarkdownDescription: "Milliseconds one HTTP attempt may wait for an answer before it is abandoned and retried " +
					"(the operation's own timeout still bounds all attempts), 100 to 600000. Defaults to 15000. " +
					"Same name and unit as the alicloud provider's setting.",
				Optional:   true,
				Validators: []validator.Int64{int64validator.Between(100, 600000)},
			},
			"client_connect_timeout": schema.Int64Attribute{
				MarkdownDescription: "Milliseconds one attempt may take to open its TCP and TLS connection, 100 to 600000. Defaults to 5000.",
				Optional:            true,
				Validators:          []validator.Int64{int64validator.Between(100, 600000)},
			},
		},
		Blocks: map[string]schema.Block{
			"assume_role": schema.SingleNestedBlock{
				MarkdownDescription: "Assume a RAM role with STS, with the credentials of whichever source the table above chose " +
					"(role chaining when that source is itself a role, as the aliyun CLI's `ChainableRamRoleArn`). Replaces a `RamRoleArn` profile's role, " +
					"as in the alicloud provider. The temporary credentials are renewed before they expire.",
				Attributes: map[string]schema.Attribute{
					"role_arn": schema.StringAttribute{
						MarkdownDescription: "ARN of the role, e.g. `acs:ram::123456789012****:role/terraform`. Required in the block.",
						Optional:            true,
						Validators: []validator.String{stringvalidator.RegexMatches(roleArnPattern,
							"must be a RAM role ARN like acs:ram::<account-id>:role/<role-name>")},
					},
					"session_name": schema.StringAttribute{
						MarkdownDescription: "Role session name (2 to 64 characters of letters, digits, `.`, `@`, `-`, `_`). Defaults to `terraform`.",
						Optional:            true,
						Validators: []validator.String{stringvalidator.RegexMatches(sessionNamePattern,
							"must be 2 to 64 characters of letters, digits, '.', '@', '-' or '_'")},
					},
					"session_expiration": schema.Int64Attribute{
						MarkdownDescription: "Lifetime of the temporary credentials in seconds, 900 to 43200. Defaults to 3600.",
						Optional:            true,
						Validators:          []validator.Int64{int64validator.Between(900, 43200)},
					},
					"policy": schema.StringAttribute{
						MarkdownDescription: "A JSON policy that further restricts the assumed role's permissions.",
						Optional:            true,
						Validators:          notBlank,
					},
					"external_id": schema.StringAttribute{
						MarkdownDescription: "External ID the role's trust policy requires, if any.",
						Optional:            true,
						Validators:          notBlank,
					},
				},
			},
			"assume_role_with_oidc": schema.SingleNestedBlock{
				MarkdownDescription: "Role SSO with an OpenID Connect token (GitHub Actions, GitLab CI, ACK RRSA): STS `AssumeRoleWithOIDC` " +
					"exchanges the token for temporary credentials of the role, renewed before they expire (reading the token file again, " +
					"so a rotated token is used). Without the block, the same source is used when `ALIBABA_CLOUD_OIDC_PROVIDER_ARN`, " +
					"`ALIBABA_CLOUD_ROLE_ARN` and `ALIBABA_CLOUD_OIDC_TOKEN_FILE` are all set (as ACK RRSA sets them in a pod).",
				Attributes: map[string]schema.Attribute{
					"oidc_provider_arn": schema.StringAttribute{
						MarkdownDescription: "ARN of the OIDC identity provider in RAM, e.g. `acs:ram::123456789012****:oidc-provider/github`. " +
							"Falls back to `ALIBABA_CLOUD_OIDC_PROVIDER_ARN`.",
						Optional:   true,
						Validators: []validator.String{stringvalidator.RegexMatches(oidcProviderArnPattern, "must be an OIDC provider ARN like acs:ram::<account-id>:oidc-provider/<name>")},
					},
					"role_arn": schema.StringAttribute{
						MarkdownDescription: "ARN of the role to assume; its trust policy must name the OIDC provider. Falls back to `ALIBABA_CLOUD_ROLE_ARN`.",
						Optional:            true,
						Validators: []validator.String{stringvalidator.RegexMatches(roleArnPattern,
							"must be a RAM role ARN like acs:ram::<account-id>:role/<role-name>")},
					},
					"oidc_token_file": schema.StringAttribute{
						MarkdownDescription: "Path of the file holding the OIDC token, read again at every renewal. Falls back to `ALIBABA_CLOUD_OIDC_TOKEN_FILE`. " +
							"One of `oidc_token_file` and `oidc_token` is required.",
						Optional:   true,
						Validators: notBlank,
					},
					"oidc_token": schema.StringAttribute{
						MarkdownDescription: "The OIDC token itself (4 to 20000 characters); it cannot be renewed, so the credentials last at most until it expires. " +
							"Falls back to `ALIBABA_CLOUD_OIDC_TOKEN`. Prefer `oidc_token_file`.",
						Optional:   true,
						Sensitive:  true,
						Validators: []validator.String{stringvalidator.LengthBetween(4, 20000)},
					},
					"role_session_name": schema.StringAttribute{
						MarkdownDescription: "Role session name (2 to 64 characters of letters, digits, `.`, `@`, `-`, `_`). Falls back to " +
							"`ALIBABA_CLOUD_ROLE_SESSION_NAME`; defaults to `terraform`.",
						Optional: true,
						Validators: []validator.String{stringvalidator.RegexMatches(sessionNamePattern,
							"must be 2 to 64 characters of letters, digits, '.', '@', '-' or '_'")},
					},
					"policy": schema.StringAttribute{
						MarkdownDescription: "A JSON policy that further restricts the role's permissions.",
						Optional:            true,
						Validators:          notBlank,
					},
					"session_expiration": schema.Int64Attribute{
						MarkdownDescription: "Lifetime of the temporary credentials in seconds, 900 to 43200 (at most the role's maximum session duration). Defaults to 3600.",
						Optional:            true,
						Validators:          []validator.Int64{int64validator.Between(900, 43200)},
					},
				},
			},
			"endpoints": schema.SingleNestedBlock{
				MarkdownDescription: "Override API endpoints, e.g. for VPC endpoints or a local emulator.",
				Attributes: map[string]schema.Attribute{
					"onsmqtt": schema.StringAttribute{
						MarkdownDescription: "OnsMqtt endpoint URL. Defaults to `https://onsmqtt.<region>.aliyuncs.com`; falls back to " +
							"`APSARAMQ_ONSMQTT_ENDPOINT`. A host without a scheme is taken as `https://`; `http://` is accepted (for the local emulator) " +
							"with a warning unless the host is loopback.",
						Optional:   true,
						Validators: notBlank,
					},
					"sts": schema.StringAttribute{
						MarkdownDescription: "STS endpoint used by `assume_role`, `assume_role_with_oidc` and the role profiles. Defaults to `https://sts.<region>.aliyuncs.com` " +
							"(a profile's `sts_region` picks `sts.<sts_region>.aliyuncs.com`); falls back to `APSARAMQ_STS_ENDPOINT`. Temporary credentials are fetched over HTTPS only: " +
							"an `http://` URL is refused when a source needs STS.",
						Optional:   true,
						Validators: notBlank,
					},
				},
			},
		},
	}
}

var (
	roleArnPattern         = regexp.MustCompile(`^acs:ram::[0-9*]+:role/[A-Za-z0-9.@_/-]+$`)
	oidcProviderArnPattern = regexp.MustCompile(`^acs:ram::[0-9*]+:oidc-provider/[A-Za-z0-9.@_/-]+$`)
	sessionNamePattern     = regexp.MustCompile(`^[A-Za-z0-9.@_-]{2,64}$`)
)

const (
	defaultSessionName    = "terraform"
	defaultSessionSeconds = 3600
)
