package onsmqtt

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"time"
)

// AssumeRoleInput is an STS AssumeRole request.
type AssumeRoleInput struct {
	RoleArn         string
	SessionName     string
	DurationSeconds int // 900..43200; 0 leaves the STS default
	Policy          string
	ExternalID      string
}

// AssumeRole exchanges the client's credentials for temporary ones of the
// role, through the STS endpoint given. The returned credentials carry the
// security token and expire at the returned time.
func (c *Client) AssumeRole(ctx context.Context, stsEndpoint Endpoint, in AssumeRoleInput) (Credentials, time.Time, error) {
	params := map[string]string{"RoleArn": in.RoleArn, "RoleSessionName": in.SessionName}
	if in.DurationSeconds > 0 {
		params["DurationSeconds"] = strconv.Itoa(in.DurationSeconds)
	}
	if in.Policy != "" {
		params["Policy"] = in.Policy
	}
	if in.ExternalID != "" {
		params["ExternalId"] = in.ExternalID
	}
	var out struct {
		Credentials struct {
			AccessKeyID     string `json:"AccessKeyId"`
			AccessKeySecret string `json:"AccessKeySecret"`
			SecurityToken   string `json:"SecurityToken"`
			Expiration      string `json:"Expiration"`
		} `json:"Credentials"`
	}
	svc := service{product: "Sts", version: "2015-04-01", endpoint: stsEndpoint}
	if err := c.call(ctx, svc, "AssumeRole", http.MethodPost, params, &out); err != nil {
		return Credentials{}, time.Time{}, err
	}
	creds := Credentials{
		AccessKeyID:     out.Credentials.AccessKeyID,
		AccessKeySecret: out.Credentials.AccessKeySecret,
		SecurityToken:   out.Credentials.SecurityToken,
	}
	if creds.AccessKeyID == "" || creds.AccessKeySecret == "" || creds.SecurityToken == "" {
		return Credentials{}, time.Time{}, errors.New("AssumeRole: the response carries no complete credentials")
	}
	expires, _ := time.Parse(time.RFC3339, out.Credentials.Expiration)
	return creds, expires, nil
}

// WithCredentials returns a client with the same settings, rate limiter and
// connection pool that signs with other credentials (after AssumeRole).
func (c *Client) WithCredentials(creds Credentials) *Client {
	return c.withSource(StaticCredentials("static keys", creds))
}

// CredentialsSource is where the client's credentials come from.
func (c *Client) CredentialsSource() CredentialSource { return c.credentials }

func (c *Client) withSource(src CredentialSource) *Client {
	return &Client{
		region:      c.region,
		endpoint:    c.endpoint,
		credentials: src,
		limiter:     c.limiter,
		retry:       c.retry,
		userAgent:   c.userAgent,
		attempt:     c.attempt,
		log:         c.log,
		transport:   c.transport,
	}
}

// WithRegion returns a client for another region that shares the rate
// limiter (the limit is per account, not per region) and connection pool.
// The endpoint becomes endpoint, or the region's default when zero.
func (c *Client) WithRegion(region string, endpoint Endpoint) (*Client, error) {
	if err := ValidateRegion(region); err != nil {
		return nil, err
	}
	if endpoint == (Endpoint{}) {
		ep, err := ParseEndpoint(DefaultEndpoint(region))
		if err != nil {
			return nil, err
		}
		endpoint = ep
	}
	n := c.withSource(c.credentials)
	n.region, n.endpoint = region, endpoint
	return n, nil
}
