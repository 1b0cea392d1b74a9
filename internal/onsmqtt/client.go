package onsmqtt

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/aliyun/alibaba-cloud-sdk-go/sdk"
	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/auth/credentials"
	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/requests"
)

const (
	// APIVersion is the OnsMqtt OpenAPI version this client speaks.
	APIVersion = "2020-04-20"
	product    = "OnsMqtt"

	// DefaultRateLimit keeps one provider process well below the account's
	// documented 500 calls/s, leaving room for other tools of the account.
	DefaultRateLimit = 400.0
	// DefaultAttemptTimeout bounds one HTTP attempt, so a stalled connection
	// costs one attempt rather than the whole operation timeout.
	DefaultAttemptTimeout = 15 * time.Second
	// DefaultConnectTimeout bounds TCP and TLS setup of one attempt.
	DefaultConnectTimeout = 5 * time.Second
)

// Credentials are an AccessKey pair with an optional STS token.
type Credentials struct {
	AccessKeyID     string
	AccessKeySecret string
	SecurityToken   string
}

// String never prints the secret or the token, so credentials that end up in
// a log line or an error message expose nothing.
func (c Credentials) String() string {
	return fmt.Sprintf("Credentials{AccessKeyID: %q, AccessKeySecret: <redacted>, SecurityToken: <redacted>}", c.AccessKeyID)
}

// GoString is String for %#v.
func (c Credentials) GoString() string { return c.String() }

// attemptCredentials hands the SDK the credentials our CredentialSource
// gave for the attempt under way: the SDK asks its provider on every
// request, and renewal (with its context, lock and errors) is ours.
type attemptCredentials struct{ creds Credentials }

func (a *attemptCredentials) GetCredentials() (*credentials.Credentials, error) {
	return &credentials.Credentials{
		AccessKeyId: a.creds.AccessKeyID, AccessKeySecret: a.creds.AccessKeySecret, SecurityToken: a.creds.SecurityToken,
		ProviderName: "onsmqtt",
	}, nil
}

func (a *attemptCredentials) GetProviderName() string { return "onsmqtt" }

// Logger receives one line per attempt. Fields never contain credentials.
type Logger interface {
	Debug(ctx context.Context, msg string, fields map[string]any)
	Warn(ctx context.Context, msg string, fields map[string]any)
}

type discardLogger struct{}

func (discardLogger) Debug(context.Context, string, map[string]any) {}
func (discardLogger) Warn(context.Context, string, map[string]any)  {}

// Config configures a Client.
type Config struct {
	Region      string
	Endpoint    Endpoint // zero value: DefaultEndpoint(Region)
	Credentials Credentials
	// CredentialSource, when set, is asked for the credentials of every
	// attempt instead of Credentials (temporary credentials it renews).
	CredentialSource CredentialSource
	// RateLimit is the client-side ceiling in calls per second (<= 0: DefaultRateLimit).
	RateLimit float64
	// RateMode is how the pace moves below RateLimit ("": RateAdaptive).
	RateMode RateMode
	// UserAgent lists product/version tokens appended to the SDK's
	// User-Agent, e.g. "terraform-provider-apsaramq/1.0.0 Terraform/1.11.4".
	UserAgent      string
	Retry          RetryPolicy
	AttemptTimeout time.Duration
	ConnectTimeout time.Duration
	Logger         Logger
}

// Client calls the OnsMqtt API. It is safe for concurrent use.
type Client struct {
	region      string
	endpoint    Endpoint
	credentials CredentialSource
	limiter     *adaptiveRate // shared by every client derived from this one
	retry       RetryPolicy
	userAgent   string
	attempt     time.Duration
	log         Logger
	transport   *http.Transport
	pool        sync.Pool // of *pooledSDKClient
	regionalMu  sync.Mutex
	regional    map[string]*Client // made once per region by ForRegion
}

