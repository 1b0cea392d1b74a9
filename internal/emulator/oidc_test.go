package emulator_test

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/tls"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/auth/credentials"

	"github.com/apsaramq/terraform-provider-apsaramq/internal/emulator"
)

const (
	oidcAudience = "sts.aliyuncs.com"
	oidcSubject  = "repo:acme/devices:ref:refs/heads/main"
)

var oidcProviderArn = emulator.OIDCProviderArn(emulator.DemoAccountID, "github")

func startIssuer(t *testing.T) *emulator.OIDCIssuer {
	t.Helper()
	iss, err := emulator.StartOIDCIssuer("127.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = iss.Close() })
	return iss
}

// oidcSeed registers iss as provider "github" and adds role "ci", which
// trusts it for tokens of the acme organisation, and role "deploy", which
// trusts sessions of "ci" (role chaining).
func oidcSeed(iss *emulator.OIDCIssuer) emulator.Seed {
	seed := emulator.DemoSeed()
	acct := &seed.Accounts[0]
	acct.OIDCProviders = []emulator.OIDCProvider{iss.Provider("github", oidcAudience)}
	acct.Roles = append(acct.Roles,
		emulator.Role{Name: "ci", Actions: []string{"mq:GetDeviceCertificate", "mq:MqttInstanceAccess", "sts:AssumeRole"}, Trust: &emulator.TrustPolicy{
			Version: "1",
			Statement: []emulator.TrustStatement{{
				Effect: "Allow", Action: emulator.StringList{"sts:AssumeRole"},
				Principal: emulator.TrustPrincipal{Federated: emulator.StringList{oidcProviderArn}},
				Condition: map[string]map[string]emulator.StringList{
					"StringEquals": {"oidc:aud": {oidcAudience}, "oidc:iss": {iss.URL}},
					"StringLike":   {"oidc:sub": {"repo:acme/*"}},
				},
			}},
		}},
		emulator.Role{Name: "deploy", Trust: &emulator.TrustPolicy{Statement: []emulator.TrustStatement{{
			Effect: "Allow", Action: emulator.StringList{"sts:AssumeRole"},
			Principal: emulator.TrustPrincipal{RAM: emulator.StringList{"acs:ram::" + emulator.DemoAccountID + ":role/ci"}},
		}}}},
	)
	return seed
}

// assumeWithOIDC posts an unsigned AssumeRoleWithOIDC the way the
// credential libraries do: Action and Version in the query, the rest in the form.
func assumeWithOIDC(t *testing.T, srv *emulator.Server, form url.Values) rawResult {
	t.Helper()
	q := url.Values{"Action": {"AssumeRoleWithOIDC"}, "Version": {emulator.STSVersion}, "Format": {"JSON"},
		"Timestamp": {time.Now().UTC().Format("2006-01-02T15:04:05Z")}}
	req, _ := http.NewRequest(http.MethodPost, srv.URL+"/?"+q.Encode(), strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return rawDo(t, req)
}

func oidcForm(token, role string) url.Values {
	return url.Values{"RoleArn": {"acs:ram::" + emulator.DemoAccountID + ":role/" + role}, "OIDCProviderArn": {oidcProviderArn},
		"OIDCToken": {token}, "RoleSessionName": {"gha-run-1"}, "DurationSeconds": {"900"}}
}

func mint(t *testing.T, iss *emulator.OIDCIssuer, c emulator.TokenClaims) string {
	t.Helper()
	if c.Subject == "" {
		c.Subject = oidcSubject
	}
	if c.Audience == nil {
		c.Audience = []string{oidcAudience}
	}
	tok, err := iss.Token(c)
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

func TestAssumeRoleWithOIDC(t *testing.T) {
	iss := startIssuer(t)
	srv := startServerSeed(t, oidcSeed(iss), emulator.Options{})
	before := time.Now().UTC()
	res := assumeWithOIDC(t, srv, oidcForm(mint(t, iss, emulator.TokenClaims{}), "ci"))
	if res.status != 200 {
		t.Fatalf("AssumeRoleWithOIDC: %d %v", res.status, res.body)
	}
	exp, err := time.Parse("2006-01-02T15:04:05Z", digStr(res.body, "Credentials", "Expiration"))
	if err != nil || exp.Before(before.Add(899*time.Second)) || exp.After(before.Add(902*time.Second)) {
		t.Fatalf("Expiration %q (%v)", digStr(res.body, "Credentials", "Expiration"), err)
	}
	for path, want := range map[string]string{
		"OIDCTokenInfo.Subject": oidcSubject, "OIDCTokenInfo.Issuer": iss.URL, "OIDCTokenInfo.ClientIds": oidcAudience,
		"OIDCTokenInfo.VerificationInfo": "Success", "AssumedRoleUser.Arn": "acs:ram::" + emulator.DemoAccountID + ":assumed-role/ci/gha-run-1",
	} {
		if got := digStr(res.body, strings.Split(path, ".")...); got != want {
			t.Errorf("%s = %q, want %q", path, got, want)
		}
	}
	if digStr(res.body, "RequestId") == "" {
		t.Error("no RequestId")
	}

	// The session acts with the role's RAM restriction.
	keyID, secret, token := digStr(res.body, "Credentials", "AccessKeyId"), digStr(res.body, "Credentials", "AccessKeySecret"), digStr(res.body, "Credentials", "SecurityToken")
	tc := newClientWith(t, srv, credentials.NewStsTokenCredential(keyID, secret, token), nil)
	tc.mustCall("GetDeviceCertificate", demoDevice(emulator.DemoDeviceSn))
	_, err = tc.call("InactivateDeviceCertificate", demoDevice(emulator.DemoDeviceSn))
	expectCode(t, err, "PermissionCheckFailed", 403)

	// Role chaining: "deploy" trusts sessions of "ci", and only them.
	if _, err := tc.do(assumeRoleRequest(tc, map[string]string{"RoleArn": "acs:ram::" + emulator.DemoAccountID + ":role/deploy", "RoleSessionName": "chain"})); err != nil {
		t.Fatalf("chained AssumeRole: %v", err)
	}
	_, err = demoClient(t, srv).do(assumeRoleRequest(demoClient(t, srv), map[string]string{"RoleArn": "acs:ram::" + emulator.DemoAccountID + ":role/deploy", "RoleSessionName": "direct"}))
	expectCode(t, err, "NoPermission", 403)
	if s := srv.CredentialIssues(); s.Issued != 2 || s.Peak != 1 {
		t.Errorf("CredentialIssues = %+v, want 2 issued, at most 1 at once", s)
	}
}

func TestAssumeRoleWithOIDCFailures(t *testing.T) {
	iss := startIssuer(t)
	other := startIssuer(t) // another identity provider, not registered
	seed := oidcSeed(iss)
	seed.Accounts[0].OIDCProviders = append(seed.Accounts[0].OIDCProviders, emulator.OIDCProvider{
		Name: "pinned-wrong", IssuerURL: other.URL, ClientIDs: []string{oidcAudience}, Fingerprints: []string{iss.Fingerprint},
	})
	srv := startServerSeed(t, seed, emulator.Options{})
	forger, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	good := mint(t, iss, emulator.TokenClaims{})
	parts := strings.Split(good, ".")
	with := func(f url.Values, k, v string) url.Values { f.Set(k, v); return f }
	cases := []struct {
		name   string
		form   url.Values
		code   string
		status int
	}{
		{"expired", oidcForm(mint(t, iss, emulator.TokenClaims{IssuedAt: time.Now().Add(-time.Hour), ExpiresAt: time.Now().Add(-time.Minute)}), "ci"), "AuthenticationFail.OIDCToken.Expired", 401},
		{"audience", oidcForm(mint(t, iss, emulator.TokenClaims{Audience: []string{"someone-else"}}), "ci"), "AuthenticationFail.OIDCToken.AudienceNotMatch", 401},
		{"issuer", oidcForm(mint(t, iss, emulator.TokenClaims{Issuer: "https://token.example.com"}), "ci"), "AuthenticationFail.OIDCToken.Invalid", 401},
		{"forged signature", oidcForm(mint(t, iss, emulator.TokenClaims{SignWith: forger}), "ci"), "AuthenticationFail.OIDCToken.InvalidSignature", 401},
		{"two parts", oidcForm(parts[0]+"."+parts[1], "ci"), "AuthenticationFail.OIDCToken.Invalid", 401},
		{"HS256", oidcForm("eyJhbGciOiJIUzI1NiJ9."+parts[1]+"."+parts[2], "ci"), "AuthenticationFail.OIDCToken.Invalid", 401},
		{"empty token", with(oidcForm("", "ci"), "OIDCToken", ""), "AuthenticationFail.OIDCToken.Invalid", 401},
		{"unregistered provider", with(oidcForm(good, "ci"), "OIDCProviderArn", emulator.OIDCProviderArn(emulator.DemoAccountID, "gitlab")), "AuthenticationFail.NoPermission", 401},
		{"untrusted certificate", with(oidcForm(mint(t, other, emulator.TokenClaims{}), "ci"), "OIDCProviderArn", emulator.OIDCProviderArn(emulator.DemoAccountID, "pinned-wrong")), "AuthenticationFail.OIDCToken.HttpsUrlInvalid", 401},
		{"no such role", oidcForm(good, "nobody"), "EntityNotExist.Role", 404},
		{"role does not trust the provider", oidcForm(good, emulator.DemoRoleName), "AuthenticationFail.NoPermission", 401},
		{"subject outside the trust condition", oidcForm(mint(t, iss, emulator.TokenClaims{Subject: "repo:mallory/x:ref:refs/heads/main"}), "ci"), "AuthenticationFail.NoPermission", 401},
		{"session name", with(oidcForm(good, "ci"), "RoleSessionName", "x"), "InvalidParameter.RoleSessionName", 400},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			res := assumeWithOIDC(t, srv, tc.form)
			if res.status != tc.status || res.code() != tc.code {
				t.Fatalf("got %d %v, want %d %s", res.status, res.body, tc.status, tc.code)
			}
		})
	}
	if s := srv.CredentialIssues(); s.Issued != 0 {
		t.Errorf("%d credentials issued for refused tokens", s.Issued)
	}
}

func TestTemporaryCredentialLifetime(t *testing.T) {
	iss := startIssuer(t)
	srv := startServerSeed(t, oidcSeed(iss), emulator.Options{TemporaryCredentialLifetime: 2 * time.Second})
	res := assumeWithOIDC(t, srv, oidcForm(mint(t, iss, emulator.TokenClaims{}), "ci"))
	exp, err := time.Parse("2006-01-02T15:04:05Z", digStr(res.body, "Credentials", "Expiration"))
	if err != nil || time.Until(exp) > 3*time.Second {
		t.Fatalf("Expiration %v (%v): want about 2s from now", exp, err)
	}
	keyID, secret, token := digStr(res.body, "Credentials", "AccessKeyId"), digStr(res.body, "Credentials", "AccessKeySecret"), digStr(res.body, "Credentials", "SecurityToken")
	get := func() rawResult {
		p := mqttParams("GetDeviceCertificate", "MqttInstanceId", emulator.DemoInstanceID, "CaSn", emulator.DemoCASn, "DeviceSn", emulator.DemoDeviceSn, "SecurityToken", token)
		return rawGet(t, srv, signRPC("GET", p, keyID, secret, time.Now()))
	}
	if res := get(); res.status != 200 {
		t.Fatalf("fresh: %v", res.body)
	}
	time.Sleep(time.Until(exp) + 100*time.Millisecond)
	if res := get(); res.code() != "InvalidSecurityToken.Expired" {
		t.Fatalf("after Expiration: %d %v", res.status, res.body)
	}
}

func TestHTTPSListener(t *testing.T) {
	ca, err := emulator.NewTestCA("emulator HTTPS CA")
	if err != nil {
		t.Fatal(err)
	}
	srv := startServer(t, emulator.Options{TLSCA: ca})
	if !strings.HasPrefix(srv.HTTPSURL, "https://127.0.0.1:") {
		t.Fatalf("HTTPSURL = %q", srv.HTTPSURL)
	}
	client := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: ca.Pool(), MinVersion: tls.VersionTLS12}}}
	for _, u := range []string{srv.HTTPSURL, strings.Replace(srv.HTTPSURL, "127.0.0.1", "localhost", 1)} {
		resp, err := client.Get(u + "/?Action=GetDeviceCertificate&Version=" + emulator.MQTTVersion)
		if err != nil {
			t.Fatalf("%s: %v", u, err)
		}
		var body map[string]any
		_ = json.NewDecoder(resp.Body).Decode(&body)
		resp.Body.Close()
		if body["Code"] != "MissingParameter" {
			t.Errorf("%s answered %v, want the API's MissingParameter", u, body)
		}
	}
	// A client that does not trust the CA is refused.
	if _, err := http.Get(srv.HTTPSURL + "/"); err == nil || !strings.Contains(err.Error(), "certificate") {
		t.Errorf("untrusted client: %v", err)
	}
}

