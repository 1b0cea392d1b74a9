package mqtt_test

import (
	"context"
	"fmt"
	"maps"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/apsaramq/terraform-provider-apsaramq/internal/emulator"
	"github.com/apsaramq/terraform-provider-apsaramq/internal/provider"
	"github.com/apsaramq/terraform-provider-apsaramq/internal/service/mqtt"
)

// The provider answers apsaramq_mqtt_device_access's validation, refresh,
// plan and apply at the protocol level (mqtt.ServeDeviceAccessAtProtocolLevel).
// This test sends every request of a catalogue to that server and to the
// framework's own server for the same provider, each configured against an
// emulator of its own in the same state, and requires the same answers:
// states, identities and private data equal, the same diagnostics with the
// same paths, the same replacement paths. The catalogue walks the
// resource's life (validation errors, create in each unlisted_devices mode,
// refresh after changes outside Terraform, no-change plans, updates, a
// partial failure, unknown configuration, a replacement, an import,
// destroy, a fleet of 3,000, a refresh of a CA that is gone).
func TestDeviceAccessProtocolMatchesTheFramework(t *testing.T) {
	p := newServerPair(t)
	ctx := context.Background()
	seedBoth := func(devices map[string]string) {
		for _, e := range p.emulators {
			seed(t, e, "ca01", devices)
		}
	}
	seedBoth(map[string]string{"d01": "active", "d02": "active", "d03": "inactive", "u01": "active", "u02": "inactive", "00ab": "active", "ab": "active"})

	// Validation: a good configuration, then every kind of bad devices
	// entry with bad attributes beside them, then unknown values.
	p.validate(ctx, "valid", p.config(nil, map[string]string{"d01": "active"}))
	p.validate(ctx, "invalid", p.config(map[string]tftypes.Value{
		"instance_id": str("Post-CN-1"),
		"timeouts":    p.timeouts(map[string]string{"read": "0s", "create": "soon"}),
	}, map[string]string{"a:b": "active", "x y": "inactive", "d02": "enabled", "00AB": "active", "AB": "inactive", "Dev04": "Active"}))
	p.validate(ctx, "null status", p.configValues(nil, map[string]tftypes.Value{"d01": tftypes.NewValue(tftypes.String, nil), "d02": str("active")}))
	p.validate(ctx, "unknown devices", p.configValues(nil, nil))
	p.validate(ctx, "unknown status", p.configValues(nil, map[string]tftypes.Value{"d01": unknownString(), "d02": str("active")}))

	// Create, refresh and a no-change plan in each unlisted_devices mode.
	for _, mode := range []string{"ignore", "inactive", "active"} {
		cfg := p.config(map[string]tftypes.Value{"unlisted_devices": str(mode)}, map[string]string{"d01": "active", "d02": "inactive"})
		state := p.create(ctx, "create "+mode, cfg)
		state = p.read(ctx, "refresh "+mode, state, nil)
		p.plan(ctx, "no-change plan "+mode, state, cfg)
		p.destroy(ctx, "destroy "+mode, state)
		seedBoth(map[string]string{"d01": "active", "d02": "active", "d03": "inactive", "u01": "active", "u02": "inactive"})
	}

	// The default mode with the ambiguous serial number, then without it.
	p.plan(ctx, "create ambiguous", p.nullState, p.config(nil, map[string]string{"AB": "active"}))
	p.apply(ctx, "create ambiguous", p.nullState, p.config(nil, map[string]string{"AB": "active"}))
	cfg := p.config(nil, map[string]string{"d01": "active", "d02": "inactive", "D03": "active"})
	state := p.create(ctx, "create", cfg)
	identity := p.lastIdentity

	// Changes outside Terraform: a status changed, a newcomer, a device gone.
	for _, e := range p.emulators {
		if err := e.SetDeviceStatus(emulator.DemoInstanceID, "ca01", "d01", "0"); err != nil {
			t.Fatal(err)
		}
		seed(t, e, "ca01", map[string]string{"n01": "active"})
		if err := e.DeleteDevice(emulator.DemoInstanceID, "ca01", "u02"); err != nil {
			t.Fatal(err)
		}
	}
	state = p.read(ctx, "refresh after changes", state, identity)
	p.plan(ctx, "plan after changes", state, cfg)
	state = p.update(ctx, "apply after changes", state, cfg)
	p.read(ctx, "refresh without identity (older state)", state, nil)

	// Updates: a flip with default deny and a listed device not registered
	// (allowed, then not).
	flip := p.config(map[string]tftypes.Value{"unlisted_devices": str("inactive"), "allow_unregistered_devices": tftypes.NewValue(tftypes.Bool, true)},
		map[string]string{"d01": "inactive", "d02": "active", "d03": "active", "nope": "active"})
	state = p.update(ctx, "flip allowing unregistered", state, flip)
	state = p.read(ctx, "refresh after flip", state, nil)
	p.plan(ctx, "no-change plan after flip", state, flip)
	missing := p.config(map[string]tftypes.Value{"unlisted_devices": str("inactive")}, map[string]string{"d01": "active", "nope": "active", "gone": "inactive"})
	state = p.update(ctx, "missing devices", state, missing)

	// Unknown configuration; the same region spelled out; a replacement.
	p.plan(ctx, "devices unknown", state, p.configValues(nil, nil))
	p.plan(ctx, "a status unknown", state, p.configValues(nil, map[string]tftypes.Value{"d01": unknownString()}))
	p.plan(ctx, "region spelled out", state, p.config(map[string]tftypes.Value{"region": str(emulator.DemoRegion)}, map[string]string{"d01": "active"}))
	p.plan(ctx, "another region", state, p.config(map[string]tftypes.Value{"region": str("cn-shanghai")}, map[string]string{"d01": "active"}))
	p.plan(ctx, "another CA", state, p.config(map[string]tftypes.Value{"ca_sn": str("ca02")}, map[string]string{"d01": "active"}))
	p.plan(ctx, "timeouts added", state, p.config(map[string]tftypes.Value{"timeouts": p.timeouts(map[string]string{"read": "10m"})}, map[string]string{"d01": "active"}))

	// Import, and the first read after it (the framework's private mark).
	imported := p.importState(ctx, "import", emulator.DemoInstanceID+":ca01")
	p.read(ctx, "refresh after import", imported.state, imported.identity, imported.private)

	// Destroy.
	p.destroy(ctx, "destroy", state)

	// A fleet whose devices map the provider's codec remembers
	// (device_access_protocol_values.go): adopt, refresh, no-change plan,
	// a flip of 1 % and back, each value passed on as the server
	// returned it.
	fleet := map[string]string{}
	for i := range 3000 {
		fleet[fmt.Sprintf("f%05d", i)] = "active"
	}
	seedBoth(fleet)
	large := p.config(nil, fleet)
	p.validate(ctx, "large", large)
	fleetState := p.create(ctx, "create large", large)
	fleetState = p.read(ctx, "refresh large", fleetState, p.lastIdentity)
	p.plan(ctx, "no-change plan large", fleetState, large)
	flipped := maps.Clone(fleet)
	for i := range 30 {
		flipped[fmt.Sprintf("f%05d", i*100)] = "inactive"
	}
	fleetState = p.update(ctx, "flip large", fleetState, p.config(nil, flipped))
	p.update(ctx, "flip large back", fleetState, large)

	// A refresh of a CA whose instance is gone.
	for _, e := range p.emulators {
		snap := e.Snapshot()
		snap.Instances = slices.DeleteFunc(snap.Instances, func(in emulator.Instance) bool { return in.ID == emulator.DemoInstanceID })
		snap.CAs = slices.DeleteFunc(snap.CAs, func(c emulator.CACertificate) bool { return c.InstanceID == emulator.DemoInstanceID })
		snap.Devices = slices.DeleteFunc(snap.Devices, func(d emulator.DeviceCertificate) bool { return d.InstanceID == emulator.DemoInstanceID })
		if err := e.Replace(snap); err != nil {
			t.Fatal(err)
		}
	}
	p.read(ctx, "refresh of a deleted instance", state, identity)
}

