package emulator_test

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha1"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	stderrors "errors"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aliyun/alibaba-cloud-sdk-go/sdk"
	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/auth"
	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/auth/credentials"
	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/errors"
	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/requests"

	"github.com/apsaramq/terraform-provider-apsaramq/internal/emulator"
)

// startServer runs an emulator with the demo seed on a real port.
func startServer(t *testing.T, opts emulator.Options) *emulator.Server {
	t.Helper()
	return startServerSeed(t, emulator.DemoSeed(), opts)
}

func startServerSeed(t *testing.T, seed emulator.Seed, opts emulator.Options) *emulator.Server {
	t.Helper()
	srv, err := emulator.Start(seed, opts, "127.0.0.1:0")
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	return srv
}

// client is a v1 SDK client bound to one emulator endpoint.
type client struct {
	t        *testing.T
	sdk      *sdk.Client
	endpoint string
}

func newClientWith(t *testing.T, srv *emulator.Server, cred auth.Credential, rt http.RoundTripper) *client {
	t.Helper()
	cfg := sdk.NewConfig().WithScheme("HTTP")
	if rt != nil {
		cfg.Transport = rt
	}
	c, err := sdk.NewClientWithOptions(emulator.DemoRegion, cfg, cred)
	if err != nil {
		t.Fatalf("NewClientWithOptions: %v", err)
	}
	return &client{t: t, sdk: c, endpoint: srv.Endpoint}
}

func demoClient(t *testing.T, srv *emulator.Server) *client {
	return newClientWith(t, srv, credentials.NewAccessKeyCredential(emulator.DemoAccessKeyID, emulator.DemoAccessKeySecret), nil)
}

func otherClient(t *testing.T, srv *emulator.Server) *client {
	return newClientWith(t, srv, credentials.NewAccessKeyCredential(emulator.OtherAccessKeyID, emulator.OtherAccessKeySecret), nil)
}

// mutating actions go as POST, reads as GET, like the generated SDK.
var postActions = map[string]bool{
	"ActiveCaCertificate": true, "ActiveDeviceCertificate": true, "DeleteCaCertificate": true,
	"DeleteDeviceCertificate": true, "InactivateCaCertificate": true, "InactivateDeviceCertificate": true,
	"RegisterCaCertificate": true, "AssumeRole": true,
}

func (c *client) request(action string, params map[string]string) *requests.CommonRequest {
	req := requests.NewCommonRequest()
	req.Scheme = "http"
	req.Domain = c.endpoint
	req.Product = "OnsMqtt"
	req.Version = emulator.MQTTVersion
	req.ApiName = action
	req.Method = requests.GET
	if postActions[action] {
		req.Method = requests.POST
	}
	for k, v := range params {
		req.QueryParams[k] = v
	}
	return req
}

// do sends the request and decodes a successful JSON body.
func (c *client) do(req *requests.CommonRequest) (map[string]any, error) {
	resp, err := c.sdk.ProcessCommonRequest(req)
	if err != nil {
		return nil, err
	}
	var out map[string]any
	if err := json.Unmarshal(resp.GetHttpContentBytes(), &out); err != nil {
		c.t.Fatalf("%s: response is not JSON: %v: %s", req.ApiName, err, resp.GetHttpContentString())
	}
	return out, nil
}

func (c *client) call(action string, params map[string]string) (map[string]any, error) {
	return c.do(c.request(action, params))
}

// mustCall fails the test unless the call succeeds.
func (c *client) mustCall(action string, params map[string]string) map[string]any {
	c.t.Helper()
	out, err := c.call(action, params)
	if err != nil {
		c.t.Fatalf("%s(%v): %v", action, params, err)
	}
	if id, _ := out["RequestId"].(string); !requestIDPattern(id) {
		c.t.Fatalf("%s: RequestId %q is not an upper-case UUID", action, id)
	}
	return out
}

