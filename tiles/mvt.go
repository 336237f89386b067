package tiles

import (
	"encoding/binary"
	"math"
	"time"

	"bando/spatial"
)

// This file writes Mapbox Vector Tile 2.1 protobuf by hand; the schema is
// small and fixed (vector_tile.proto), so no generated code is needed.

// MVT protobuf field numbers (vector_tile.proto, version 2.1).
const (
	tileLayers = 3

	layerName     = 1
	layerFeatures = 2
	layerKeys     = 3
	layerValues   = 4
	layerExtent   = 5
	layerVersion  = 15

	featureID       = 1
	featureTags     = 2
	featureType     = 3
	featureGeometry = 4

	valueString = 1
	valueDouble = 3
	valueInt    = 4
	valueSint   = 6
	valueBool   = 7

	wireVarint  = 0
	wireFixed64 = 1
	wireBytes   = 2

	// mvtVersion is the spec version written in every layer.
	mvtVersion = 2
)

func appendTag(b []byte, field, wire int) []byte {
	return binary.AppendUvarint(b, uint64(field)<<3|uint64(wire))
}

func appendVarintField(b []byte, field int, v uint64) []byte {
	return binary.AppendUvarint(appendTag(b, field, wireVarint), v)
}

func appendBytesField(b []byte, field int, data []byte) []byte {
	b = binary.AppendUvarint(appendTag(b, field, wireBytes), uint64(len(data)))
	return append(b, data...)
}

func appendStringField(b []byte, field int, s string) []byte {
	b = binary.AppendUvarint(appendTag(b, field, wireBytes), uint64(len(s)))
	return append(b, s...)
}

// appendPacked writes a packed repeated uint32 field.
func appendPacked(b []byte, field int, vs []uint32) []byte {
	n := 0
	for _, v := range vs {
		n += uvarintLen(uint64(v))
	}
	b = binary.AppendUvarint(appendTag(b, field, wireBytes), uint64(n))
	for _, v := range vs {
		b = binary.AppendUvarint(b, uint64(v))
	}
	return b
}

func uvarintLen(v uint64) int {
	n := 1
	for v >= 0x80 {
		v >>= 7
		n++
	}
	return n
}

// valueKey identifies a property value for de-duplication: the same Go
// value always maps to the same entry of the layer's values table. Floats
// are compared by bits, so NaN de-duplicates too.
type valueKey struct {
	kind byte
	s    string
	n    uint64
}

// valueKeyOf returns the table key of a property value, and false for nil
// and for types that tiles do not carry.
func valueKeyOf(v any) (valueKey, bool) {
	switch v := v.(type) {
	case string:
		return valueKey{kind: 's', s: v}, true
	case int64:
		return valueKey{kind: 'i', n: uint64(v)}, true
	case float64:
		return valueKey{kind: 'f', n: math.Float64bits(v)}, true
	case bool:
		var n uint64
		if v {
			n = 1
		}
		return valueKey{kind: 'b', n: n}, true
	case time.Time:
		return valueKey{kind: 's', s: FormatTime(v)}, true
	}
	return valueKey{}, false
}

// valueKeyOfValue is valueKeyOf for a value read from the store in place.
// Its string may point into the store.
func valueKeyOfValue(v spatial.Value) (valueKey, bool) {
	switch v.Kind() {
	case spatial.PropString:
		return valueKey{kind: 's', s: v.Str()}, true
	case spatial.PropInt:
		return valueKey{kind: 'i', n: uint64(v.Int())}, true
	case spatial.PropFloat:
		return valueKey{kind: 'f', n: v.FloatBits()}, true
	case spatial.PropFalse:
		return valueKey{kind: 'b'}, true
	case spatial.PropTrue:
		return valueKey{kind: 'b', n: 1}, true
	case spatial.PropTime:
		return valueKey{kind: 's', s: FormatTime(v.Time())}, true
	}
	return valueKey{}, false
}

// FormatTime is how a time value is written in a tile: RFC 3339 in UTC,
// whole seconds.
func FormatTime(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// appendValue writes the Value message body for k: strings (and times) as
// string_value, int64 as int_value when non-negative and sint_value
// (zig-zag, compact) when negative, float64 as double_value, bool as
// bool_value.
func appendValue(b []byte, k valueKey) []byte {
	switch k.kind {
	case 's':
		return appendStringField(b, valueString, k.s)
	case 'i':
		if v := int64(k.n); v < 0 {
			return appendVarintField(b, valueSint, uint64(v<<1)^uint64(v>>63))
		}
		return appendVarintField(b, valueInt, k.n)
	case 'f':
		b = appendTag(b, valueDouble, wireFixed64)
		return binary.LittleEndian.AppendUint64(b, k.n)
	default: // 'b'
		return appendVarintField(b, valueBool, k.n)
	}
}