// serverPair is the framework's server and the provider's, each configured
// against an emulator of its own; every call goes to both and their
// answers are compared.
type serverPair struct {
	t            *testing.T
	servers      [2]tfprotov6.ProviderServer // framework, provider
	emulators    [2]*emulator.Emulator
	typ          tftypes.Object
	identityType tftypes.Object
	nullState    *tfprotov6.DynamicValue
	lastIdentity *tfprotov6.ResourceIdentityData
}

func newServerPair(t *testing.T) *serverPair {
	t.Helper()
	p := &serverPair{t: t, servers: [2]tfprotov6.ProviderServer{
		providerserver.NewProtocol6(provider.New("test")())(),
		provider.NewProtocol6Server("test")(),
	}}
	ctx := context.Background()
	schemas, err := p.servers[0].GetProviderSchema(ctx, &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		t.Fatal(err)
	}
	p.typ = schemas.ResourceSchemas[mqtt.DeviceAccessTypeName].ValueType().(tftypes.Object)
	identities, err := p.servers[0].GetResourceIdentitySchemas(ctx, &tfprotov6.GetResourceIdentitySchemasRequest{})
	if err != nil {
		t.Fatal(err)
	}
	p.identityType = identities.IdentitySchemas[mqtt.DeviceAccessTypeName].ValueType().(tftypes.Object)
	p.nullState = p.encode(tftypes.NewValue(p.typ, nil))
	providerType := schemas.Provider.ValueType().(tftypes.Object)
	for i := range p.servers {
		e, err := emulator.New(emulator.DemoSeed(), emulator.Options{})
		if err != nil {
			t.Fatal(err)
		}
		srv := httptest.NewServer(e)
		t.Cleanup(srv.Close)
		p.emulators[i] = e
		endpoints := providerType.AttributeTypes["endpoints"].(tftypes.Object)
		cfg, err := tfprotov6.NewDynamicValue(providerType, objectWithNulls(providerType, map[string]tftypes.Value{
			"region": str(emulator.DemoRegion), "access_key": str(emulator.DemoAccessKeyID), "secret_key": str(emulator.DemoAccessKeySecret),
			"endpoints": objectWithNulls(endpoints, map[string]tftypes.Value{"onsmqtt": str(srv.URL), "sts": str(srv.URL)}),
		}))
		if err != nil {
			t.Fatal(err)
		}
		resp, err := p.servers[i].ConfigureProvider(ctx, &tfprotov6.ConfigureProviderRequest{Config: &cfg})
		if err != nil || len(resp.Diagnostics) > 0 {
			t.Fatalf("configure: %v %v", err, resp.Diagnostics)
		}
	}
	return p
}

