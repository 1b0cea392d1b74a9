package emulator_test

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/auth/credentials"
	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/requests"

	"github.com/apsaramq/terraform-provider-apsaramq/internal/emulator"
)

func assumeRoleRequest(c *client, params map[string]string) *requests.CommonRequest {
	req := c.request("AssumeRole", params)
	req.Product = "Sts"
	req.Version = emulator.STSVersion
	return req
}

func TestAssumeRoleAndUseTemporaryCredentials(t *testing.T) {
	srv := startServer(t, emulator.Options{})
	c := demoClient(t, srv)
	before := time.Now().UTC()
	out, err := c.do(assumeRoleRequest(c, map[string]string{"RoleArn": emulator.DemoRoleArn, "RoleSessionName": "tf-session", "DurationSeconds": "1800", "Policy": `{"Version":"1","Statement":[]}`}))
	if err != nil {
		t.Fatal(err)
	}
	keyID, secret, token := digStr(out, "Credentials", "AccessKeyId"), digStr(out, "Credentials", "AccessKeySecret"), digStr(out, "Credentials", "SecurityToken")
	if !strings.HasPrefix(keyID, "STS.") || secret == "" || token == "" {
		t.Fatalf("Credentials = %v", dig(out, "Credentials"))
	}
	exp, err := time.Parse("2006-01-02T15:04:05Z", digStr(out, "Credentials", "Expiration"))
	if err != nil || exp.Before(before.Add(1799*time.Second)) || exp.After(before.Add(1802*time.Second)) {
		t.Fatalf("Expiration %v (%v)", digStr(out, "Credentials", "Expiration"), err)
	}
	if arn := digStr(out, "AssumedRoleUser", "Arn"); arn != "acs:ram::"+emulator.DemoAccountID+":assumed-role/terraform/tf-session" {
		t.Fatalf("Arn = %q", arn)
	}
	if id := digStr(out, "AssumedRoleUser", "AssumedRoleId"); !strings.HasSuffix(id, ":tf-session") || len(id) < 20 {
		t.Fatalf("AssumedRoleId = %q", id)
	}

	tc := newClientWith(t, srv, credentials.NewStsTokenCredential(keyID, secret, token), nil)
	tc.mustCall("InactivateDeviceCertificate", demoDevice(emulator.DemoDeviceSn))
	if d, _ := srv.Device(emulator.DemoInstanceID, emulator.DemoCASn, emulator.DemoDeviceSn); d.Status != "0" {
		t.Fatal("temporary credentials did not act as the demo account")
	}
	_, err = tc.call("GetDeviceCertificate", map[string]string{"MqttInstanceId": emulator.OtherInstanceID, "CaSn": emulator.OtherCASn, "DeviceSn": emulator.OtherDeviceSn})
	expectCode(t, err, "MqttOwnerCheckError", 403)

	// Wrong token, missing token, wrong secret, unknown temporary key.
	_, err = newClientWith(t, srv, credentials.NewStsTokenCredential(keyID, secret, token+"x"), nil).call("GetDeviceCertificate", demoDevice(emulator.DemoDeviceSn))
	expectCode(t, err, "InvalidSecurityToken.Mismatch", 400)
	_, err = newClientWith(t, srv, credentials.NewAccessKeyCredential(keyID, secret), nil).call("GetDeviceCertificate", demoDevice(emulator.DemoDeviceSn))
	expectCode(t, err, "MissingSecurityToken", 400)
	_, err = newClientWith(t, srv, credentials.NewStsTokenCredential(keyID, "bad", token), nil).call("GetDeviceCertificate", demoDevice(emulator.DemoDeviceSn))
	expectCode(t, err, "SignatureDoesNotMatch", 400)
	_, err = newClientWith(t, srv, credentials.NewStsTokenCredential("STS.unknown", secret, token), nil).call("GetDeviceCertificate", demoDevice(emulator.DemoDeviceSn))
	expectCode(t, err, "InvalidAccessKeyId.NotFound", 404)

	// Role chaining: the session may assume a role that trusts its account,
	// for at most an hour.
	if _, err := tc.do(assumeRoleRequest(tc, map[string]string{"RoleArn": emulator.DemoRoleArn, "RoleSessionName": "again"})); err != nil {
		t.Fatalf("chained AssumeRole: %v", err)
	}
	_, err = tc.do(assumeRoleRequest(tc, map[string]string{"RoleArn": emulator.DemoRoleArn, "RoleSessionName": "again", "DurationSeconds": "3601"}))
	expectCode(t, err, "InvalidParameter.DurationSeconds", 400)
	if srv.Calls()["AssumeRole"] != 3 {
		t.Fatalf("Calls = %v", srv.Calls())
	}
}

