package provider

import (
	"errors"
	"fmt"
	"net/url"
	"strings"

	"github.com/aliyun/credentials-go/credentials/providers"

	"github.com/apsaramq/terraform-provider-apsaramq/internal/onsmqtt"
)

// Builders of the credential sources, each a provider of
// github.com/aliyun/credentials-go, and the diagnosis of their failures:
// the library's errors are plain text, so the diagnosis reads them and
// never passes on text that could hold a secret (a credentials URI's body).

const metadataHost = "100.100.100.200"

func assumeRoleLink(base link, r assumeRoleSettings, opts libraryOptions, stsHost string) (link, error) {
	p, err := providers.NewRAMRoleARNCredentialsProviderBuilder().
		WithCredentialsProvider(base.provider).
		WithRoleArn(r.RoleArn).
		WithRoleSessionName(orDefault(r.SessionName, defaultSessionName)).
		WithDurationSeconds(orDefaultInt(r.Duration, defaultSessionSeconds)).
		WithPolicy(r.Policy).
		WithExternalId(r.ExternalID).
		WithStsEndpoint(stsHost).
		WithHttpOptions(opts.http).
		Build()
	if err != nil {
		return link{}, fmt.Errorf("assume_role: %w", err)
	}
	name := "assume_role (" + r.RoleArn + ") over " + base.name
	return link{name: name, provider: p, diagnose: diagnoseWith(name, base.name, stsHost), stsUsed: true}, nil
}

func oidcLink(name string, o oidcSettings, opts libraryOptions, stsHost string) (link, error) {
	b := providers.NewOIDCCredentialsProviderBuilder().
		WithOIDCProviderARN(o.ProviderArn).
		WithRoleArn(o.RoleArn).
		WithRoleSessionName(orDefault(o.SessionName, defaultSessionName)).
		WithDurationSeconds(orDefaultInt(o.Duration, defaultSessionSeconds)).
		WithPolicy(o.Policy).
		WithSTSEndpoint(stsHost).
		WithHttpOptions(opts.http)
	what := "inline oidc_token"
	if o.Token != "" {
		b = b.WithOIDCToken(o.Token)
	} else {
		b = b.WithOIDCTokenFilePath(o.TokenFile)
		what = "token file " + o.TokenFile
	}
	p, err := b.Build()
	if err != nil {
		return link{}, fmt.Errorf("%s: %w", name, err)
	}
	name = fmt.Sprintf("%s (%s, role %s)", name, what, o.RoleArn)
	return link{name: name, provider: p, diagnose: diagnoseWith(name, name, stsHost), stsUsed: true}, nil
}

func ecsLink(name, role string, opts libraryOptions) (link, error) {
	p, err := providers.NewECSRAMRoleCredentialsProviderBuilder().WithRoleName(role).WithHttpOptions(opts.http).Build()
	if err != nil {
		return link{}, fmt.Errorf("%s: %w (unset ALIBABA_CLOUD_ECS_METADATA_DISABLED to use the instance's role)", name, err)
	}
	name = fmt.Sprintf("%s (instance RAM role %s)", name, role)
	return link{name: name, provider: p, diagnose: diagnoseWith(name, name, "")}, nil
}

func uriLink(name, uri string, opts libraryOptions) (link, error) {
	if u, err := url.Parse(uri); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return link{}, fmt.Errorf("%s %q is not an http:// or https:// URL", name, uri)
	}
	p, err := providers.NewURLCredentialsProviderBuilder().WithUrl(uri).WithHttpOptions(opts.http).Build()
	if err != nil {
		return link{}, fmt.Errorf("%s: %w", name, err)
	}
	name = fmt.Sprintf("%s (%s)", name, redactURL(uri))
	return link{name: name, provider: p, diagnose: diagnoseWith(name, name, "")}, nil
}

// redactURL drops user info and the query, where a sidecar's URL may carry
// a token of its own.
func redactURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "<unparsable URL>"
	}
	u.User, u.RawQuery, u.Fragment = nil, "", ""
	return u.String()
}