func str(s string) tftypes.Value { return tftypes.NewValue(tftypes.String, s) }

func unknownString() tftypes.Value { return tftypes.NewValue(tftypes.String, tftypes.UnknownValue) }

func objectWithNulls(typ tftypes.Object, set map[string]tftypes.Value) tftypes.Value {
	attrs := map[string]tftypes.Value{}
	for name, at := range typ.AttributeTypes {
		attrs[name] = tftypes.NewValue(at, nil)
	}
	maps.Copy(attrs, set)
	return tftypes.NewValue(typ, attrs)
}

func (p *serverPair) encode(v tftypes.Value) *tfprotov6.DynamicValue {
	p.t.Helper()
	dv, err := tfprotov6.NewDynamicValue(p.typ, v)
	if err != nil {
		p.t.Fatal(err)
	}
	return &dv
}

func (p *serverPair) decode(dv *tfprotov6.DynamicValue) tftypes.Value {
	p.t.Helper()
	if dv == nil {
		return tftypes.Value{}
	}
	v, err := dv.Unmarshal(p.typ)
	if err != nil {
		p.t.Fatal(err)
	}
	return v
}

func (p *serverPair) timeouts(set map[string]string) tftypes.Value {
	typ := p.typ.AttributeTypes["timeouts"].(tftypes.Object)
	vals := map[string]tftypes.Value{}
	for k, v := range set {
		vals[k] = str(v)
	}
	return objectWithNulls(typ, vals)
}

