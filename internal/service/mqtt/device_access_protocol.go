package mqtt

import (
	"context"
	"fmt"
	"maps"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/identityschema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/apsaramq/terraform-provider-apsaramq/internal/onsmqtt"
)

// apsaramq_mqtt_device_access at the protocol level.
//
// The framework walks every value an RPC carries element by element, several
// times (decoding: NullifyCollectionBlocks; planning: defaults, write-only
// and unknown marking, then one rebuild of the whole plan per attribute in
// SchemaModifyPlan; every request and response copied whole), building an
// attribute path and looking the schema up for each element. For a devices
// map of 100,000 entries that costs the framework 2-3 times what the engine
// spends on the same map (measured with a do-nothing framework resource of
// this schema: docs/guides/performance.md). So the RPCs whose values grow
// with the fleet are answered here: the protocol's values are decoded once
// and handed to the resource's own methods as tfsdk values, and only the
// framework steps this schema needs are done, directly (defaults, unknown
// computed attributes, the string attributes' plan modifiers, the
// framework's checks of a response). Every other RPC, and every case these
// do not cover (a replacement, private state, an import's first read, a
// provider not yet configured), is the framework's. The test
// TestDeviceAccessProtocolMatchesTheFramework holds both paths to the same
// answers, byte for byte, over a catalogue of requests.

// DeviceAccessTypeName is the resource's type name.
const DeviceAccessTypeName = "apsaramq_mqtt_device_access"

// ServeDeviceAccessAtProtocolLevel wraps the framework's server so that
// apsaramq_mqtt_device_access's refresh, plan, apply and validation are
// answered at the protocol level (see above); client returns the API client
// the provider configured, nil before ConfigureProvider.
func ServeDeviceAccessAtProtocolLevel(framework tfprotov6.ProviderServer, client func() *onsmqtt.Client) tfprotov6.ProviderServer {
	ctx := context.Background()
	s := &accessProtocol{ProviderServer: framework, client: client, schema: deviceAccessSchema(ctx), identity: deviceAccessIdentitySchema()}
	objectType, okObject := s.schema.Type().TerraformType(ctx).(tftypes.Object)
	identityType, okIdentity := s.identity.Type().TerraformType(ctx).(tftypes.Object)
	if !okObject || !okIdentity {
		return framework // not a schema this file can answer for: the framework serves it all
	}
	s.objectType, s.identityType = objectType, identityType
	s.supported = s.inspectSchema()
	if lister, ok := framework.(tfprotov6.ListResourceServer); ok {
		return &accessProtocolWithLists{accessProtocol: s, lister: lister}
	}
	return s
}

type accessProtocol struct {
	tfprotov6.ProviderServer
	client       func() *onsmqtt.Client
	schema       schema.Schema
	identity     identityschema.Schema
	objectType   tftypes.Object
	identityType tftypes.Object
	// supported is false when the schema has what prepare does not do
	// (inspectSchema): then every RPC goes to the framework.
	supported bool
	codec     valueCodec
}

// accessProtocolWithLists forwards the list resource RPCs, which
// tfprotov6.ProviderServer does not include: embedding alone would hide the
// framework's.
type accessProtocolWithLists struct {
	*accessProtocol
	lister tfprotov6.ListResourceServer
}

func (s *accessProtocolWithLists) ValidateListResourceConfig(ctx context.Context, req *tfprotov6.ValidateListResourceConfigRequest) (*tfprotov6.ValidateListResourceConfigResponse, error) {
	return s.lister.ValidateListResourceConfig(ctx, req)
}

func (s *accessProtocolWithLists) ListResource(ctx context.Context, req *tfprotov6.ListResourceRequest) (*tfprotov6.ListResourceServerStream, error) {
	return s.lister.ListResource(ctx, req)
}

// inspectSchema reports whether planning here reproduces the framework for
// the schema: defaults only on string and bool attributes, plan modifiers
// only on string attributes, no computed nested attribute.
func (s *accessProtocol) inspectSchema() bool {
	for _, a := range s.schema.Attributes {
		switch a := a.(type) {
		case schema.StringAttribute:
		case schema.BoolAttribute:
			if len(a.PlanModifiers) > 0 {
				return false
			}
		case schema.MapAttribute:
			if a.Default != nil || len(a.PlanModifiers) > 0 {
				return false
			}
		case schema.SetAttribute:
			if a.Default != nil || len(a.PlanModifiers) > 0 {
				return false
			}
		case schema.Int64Attribute:
			if a.Default != nil || len(a.PlanModifiers) > 0 {
				return false
			}
		case schema.SingleNestedAttribute:
			if a.Default != nil || len(a.PlanModifiers) > 0 || a.Computed {
				return false
			}
			for _, nested := range a.Attributes {
				if nested.IsComputed() {
					return false
				}
			}
		default:
			return false
		}
	}
	return true
}

