package mqtt

import (
	"bytes"
	"maps"
	"reflect"
	"slices"
	"sync"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/vmihailenco/msgpack/v5"
	"github.com/vmihailenco/msgpack/v5/msgpcode"
)

// The engine sends the devices map to one provider process several times,
// byte for byte the same: a validation, then a plan's configuration and
// proposed new state, then an apply's configuration and planned state. For
// 100,000 certificates tftypes spends about a quarter of a second on each
// decoding (an attribute path and a value per element, then a sort of every
// key when the map value is built) and a tenth on each encoding. So the
// resource's object values are decoded attribute by attribute (the
// protocol's MessagePack encoding of an object is a map from attribute name
// to value), and a large attribute's bytes are remembered with the value
// they decoded to: the same bytes again are the same value, and a response
// holding that very value writes those bytes back. Everything else, and
// every value this does not recognise, is tftypes' own decoding and
// encoding.

const (
	// rememberFrom is the encoded size from which an attribute is
	// remembered; smaller ones cost less to decode than to compare.
	rememberFrom = 32 << 10
	// remembered is how many attributes are kept: the devices map and
	// unlisted_device_statuses of the current value, and of the one
	// before, are enough for every RPC sequence the engines make.
	remembered = 4
)

// valueCodec decodes and encodes the resource's values, remembering large
// attributes. Safe for concurrent use.
type valueCodec struct {
	mu      sync.Mutex
	entries []rememberedAttribute // most recently used first
}

type rememberedAttribute struct {
	encoded []byte
	typ     tftypes.Type
	value   tftypes.Value
	// identity is the value's map, which a response holds when it passes
	// the value through unchanged (tftypes values are immutable).
	identity uintptr
}

// decode reads an object of type typ, as DynamicValue.Unmarshal does.
func (c *valueCodec) decode(dv *tfprotov6.DynamicValue, typ tftypes.Object) (tftypes.Value, error) {
	if len(dv.MsgPack) < rememberFrom {
		return dv.Unmarshal(typ)
	}
	r := bytes.NewReader(dv.MsgPack)
	dec := msgpack.NewDecoder(r)
	code, err := dec.PeekCode()
	if err != nil || (!msgpcode.IsFixedMap(code) && code != msgpcode.Map16 && code != msgpcode.Map32) {
		return dv.Unmarshal(typ) // null, unknown or not an object: tftypes says which
	}
	n, err := dec.DecodeMapLen()
	if err != nil || n != len(typ.AttributeTypes) {
		return dv.Unmarshal(typ)
	}
	attrs := make(map[string]tftypes.Value, n)
	for range n {
		name, err := dec.DecodeString()
		attrType, known := typ.AttributeTypes[name]
		if err != nil || !known {
			return dv.Unmarshal(typ)
		}
		start := len(dv.MsgPack) - r.Len()
		if err := dec.Skip(); err != nil {
			return dv.Unmarshal(typ)
		}
		v, err := c.decodeAttribute(dv.MsgPack[start:len(dv.MsgPack)-r.Len()], attrType)
		if err != nil {
			return dv.Unmarshal(typ) // the same error, with the attribute's path
		}
		attrs[name] = v
	}
	return tftypes.NewValue(typ, attrs), nil
}

func (c *valueCodec) decodeAttribute(encoded []byte, typ tftypes.Type) (tftypes.Value, error) {
	if len(encoded) < rememberFrom {
		return (&tfprotov6.DynamicValue{MsgPack: encoded}).Unmarshal(typ)
	}
	if v, ok := c.lookup(func(e rememberedAttribute) bool { return bytes.Equal(e.encoded, encoded) && e.typ.Equal(typ) }); ok {
		return v.value, nil
	}
	v, err := (&tfprotov6.DynamicValue{MsgPack: encoded}).Unmarshal(typ)
	if err == nil {
		c.remember(rememberedAttribute{encoded: bytes.Clone(encoded), typ: typ, value: v, identity: mapIdentity(v)})
	}
	return v, err
}

// encode writes an object of type typ, as tfprotov6.NewDynamicValue does.
func (c *valueCodec) encode(typ tftypes.Object, v tftypes.Value) (tfprotov6.DynamicValue, error) {
	var attrs map[string]tftypes.Value
	if v.IsNull() || !v.IsKnown() || !v.Type().Equal(typ) || v.As(&attrs) != nil || len(attrs) != len(typ.AttributeTypes) {
		return tfprotov6.NewDynamicValue(typ, v)
	}
	var buf bytes.Buffer
	enc := msgpack.NewEncoder(&buf)
	if err := enc.EncodeMapLen(len(attrs)); err != nil {
		return tfprotov6.NewDynamicValue(typ, v)
	}
	// tftypes writes an object's attributes in name order.
	for _, name := range slices.Sorted(maps.Keys(typ.AttributeTypes)) {
		attrType := typ.AttributeTypes[name]
		encoded, err := c.encodeAttribute(attrs[name], attrType)
		if err != nil || enc.EncodeString(name) != nil || enc.Encode(msgpack.RawMessage(encoded)) != nil {
			return tfprotov6.NewDynamicValue(typ, v) // the same error, with the attribute's path
		}
	}
	return tfprotov6.DynamicValue{MsgPack: buf.Bytes()}, nil
}

func (c *valueCodec) encodeAttribute(v tftypes.Value, typ tftypes.Type) ([]byte, error) {
	if id := mapIdentity(v); id != 0 {
		if e, ok := c.lookup(func(e rememberedAttribute) bool { return e.identity == id && e.typ.Equal(typ) }); ok {
			return e.encoded, nil
		}
	}
	dv, err := tfprotov6.NewDynamicValue(typ, v)
	return dv.MsgPack, err
}

func (c *valueCodec) lookup(match func(rememberedAttribute) bool) (rememberedAttribute, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for i, e := range c.entries {
		if match(e) {
			copy(c.entries[1:i+1], c.entries[:i])
			c.entries[0] = e
			return e, true
		}
	}
	return rememberedAttribute{}, false
}

func (c *valueCodec) remember(e rememberedAttribute) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.entries = slices.Insert(c.entries, 0, e)
	if len(c.entries) > remembered {
		c.entries = c.entries[:remembered]
	}
}

// mapIdentity is the address of a known, non-empty map value's elements, 0
// for any other value.
func mapIdentity(v tftypes.Value) uintptr {
	if v.Type() == nil || !v.Type().Is(tftypes.Map{}) || v.IsNull() || !v.IsKnown() {
		return 0
	}
	var elems map[string]tftypes.Value
	if v.As(&elems) != nil || len(elems) == 0 {
		return 0
	}
	return reflect.ValueOf(elems).Pointer()
}