// config is a configuration of the demo instance and CA ca01 with devices
// and the attributes in set.
func (p *serverPair) config(set map[string]tftypes.Value, devices map[string]string) *tfprotov6.DynamicValue {
	elems := map[string]tftypes.Value{}
	for k, v := range devices {
		elems[k] = str(v)
	}
	return p.configValues(set, elems)
}

// configValues is config with devices' values as given; nil devices are
// unknown.
func (p *serverPair) configValues(set map[string]tftypes.Value, devices map[string]tftypes.Value) *tfprotov6.DynamicValue {
	values := map[string]tftypes.Value{
		"instance_id": str(emulator.DemoInstanceID), "ca_sn": str("ca01"),
		"devices": tftypes.NewValue(tftypes.Map{ElementType: tftypes.String}, tftypes.UnknownValue),
	}
	if devices != nil {
		values["devices"] = tftypes.NewValue(tftypes.Map{ElementType: tftypes.String}, devices)
	}
	maps.Copy(values, set)
	return p.encode(objectWithNulls(p.typ, values))
}

// proposed is the engine's proposed new state: the configuration, with
// the prior state's value for each computed attribute it leaves null.
func (p *serverPair) proposed(prior, config *tfprotov6.DynamicValue) *tfprotov6.DynamicValue {
	pv, cv := p.decode(prior), p.decode(config)
	if pv.IsNull() {
		return config
	}
	var pa, ca map[string]tftypes.Value
	_ = pv.As(&pa)
	_ = cv.As(&ca)
	out := maps.Clone(ca)
	computed := map[string]bool{"id": true, "region": true, "unlisted_devices": true, "allow_unregistered_devices": true, "unlisted_device_statuses": true,
		"unregistered_devices": true, "registered_count": true, "active_count": true, "inactive_count": true, "unlisted_count": true}
	for name := range computed {
		if ca[name].IsNull() {
			out[name] = pa[name]
		}
	}
	return p.encode(tftypes.NewValue(p.typ, out))
}

// both sends a request to both servers and compares the answers' parts.
func both[R any](p *serverPair, step string, call func(tfprotov6.ProviderServer) (R, error), parts func(R) answer) R {
	p.t.Helper()
	var results [2]R
	var answers [2]answer
	for i, s := range p.servers {
		r, err := call(s)
		if err != nil {
			p.t.Fatalf("%s: server %d: %v", step, i, err)
		}
		results[i], answers[i] = r, parts(r)
	}
	for _, d := range p.diff(answers[0], answers[1]) {
		p.t.Errorf("%s: %s", step, d)
	}
	return results[1]
}

// answer is what is compared of a response.
type answer struct {
	state, identity *tfprotov6.DynamicValue
	private         []byte
	diagnostics     []*tfprotov6.Diagnostic
	replace         []*tftypes.AttributePath
}

// answerWithIdentity is the answer of a call that returns an object and its
// identity (read, plan, apply, import); identity may be nil.
func answerWithIdentity(state *tfprotov6.DynamicValue, private []byte, diags []*tfprotov6.Diagnostic, identity *tfprotov6.ResourceIdentityData) answer {
	a := answer{state: state, private: private, diagnostics: diags}
	if identity != nil {
		a.identity = identity.IdentityData
	}
	return a
}