// New returns a client for cfg.
func New(cfg Config) (*Client, error) {
	if err := ValidateRegion(cfg.Region); err != nil {
		return nil, err
	}
	if cfg.CredentialSource == nil {
		if cfg.Credentials.AccessKeyID == "" || cfg.Credentials.AccessKeySecret == "" {
			return nil, errors.New("an AccessKey ID and secret are required")
		}
		cfg.CredentialSource = StaticCredentials("static keys", cfg.Credentials)
	}
	if cfg.Endpoint == (Endpoint{}) {
		ep, err := ParseEndpoint(DefaultEndpoint(cfg.Region))
		if err != nil {
			return nil, err
		}
		cfg.Endpoint = ep
	}
	limit := cfg.RateLimit
	if limit <= 0 {
		limit = DefaultRateLimit
	}
	mode, err := ParseRateMode(string(cfg.RateMode))
	if err != nil {
		return nil, err
	}
	c := &Client{
		region:      cfg.Region,
		endpoint:    cfg.Endpoint,
		credentials: cfg.CredentialSource,
		limiter:     newAdaptiveRate(limit, mode, time.Now),
		retry:       cfg.Retry.withDefaults(),
		userAgent:   cfg.UserAgent,
		attempt:     orDefault(cfg.AttemptTimeout, DefaultAttemptTimeout),
		log:         cfg.Logger,
		transport:   newTransport(orDefault(cfg.ConnectTimeout, DefaultConnectTimeout)),
	}
	if c.log == nil {
		c.log = discardLogger{}
	}
	return c, nil
}

// Region is the region the client was built for.
func (c *Client) Region() string { return c.region }

// Endpoint is where the client sends OnsMqtt calls.
func (c *Client) Endpoint() Endpoint { return c.endpoint }

// RateMode is how the client paces its calls.
func (c *Client) RateMode() RateMode { return c.limiter.Mode() }

// CurrentRate is the client-side pace in calls per second right now: the
// configured limit, or less while RateAdaptive backs off from throttling.
func (c *Client) CurrentRate() float64 { return c.limiter.Rate() }

func orDefault(d, def time.Duration) time.Duration {
	if d > 0 {
		return d
	}
	return def
}

func newTransport(connectTimeout time.Duration) *http.Transport {
	return &http.Transport{
		Proxy:                 http.ProxyFromEnvironment,
		DialContext:           (&net.Dialer{Timeout: connectTimeout, KeepAlive: 30 * time.Second}).DialContext,
		TLSHandshakeTimeout:   connectTimeout,
		MaxIdleConns:          256,
		MaxIdleConnsPerHost:   128,
		IdleConnTimeout:       90 * time.Second,
		ExpectContinueTimeout: time.Second,
		ForceAttemptHTTP2:     true,
	}
}

// call runs one RPC action with retries and decodes the JSON answer into out.
func (c *Client) call(ctx context.Context, svc service, action, method string, params map[string]string, out any) error {
	body, err := c.retrying(ctx, action, func(attempt int) ([]byte, error) {
		return c.attemptOnce(ctx, svc, action, method, params, attempt)
	})
	if err != nil {
		return err
	}
	if out == nil {
		return nil
	}
	if err := json.Unmarshal(body, out); err != nil {
		return fmt.Errorf("%s: decoding the response: %w", action, err)
	}
	return nil
}