// resource is the resource, configured with the provider's client, when
// typeName is this one's and answered here; nil otherwise, and before the
// provider is configured.
func (s *accessProtocol) resource(ctx context.Context, typeName string) *deviceAccessResource {
	if !s.ours(typeName) {
		return nil
	}
	client := s.client()
	if client == nil {
		return nil
	}
	r := &deviceAccessResource{resourceBase{typeNameSuffix: "_mqtt_device_access"}}
	r.Configure(ctx, resource.ConfigureRequest{ProviderData: client}, &resource.ConfigureResponse{})
	return r
}

func (s *accessProtocol) ours(typeName string) bool {
	return typeName == DeviceAccessTypeName && s.supported
}

// decode reads a value of the resource; a missing one is null.
func (s *accessProtocol) decode(dv *tfprotov6.DynamicValue) (tftypes.Value, error) {
	if dv == nil {
		return tftypes.NewValue(s.objectType, nil), nil
	}
	return s.codec.decode(dv, s.objectType)
}

func (s *accessProtocol) decodeIdentity(data *tfprotov6.ResourceIdentityData) (tftypes.Value, error) {
	if data == nil || data.IdentityData == nil {
		return tftypes.NewValue(s.identityType, nil), nil
	}
	return data.IdentityData.Unmarshal(s.identityType)
}

func (s *accessProtocol) state(raw tftypes.Value) tfsdk.State {
	return tfsdk.State{Schema: s.schema, Raw: raw}
}

func (s *accessProtocol) identityValue(raw tftypes.Value) *tfsdk.ResourceIdentity {
	return &tfsdk.ResourceIdentity{Schema: s.identity, Raw: raw}
}

// ValidateResourceConfig lets the framework validate the configuration with
// an empty devices map, and validates devices itself (devicesValidator's
// checks, on the decoded map): attribute validators see their attribute
// only, so the diagnostics are the framework's.
func (s *accessProtocol) ValidateResourceConfig(ctx context.Context, req *tfprotov6.ValidateResourceConfigRequest) (*tfprotov6.ValidateResourceConfigResponse, error) {
	if !s.ours(req.TypeName) {
		return s.ProviderServer.ValidateResourceConfig(ctx, req)
	}
	config, err := s.decode(req.Config)
	var attrs map[string]tftypes.Value
	if err != nil || !config.IsKnown() || config.IsNull() || config.As(&attrs) != nil {
		return s.ProviderServer.ValidateResourceConfig(ctx, req)
	}
	devices := attrs["devices"]
	var elems map[string]tftypes.Value
	if !devices.IsKnown() || devices.IsNull() || devices.As(&elems) != nil || len(elems) == 0 {
		return s.ProviderServer.ValidateResourceConfig(ctx, req)
	}
	reduced := maps.Clone(attrs)
	reduced["devices"] = tftypes.NewValue(stringMapType, map[string]tftypes.Value{})
	encoded, err := tfprotov6.NewDynamicValue(s.objectType, tftypes.NewValue(s.objectType, reduced))
	if err != nil {
		return s.ProviderServer.ValidateResourceConfig(ctx, req)
	}
	resp, err := s.ProviderServer.ValidateResourceConfig(ctx, &tfprotov6.ValidateResourceConfigRequest{
		TypeName: req.TypeName, Config: &encoded, ClientCapabilities: req.ClientCapabilities,
	})
	if err != nil || resp == nil {
		return resp, err
	}
	diags := validateDevices(ctx, path.Root("devices"), tfsdk.Config{Schema: s.schema, Raw: config}, maps.Keys(elems), func(k string) types.String {
		status, _ := stringAttribute(elems[k])
		return status
	})
	resp.Diagnostics = append(resp.Diagnostics, protocolDiagnostics(ctx, diags)...)
	return resp, nil
}

// ReadResource is the refresh: the resource's Read on the decoded state,
// then the framework's checks of the identity.
func (s *accessProtocol) ReadResource(ctx context.Context, req *tfprotov6.ReadResourceRequest) (*tfprotov6.ReadResourceResponse, error) {
	r := s.resource(ctx, req.TypeName)
	if r == nil || len(req.Private) > 0 {
		// Private state (among it the framework's mark of an import's
		// first read) is the framework's to interpret.
		return s.ProviderServer.ReadResource(ctx, req)
	}
	current, err := s.decode(req.CurrentState)
	if err != nil {
		return s.ProviderServer.ReadResource(ctx, req)
	}
	identity, err := s.decodeIdentity(req.CurrentIdentity)
	if err != nil {
		return s.ProviderServer.ReadResource(ctx, req)
	}
	readReq := resource.ReadRequest{State: s.state(current), Identity: s.identityValue(identity)}
	readResp := resource.ReadResponse{State: s.state(current), Identity: s.identityValue(identity)}
	r.Read(ctx, readReq, &readResp)

	diags := readResp.Diagnostics
	if !diags.HasError() {
		checkReturnedIdentity(&diags, "read", "Current", identity, readResp.Identity.Raw)
	}
	resp := &tfprotov6.ReadResourceResponse{}
	resp.NewState, resp.NewIdentity, diags = s.encodeResult(readResp.State.Raw, readResp.Identity, diags)
	resp.Diagnostics = protocolDiagnostics(ctx, diags)
	return resp, nil
}

