package emulator

import (
	"context"
	"crypto"
	"crypto/rsa"
	"crypto/sha1" //nolint:gosec // RAM identifies an issuer's certificate by its SHA-1 fingerprint
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/big"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"time"
)

// STS AssumeRoleWithOIDC: role SSO with a token from an external OpenID
// Connect identity provider (GitHub Actions, GitLab, ACK's RRSA). The
// request is not signed: the token is the authentication. The emulator
// checks, like RAM: the provider is registered in the role's account; the
// token is a JWT signed RS256 with a key of the issuer's JWKS (found through
// its discovery document, fetched over HTTPS trusted by the registered
// certificate fingerprints); "iss" is the provider's issuer URL; "exp" has
// not passed and "iat" is not in the future; "aud" holds one of the
// provider's client IDs; and the role's trust policy names the provider,
// with its conditions on the claims.

// STS error codes of AssumeRoleWithOIDC, all HTTP 401 (STS error code list).
const (
	CodeAuthNoPermission      = "AuthenticationFail.NoPermission"
	CodeOIDCTokenInvalid      = "AuthenticationFail.OIDCToken.Invalid"
	CodeOIDCTokenExpired      = "AuthenticationFail.OIDCToken.Expired"
	CodeOIDCAudienceNotMatch  = "AuthenticationFail.OIDCToken.AudienceNotMatch"
	CodeOIDCInvalidSignature  = "AuthenticationFail.OIDCToken.InvalidSignature"
	CodeOIDCHTTPSURLInvalid   = "AuthenticationFail.OIDCToken.HttpsUrlInvalid"
	maxOIDCTokenLength        = 20000
	oidcDiscoveryPath         = "/.well-known/openid-configuration"
	oidcFetchTimeout          = 5 * time.Second
	oidcMaxDocumentBytes      = 1 << 20
	oidcClockSkew             = 5 * time.Minute
	oidcProviderArnFormat     = "acs:ram::%s:oidc-provider/%s"
	oidcVerificationSucceeded = "Success"
)

var oidcProviderArnRE = regexp.MustCompile(`^acs:ram::(\d+):oidc-provider/(.+)$`)

// OIDCProviderArn is the ARN of an account's OIDC provider.
func OIDCProviderArn(accountID, name string) string {
	return fmt.Sprintf(oidcProviderArnFormat, accountID, name)
}

func checkOIDCProviders(a Account) error {
	seen := map[string]bool{}
	for _, p := range a.OIDCProviders {
		if p.Name == "" || seen[strings.ToLower(p.Name)] {
			return fmt.Errorf("account %q: OIDC provider names must be present and unique, got %q", a.ID, p.Name)
		}
		seen[strings.ToLower(p.Name)] = true
		if u, err := url.Parse(p.IssuerURL); err != nil || u.Scheme != "https" || u.Host == "" {
			return fmt.Errorf("account %q: OIDC provider %s: issuer_url must be an https:// URL, got %q", a.ID, p.Name, p.IssuerURL)
		}
		if len(p.ClientIDs) == 0 || len(p.Fingerprints) == 0 {
			return fmt.Errorf("account %q: OIDC provider %s needs client_ids and fingerprints", a.ID, p.Name)
		}
		for _, f := range p.Fingerprints {
			if b, err := hex.DecodeString(strings.ReplaceAll(f, ":", "")); err != nil || len(b) != sha1.Size {
				return fmt.Errorf("account %q: OIDC provider %s: fingerprint %q is not a SHA-1 in hex", a.ID, p.Name, f)
			}
		}
	}
	return nil
}

// jwtClaims are the claims the emulator reads. "aud" may be a string or a list.
type jwtClaims struct {
	Issuer    string     `json:"iss"`
	Subject   string     `json:"sub"`
	Audience  StringList `json:"aud"`
	ExpiresAt *int64     `json:"exp"`
	IssuedAt  *int64     `json:"iat"`
}