func (p *serverPair) diff(a, b answer) []string {
	var out []string
	if sa, sb := p.decode(a.state), p.decode(b.state); !sa.Equal(sb) {
		out = append(out, fmt.Sprintf("states differ:\nframework %v\nprotocol  %v", sa, sb))
	}
	decodeIdentity := func(dv *tfprotov6.DynamicValue) string {
		if dv == nil {
			return "<none>"
		}
		v, err := dv.Unmarshal(p.identityType)
		if err != nil {
			return err.Error()
		}
		return v.String()
	}
	if ia, ib := decodeIdentity(a.identity), decodeIdentity(b.identity); ia != ib {
		out = append(out, fmt.Sprintf("identities differ: framework %s, protocol %s", ia, ib))
	}
	if string(a.private) != string(b.private) {
		out = append(out, fmt.Sprintf("private state differs: framework %q, protocol %q", a.private, b.private))
	}
	if da, db := diagnosticLines(a.diagnostics), diagnosticLines(b.diagnostics); !slices.Equal(da, db) {
		out = append(out, fmt.Sprintf("diagnostics differ:\nframework\n  %s\nprotocol\n  %s", strings.Join(da, "\n  "), strings.Join(db, "\n  ")))
	}
	paths := func(ps []*tftypes.AttributePath) []string {
		var s []string
		for _, p := range ps {
			s = append(s, p.String())
		}
		return s
	}
	if ra, rb := paths(a.replace), paths(b.replace); !slices.Equal(ra, rb) {
		out = append(out, fmt.Sprintf("replacement paths differ: framework %v, protocol %v", ra, rb))
	}
	return out
}

func diagnosticLines(diags []*tfprotov6.Diagnostic) []string {
	var out []string
	for _, d := range diags {
		at := ""
		if d.Attribute != nil {
			at = d.Attribute.String()
		}
		out = append(out, fmt.Sprintf("%v | %s | %s | %s", d.Severity, at, d.Summary, d.Detail))
	}
	slices.Sort(out) // the framework validates attributes in map order
	return out
}

func (p *serverPair) validate(ctx context.Context, step string, config *tfprotov6.DynamicValue) {
	p.t.Helper()
	both(p, "validate "+step, func(s tfprotov6.ProviderServer) (*tfprotov6.ValidateResourceConfigResponse, error) {
		return s.ValidateResourceConfig(ctx, &tfprotov6.ValidateResourceConfigRequest{TypeName: mqtt.DeviceAccessTypeName, Config: config})
	}, func(r *tfprotov6.ValidateResourceConfigResponse) answer { return answer{diagnostics: r.Diagnostics} })
}

func (p *serverPair) read(ctx context.Context, step string, state *tfprotov6.DynamicValue, identity *tfprotov6.ResourceIdentityData, private ...[]byte) *tfprotov6.DynamicValue {
	p.t.Helper()
	var priv []byte
	if len(private) > 0 {
		priv = private[0]
	}
	resp := both(p, step, func(s tfprotov6.ProviderServer) (*tfprotov6.ReadResourceResponse, error) {
		return s.ReadResource(ctx, &tfprotov6.ReadResourceRequest{TypeName: mqtt.DeviceAccessTypeName, CurrentState: state, CurrentIdentity: identity, Private: priv})
	}, func(r *tfprotov6.ReadResourceResponse) answer {
		return answerWithIdentity(r.NewState, r.Private, r.Diagnostics, r.NewIdentity)
	})
	p.lastIdentity = resp.NewIdentity
	return resp.NewState
}

func (p *serverPair) planResponse(ctx context.Context, step string, prior, config, proposed *tfprotov6.DynamicValue) *tfprotov6.PlanResourceChangeResponse {
	p.t.Helper()
	return both(p, "plan "+step, func(s tfprotov6.ProviderServer) (*tfprotov6.PlanResourceChangeResponse, error) {
		return s.PlanResourceChange(ctx, &tfprotov6.PlanResourceChangeRequest{TypeName: mqtt.DeviceAccessTypeName, PriorState: prior, Config: config,
			ProposedNewState: proposed, PriorIdentity: p.lastIdentity})
	}, func(r *tfprotov6.PlanResourceChangeResponse) answer {
		a := answerWithIdentity(r.PlannedState, r.PlannedPrivate, r.Diagnostics, r.PlannedIdentity)
		a.replace = r.RequiresReplace
		return a
	})
}