// checkReturnedIdentity is the framework's check of the identity a read or
// an update returned, worded as the framework words it: the stored identity
// must not change, and there must be one.
func checkReturnedIdentity(diags *diag.Diagnostics, operation, beforeLabel string, before, after tftypes.Value) {
	switch {
	case !before.IsFullyNull() && !before.Equal(after):
		addIdentityChanged(diags, operation, beforeLabel, before, "New", after)
	case after.IsFullyNull():
		addIdentityMissing(diags, operation)
	}
}

func addIdentityChanged(diags *diag.Diagnostics, operation, beforeLabel string, before tftypes.Value, afterLabel string, after tftypes.Value) {
	diags.AddError("Unexpected Identity Change", fmt.Sprintf("During the %s operation, the Terraform Provider unexpectedly returned a different "+
		"identity than the previously stored one.\n\nThis is always a problem with the provider and should be reported to the provider developer.\n\n"+
		"%s Identity: %s\n\n%s Identity: %s", operation, beforeLabel, before.String(), afterLabel, after.String()))
}

func addIdentityMissing(diags *diag.Diagnostics, operation string) {
	diags.AddError("Missing Resource Identity After "+strings.ToUpper(operation[:1])+operation[1:], "The Terraform Provider unexpectedly "+
		"returned no resource identity data after having no errors in the resource "+operation+". This is always an issue in the "+
		"Terraform Provider and should be reported to the provider developers.")
}

// encodeResult encodes a state and an identity for a response.
func (s *accessProtocol) encodeResult(state tftypes.Value, identity *tfsdk.ResourceIdentity, diags diag.Diagnostics) (*tfprotov6.DynamicValue, *tfprotov6.ResourceIdentityData, diag.Diagnostics) {
	encoded, err := s.codec.encode(s.objectType, state)
	if err != nil {
		diags.AddError("Unable to Convert State", "An unexpected error was encountered when converting the state to the protocol type. "+
			"Please report this issue to the provider developers.\n\n"+err.Error())
		return nil, nil, diags
	}
	if identity == nil {
		return &encoded, nil, diags
	}
	id, err := tfprotov6.NewDynamicValue(s.identityType, identity.Raw)
	if err != nil {
		diags.AddError("Unable to Convert Resource Identity", "An unexpected error was encountered when converting the resource identity to "+
			"the protocol type. Please report this issue to the provider developers.\n\n"+err.Error())
		return &encoded, nil, diags
	}
	return &encoded, &tfprotov6.ResourceIdentityData{IdentityData: &id}, diags
}

// protocolDiagnostics converts framework diagnostics as the framework does.
func protocolDiagnostics(ctx context.Context, diags diag.Diagnostics) []*tfprotov6.Diagnostic {
	var out []*tfprotov6.Diagnostic
	for _, d := range diags {
		pd := &tfprotov6.Diagnostic{Summary: d.Summary(), Detail: d.Detail(), Severity: tfprotov6.DiagnosticSeverityInvalid}
		switch d.Severity() {
		case diag.SeverityError:
			pd.Severity = tfprotov6.DiagnosticSeverityError
		case diag.SeverityWarning:
			pd.Severity = tfprotov6.DiagnosticSeverityWarning
		}
		if withPath, ok := d.(diag.DiagnosticWithPath); ok {
			pd.Attribute = terraformPath(ctx, withPath.Path())
		}
		out = append(out, pd)
	}
	return out
}

// terraformPath converts a framework path to the protocol's.
func terraformPath(ctx context.Context, p path.Path) *tftypes.AttributePath {
	var steps []tftypes.AttributePathStep
	for _, step := range p.Steps() {
		switch step := step.(type) {
		case path.PathStepAttributeName:
			steps = append(steps, tftypes.AttributeName(string(step)))
		case path.PathStepElementKeyString:
			steps = append(steps, tftypes.ElementKeyString(string(step)))
		case path.PathStepElementKeyInt:
			steps = append(steps, tftypes.ElementKeyInt(int64(step)))
		case path.PathStepElementKeyValue:
			v, err := step.ToTerraformValue(ctx)
			if err != nil {
				return nil
			}
			steps = append(steps, tftypes.ElementKeyValue(v))
		}
	}
	return tftypes.NewAttributePathWithSteps(steps)
}
