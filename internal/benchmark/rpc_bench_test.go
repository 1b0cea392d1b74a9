package benchmark

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/apsaramq/terraform-provider-apsaramq/internal/benchmark/floor"
	"github.com/apsaramq/terraform-provider-apsaramq/internal/emulator"
	"github.com/apsaramq/terraform-provider-apsaramq/internal/provider"
)

// BenchmarkAccessRPCs drives the protocol server of apsaramq_mqtt_device_access
// with the RPCs a no-change plan and an apply of a 10 % flip make, without
// an engine, for profiling the provider's share of a scale step:
//
//	go test -run '^$' -bench AccessRPCs -benchtime 3x -cpuprofile cpu.out ./internal/benchmark/
//
// APSARAMQ_RPC_N sets N (default 20000); sub-benchmarks run the real
// resource and the framework floor.
func BenchmarkAccessRPCs(b *testing.B) {
	n := 20000
	if v, err := strconv.Atoi(os.Getenv("APSARAMQ_RPC_N")); err == nil && v > 0 {
		n = v
	}
	w, err := NewWorkload(n, MixAdoptFlipTenth)
	if err != nil {
		b.Fatal(err)
	}
	emu, err := emulator.New(w.Seed(), emulator.Options{})
	if err != nil {
		b.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	srv := &http.Server{Handler: emu, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	b.Cleanup(func() { _ = srv.Close() })
	url := "http://" + ln.Addr().String()

	servers := map[string]func() tfprotov6.ProviderServer{"resource": provider.NewProtocol6Server("bench")}
	b.Setenv(floor.ModeVariable, floor.ModeFramework)
	if servers["framework floor"], err = floor.Server(); err != nil {
		b.Fatal(err)
	}
	for _, name := range []string{"framework floor", "resource"} {
		b.Run(fmt.Sprintf("%s/N=%d", name, n), func(b *testing.B) {
			c := newRPCClient(b, servers[name](), url)
			config := c.accessConfig(b, w.Desired(StepApply))
			state := c.apply(b, c.nullState, config)
			flipped := c.accessConfig(b, w.Desired(StepFlip))
			b.ResetTimer()
			for range b.N {
				emu.ResetCounters()
				// The no-change plan: validate, refresh, plan.
				c.call(b, "ValidateResourceConfig", func(ctx context.Context) (diagnosed, error) {
					return c.s.ValidateResourceConfig(ctx, &tfprotov6.ValidateResourceConfigRequest{TypeName: floor.TypeName, Config: config})
				})
				refreshed := c.read(b, state)
				c.plan(b, refreshed, config, refreshed)
				// The flip's apply: plan with the new map, then apply it.
				b.StopTimer()
				proposed := c.proposed(b, refreshed, flipped)
				b.StartTimer()
				planned := c.plan(b, refreshed, flipped, proposed)
				flippedState := c.applyPlanned(b, refreshed, flipped, planned)
				// Put the fleet back for the next round.
				b.StopTimer()
				back := c.plan(b, flippedState, config, c.proposed(b, flippedState, config))
				state = c.applyPlanned(b, flippedState, config, back)
				b.StartTimer()
			}
		})
	}
}

type diagnosed interface{}

// rpcClient plays the engine's part for one resource type: it encodes
// values and checks that no RPC returns an error diagnostic.
type rpcClient struct {
	s         tfprotov6.ProviderServer
	typ       tftypes.Object
	nullState *tfprotov6.DynamicValue
}

func newRPCClient(b *testing.B, s tfprotov6.ProviderServer, url string) *rpcClient {
	b.Helper()
	ctx := context.Background()
	schemas, err := s.GetProviderSchema(ctx, &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		b.Fatal(err)
	}
	providerType := schemas.Provider.ValueType().(tftypes.Object)
	endpointsType := providerType.AttributeTypes["endpoints"].(tftypes.Object)
	cfg := withNulls(providerType, map[string]tftypes.Value{
		"region":     tftypes.NewValue(tftypes.String, emulator.DemoRegion),
		"access_key": tftypes.NewValue(tftypes.String, emulator.DemoAccessKeyID),
		"secret_key": tftypes.NewValue(tftypes.String, emulator.DemoAccessKeySecret),
		"endpoints": withNulls(endpointsType, map[string]tftypes.Value{
			"onsmqtt": tftypes.NewValue(tftypes.String, url), "sts": tftypes.NewValue(tftypes.String, url),
		}),
	})
	dv, err := tfprotov6.NewDynamicValue(providerType, cfg)
	if err != nil {
		b.Fatal(err)
	}
	resp, err := s.ConfigureProvider(ctx, &tfprotov6.ConfigureProviderRequest{Config: &dv})
	if err != nil || hasError(resp.Diagnostics) {
		b.Fatalf("configure: %v %v", err, resp.Diagnostics)
	}
	c := &rpcClient{s: s, typ: schemas.ResourceSchemas[floor.TypeName].ValueType().(tftypes.Object)}
	c.nullState = c.encode(b, tftypes.NewValue(c.typ, nil))
	return c
}

func withNulls(typ tftypes.Object, set map[string]tftypes.Value) tftypes.Value {
	attrs := map[string]tftypes.Value{}
	for name, t := range typ.AttributeTypes {
		attrs[name] = tftypes.NewValue(t, nil)
		if v, ok := set[name]; ok {
			attrs[name] = v
		}
	}
	return tftypes.NewValue(typ, attrs)
}

func hasError(diags []*tfprotov6.Diagnostic) bool {
	for _, d := range diags {
		if d.Severity == tfprotov6.DiagnosticSeverityError {
			return true
		}
	}
	return false
}

func (c *rpcClient) encode(b *testing.B, v tftypes.Value) *tfprotov6.DynamicValue {
	b.Helper()
	dv, err := tfprotov6.NewDynamicValue(c.typ, v)
	if err != nil {
		b.Fatal(err)
	}
	return &dv
}

func (c *rpcClient) decode(b *testing.B, dv *tfprotov6.DynamicValue) map[string]tftypes.Value {
	b.Helper()
	v, err := dv.Unmarshal(c.typ)
	if err != nil {
		b.Fatal(err)
	}
	var attrs map[string]tftypes.Value
	if err := v.As(&attrs); err != nil {
		b.Fatal(err)
	}
	return attrs
}

// accessConfig is the configuration of the scale runs for devices.
func (c *rpcClient) accessConfig(b *testing.B, devices map[string]string) *tfprotov6.DynamicValue {
	b.Helper()
	elems := make(map[string]tftypes.Value, len(devices))
	for k, v := range devices {
		elems[k] = tftypes.NewValue(tftypes.String, v)
	}
	return c.encode(b, withNulls(c.typ, map[string]tftypes.Value{
		"instance_id":      tftypes.NewValue(tftypes.String, emulator.DemoInstanceID),
		"ca_sn":            tftypes.NewValue(tftypes.String, emulator.DemoCASn),
		"unlisted_devices": tftypes.NewValue(tftypes.String, "ignore"),
		"devices":          tftypes.NewValue(tftypes.Map{ElementType: tftypes.String}, elems),
	}))
}

// proposed is what the engine proposes: the configuration, with the prior
// state's values where the configuration leaves a computed attribute null.
func (c *rpcClient) proposed(b *testing.B, prior, config *tfprotov6.DynamicValue) *tfprotov6.DynamicValue {
	b.Helper()
	p, cfg := c.decode(b, prior), c.decode(b, config)
	for name, v := range cfg {
		if v.IsNull() {
			cfg[name] = p[name]
		}
	}
	return c.encode(b, tftypes.NewValue(c.typ, cfg))
}

func (c *rpcClient) call(b *testing.B, rpc string, do func(context.Context) (diagnosed, error)) diagnosed {
	b.Helper()
	resp, err := do(context.Background())
	if err != nil {
		b.Fatalf("%s: %v", rpc, err)
	}
	var diags []*tfprotov6.Diagnostic
	switch r := resp.(type) {
	case *tfprotov6.ValidateResourceConfigResponse:
		diags = r.Diagnostics
	case *tfprotov6.ReadResourceResponse:
		diags = r.Diagnostics
	case *tfprotov6.PlanResourceChangeResponse:
		diags = r.Diagnostics
	case *tfprotov6.ApplyResourceChangeResponse:
		diags = r.Diagnostics
	}
	if hasError(diags) {
		b.Fatalf("%s: %s: %s", rpc, diags[0].Summary, diags[0].Detail)
	}
	return resp
}

func (c *rpcClient) read(b *testing.B, state *tfprotov6.DynamicValue) *tfprotov6.DynamicValue {
	return c.call(b, "ReadResource", func(ctx context.Context) (diagnosed, error) {
		return c.s.ReadResource(ctx, &tfprotov6.ReadResourceRequest{TypeName: floor.TypeName, CurrentState: state})
	}).(*tfprotov6.ReadResourceResponse).NewState
}

func (c *rpcClient) plan(b *testing.B, prior, config, proposed *tfprotov6.DynamicValue) *tfprotov6.DynamicValue {
	return c.call(b, "PlanResourceChange", func(ctx context.Context) (diagnosed, error) {
		return c.s.PlanResourceChange(ctx, &tfprotov6.PlanResourceChangeRequest{TypeName: floor.TypeName, PriorState: prior, Config: config, ProposedNewState: proposed})
	}).(*tfprotov6.PlanResourceChangeResponse).PlannedState
}

func (c *rpcClient) applyPlanned(b *testing.B, prior, config, planned *tfprotov6.DynamicValue) *tfprotov6.DynamicValue {
	return c.call(b, "ApplyResourceChange", func(ctx context.Context) (diagnosed, error) {
		return c.s.ApplyResourceChange(ctx, &tfprotov6.ApplyResourceChangeRequest{TypeName: floor.TypeName, PriorState: prior, Config: config, PlannedState: planned})
	}).(*tfprotov6.ApplyResourceChangeResponse).NewState
}

// apply creates the resource from config.
func (c *rpcClient) apply(b *testing.B, prior, config *tfprotov6.DynamicValue) *tfprotov6.DynamicValue {
	return c.applyPlanned(b, prior, config, c.plan(b, prior, config, config))
}
