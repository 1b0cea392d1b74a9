package mqtt

import (
	"bytes"
	"context"
	"fmt"
	"maps"
	"slices"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/vmihailenco/msgpack/v5"
)

// The codec decodes every value as tftypes does, errors included, whether
// or not it takes the attribute-by-attribute path.
func TestValueCodecDecodesAsTftypes(t *testing.T) {
	typ := accessObjectType(t)
	large := fleetValues(3000, "active")
	withUnknown := maps.Clone(large)
	withUnknown["d00007"] = tftypes.NewValue(tftypes.String, tftypes.UnknownValue)
	withNull := maps.Clone(large)
	withNull["d00008"] = tftypes.NewValue(tftypes.String, nil)
	values := map[string]tftypes.Value{
		"null":                   tftypes.NewValue(typ, nil),
		"unknown":                tftypes.NewValue(typ, tftypes.UnknownValue),
		"small":                  accessValue(typ, fleetValues(3, "active")),
		"large":                  accessValue(typ, large),
		"large, element unknown": accessValue(typ, withUnknown),
		"large, element null":    accessValue(typ, withNull),
	}
	for name, v := range values {
		encoded := engineEncoding(t, v)
		var c valueCodec
		got, err := c.decode(&tfprotov6.DynamicValue{MsgPack: encoded}, typ)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if !got.Equal(v) {
			t.Errorf("%s: decoded a different value", name)
		}
	}

	// Bytes tftypes refuses are refused with tftypes' own error.
	good := engineEncoding(t, values["large"])
	var fewer bytes.Buffer
	enc := msgpack.NewEncoder(&fewer)
	_ = enc.EncodeMapLen(len(typ.AttributeTypes) - 1)
	for _, name := range slices.Sorted(maps.Keys(typ.AttributeTypes))[1:] {
		_ = enc.EncodeString(name)
		_ = enc.Encode(msgpack.RawMessage(engineEncoding(t, accessAttribute(t, values["large"], name))))
	}
	renamed := bytes.Replace(slices.Clone(good), []byte("\xa7devices"), []byte("\xa7DEVICES"), 1)
	for name, encoded := range map[string][]byte{
		"truncated":            good[:len(good)-1],
		"an attribute short":   fewer.Bytes(),
		"an unknown attribute": renamed,
		"trailing bytes":       append(slices.Clone(good), 0xc0),
	} {
		var c valueCodec
		dv := &tfprotov6.DynamicValue{MsgPack: encoded}
		got, err := c.decode(dv, typ)
		want, wantErr := dv.Unmarshal(typ)
		if fmt.Sprint(err) != fmt.Sprint(wantErr) || !got.Equal(want) {
			t.Errorf("%s: got %v, %v; tftypes: %v, %v", name, got, err, want, wantErr)
		}
	}
}

