package mqtt

import (
	"context"
	"fmt"
	"math/big"
	"sync"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// The values of apsaramq_mqtt_device_access are read and written here, at
// the level of terraform-plugin-go's tftypes, instead of through the
// framework's reflection (tfsdk Get and Set). Three attributes hold an
// element per certificate, 100,000 under a large CA; reflection turns every
// element into an attr.Value and back each time a value is read or written,
// and Set rebuilds the whole value once per attribute. Here a per-device
// attribute stays the tftypes value it arrived as until a caller asks for
// its elements, and a value is written in one piece.

// stringMap is the value of a map(string) attribute (devices,
// unlisted_device_statuses).
type stringMap struct{ v tftypes.Value }

var stringMapType = tftypes.Map{ElementType: tftypes.String}

func knownStringMap(m map[string]string) stringMap {
	elems := make(map[string]tftypes.Value, len(m))
	for k, s := range m {
		elems[k] = tftypes.NewValue(tftypes.String, s)
	}
	return stringMap{tftypes.NewValue(stringMapType, elems)}
}

// with is a known map of elems: m itself when it holds exactly elems, so
// that a map passed through unchanged stays the value it arrived as (whose
// encoding the protocol server then reuses:
// device_access_protocol_values.go), a new value otherwise.
func (m stringMap) with(elems map[string]string) stringMap {
	if m.holds(elems) {
		return m
	}
	return knownStringMap(elems)
}

func (m stringMap) holds(elems map[string]string) bool {
	var have map[string]tftypes.Value
	if m.IsNull() || m.IsUnknown() || m.v.As(&have) != nil || len(have) != len(elems) {
		return false
	}
	for k, want := range elems {
		v, ok := have[k]
		var got string
		if !ok || !v.IsKnown() || v.IsNull() || v.As(&got) != nil || got != want {
			return false
		}
	}
	return true
}

func unknownStringMap() stringMap {
	return stringMap{tftypes.NewValue(stringMapType, tftypes.UnknownValue)}
}

// IsNull reports whether the map is null (a state read by import has none).
func (m stringMap) IsNull() bool { return m.v.Type() == nil || m.v.IsNull() }

// IsUnknown reports whether the whole map is unknown.
func (m stringMap) IsUnknown() bool { return m.v.Type() != nil && !m.v.IsKnown() }

// elementsKnown reports whether the map and every element are known.
func (m stringMap) elementsKnown() bool {
	if m.IsUnknown() {
		return false
	}
	return m.IsNull() || m.v.IsFullyKnown()
}

// elements converts a known map; a null map has none. Null elements read
// as "" (the schema's validators refuse them in configuration).
func (m stringMap) elements() (map[string]string, error) {
	if m.IsNull() {
		return map[string]string{}, nil
	}
	var elems map[string]tftypes.Value
	if err := m.v.As(&elems); err != nil {
		return nil, err
	}
	out := make(map[string]string, len(elems))
	for k, v := range elems {
		var s string
		if err := v.As(&s); err != nil {
			return nil, fmt.Errorf("element %q: %w", k, err)
		}
		out[k] = s
	}
	return out, nil
}

func (m stringMap) terraform() tftypes.Value {
	if m.v.Type() == nil {
		return tftypes.NewValue(stringMapType, nil)
	}
	return m.v
}

// stringSet is the value of a set(string) attribute (unregistered_devices).
type stringSet struct{ v tftypes.Value }

var stringSetType = tftypes.Set{ElementType: tftypes.String}

func knownStringSet(elems []string) stringSet {
	vs := make([]tftypes.Value, 0, len(elems))
	for _, s := range elems {
		vs = append(vs, tftypes.NewValue(tftypes.String, s))
	}
	return stringSet{tftypes.NewValue(stringSetType, vs)}
}

func unknownStringSet() stringSet {
	return stringSet{tftypes.NewValue(stringSetType, tftypes.UnknownValue)}
}

func (s stringSet) IsNull() bool    { return s.v.Type() == nil || s.v.IsNull() }
func (s stringSet) IsUnknown() bool { return s.v.Type() != nil && !s.v.IsKnown() }

// elements converts a known set; a null set has none.
func (s stringSet) elements() ([]string, error) {
	if s.IsNull() {
		return []string{}, nil
	}
	var elems []tftypes.Value
	if err := s.v.As(&elems); err != nil {
		return nil, err
	}
	out := make([]string, 0, len(elems))
	for _, v := range elems {
		var str string
		if err := v.As(&str); err != nil {
			return nil, err
		}
		out = append(out, str)
	}
	return out, nil
}

func (s stringSet) terraform() tftypes.Value {
	if s.v.Type() == nil {
		return tftypes.NewValue(stringSetType, nil)
	}
	return s.v
}

// accessTypes are the resource's object type and its timeouts block's
// framework type, taken from the schema once.
var accessTypes = sync.OnceValues(func() (tftypes.Type, attr.Type) {
	ctx := context.Background()
	s := deviceAccessSchema(ctx)
	return s.Type().TerraformType(ctx), s.Attributes["timeouts"].GetType()
})

// getAccessModel reads m from a configuration, plan or state value of the
// resource (req.Config.Raw, req.Plan.Raw, req.State.Raw), in place of the
// framework's Get.
func getAccessModel(ctx context.Context, raw tftypes.Value, m *deviceAccessModel) diag.Diagnostics {
	var diags diag.Diagnostics
	var attrs map[string]tftypes.Value
	if err := raw.As(&attrs); err != nil || raw.IsNull() || !raw.IsKnown() {
		diags.AddError("Unexpected Resource Value", fmt.Sprintf("The value of apsaramq_mqtt_device_access is not a known object (%v). "+
			"Please report this issue to the provider developers.", err))
		return diags
	}
	var errs []error
	str := func(name string) types.String {
		s, err := stringAttribute(attrs[name])
		errs = append(errs, err)
		return s
	}
	count := func(name string) types.Int64 {
		n, err := int64Attribute(attrs[name])
		errs = append(errs, err)
		return n
	}
	m.ID, m.InstanceID, m.CASn, m.Region, m.UnlistedDevices = str("id"), str("instance_id"), str("ca_sn"), str("region"), str("unlisted_devices")
	m.RegisteredCount, m.ActiveCount, m.InactiveCount, m.UnlistedCount = count("registered_count"), count("active_count"), count("inactive_count"), count("unlisted_count")
	var err error
	m.AllowUnregisteredDevices, err = boolAttribute(attrs["allow_unregistered_devices"])
	errs = append(errs, err)
	m.Devices, m.UnlistedDeviceStatuses = stringMap{attrs["devices"]}, stringMap{attrs["unlisted_device_statuses"]}
	m.UnregisteredDevices = stringSet{attrs["unregistered_devices"]}
	_, timeoutsAttr := accessTypes()
	t, err := timeoutsAttr.ValueFromTerraform(ctx, attrs["timeouts"])
	errs = append(errs, err)
	if tv, ok := t.(timeouts.Value); ok {
		m.Timeouts = tv
	}
	for _, err := range errs {
		if err != nil {
			diags.AddError("Unexpected Resource Value", fmt.Sprintf("Reading apsaramq_mqtt_device_access: %v. "+
				"Please report this issue to the provider developers.", err))
			return diags
		}
	}
	return diags
}

// writeState writes m as a list result's resource (newListResult).
func (m *deviceAccessModel) writeState(ctx context.Context, dst *tftypes.Value) diag.Diagnostics {
	return setAccessModel(ctx, dst, m)
}

// setAccessModel writes m as a value of the resource into dst
// (&resp.State.Raw, &resp.Plan.Raw), in place of the framework's Set.
func setAccessModel(ctx context.Context, dst *tftypes.Value, m *deviceAccessModel) diag.Diagnostics {
	var diags diag.Diagnostics
	timeoutsValue, err := m.Timeouts.ToTerraformValue(ctx)
	if err != nil {
		diags.AddError("Unexpected Resource Value", fmt.Sprintf("Writing apsaramq_mqtt_device_access timeouts: %v. "+
			"Please report this issue to the provider developers.", err))
		return diags
	}
	attrs := map[string]tftypes.Value{
		"devices":                  m.Devices.terraform(),
		"unlisted_device_statuses": m.UnlistedDeviceStatuses.terraform(),
		"unregistered_devices":     m.UnregisteredDevices.terraform(),
		"timeouts":                 timeoutsValue,
	}
	for name, v := range map[string]interface {
		ToTerraformValue(context.Context) (tftypes.Value, error)
	}{
		"id": m.ID, "instance_id": m.InstanceID, "ca_sn": m.CASn, "region": m.Region, "unlisted_devices": m.UnlistedDevices,
		"allow_unregistered_devices": m.AllowUnregisteredDevices, "registered_count": m.RegisteredCount, "active_count": m.ActiveCount,
		"inactive_count": m.InactiveCount, "unlisted_count": m.UnlistedCount,
	} {
		// The framework types of these fields never fail to convert.
		attrs[name], _ = v.ToTerraformValue(ctx)
	}
	objectType, _ := accessTypes()
	if err := tftypes.ValidateValue(objectType, attrs); err != nil {
		diags.AddError("Unexpected Resource Value", fmt.Sprintf("Writing apsaramq_mqtt_device_access: %v. "+
			"Please report this issue to the provider developers.", err))
		return diags
	}
	*dst = tftypes.NewValue(objectType, attrs)
	return diags
}

func stringAttribute(v tftypes.Value) (types.String, error) {
	switch {
	case v.Type() == nil || v.IsNull():
		return types.StringNull(), nil
	case !v.IsKnown():
		return types.StringUnknown(), nil
	}
	var s string
	err := v.As(&s)
	return types.StringValue(s), err
}

func int64Attribute(v tftypes.Value) (types.Int64, error) {
	switch {
	case v.Type() == nil || v.IsNull():
		return types.Int64Null(), nil
	case !v.IsKnown():
		return types.Int64Unknown(), nil
	}
	var f big.Float
	if err := v.As(&f); err != nil {
		return types.Int64Null(), err
	}
	n, accuracy := f.Int64()
	if accuracy != big.Exact {
		return types.Int64Null(), fmt.Errorf("%s is not a 64-bit integer", f.String())
	}
	return types.Int64Value(n), nil
}

func boolAttribute(v tftypes.Value) (types.Bool, error) {
	switch {
	case v.Type() == nil || v.IsNull():
		return types.BoolNull(), nil
	case !v.IsKnown():
		return types.BoolUnknown(), nil
	}
	var b bool
	err := v.As(&b)
	return types.BoolValue(b), err
}