func (p *serverPair) plan(ctx context.Context, step string, prior, config *tfprotov6.DynamicValue) *tfprotov6.PlanResourceChangeResponse {
	p.t.Helper()
	return p.planResponse(ctx, step, prior, config, p.proposed(prior, config))
}

func (p *serverPair) applyPlanned(ctx context.Context, step string, prior, config *tfprotov6.DynamicValue, planned *tfprotov6.PlanResourceChangeResponse) *tfprotov6.DynamicValue {
	p.t.Helper()
	resp := both(p, "apply "+step, func(s tfprotov6.ProviderServer) (*tfprotov6.ApplyResourceChangeResponse, error) {
		return s.ApplyResourceChange(ctx, &tfprotov6.ApplyResourceChangeRequest{TypeName: mqtt.DeviceAccessTypeName, PriorState: prior, Config: config,
			PlannedState: planned.PlannedState, PlannedPrivate: planned.PlannedPrivate, PlannedIdentity: planned.PlannedIdentity})
	}, func(r *tfprotov6.ApplyResourceChangeResponse) answer {
		return answerWithIdentity(r.NewState, r.Private, r.Diagnostics, r.NewIdentity)
	})
	p.lastIdentity = resp.NewIdentity
	return resp.NewState
}

// apply plans config over prior and applies that plan.
func (p *serverPair) apply(ctx context.Context, step string, prior, config *tfprotov6.DynamicValue) *tfprotov6.DynamicValue {
	p.t.Helper()
	return p.applyPlanned(ctx, step, prior, config, p.plan(ctx, step, prior, config))
}

func (p *serverPair) create(ctx context.Context, step string, config *tfprotov6.DynamicValue) *tfprotov6.DynamicValue {
	p.t.Helper()
	p.lastIdentity = nil
	return p.apply(ctx, step, p.nullState, config)
}

func (p *serverPair) update(ctx context.Context, step string, prior, config *tfprotov6.DynamicValue) *tfprotov6.DynamicValue {
	p.t.Helper()
	return p.apply(ctx, step, prior, config)
}

func (p *serverPair) destroy(ctx context.Context, step string, prior *tfprotov6.DynamicValue) {
	p.t.Helper()
	planned := p.planResponse(ctx, step, prior, p.nullState, p.nullState)
	p.applyPlanned(ctx, step, prior, p.nullState, planned)
}

type importedState struct {
	state    *tfprotov6.DynamicValue
	identity *tfprotov6.ResourceIdentityData
	private  []byte
}

func (p *serverPair) importState(ctx context.Context, step, id string) importedState {
	p.t.Helper()
	resp := both(p, step, func(s tfprotov6.ProviderServer) (*tfprotov6.ImportResourceStateResponse, error) {
		return s.ImportResourceState(ctx, &tfprotov6.ImportResourceStateRequest{TypeName: mqtt.DeviceAccessTypeName, ID: id})
	}, func(r *tfprotov6.ImportResourceStateResponse) answer {
		if len(r.ImportedResources) != 1 {
			return answer{diagnostics: r.Diagnostics}
		}
		ir := r.ImportedResources[0]
		return answerWithIdentity(ir.State, ir.Private, r.Diagnostics, ir.Identity)
	})
	if len(resp.ImportedResources) != 1 {
		p.t.Fatalf("%s: %v", step, resp.Diagnostics)
	}
	ir := resp.ImportedResources[0]
	return importedState{state: ir.State, identity: ir.Identity, private: ir.Private}
}