// diagnoseWith explains a failure of the chain whose last link is name;
// base names the identity a role is assumed with.
func diagnoseWith(name, base, stsHost string) onsmqtt.Diagnose {
	return func(err error) *onsmqtt.CredentialError {
		var ce *onsmqtt.CredentialError
		if errors.As(err, &ce) {
			return ce
		}
		text := err.Error()
		if problem, ok := onsmqtt.FileTrouble(err); ok {
			return &onsmqtt.CredentialError{Source: name, Problem: "OIDC token: " + problem, Class: onsmqtt.ClassPermanent,
				Fix: "Point oidc_token_file (ALIBABA_CLOUD_OIDC_TOKEN_FILE) at the file the identity provider writes: " +
					"on ACK with RRSA the token file the webhook mounts into the pod (it sets ALIBABA_CLOUD_OIDC_TOKEN_FILE), in GitHub Actions a file the job writes from its ID token (permissions: id-token: write)"}
		}
		if d := diagnoseMetadata(name, text); d != nil {
			return d
		}
		if d := diagnoseURI(name, stsHost, err, text); d != nil {
			return d
		}
		if answer, ok := onsmqtt.ParseServiceAnswer(text); ok {
			oidc := strings.HasPrefix(text, "get session token failed")
			return &onsmqtt.CredentialError{Source: name, Problem: "STS refused: " + answer.Message, Code: answer.Code,
				RequestID: answer.RequestID, Class: onsmqtt.STSAnswerClass(answer.Code), Fix: stsFix(answer, oidc, base)}
		}
		if problem, class, ok := onsmqtt.NetworkTrouble(err); ok {
			return &onsmqtt.CredentialError{Source: name, Problem: fmt.Sprintf("STS at https://%s: %s", stsHost, problem), Class: class,
				Fix: "Check endpoints.sts (APSARAMQ_STS_ENDPOINT) or the region; temporary credentials are fetched over HTTPS only"}
		}
		// The libraries' remaining errors are fixed texts ("fail to get
		// credentials", a malformed Expiration) that hold no secret.
		return &onsmqtt.CredentialError{Source: name, Problem: text, Class: onsmqtt.ClassPermanent}
	}
}

func stsFix(a onsmqtt.ServiceAnswer, oidc bool, base string) string {
	switch a.Code {
	case "AuthenticationFail.OIDCToken.Expired":
		return "The OIDC token has expired: the token file must be rewritten by its issuer before it expires (ACK RRSA does this; a CI job must fetch a fresh token), and an inline oidc_token cannot be renewed at all"
	case "AuthenticationFail.OIDCToken.AudienceNotMatch":
		return "The token's audience (aud) is not a client ID of the OIDC provider in RAM: add it to the provider's client IDs, or request the token for a listed audience"
	case "AuthenticationFail.OIDCToken.InvalidSignature":
		return "The token is not signed by a key of the issuer's JWKS: check that oidc_provider_arn names the provider of the issuer that wrote the token"
	case "AuthenticationFail.OIDCToken.Invalid":
		return "The token is not an ID token of the provider's issuer: the token file must hold the raw JWT, and its iss must equal the issuer URL registered for oidc_provider_arn"
	case "AuthenticationFail.OIDCToken.HttpsUrlInvalid":
		return "RAM cannot read the issuer's keys over HTTPS: update the OIDC provider's certificate fingerprints in RAM"
	case "AuthenticationFail.NoPermission":
		if strings.Contains(a.Message, "OIDC Provider") {
			return "oidc_provider_arn names no OIDC provider of the role's account: check the ARN (acs:ram::<account-id>:oidc-provider/<name>)"
		}
		return "The role's trust policy does not allow this token: its Principal must name the OIDC provider (Federated) and its conditions (oidc:iss, oidc:aud, oidc:sub) must match the token's claims"
	case "EntityNotExist.Role":
		if oidc {
			return "The role_arn of assume_role_with_oidc names no role: check the ARN (acs:ram::<account-id>:role/<name>)"
		}
		return "assume_role.role_arn names no role: check the ARN (acs:ram::<account-id>:role/<name>)"
	case "NoPermission":
		return "The role's trust policy does not name the identity that assumes it (" + base + "), or that identity lacks sts:AssumeRole: add it to the role's trust policy (Principal RAM) and grant sts:AssumeRole"
	case "InvalidParameter.DurationSeconds":
		return "session_expiration exceeds what the role allows: its MaxSessionDuration, and at most 3600 seconds when one role's session assumes another role"
	case "InvalidAccessKeyId.NotFound", "SignatureDoesNotMatch", "InvalidSecurityToken.Expired", "InvalidSecurityToken.Mismatch":
		return "The credentials the role is assumed with were refused: check " + base
	}
	return (&onsmqtt.APIError{Code: a.Code}).Hint()
}

