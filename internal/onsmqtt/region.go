package onsmqtt

import (
	"fmt"
	"regexp"
)

// regionPattern is the SDK's own rule for region IDs, checked early so a
// typo is a configuration error rather than a DNS failure during apply.
var regionPattern = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)+$`)

// ValidateRegion reports whether region looks like an Alibaba Cloud region ID.
func ValidateRegion(region string) error {
	if !regionPattern.MatchString(region) {
		return fmt.Errorf("%q is not an Alibaba Cloud region ID (expected a form like cn-hangzhou or ap-southeast-1)", region)
	}
	return nil
}

// HasEndpointOverride reports whether the client talks to an endpoint other
// than its region's default public one (a VPC endpoint, a proxy, a local
// emulator). Such an endpoint is kept when another region is addressed.
func (c *Client) HasEndpointOverride() bool {
	def, err := ParseEndpoint(DefaultEndpoint(c.region))
	return err != nil || def != c.endpoint
}

// ForRegion returns a client for region: c itself for "" or c's own region;
// otherwise a client sharing c's credentials, rate limiter (the limit is per
// account) and connections, that talks to the region's default endpoint, or
// to c's endpoint when that is an override. The client for a region is made
// once and kept, so a fleet in another region reuses its pooled SDK clients.
func (c *Client) ForRegion(region string) (*Client, error) {
	if region == "" || region == c.region {
		return c, nil
	}
	c.regionalMu.Lock()
	defer c.regionalMu.Unlock()
	if kept, ok := c.regional[region]; ok {
		return kept, nil
	}
	var endpoint Endpoint
	if c.HasEndpointOverride() {
		endpoint = c.endpoint
	}
	n, err := c.WithRegion(region, endpoint)
	if err != nil {
		return nil, err
	}
	if c.regional == nil {
		c.regional = map[string]*Client{}
	}
	c.regional[region] = n
	return n, nil
}