func TestAssumeRoleErrors(t *testing.T) {
	seed := emulator.DemoSeed()
	seed.Accounts[1].Roles = []emulator.Role{{Name: "ops"}}
	srv := startServerSeed(t, seed, emulator.Options{})
	c := demoClient(t, srv)
	for _, tc := range []struct {
		params map[string]string
		code   string
		status int
	}{
		{map[string]string{"RoleArn": "acs:ram::" + emulator.DemoAccountID + ":role/missing", "RoleSessionName": "s1"}, "EntityNotExist.Role", 404},
		{map[string]string{"RoleArn": "acs:ram::" + emulator.OtherAccountID + ":role/ops", "RoleSessionName": "s1"}, "NoPermission", 403},
		{map[string]string{"RoleArn": "arn:aws:iam::1:role/x", "RoleSessionName": "s1"}, "InvalidParameter.RoleArn", 400},
		{map[string]string{"RoleSessionName": "s1"}, "MissingParameter", 400},
		{map[string]string{"RoleArn": emulator.DemoRoleArn}, "MissingParameter", 400},
		{map[string]string{"RoleArn": emulator.DemoRoleArn, "RoleSessionName": "x"}, "InvalidParameter.RoleSessionName", 400},
		{map[string]string{"RoleArn": emulator.DemoRoleArn, "RoleSessionName": "s1", "DurationSeconds": "899"}, "InvalidParameter.DurationSeconds", 400},
		{map[string]string{"RoleArn": emulator.DemoRoleArn, "RoleSessionName": "s1", "DurationSeconds": "43201"}, "InvalidParameter.DurationSeconds", 400},
		{map[string]string{"RoleArn": emulator.DemoRoleArn, "RoleSessionName": "s1", "Policy": "{not json"}, "InvalidParameter.PolicyGrammar", 400},
	} {
		_, err := c.do(assumeRoleRequest(c, tc.params))
		expectCode(t, err, tc.code, tc.status)
	}
	// Role names are case-insensitive; 900 and 43200 are the accepted bounds.
	for _, d := range []string{"900", "43200"} {
		if _, err := c.do(assumeRoleRequest(c, map[string]string{"RoleArn": "acs:ram::" + emulator.DemoAccountID + ":role/Terraform", "RoleSessionName": "s1", "DurationSeconds": d})); err != nil {
			t.Fatalf("DurationSeconds %s: %v", d, err)
		}
	}
}

func TestTemporaryCredentialsExpire(t *testing.T) {
	var mu sync.Mutex
	clock := time.Now()
	now := func() time.Time { mu.Lock(); defer mu.Unlock(); return clock }
	srv := startServer(t, emulator.Options{Now: now})
	c := demoClient(t, srv)
	out, err := c.do(assumeRoleRequest(c, map[string]string{"RoleArn": emulator.DemoRoleArn, "RoleSessionName": "short", "DurationSeconds": "900"}))
	if err != nil {
		t.Fatal(err)
	}
	keyID, secret, token := digStr(out, "Credentials", "AccessKeyId"), digStr(out, "Credentials", "AccessKeySecret"), digStr(out, "Credentials", "SecurityToken")
	get := func() rawResult {
		p := mqttParams("GetDeviceCertificate", "MqttInstanceId", emulator.DemoInstanceID, "CaSn", emulator.DemoCASn, "DeviceSn", emulator.DemoDeviceSn, "SecurityToken", token)
		return rawGet(t, srv, signRPC("GET", p, keyID, secret, now()))
	}
	if res := get(); res.status != 200 {
		t.Fatalf("fresh: %v", res.body)
	}
	mu.Lock()
	clock = clock.Add(901 * time.Second)
	mu.Unlock()
	if res := get(); res.status != 400 || res.code() != "InvalidSecurityToken.Expired" {
		t.Fatalf("expired: %d %v", res.status, res.body)
	}
}