// Equal bytes of a large attribute decode to the very same value, and a
// response holding that value writes the bytes it came from; any other
// value is encoded afresh.
func TestValueCodecReusesLargeAttributes(t *testing.T) {
	typ := accessObjectType(t)
	v := accessValue(typ, fleetValues(3000, "active"))
	encoded := engineEncoding(t, v)
	devices := engineEncoding(t, accessAttribute(t, v, "devices"))
	var c valueCodec
	first, err := c.decode(&tfprotov6.DynamicValue{MsgPack: encoded}, typ)
	if err != nil {
		t.Fatal(err)
	}
	second, err := c.decode(&tfprotov6.DynamicValue{MsgPack: slices.Clone(encoded)}, typ)
	if err != nil {
		t.Fatal(err)
	}
	id := mapIdentity(accessAttribute(t, first, "devices"))
	if id == 0 || mapIdentity(accessAttribute(t, second, "devices")) != id {
		t.Fatal("equal bytes were decoded twice")
	}
	out, err := c.encode(typ, second)
	if err != nil {
		t.Fatal(err)
	}
	// tftypes writes a map's keys in Go's random map order: 3,000 keys in
	// the engine's sorted order mean the remembered bytes were written.
	if !bytes.Contains(out.MsgPack, devices) {
		t.Error("the passed-through devices map was encoded afresh")
	}
	roundTrip, err := out.Unmarshal(typ)
	if err != nil || !roundTrip.Equal(v) {
		t.Errorf("the encoding does not decode to the value: %v", err)
	}

	changed := accessValue(typ, fleetValues(3000, "inactive"))
	out, err = c.encode(typ, changed)
	if err != nil {
		t.Fatal(err)
	}
	if roundTrip, err := out.Unmarshal(typ); err != nil || !roundTrip.Equal(changed) {
		t.Errorf("a new value does not encode to itself: %v", err)
	}

	// Only the most recently used attributes are kept.
	for i := range remembered {
		other := accessValue(typ, fleetValues(3000+i+1, "active"))
		if _, err := c.decode(&tfprotov6.DynamicValue{MsgPack: engineEncoding(t, other)}, typ); err != nil {
			t.Fatal(err)
		}
	}
	third, err := c.decode(&tfprotov6.DynamicValue{MsgPack: encoded}, typ)
	if err != nil {
		t.Fatal(err)
	}
	if mapIdentity(accessAttribute(t, third, "devices")) == id {
		t.Errorf("%d other maps later, the first is still remembered", remembered)
	}
}

func accessObjectType(t *testing.T) tftypes.Object {
	t.Helper()
	typ, ok := deviceAccessSchema(context.Background()).Type().TerraformType(context.Background()).(tftypes.Object)
	if !ok {
		t.Fatal("the schema's type is not an object")
	}
	return typ
}

func fleetValues(n int, status string) map[string]tftypes.Value {
	out := make(map[string]tftypes.Value, n)
	for i := range n {
		out[fmt.Sprintf("d%05d", i)] = tftypes.NewValue(tftypes.String, status)
	}
	return out
}

// accessValue is a known value of the resource with devices and the rest null.
func accessValue(typ tftypes.Object, devices map[string]tftypes.Value) tftypes.Value {
	attrs := make(map[string]tftypes.Value, len(typ.AttributeTypes))
	for name, at := range typ.AttributeTypes {
		attrs[name] = tftypes.NewValue(at, nil)
	}
	attrs["devices"] = tftypes.NewValue(stringMapType, devices)
	attrs["instance_id"] = tftypes.NewValue(tftypes.String, "post-cn-1")
	return tftypes.NewValue(typ, attrs)
}

func accessAttribute(t *testing.T, v tftypes.Value, name string) tftypes.Value {
	t.Helper()
	var attrs map[string]tftypes.Value
	if err := v.As(&attrs); err != nil {
		t.Fatal(err)
	}
	return attrs[name]
}

// engineEncoding writes v as Terraform and OpenTofu do: maps and objects in
// key order (tftypes writes maps in Go's map order).
func engineEncoding(t *testing.T, v tftypes.Value) []byte {
	t.Helper()
	var elems map[string]tftypes.Value
	if !v.IsKnown() || v.IsNull() || v.As(&elems) != nil {
		dv, err := tfprotov6.NewDynamicValue(v.Type(), v)
		if err != nil {
			t.Fatal(err)
		}
		return dv.MsgPack
	}
	var buf bytes.Buffer
	enc := msgpack.NewEncoder(&buf)
	if err := enc.EncodeMapLen(len(elems)); err != nil {
		t.Fatal(err)
	}
	for _, k := range slices.Sorted(maps.Keys(elems)) {
		if err := enc.EncodeString(k); err != nil {
			t.Fatal(err)
		}
		if err := enc.Encode(msgpack.RawMessage(engineEncoding(t, elems[k]))); err != nil {
			t.Fatal(err)
		}
	}
	return buf.Bytes()
}
