package onsmqtt

// service names an RPC product behind an endpoint.
type service struct {
	product  string
	version  string
	endpoint Endpoint
}

func (c *Client) onsmqtt() service {
	return service{product: product, version: APIVersion, endpoint: c.endpoint}
}

// setting names the provider setting that chose the service's endpoint.
func (s service) setting() string {
	if s.product == product {
		return "endpoints.onsmqtt or APSARAMQ_ONSMQTT_ENDPOINT"
	}
	return "endpoints.sts or APSARAMQ_STS_ENDPOINT"
}

// defaultEndpoint is the service's public endpoint in region.
func (s service) defaultEndpoint(region string) string {
	if s.product == product {
		return DefaultEndpoint(region)
	}
	return DefaultSTSEndpoint(region)
}