// diagnoseMetadata recognises the ECS metadata client's errors.
func diagnoseMetadata(name, text string) *onsmqtt.CredentialError {
	switch {
	case strings.Contains(text, "IMDS credentials is disabled"):
		return &onsmqtt.CredentialError{Source: name, Problem: "the metadata service is turned off", Class: onsmqtt.ClassPermanent,
			Fix: "Unset ALIBABA_CLOUD_ECS_METADATA_DISABLED, or use another source"}
	case !strings.Contains(text, "Ecs sts token") && !strings.Contains(text, "role name failed") && !strings.Contains(text, "metadata token"):
		return nil
	case strings.Contains(text, "httpStatus: 404") || strings.Contains(text, " 404"):
		return &onsmqtt.CredentialError{Source: name, Problem: "the ECS metadata service knows no such RAM role on this instance", Class: onsmqtt.ClassPermanent,
			Fix: "Attach the role to the instance (its trust policy must name ecs.aliyuncs.com), or fix ecs_role_name (ALIBABA_CLOUD_ECS_METADATA)"}
	case strings.Contains(text, "httpStatus: 40"):
		// The library asks again without a session token after any failed
		// request, which an instance in hardened mode refuses: so a role the
		// instance does not have ends here too.
		return &onsmqtt.CredentialError{Source: name, Problem: "the ECS metadata service refused the request for the role's credentials", Class: onsmqtt.ClassPermanent,
			Fix: "Check that the role is attached to the instance (its trust policy must name ecs.aliyuncs.com) and that ecs_role_name (ALIBABA_CLOUD_ECS_METADATA) names it"}
	case strings.Contains(text, "httpStatus: 5"):
		return &onsmqtt.CredentialError{Source: name, Problem: "the ECS metadata service failed", Class: onsmqtt.ClassTransient}
	}
	return &onsmqtt.CredentialError{Source: name, Problem: "the ECS metadata service at http://" + metadataHost + " does not answer", Class: onsmqtt.ClassPermanent,
		Fix: "This machine is not an ECS instance, or cannot reach its metadata service: run on ECS, or use another source and unset ecs_role_name (ALIBABA_CLOUD_ECS_METADATA)"}
}

// diagnoseURI recognises the credentials URI client's errors. Its texts
// carry the sidecar's answer, which may hold keys: only its Code and
// Message fields are passed on.
func diagnoseURI(name, stsHost string, err error, text string) *onsmqtt.CredentialError {
	var urlErr *url.Error
	switch {
	case strings.HasPrefix(text, "get credentials from GET"):
		problem := "the credentials URI answered an error"
		if a, ok := onsmqtt.ParseServiceAnswer(text); ok {
			problem += ": " + a.Code
			if a.Message != "" {
				problem += ": " + a.Message
			}
		}
		return &onsmqtt.CredentialError{Source: name, Problem: problem, Class: onsmqtt.ClassPermanent,
			Fix: "Check the sidecar serving credentials_uri (ALIBABA_CLOUD_CREDENTIALS_URI) and its logs"}
	case strings.HasPrefix(text, "refresh credentials from GET") || strings.Contains(text, "json unmarshal fail"):
		return &onsmqtt.CredentialError{Source: name, Problem: "the credentials URI answered without AccessKeyId, AccessKeySecret, SecurityToken and Expiration", Class: onsmqtt.ClassPermanent,
			Fix: "The sidecar must answer JSON with these four fields (Expiration as 2006-01-02T15:04:05Z)"}
	case errors.As(err, &urlErr) && (stsHost == "" || !strings.Contains(urlErr.URL, stsHost)):
		problem, class, _ := onsmqtt.NetworkTrouble(err)
		return &onsmqtt.CredentialError{Source: name, Problem: "the credentials URI cannot be read: " + problem, Class: class,
			Fix: "Check that the sidecar runs and that credentials_uri (ALIBABA_CLOUD_CREDENTIALS_URI) names it"}
	}
	return nil
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

func orDefaultInt(n, def int) int {
	if n == 0 {
		return def
	}
	return n
}