// ---- ACS3-HMAC-SHA256 (the Tea SDK's default), signed by an independent test-side signer ----

type v3Request struct {
	method, action, version string
	query                   url.Values
	body                    string
	keyID, secret, token    string
	nonce                   string
	date                    time.Time
}

func (v v3Request) build(t *testing.T, srv *emulator.Server) *http.Request {
	t.Helper()
	enc := func(s string) string {
		return strings.NewReplacer("+", "%20", "*", "%2A", "%7E", "~").Replace(url.QueryEscape(s))
	}
	var pairs []string
	for k, vs := range v.query {
		for _, x := range vs {
			pairs = append(pairs, enc(k)+"="+enc(x))
		}
	}
	sort.Strings(pairs)
	cq := strings.Join(pairs, "&")
	sum := sha256.Sum256([]byte(v.body))
	headers := map[string]string{
		"host":                  srv.Endpoint,
		"x-acs-action":          v.action,
		"x-acs-version":         v.version,
		"x-acs-date":            v.date.UTC().Format("2006-01-02T15:04:05Z"),
		"x-acs-signature-nonce": v.nonce,
		"x-acs-content-sha256":  hex.EncodeToString(sum[:]),
	}
	if v.token != "" {
		headers["x-acs-security-token"] = v.token
	}
	if v.body != "" {
		headers["content-type"] = "application/x-www-form-urlencoded"
	}
	var names []string
	for k := range headers {
		names = append(names, k)
	}
	sort.Strings(names)
	var ch strings.Builder
	for _, n := range names {
		ch.WriteString(n + ":" + headers[n] + "\n")
	}
	signed := strings.Join(names, ";")
	creq := v.method + "\n/\n" + cq + "\n" + ch.String() + "\n" + signed + "\n" + headers["x-acs-content-sha256"]
	h := sha256.Sum256([]byte(creq))
	mac := hmac.New(sha256.New, []byte(v.secret))
	mac.Write([]byte("ACS3-HMAC-SHA256\n" + hex.EncodeToString(h[:])))
	req, _ := http.NewRequest(v.method, srv.URL+"/?"+cq, strings.NewReader(v.body))
	for _, n := range names {
		if n != "host" {
			req.Header.Set(n, headers[n])
		}
	}
	req.Header.Set("Authorization", "ACS3-HMAC-SHA256 Credential="+v.keyID+",SignedHeaders="+signed+",Signature="+hex.EncodeToString(mac.Sum(nil)))
	return req
}