func (e *Emulator) assumeRoleWithOIDC(c *call) (map[string]any, *apiError) {
	for _, p := range []string{"RoleArn", "OIDCProviderArn", "OIDCToken", "RoleSessionName"} {
		if c.get(p) == "" {
			if p == "OIDCToken" {
				return nil, newErr(CodeOIDCTokenInvalid, "The OIDCToken can not empty.")
			}
			return nil, errMissing(p)
		}
	}
	token, session := c.get("OIDCToken"), c.get("RoleSessionName")
	if len(token) < 4 || len(token) > maxOIDCTokenLength {
		return nil, newErr(CodeInvalidParameter, "The parameter OIDCToken must be 4 to %d characters long.", maxOIDCTokenLength)
	}
	duration, aerr := sessionParams(c, session)
	if aerr != nil {
		return nil, aerr
	}
	pm := oidcProviderArnRE.FindStringSubmatch(c.get("OIDCProviderArn"))
	rm := roleArnRE.FindStringSubmatch(c.get("RoleArn"))
	if rm == nil {
		return nil, newErr(CodeInvalidRoleArn, "The parameter RoleArn %q is wrongly formed.", c.get("RoleArn"))
	}
	var provider OIDCProvider
	found := false
	if pm != nil {
		e.read(func(s *store) {
			for _, p := range s.accounts[pm[1]].OIDCProviders {
				if strings.EqualFold(p.Name, pm[2]) {
					provider, found = p, true
				}
			}
		})
	}
	if !found {
		return nil, newErr(CodeAuthNoPermission, "No such OIDC Provider registered.")
	}
	claims, aerr := e.verifyOIDCToken(c.ctx, provider, token)
	if aerr != nil {
		return nil, aerr
	}
	accountID, roleName := rm[1], rm[2]
	role, ok := e.role(accountID, roleName)
	if !ok {
		return nil, newErr(CodeEntityNotExistRole, "The role not exists: %s.", c.get("RoleArn"))
	}
	id := identity{accountID: pm[1], provider: OIDCProviderArn(pm[1], provider.Name), claims: map[string][]string{
		"oidc:iss": {claims.Issuer}, "oidc:sub": {claims.Subject}, "oidc:aud": claims.Audience,
	}}
	if accountID != pm[1] || !role.trusts(accountID, id) {
		return nil, newErr(CodeAuthNoPermission, "There is no permission")
	}
	if aerr := checkMaxSession(role, duration); aerr != nil {
		return nil, aerr
	}
	out := e.issue(accountID, role, session, duration)
	out["OIDCTokenInfo"] = map[string]any{
		"Subject":          claims.Subject,
		"Issuer":           claims.Issuer,
		"ClientIds":        strings.Join(claims.Audience, ","),
		"ExpirationTime":   time.Unix(*claims.ExpiresAt, 0).UTC().Format(timestampLayout),
		"IssuanceTime":     time.Unix(*claims.IssuedAt, 0).UTC().Format(timestampLayout),
		"VerificationInfo": oidcVerificationSucceeded,
	}
	return out, nil
}

// verifyOIDCToken checks the token's form, issuer, signature, lifetime and
// audience, in that order, and returns its claims.
func (e *Emulator) verifyOIDCToken(ctx context.Context, p OIDCProvider, token string) (jwtClaims, *apiError) {
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return jwtClaims{}, newErr(CodeOIDCTokenInvalid, "The number of Jwt field should be divided into 3 parts with '.' .")
	}
	var header struct {
		Alg string `json:"alg"`
		Kid string `json:"kid"`
	}
	var claims jwtClaims
	rawHeader, err1 := base64.RawURLEncoding.DecodeString(parts[0])
	rawClaims, err2 := base64.RawURLEncoding.DecodeString(parts[1])
	sig, err3 := base64.RawURLEncoding.DecodeString(parts[2])
	if err1 != nil || err2 != nil || err3 != nil {
		return jwtClaims{}, newErr(CodeOIDCTokenInvalid, "Cannot decode base64 encoded response(format invalided).")
	}
	if json.Unmarshal(rawHeader, &header) != nil || json.Unmarshal(rawClaims, &claims) != nil {
		return jwtClaims{}, newErr(CodeOIDCTokenInvalid, "The Jwt content is invalid that cannot be recognized.")
	}
	if header.Alg != "RS256" {
		return jwtClaims{}, newErr(CodeOIDCTokenInvalid, "The algorithm %s that be specified in Jwt header is unknown.", header.Alg)
	}
	if claims.ExpiresAt == nil || claims.IssuedAt == nil || claims.Issuer == "" {
		return jwtClaims{}, newErr(CodeOIDCTokenInvalid, "The Jwt content is invalid that cannot be recognized.")
	}
	if strings.TrimSuffix(claims.Issuer, "/") != strings.TrimSuffix(p.IssuerURL, "/") {
		// The STS error list has no code of its own for a foreign issuer; the
		// generic invalid-token code is the emulator's reading.
		return jwtClaims{}, newErr(CodeOIDCTokenInvalid, "The issuer %q of the OIDCToken does not match the issuer URL of the OIDC provider.", claims.Issuer)
	}
	keys, aerr := fetchJWKS(ctx, p)
	if aerr != nil {
		return jwtClaims{}, aerr
	}
	digest := sha256.Sum256([]byte(parts[0] + "." + parts[1]))
	verified := slices.ContainsFunc(keys, func(k jwk) bool {
		return (header.Kid == "" || k.kid == header.Kid) && rsa.VerifyPKCS1v15(k.key, crypto.SHA256, digest[:], sig) == nil
	})
	if !verified {
		return jwtClaims{}, newErr(CodeOIDCInvalidSignature, "OIDC token validate failed: invalid signature.")
	}
	now := e.now()
	if !now.Before(time.Unix(*claims.ExpiresAt, 0)) {
		return jwtClaims{}, newErr(CodeOIDCTokenExpired, "This JsonWebToken is expired.")
	}
	if time.Unix(*claims.IssuedAt, 0).After(now.Add(oidcClockSkew)) {
		return jwtClaims{}, newErr(CodeOIDCTokenInvalid, "The Jwt is issued in the future (iat).")
	}
	if !slices.ContainsFunc(claims.Audience, func(a string) bool { return slices.Contains(p.ClientIDs, a) }) {
		return jwtClaims{}, newErr(CodeOIDCAudienceNotMatch, "Invalid audience.")
	}
	return claims, nil
}