// attemptOnce sends one signed request. The SDK mutates its HTTP client on
// every call, so each in-flight call borrows an SDK client of its own; all of
// them share one connection pool.
func (c *Client) attemptOnce(ctx context.Context, svc service, action, method string, params map[string]string, attempt int) ([]byte, error) {
	sentAt, err := c.limiter.wait(ctx)
	if err != nil {
		return nil, fmt.Errorf("%s: waiting for the client-side rate limit: %w", action, err)
	}
	creds, err := c.credentials.Retrieve(ctx)
	if err != nil {
		c.log.Debug(ctx, "OnsMqtt call has no credentials", map[string]any{
			"action": action, "attempt": attempt, "credentials_source": c.credentials.Name(), "error_class": Classify(err).String(),
		})
		return nil, err
	}
	client, err := c.borrow(ctx)
	if err != nil {
		return nil, err
	}
	defer c.giveBack(client)
	client.creds.creds = creds

	req := requests.NewCommonRequest()
	req.Method = method
	req.Scheme = svc.endpoint.Scheme
	req.Domain = svc.endpoint.Host
	req.Product = svc.product
	req.Version = svc.version
	req.ApiName = action
	req.SetReadTimeout(c.attempt)
	req.SetConnectTimeout(c.attempt)
	for k, v := range params {
		req.QueryParams[k] = v
	}

	started := time.Now()
	resp, err := processCommonRequest(client.sdk, req)
	fields := map[string]any{"action": action, "attempt": attempt, "duration_ms": time.Since(started).Milliseconds()}
	if err != nil {
		err = c.toAPIError(ctx, svc, action, creds, err)
	}
	c.pace(ctx, action, sentAt, err)
	if err != nil {
		var apiErr *APIError
		if errors.As(err, &apiErr) {
			fields["request_id"] = apiErr.RequestID
			fields["code"] = apiErr.Code
			fields["http_status"] = apiErr.HTTPStatus
		}
		fields["error_class"] = Classify(err).String()
		c.log.Debug(ctx, "OnsMqtt call failed", fields)
		return nil, err
	}
	body := resp.GetHttpContentBytes()
	fields["request_id"] = requestIDOf(body)
	fields["http_status"] = resp.GetHttpStatus()
	c.log.Debug(ctx, "OnsMqtt call succeeded", fields)
	return body, nil
}

// requestIDOf finds an answer's RequestId for the log line without decoding
// the body a second time (call decodes it once, into its result): a page of
// a device list is some 80 KB, most of it certificates. "" when there is
// none.
func requestIDOf(body []byte) string {
	const key = `"RequestId"`
	i := bytes.Index(body, []byte(key))
	if i < 0 {
		return ""
	}
	rest := bytes.TrimLeft(body[i+len(key):], " \t\r\n")
	rest, ok := bytes.CutPrefix(rest, []byte(":"))
	if !ok {
		return ""
	}
	var id string
	if json.NewDecoder(bytes.NewReader(rest)).Decode(&id) != nil {
		return ""
	}
	return id
}

// pace tells the adaptive rate how the API answered a call. An attempt the
// caller abandoned says nothing about the account's limit.
func (c *Client) pace(ctx context.Context, action string, sentAt time.Time, err error) {
	if ctx.Err() != nil {
		return
	}
	throttled := err != nil && Classify(err) == ClassThrottled
	if lowered, perSecond := c.limiter.observe(sentAt, throttled); lowered {
		c.log.Debug(ctx, "OnsMqtt client-side rate lowered after a throttled answer", map[string]any{
			"action": action, "rate_per_second": math.Round(perSecond*10) / 10,
		})
	}
}

type pooledSDKClient struct {
	sdk       *sdk.Client
	transport *contextTransport
	creds     *attemptCredentials
}

func (c *Client) borrow(ctx context.Context) (*pooledSDKClient, error) {
	if p, ok := c.pool.Get().(*pooledSDKClient); ok {
		p.transport.ctx = ctx
		return p, nil
	}
	cfg := sdk.NewConfig().WithScheme(c.endpoint.Scheme).WithAutoRetry(false)
	creds := &attemptCredentials{}
	client, err := sdk.NewClientWithOptions(c.region, cfg, creds)
	if err != nil {
		return nil, fmt.Errorf("creating the Alibaba Cloud SDK client: %w", err)
	}
	for _, token := range strings.Fields(c.userAgent) {
		if product, version, ok := strings.Cut(token, "/"); ok {
			client.AppendUserAgent(product, version)
		}
	}
	t := &contextTransport{base: c.transport, ctx: ctx}
	client.SetTransport(t)
	return &pooledSDKClient{sdk: client, transport: t, creds: creds}, nil
}

func (c *Client) giveBack(p *pooledSDKClient) {
	p.transport.ctx = nil
	p.creds.creds = Credentials{}
	c.pool.Put(p)
}

// contextTransport attaches the caller's context to requests the SDK builds
// without one, so cancellation and operation timeouts reach the socket. Not
// being an *http.Transport also stops the SDK from rewriting the shared
// transport's dialer and TLS settings on every call.
type contextTransport struct {
	base http.RoundTripper
	ctx  context.Context
}

func (t *contextTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if t.ctx != nil {
		req = req.WithContext(t.ctx)
	}
	return t.base.RoundTrip(req)
}
