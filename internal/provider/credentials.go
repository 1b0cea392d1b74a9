package provider

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/aliyun/credentials-go/credentials/providers"

	"github.com/apsaramq/terraform-provider-apsaramq/internal/onsmqtt"
)

// Credential resolution. The first source of this table that is set is the
// identity the provider starts from (the order of the alicloud provider for
// the sources both have, see the index page's table); an assume_role block
// then assumes a role with it, on top of any source:
//
//  1. static keys: access_key/secret_key (and security_token), each from the
//     provider block or else the environment;
//  2. a named profile: profile (or ALIBABA_CLOUD_PROFILE), or the current
//     profile of a shared_credentials_file that is set;
//  3. credentials_uri;
//  4. ecs_role_name (the ECS instance RAM role);
//  5. assume_role_with_oidc (the block, or its three environment variables);
//  6. the current profile of ~/.aliyun/config.json, when that file exists.
//
// Every source of temporary credentials is a provider of
// github.com/aliyun/credentials-go, renewed by it before expiry;
// onsmqtt.ProviderSource adds the lock, context and error diagnosis.

// credentialSettings are the provider's credential inputs after environment
// fallbacks were applied.
type credentialSettings struct {
	AccessKey     string
	SecretKey     string
	SecurityToken string
	Region        string

	Profile               string
	ProfileExplicit       bool // named in the provider block or environment, so it must exist
	SharedCredentialsFile string
	FileExplicit          bool

	CredentialsURI string
	ECSRoleName    string
	OIDC           *oidcSettings       // nil: not configured
	AssumeRole     *assumeRoleSettings // nil: no assume_role block
}

type oidcSettings struct {
	ProviderArn string
	RoleArn     string
	TokenFile   string
	Token       string
	SessionName string
	Policy      string
	Duration    int
}

type assumeRoleSettings struct {
	RoleArn     string
	SessionName string
	Duration    int
	Policy      string
	ExternalID  string
}

// libraryOptions are what every credential library call needs from the
// provider configuration: where STS is and how long to wait.
type libraryOptions struct {
	// stsHost is host[:port] of STS; the libraries speak HTTPS to it only.
	stsHost string
	// stsErr is why the configured STS endpoint cannot be used, if it cannot;
	// it matters only to sources that call STS.
	stsErr      error
	http        *providers.HttpOptions
	log         onsmqtt.Logger
	profileSTS  func(stsRegion string) string // STS host of a profile's sts_region
	defaultFile string
}

// resolvedCredentials is the chosen source, ready to sign with.
type resolvedCredentials struct {
	Source onsmqtt.CredentialSource
	// Name says which row of the table was used, and what was assumed on top.
	Name string
	// Region is the configured one, or else the chosen profile's region_id.
	Region string
}

// link is one step of a credential chain: a library provider, or static
// keys (which need no lock or renewal when nothing is assumed on top).
type link struct {
	name     string
	provider providers.CredentialsProvider
	static   *onsmqtt.Credentials
	diagnose onsmqtt.Diagnose
	stsUsed  bool // the link calls STS, so the STS endpoint must be usable
}

func defaultCredentialsFile() string {
	home, err := os.UserHomeDir()
	if err != nil {
		return ""
	}
	return filepath.Join(home, ".aliyun", "config.json")
}

// errNoCredentials is returned when no source is set.
var errNoCredentials = errors.New("no credentials found. Set one of: access_key and secret_key in the provider block " +
	"(or ALIBABA_CLOUD_ACCESS_KEY_ID and ALIBABA_CLOUD_ACCESS_KEY_SECRET); profile (or ALIBABA_CLOUD_PROFILE) with a profile of " +
	"the shared credentials file (~/.aliyun/config.json); credentials_uri (or ALIBABA_CLOUD_CREDENTIALS_URI); ecs_role_name " +
	"(or ALIBABA_CLOUD_ECS_METADATA) on an ECS instance; or an assume_role_with_oidc block (or ALIBABA_CLOUD_OIDC_PROVIDER_ARN, " +
	"ALIBABA_CLOUD_ROLE_ARN and ALIBABA_CLOUD_OIDC_TOKEN_FILE)")

// resolveCredentials picks the source per the table and builds it.
func resolveCredentials(s credentialSettings, opts libraryOptions) (resolvedCredentials, error) {
	base, profileRegion, err := baseSource(s, opts)
	if err != nil {
		return resolvedCredentials{}, err
	}
	region := s.Region
	if region == "" {
		region = profileRegion
	}
	final := base
	if s.AssumeRole != nil {
		final, err = assumeRoleLink(base, *s.AssumeRole, opts, opts.stsHost)
		if err != nil {
			return resolvedCredentials{}, err
		}
	}
	if final.stsUsed && opts.stsErr != nil {
		return resolvedCredentials{}, opts.stsErr
	}
	out := resolvedCredentials{Name: final.name, Region: region}
	if final.static != nil {
		out.Source = onsmqtt.StaticCredentials(final.name, *final.static)
	} else {
		out.Source = onsmqtt.NewProviderSource(final.name, final.provider, final.diagnose, opts.log)
	}
	return out, nil
}

// baseSource returns the first source of the table that is set, and the
// region its profile names (if any).
func baseSource(s credentialSettings, opts libraryOptions) (link, string, error) {
	if s.AccessKey != "" || s.SecretKey != "" || s.SecurityToken != "" {
		if s.AccessKey == "" || s.SecretKey == "" {
			return link{}, "", errors.New("access_key and secret_key must be set together (a security_token also needs both)")
		}
		if s.ProfileExplicit && s.Profile != "" {
			return link{}, "", fmt.Errorf("conflicting credentials: static keys are set and so is profile %q; "+
				"remove one of them so it is clear which identity Terraform uses", s.Profile)
		}
		return staticLink("static keys", s.AccessKey, s.SecretKey, s.SecurityToken), "", nil
	}
	path := s.SharedCredentialsFile
	if path == "" {
		path = opts.defaultFile
	}
	if s.ProfileExplicit || s.FileExplicit {
		return profileSource(path, s.Profile, true, s, opts)
	}
	if s.CredentialsURI != "" {
		l, err := uriLink("credentials_uri", s.CredentialsURI, opts)
		return l, "", err
	}
	if s.ECSRoleName != "" {
		l, err := ecsLink("ecs_role_name", s.ECSRoleName, opts)
		return l, "", err
	}
	if s.OIDC != nil {
		l, err := oidcLink("assume_role_with_oidc", *s.OIDC, opts, opts.stsHost)
		return l, "", err
	}
	if path != "" {
		if _, err := os.Stat(path); err == nil {
			return profileSource(path, "", false, s, opts)
		}
	}
	return link{}, "", errNoCredentials
}

func staticLink(name, id, secret, token string) link {
	c := onsmqtt.Credentials{AccessKeyID: id, AccessKeySecret: secret, SecurityToken: token}
	// With both values set, the builders cannot fail (they read the
	// environment only for empty ones).
	var p providers.CredentialsProvider
	if token != "" {
		p, _ = providers.NewStaticSTSCredentialsProviderBuilder().WithAccessKeyId(id).WithAccessKeySecret(secret).WithSecurityToken(token).Build()
	} else {
		p, _ = providers.NewStaticAKCredentialsProviderBuilder().WithAccessKeyId(id).WithAccessKeySecret(secret).Build()
	}
	return link{name: name, provider: p, static: &c}
}

// firstEnv returns the first non-empty environment variable of names.
func firstEnv(names ...string) string {
	for _, n := range names {
		if v := os.Getenv(n); v != "" {
			return v
		}
	}
	return ""
}
