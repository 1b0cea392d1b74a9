// Package floor serves apsaramq_mqtt_device_access with the provider's own
// schema and no behaviour, in two ways, so that the benchmark can tell apart
// what a step costs the engine, the plugin framework and the resource itself:
//
//   - Framework: a terraform-plugin-framework resource with the real
//     schema (its validators included) whose operations do nothing but copy
//     the plan into state: the framework's own cost for the values.
//   - Protocol: the same provider with that resource's RPCs answered at the
//     protocol level, passing the engine's values back unchanged wherever
//     the protocol allows: what any provider must cost the engine.
//
// Benchmark only; neither is ever served to users.
package floor

import (
	"context"
	"fmt"
	"os"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	apsaramq "github.com/apsaramq/terraform-provider-apsaramq/internal/provider"
	"github.com/apsaramq/terraform-provider-apsaramq/internal/service/mqtt"
)

// ModeVariable selects the floor: ModeFramework or ModeProtocol.
const ModeVariable = "APSARAMQ_BENCH_FLOOR"

// The floors.
const (
	ModeFramework = "framework"
	ModeProtocol  = "protocol"
)

// TypeName is the resource type both floors serve.
const TypeName = "apsaramq_mqtt_device_access"

// Server is the provider server of the floor that ModeVariable names.
func Server() (func() tfprotov6.ProviderServer, error) {
	framework := providerserver.NewProtocol6(&floorProvider{Provider: apsaramq.New("bench-floor")()})
	switch mode := os.Getenv(ModeVariable); mode {
	case ModeFramework:
		return framework, nil
	case ModeProtocol:
		return func() tfprotov6.ProviderServer { return &protocolServer{ProviderServer: framework()} }, nil
	default:
		return nil, fmt.Errorf("%s must be %q or %q, got %q", ModeVariable, ModeFramework, ModeProtocol, mode)
	}
}

// floorProvider is the real provider (its schema and configuration) with the
// do-nothing device access resource as its only resource.
type floorProvider struct {
	provider.Provider
}

func (p *floorProvider) Resources(context.Context) []func() resource.Resource {
	return []func() resource.Resource{func() resource.Resource { return &frameworkResource{Resource: mqtt.NewDeviceAccessResource()} }}
}

func (p *floorProvider) DataSources(context.Context) []func() datasource.DataSource { return nil }

// frameworkResource has the real resource's type name and schema (the
// embedded interface promotes Metadata and Schema, and none of its optional
// interfaces: no ModifyPlan, no config validators) and operations that only
// copy the plan.
type frameworkResource struct {
	resource.Resource
}

func (r *frameworkResource) Create(_ context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	resp.State.Raw = knownState(req.Plan.Raw)
}

func (r *frameworkResource) Read(context.Context, resource.ReadRequest, *resource.ReadResponse) {
	// The framework fills the response with the current state.
}

func (r *frameworkResource) Update(_ context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	resp.State.Raw = knownState(req.Plan.Raw)
}

func (r *frameworkResource) Delete(context.Context, resource.DeleteRequest, *resource.DeleteResponse) {
}

// knownState is a planned object whose unknown top-level attributes (the
// computed ones a plan leaves open) are given empty values of their type.
func knownState(planned tftypes.Value) tftypes.Value {
	var attrs map[string]tftypes.Value
	if planned.IsNull() || planned.As(&attrs) != nil {
		return planned
	}
	for name, v := range attrs {
		if v.IsKnown() {
			continue
		}
		switch t := v.Type(); {
		case t.Is(tftypes.String):
			attrs[name] = tftypes.NewValue(t, "floor")
		case t.Is(tftypes.Number):
			attrs[name] = tftypes.NewValue(t, 0)
		case t.Is(tftypes.Bool):
			attrs[name] = tftypes.NewValue(t, false)
		case t.Is(tftypes.Map{}):
			attrs[name] = tftypes.NewValue(t, map[string]tftypes.Value{})
		case t.Is(tftypes.Set{}):
			attrs[name] = tftypes.NewValue(t, []tftypes.Value{})
		default:
			attrs[name] = tftypes.NewValue(t, nil)
		}
	}
	return tftypes.NewValue(planned.Type(), attrs)
}
