package provider

import (
	"context"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/apsaramq/terraform-provider-apsaramq/internal/onsmqtt"
)

// configureWith runs the provider's Configure on a configuration holding
// attrs (every other attribute null) and returns the client it built.
func configureWith(t *testing.T, attrs map[string]tftypes.Value) *onsmqtt.Client {
	t.Helper()
	// Configure makes no call without assume_role; nothing listens here.
	t.Setenv(EnvOnsMqttEndpoint, "http://127.0.0.1:9")
	ctx := context.Background()
	s := providerSchema()
	typ, ok := s.Type().TerraformType(ctx).(tftypes.Object)
	if !ok {
		t.Fatalf("the provider schema is not an object: %T", s.Type().TerraformType(ctx))
	}
	values := map[string]tftypes.Value{
		"region":     tftypes.NewValue(tftypes.String, "cn-hangzhou"),
		"access_key": tftypes.NewValue(tftypes.String, "AK"),
		"secret_key": tftypes.NewValue(tftypes.String, "SK"),
	}
	for name, at := range typ.AttributeTypes {
		if _, set := values[name]; !set {
			values[name] = tftypes.NewValue(at, nil)
		}
	}
	for name, v := range attrs {
		values[name] = v
	}
	var resp provider.ConfigureResponse
	p := &apsaramqProvider{version: "test"}
	p.Configure(ctx, provider.ConfigureRequest{Config: tfsdk.Config{Schema: s, Raw: tftypes.NewValue(typ, values)}}, &resp)
	if resp.Diagnostics.HasError() {
		t.Fatalf("Configure: %v", resp.Diagnostics)
	}
	client, ok := resp.ResourceData.(*onsmqtt.Client)
	if !ok {
		t.Fatalf("Configure left %T as resource data", resp.ResourceData)
	}
	return client
}

func TestRateLimitSettingsReachTheClient(t *testing.T) {
	cases := []struct {
		name  string
		attrs map[string]tftypes.Value
		mode  onsmqtt.RateMode
		rate  float64
	}{
		{"defaults", nil, onsmqtt.RateAdaptive, onsmqtt.DefaultRateLimit},
		{"adaptive", map[string]tftypes.Value{
			"rate_limit_mode": tftypes.NewValue(tftypes.String, "adaptive"),
			"rate_limit":      tftypes.NewValue(tftypes.Number, 120),
		}, onsmqtt.RateAdaptive, 120},
		{"fixed", map[string]tftypes.Value{
			"rate_limit_mode": tftypes.NewValue(tftypes.String, "fixed"),
		}, onsmqtt.RateFixed, onsmqtt.DefaultRateLimit},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := configureWith(t, tc.attrs)
			if c.RateMode() != tc.mode || c.CurrentRate() != tc.rate {
				t.Errorf("client paces %s at %.0f calls/s, want %s at %.0f", c.RateMode(), c.CurrentRate(), tc.mode, tc.rate)
			}
		})
	}
}