func TestACS3Signature(t *testing.T) {
	srv := startServer(t, emulator.Options{})
	base := func() v3Request {
		return v3Request{
			method: "GET", action: "GetDeviceCertificate", version: emulator.MQTTVersion,
			query: url.Values{"MqttInstanceId": {emulator.DemoInstanceID}, "CaSn": {emulator.DemoCASn}, "DeviceSn": {emulator.DemoDeviceSn}},
			keyID: emulator.DemoAccessKeyID, secret: emulator.DemoAccessKeySecret, nonce: randomHex(16), date: time.Now(),
		}
	}
	req := base().build(t, srv)
	res := rawDo(t, req)
	if res.status != 200 || digStr(res.body, "Data", "DeviceSn") != emulator.DemoDeviceSn {
		t.Fatalf("V3 GET: %d %v", res.status, res.body)
	}
	// Replaying the same signed request: nonce used.
	again := base()
	again.nonce = req.Header.Get("x-acs-signature-nonce")
	if res := rawDo(t, again.build(t, srv)); res.code() != "SignatureNonceUsed" {
		t.Fatalf("V3 replay: %v", res.body)
	}
	// POST with params in the form body.
	post := base()
	post.method, post.action = "POST", "InactivateDeviceCertificate"
	post.body, post.query = post.query.Encode(), url.Values{}
	if res := rawDo(t, post.build(t, srv)); res.status != 200 || digStr(res.body, "DeviceSn") != emulator.DemoDeviceSn {
		t.Fatalf("V3 POST: %d %v", res.status, res.body)
	}
	if d, _ := srv.Device(emulator.DemoInstanceID, emulator.DemoCASn, emulator.DemoDeviceSn); d.Status != "0" {
		t.Fatal("V3 POST not applied")
	}
	// Tampering: query after signing, body after signing, wrong secret.
	tq := base().build(t, srv)
	tq.URL.RawQuery = strings.Replace(tq.URL.RawQuery, emulator.DemoDeviceSn, emulator.DemoDevice2Sn, 1)
	if res := rawDo(t, tq); res.status != 400 || res.code() != "SignatureDoesNotMatch" {
		t.Fatalf("V3 query tamper: %d %v", res.status, res.body)
	}
	tb := post
	tb.nonce = randomHex(16)
	tbReq := tb.build(t, srv)
	tbReq.Body = ioNopCloser(strings.Replace(tb.body, emulator.DemoDeviceSn, emulator.DemoDevice2Sn, 1))
	if res := rawDo(t, tbReq); res.code() != "SignatureDoesNotMatch" {
		t.Fatalf("V3 body tamper: %v", res.body)
	}
	ws := base()
	ws.secret = "wrong"
	if res := rawDo(t, ws.build(t, srv)); res.code() != "SignatureDoesNotMatch" {
		t.Fatalf("V3 wrong secret: %v", res.body)
	}
	// Missing nonce header, stale date, unsigned required header.
	mn := base().build(t, srv)
	mn.Header.Del("x-acs-signature-nonce")
	if res := rawDo(t, mn); res.code() != "MissingParameter" {
		t.Fatalf("V3 no nonce: %v", res.body)
	}
	old := base()
	old.date = time.Now().Add(-20 * time.Minute)
	if res := rawDo(t, old.build(t, srv)); res.code() != "InvalidTimeStamp.Expired" {
		t.Fatalf("V3 old date: %v", res.body)
	}
	un := base().build(t, srv)
	un.Header.Set("Authorization", strings.Replace(un.Header.Get("Authorization"), "x-acs-date;", "", 1))
	if res := rawDo(t, un); res.code() != "IncompleteSignature" {
		t.Fatalf("V3 unsigned date: %v", res.body)
	}
	// STS temporary credentials over V3.
	c := demoClient(t, srv)
	out, err := c.do(assumeRoleRequest(c, map[string]string{"RoleArn": emulator.DemoRoleArn, "RoleSessionName": "v3"}))
	if err != nil {
		t.Fatal(err)
	}
	st := base()
	st.keyID, st.secret, st.token = digStr(out, "Credentials", "AccessKeyId"), digStr(out, "Credentials", "AccessKeySecret"), digStr(out, "Credentials", "SecurityToken")
	if res := rawDo(t, st.build(t, srv)); res.status != 200 {
		t.Fatalf("V3 with STS: %v", res.body)
	}
}

func TestIssuedCredentialsListsWhatAssumeRoleReturned(t *testing.T) {
	srv := startServer(t, emulator.Options{})
	if n := len(srv.IssuedCredentials()); n != 0 {
		t.Fatalf("%d credentials before any AssumeRole", n)
	}
	c := demoClient(t, srv)
	out, err := c.do(assumeRoleRequest(c, map[string]string{"RoleArn": emulator.DemoRoleArn, "RoleSessionName": "scan"}))
	if err != nil {
		t.Fatal(err)
	}
	want := emulator.TemporaryCredential{
		AccessKeyID:     digStr(out, "Credentials", "AccessKeyId"),
		AccessKeySecret: digStr(out, "Credentials", "AccessKeySecret"),
		SecurityToken:   digStr(out, "Credentials", "SecurityToken"),
	}
	if got := srv.IssuedCredentials(); len(got) != 1 || got[0] != want {
		t.Fatalf("IssuedCredentials() = %+v, want [%+v]", got, want)
	}
}