// expectCode asserts a *errors.ServerError with the given code and status.
func expectCode(t *testing.T, err error, code string, status int) *errors.ServerError {
	t.Helper()
	var se *errors.ServerError
	if !stderrors.As(err, &se) {
		t.Fatalf("want ServerError %s/%d, got %T: %v", code, status, err, err)
	}
	if se.ErrorCode() != code || se.HttpStatus() != status {
		t.Fatalf("want %s/%d, got %s/%d: %s", code, status, se.ErrorCode(), se.HttpStatus(), se.Message())
	}
	if !requestIDPattern(se.RequestId()) {
		t.Fatalf("error RequestId %q is not an upper-case UUID", se.RequestId())
	}
	if !strings.HasSuffix(se.HostId(), ".aliyuncs.com") {
		t.Fatalf("error HostId %q", se.HostId())
	}
	return se
}

func requestIDPattern(id string) bool {
	if len(id) != 36 || strings.ToUpper(id) != id {
		return false
	}
	for i, r := range id {
		switch i {
		case 8, 13, 18, 23:
			if r != '-' {
				return false
			}
		default:
			if !strings.ContainsRune("0123456789ABCDEF", r) {
				return false
			}
		}
	}
	return true
}

// dig walks a decoded JSON object: dig(m, "Data", "Status").
func dig(m map[string]any, path ...string) any {
	var cur any = m
	for _, p := range path {
		obj, ok := cur.(map[string]any)
		if !ok {
			return nil
		}
		cur = obj[p]
	}
	return cur
}

func digStr(m map[string]any, path ...string) string {
	s, _ := dig(m, path...).(string)
	return s
}

func demoDevice(sn string) map[string]string {
	return map[string]string{"MqttInstanceId": emulator.DemoInstanceID, "CaSn": emulator.DemoCASn, "DeviceSn": sn}
}

// rewriteTransport lets a test tamper with or capture signed requests.
type rewriteTransport struct {
	mu      sync.Mutex
	rewrite func(*http.Request)
	last    *http.Request // clone of the last request sent
}

func (rt *rewriteTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	rt.mu.Lock()
	if rt.rewrite != nil {
		rt.rewrite(r)
	}
	rt.last = r.Clone(r.Context())
	rt.mu.Unlock()
	return http.DefaultTransport.RoundTrip(r)
}

// ---- an independent test-side RPC signer for hand-built requests ----

// signRPC adds the common parameters and an HMAC-SHA1 signature, written
// here from the documented algorithm (not the emulator's code).
func signRPC(method string, params url.Values, keyID, secret string, ts time.Time) url.Values {
	p := url.Values{}
	for k, v := range params {
		p[k] = append([]string(nil), v...)
	}
	setDefault := func(k, v string) {
		if _, ok := p[k]; !ok {
			p.Set(k, v)
		}
	}
	setDefault("AccessKeyId", keyID)
	setDefault("SignatureMethod", "HMAC-SHA1")
	setDefault("SignatureVersion", "1.0")
	setDefault("SignatureNonce", randomHex(16))
	setDefault("Timestamp", ts.UTC().Format("2006-01-02T15:04:05Z"))
	setDefault("Format", "JSON")
	enc := strings.NewReplacer("+", "%20", "*", "%2A", "%7E", "~").Replace(p.Encode())
	sts := method + "&%2F&" + url.QueryEscape(enc)
	mac := hmac.New(sha1.New, []byte(secret+"&"))
	mac.Write([]byte(sts))
	p.Set("Signature", base64.StdEncoding.EncodeToString(mac.Sum(nil)))
	return p
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// rawResult is a decoded raw HTTP answer.
type rawResult struct {
	status int
	body   map[string]any
}

func (r rawResult) code() string { s, _ := r.body["Code"].(string); return s }

func rawDo(t *testing.T, req *http.Request) rawResult {
	t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("body is not JSON (%d): %s", resp.StatusCode, b)
	}
	return rawResult{resp.StatusCode, m}
}

// rawGet sends GET /?<params> unmodified.
func rawGet(t *testing.T, srv *emulator.Server, params url.Values) rawResult {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, srv.URL+"/?"+params.Encode(), nil)
	return rawDo(t, req)
}

func mqttParams(action string, kv ...string) url.Values {
	p := url.Values{"Action": {action}, "Version": {emulator.MQTTVersion}}
	for i := 0; i+1 < len(kv); i += 2 {
		p.Set(kv[i], kv[i+1])
	}
	return p
}

func ioNopCloser(s string) io.ReadCloser { return io.NopCloser(strings.NewReader(s)) }