type jwk struct {
	kid string
	key *rsa.PublicKey
}

// fetchJWKS reads the issuer's discovery document and then its JWKS, over
// HTTPS connections trusted only through the provider's fingerprints.
func fetchJWKS(ctx context.Context, p OIDCProvider) ([]jwk, *apiError) {
	client := pinnedClient(p.Fingerprints)
	var discovery struct {
		Issuer  string `json:"issuer"`
		JWKSURI string `json:"jwks_uri"`
	}
	discoveryURL := strings.TrimSuffix(p.IssuerURL, "/") + oidcDiscoveryPath
	if aerr := getJSON(ctx, client, discoveryURL, &discovery); aerr != nil {
		return nil, aerr
	}
	if u, err := url.Parse(discovery.JWKSURI); err != nil || u.Scheme != "https" {
		return nil, newErr(CodeOIDCHTTPSURLInvalid, "The jwks_uri of %s is not an https URL.", discoveryURL)
	}
	var set struct {
		Keys []struct {
			Kty string `json:"kty"`
			Kid string `json:"kid"`
			N   string `json:"n"`
			E   string `json:"e"`
		} `json:"keys"`
	}
	if aerr := getJSON(ctx, client, discovery.JWKSURI, &set); aerr != nil {
		return nil, aerr
	}
	var keys []jwk
	for _, k := range set.Keys {
		n, errN := base64.RawURLEncoding.DecodeString(k.N)
		ex, errE := base64.RawURLEncoding.DecodeString(k.E)
		if k.Kty != "RSA" || errN != nil || errE != nil || len(ex) > 4 {
			continue
		}
		keys = append(keys, jwk{kid: k.Kid, key: &rsa.PublicKey{N: new(big.Int).SetBytes(n), E: int(new(big.Int).SetBytes(ex).Int64())}})
	}
	return keys, nil
}

// errUntrustedIssuer marks a TLS chain none of whose certificates carries a
// registered fingerprint.
var errUntrustedIssuer = errors.New("no certificate of the chain matches a registered fingerprint")

func pinnedClient(fingerprints []string) *http.Client {
	want := map[string]bool{}
	for _, f := range fingerprints {
		want[strings.ToLower(strings.ReplaceAll(f, ":", ""))] = true
	}
	return &http.Client{
		Timeout: oidcFetchTimeout,
		Transport: &http.Transport{
			TLSClientConfig: &tls.Config{
				MinVersion: tls.VersionTLS12,
				// Trust comes from the fingerprints below, as in RAM, not from a CA store.
				InsecureSkipVerify: true, //nolint:gosec // verified by VerifyPeerCertificate
				VerifyPeerCertificate: func(raw [][]byte, _ [][]*x509.Certificate) error {
					for _, der := range raw {
						sum := sha1.Sum(der) //nolint:gosec // fingerprint, as RAM defines it
						if want[hex.EncodeToString(sum[:])] {
							return nil
						}
					}
					return errUntrustedIssuer
				},
			},
			Proxy: nil,
		},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

func getJSON(ctx context.Context, client *http.Client, target string, out any) *apiError {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, target, nil)
	if err != nil {
		return newErr(CodeOIDCHTTPSURLInvalid, "Invoke url failed: %s is not a URL.", target)
	}
	resp, err := client.Do(req)
	if errors.Is(err, errUntrustedIssuer) {
		return newErr(CodeOIDCHTTPSURLInvalid, "The root ca certificate is not in ca whitelist of this url: %s", target)
	}
	if err != nil {
		return newErr(CodeOIDCHTTPSURLInvalid, "Invoke url failed: %s could not be read.", target)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, oidcMaxDocumentBytes))
	if err != nil || resp.StatusCode != http.StatusOK || json.Unmarshal(body, out) != nil {
		return newErr(CodeOIDCHTTPSURLInvalid, "Invoke url failed: %s did not answer a JSON document (HTTP %d).", target, resp.StatusCode)
	}
	return nil
}
