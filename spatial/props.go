package spatial

import (
	"encoding/binary"
	"math"
	"strings"
	"time"
	"unsafe"

	"github.com/paulmach/orb"
)

// A feature's record in the rec arena is
//
//	uvarint len(id)  id bytes  uvarint len(shape)  shape  props
//
// and props is a uvarint count followed by one tagged value per field in
// schema order:
//
//	null                  tag
//	string                tag uvarint len bytes
//	int64                 tag varint
//	float64               tag 8 bytes little-endian IEEE 754
//	false, true           tag (one tag each)
//	time                  tag varint Unix seconds, uvarint nanoseconds (UTC)
//
// Values of any other Go type are stored as null (the catalog admits only
// these types, and tiles and GeoJSON know no others).

// PropKind is the type of a stored property value.
type PropKind uint8

// Property kinds.
const (
	PropNull PropKind = iota
	PropString
	PropInt
	PropFloat
	PropFalse
	PropTrue
	PropTime
)

// appendRecord appends the record of one feature.
func appendRecord(b []byte, id string, g orb.Geometry, props []any) []byte {
	b = appendCount(b, len(id))
	b = append(b, id...)
	start := len(b)
	b = appendShape(append(b, 0, 0, 0, 0, 0), g) // room for the length
	b = putLength(b, start, len(b)-start-5)
	b = appendCount(b, len(props))
	for _, v := range props {
		b = appendProp(b, v)
	}
	return b
}

// putLength writes n as a uvarint into the 5 bytes reserved at b[at:] and
// closes the gap.
func putLength(b []byte, at, n int) []byte {
	var tmp [binary.MaxVarintLen32]byte
	w := binary.PutUvarint(tmp[:], uint64(n))
	copy(b[at:], tmp[:w])
	return append(b[:at+w], b[at+5:]...)
}

func appendProp(b []byte, v any) []byte {
	switch v := v.(type) {
	case string:
		b = appendCount(append(b, byte(PropString)), len(v))
		return append(b, v...)
	case int64:
		return binary.AppendVarint(append(b, byte(PropInt)), v)
	case float64:
		return binary.LittleEndian.AppendUint64(append(b, byte(PropFloat)), math.Float64bits(v))
	case bool:
		if v {
			return append(b, byte(PropTrue))
		}
		return append(b, byte(PropFalse))
	case time.Time:
		b = binary.AppendVarint(append(b, byte(PropTime)), v.Unix())
		return binary.AppendUvarint(b, uint64(v.Nanosecond()))
	}
	return append(b, byte(PropNull))
}

// Value is one property value read from the store without allocation. A
// string value points into the store's memory: like the FeatureView it
// came from, it is valid only inside the callback that produced it (copy
// it, e.g. with strings.Clone, to keep it).
type Value struct {
	kind PropKind
	n    uint64 // int64 bits, float64 bits, Unix seconds
	ns   uint32 // nanoseconds of a time
	s    string
}

// Kind returns the type of the value; PropNull for an absent one.
func (v Value) Kind() PropKind { return v.kind }

// IsNull reports whether the value is absent.
func (v Value) IsNull() bool { return v.kind == PropNull }

// Str returns a string value (valid only inside the callback).
func (v Value) Str() string { return v.s }

// Int returns an int64 value.
func (v Value) Int() int64 { return int64(v.n) }

// Float returns a float64 value.
func (v Value) Float() float64 { return math.Float64frombits(v.n) }

// FloatBits returns the IEEE 754 bits of a float64 value.
func (v Value) FloatBits() uint64 { return v.n }

// Bool returns a bool value.
func (v Value) Bool() bool { return v.kind == PropTrue }

// Time returns a time value, in UTC.
func (v Value) Time() time.Time { return time.Unix(int64(v.n), int64(v.ns)).UTC() }

// Any returns the value as Feature.Props holds it (string, int64, float64,
// bool, time.Time or nil), copying strings: it may allocate.
func (v Value) Any() any {
	switch v.kind {
	case PropString:
		return strings.Clone(v.s)
	case PropInt:
		return v.Int()
	case PropFloat:
		return v.Float()
	case PropFalse, PropTrue:
		return v.Bool()
	case PropTime:
		return v.Time()
	}
	return nil
}

// readProp decodes one value from the front of b and returns the rest.
func readProp(b []byte) (Value, []byte) {
	v := Value{kind: PropKind(b[0])}
	b = b[1:]
	switch v.kind {
	case PropString:
		n, w := binary.Uvarint(b)
		v.s = bytesString(b[w : w+int(n)])
		return v, b[w+int(n):]
	case PropInt:
		i, w := binary.Varint(b)
		v.n = uint64(i)
		return v, b[w:]
	case PropFloat:
		v.n = binary.LittleEndian.Uint64(b)
		return v, b[8:]
	case PropTime:
		s, w := binary.Varint(b)
		ns, w2 := binary.Uvarint(b[w:])
		v.n, v.ns = uint64(s), uint32(ns)
		return v, b[w+w2:]
	}
	return v, b
}

// bytesString returns b as a string without copying. The arenas never
// change bytes once written, so the string stays what it was; callers
// still must not keep it beyond the read lock (compaction lets the old
// arena go).
func bytesString(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	return unsafe.String(&b[0], len(b))
}

// Props iterates over a feature's stored property values in schema order.
type Props struct {
	b    []byte
	n, i int
	v    Value
}

// Next advances to the next value and reports whether there is one.
func (p *Props) Next() bool {
	if p.i >= p.n {
		return false
	}
	p.v, p.b = readProp(p.b)
	p.i++
	return true
}

// Index returns the schema position of the current value.
func (p *Props) Index() int { return p.i - 1 }

// Value returns the current value.
func (p *Props) Value() Value { return p.v }

// Len returns the number of stored values (fields beyond it are absent).
func (p *Props) Len() int { return p.n }
