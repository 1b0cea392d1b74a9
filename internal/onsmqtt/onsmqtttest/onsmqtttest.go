// Package onsmqtttest holds what the API client's tests and the provider's
// acceptance tests share about the emulator: the demo account's client and
// the demo seed with an instance in a second region. Like net/http/httptest,
// it is imported by tests only.
package onsmqtttest

import (
	"testing"

	"github.com/apsaramq/terraform-provider-apsaramq/internal/emulator"
	"github.com/apsaramq/terraform-provider-apsaramq/internal/onsmqtt"
)

// A second region of the demo account, for per-resource region tests.
const (
	SecondRegion     = "cn-shanghai"
	SecondInstanceID = "post-cn-shanghai01"
)

// FleetSeed is the demo seed plus SecondInstanceID (demo account, SecondRegion).
func FleetSeed() emulator.Seed {
	seed := emulator.DemoSeed()
	seed.Instances = append(seed.Instances, emulator.Instance{ID: SecondInstanceID, AccountID: emulator.DemoAccountID, Region: SecondRegion})
	return seed
}

// Client is an API client of the demo account for the emulator at url, for
// tests that go through the API like a user would (not through Terraform).
// adjust may change the configuration (rate limit, retries) before the
// client is built.
func Client(t testing.TB, url string, adjust ...func(*onsmqtt.Config)) *onsmqtt.Client {
	t.Helper()
	ep, err := onsmqtt.ParseEndpoint(url)
	if err != nil {
		t.Fatal(err)
	}
	cfg := onsmqtt.Config{
		Region:      emulator.DemoRegion,
		Endpoint:    ep,
		Credentials: onsmqtt.Credentials{AccessKeyID: emulator.DemoAccessKeyID, AccessKeySecret: emulator.DemoAccessKeySecret},
	}
	for _, f := range adjust {
		f(&cfg)
	}
	c, err := onsmqtt.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return c
}