func ecsSeed() emulator.Seed {
	seed := emulator.DemoSeed()
	seed.Accounts[0].Roles = append(seed.Accounts[0].Roles,
		emulator.Role{Name: "EcsRunner", Actions: []string{"mq:GetDeviceCertificate", "mq:MqttInstanceAccess"}, Trust: &emulator.TrustPolicy{
			Statement: []emulator.TrustStatement{{Effect: "Allow", Action: emulator.StringList{"sts:AssumeRole"}, Principal: emulator.TrustPrincipal{Service: emulator.StringList{emulator.ECSService}}}},
		}})
	return seed
}

func TestMetadataHandler(t *testing.T) {
	srv := startServerSeed(t, ecsSeed(), emulator.Options{})
	md := httptest.NewServer(srv.MetadataHandler(emulator.DemoAccountID, "EcsRunner", emulator.MetadataOptions{RequireToken: true}))
	defer md.Close()
	do := func(method, path, token string) (int, string) {
		req, _ := http.NewRequest(method, md.URL+path, nil)
		if method == http.MethodPut {
			req.Header.Set("X-aliyun-ecs-metadata-token-ttl-seconds", "60")
		}
		if token != "" {
			req.Header.Set("X-aliyun-ecs-metadata-token", token)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	if status, _ := do(http.MethodGet, "/latest/meta-data/ram/security-credentials/", ""); status != http.StatusForbidden {
		t.Errorf("hardened mode answered %d without a token", status)
	}
	_, tok := do(http.MethodPut, "/latest/api/token", "")
	if status, body := do(http.MethodGet, "/latest/meta-data/ram/security-credentials/", tok); status != 200 || body != "EcsRunner" {
		t.Fatalf("role name: %d %q", status, body)
	}
	status, body := do(http.MethodGet, "/latest/meta-data/ram/security-credentials/EcsRunner", tok)
	var creds map[string]string
	if err := json.Unmarshal([]byte(body), &creds); status != 200 || err != nil || creds["Code"] != "Success" {
		t.Fatalf("credentials: %d %s", status, body)
	}
	if _, err := time.Parse("2006-01-02T15:04:05Z", creds["Expiration"]); err != nil {
		t.Errorf("Expiration %q: %v", creds["Expiration"], err)
	}
	c := newClientWith(t, srv, credentials.NewStsTokenCredential(creds["AccessKeyId"], creds["AccessKeySecret"], creds["SecurityToken"]), nil)
	c.mustCall("GetDeviceCertificate", demoDevice(emulator.DemoDeviceSn))
	if status, _ := do(http.MethodGet, "/latest/meta-data/ram/security-credentials/EcsRunner", "forged"); status != http.StatusUnauthorized {
		t.Errorf("forged token answered %d", status)
	}

	// A role that does not trust ECS cannot be an instance's role.
	resp := serveGet(t, srv.MetadataHandler(emulator.DemoAccountID, emulator.DemoRoleName, emulator.MetadataOptions{}), "/latest/meta-data/ram/security-credentials/")
	resp.Body.Close()
	if resp.StatusCode != http.StatusNotFound {
		t.Errorf("role without ECS trust: %d", resp.StatusCode)
	}
}

func TestCredentialsURIHandler(t *testing.T) {
	srv := startServerSeed(t, ecsSeed(), emulator.Options{})
	resp := serveGet(t, srv.CredentialsURIHandler(emulator.DemoRoleArn), "")
	var creds map[string]string
	_ = json.NewDecoder(resp.Body).Decode(&creds)
	resp.Body.Close()
	if creds["Code"] != "Success" || !strings.HasPrefix(creds["AccessKeyId"], "STS.") || creds["Expiration"] == "" {
		t.Fatalf("answer %v", creds)
	}
	c := newClientWith(t, srv, credentials.NewStsTokenCredential(creds["AccessKeyId"], creds["AccessKeySecret"], creds["SecurityToken"]), nil)
	c.mustCall("GetDeviceCertificate", demoDevice(emulator.DemoDeviceSn))

	resp = serveGet(t, srv.CredentialsURIHandler("acs:ram::"+emulator.DemoAccountID+":role/gone"), "")
	resp.Body.Close()
	if resp.StatusCode != http.StatusInternalServerError {
		t.Errorf("unknown role: %d", resp.StatusCode)
	}
}

// serveGet serves h until the test ends and GETs path from it; the caller
// closes the answer's body.
func serveGet(t *testing.T, h http.Handler, path string) *http.Response {
	t.Helper()
	s := httptest.NewServer(h)
	t.Cleanup(s.Close)
	resp, err := http.Get(s.URL + path)
	if err != nil {
		t.Fatal(err)
	}
	return resp
}

func TestSeedRejectsBadOIDCAndTrust(t *testing.T) {
	for name, mutate := range map[string]func(a *emulator.Account){
		"http issuer":     func(a *emulator.Account) { a.OIDCProviders[0].IssuerURL = "http://127.0.0.1:1" },
		"bad fingerprint": func(a *emulator.Account) { a.OIDCProviders[0].Fingerprints = []string{"zz"} },
		"no client id":    func(a *emulator.Account) { a.OIDCProviders[0].ClientIDs = nil },
		"no principal":    func(a *emulator.Account) { a.Roles[1].Trust.Statement[0].Principal = emulator.TrustPrincipal{} },
		"unknown operator": func(a *emulator.Account) {
			a.Roles[1].Trust.Statement[0].Condition = map[string]map[string]emulator.StringList{"IpAddress": {}}
		},
	} {
		t.Run(name, func(t *testing.T) {
			seed := oidcSeed(&emulator.OIDCIssuer{URL: "https://127.0.0.1:1", Fingerprint: strings.Repeat("ab", 20)})
			mutate(&seed.Accounts[0])
			if _, err := emulator.New(seed, emulator.Options{}); err == nil {
				t.Fatal("seed accepted")
			}
		})
	}
	// A role with a trust policy survives a JSON round trip (the -state file).
	seed := oidcSeed(&emulator.OIDCIssuer{URL: "https://127.0.0.1:1", Fingerprint: strings.Repeat("ab", 20)})
	b, err := json.Marshal(seed)
	if err != nil {
		t.Fatal(err)
	}
	var back emulator.Seed
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if back.Accounts[0].Roles[1].Trust == nil || back.Accounts[0].OIDCProviders[0].Name != "github" {
		t.Fatalf("round trip lost the trust policy or the provider: %s", b)
	}
}
