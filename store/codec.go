package store

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"time"

	"bando/layers"
	"bando/spatial"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkb"
)

// Record layout (version 2), chosen so that restart decodes fast and a
// schema change in the catalog never misreads old records:
//
//	byte     format version (2)
//	uvarint  Num
//	uvarint  Seq, the commit sequence of the write that stored the record
//	4×f64    bound min x, min y, max x, max y
//	uvarint  len(WKB), WKB geometry
//	uvarint  number of properties, then per property:
//	         uvarint len(name), name, byte type, value
//
// Properties are stored by name; decoding aligns them with the layer schema
// of the day, dropping names it no longer declares. Version 1 is the same
// without Seq; its records decode with Seq 0 (older than any new write).
const (
	recordV1 = 1
	recordV2 = 2
)

const (
	tNil byte = iota
	tString
	tInt
	tFloat
	tBool
	tTime
)

// ErrCorrupt is wrapped by every error about a record that does not decode.
var ErrCorrupt = errors.New("store: corrupt record")

// errCorrupt is the short spelling used inside the codec.
var errCorrupt = ErrCorrupt

// CorruptError names a stored record that does not decode.
type CorruptError struct {
	Layer, ID string
	Err       error
}

func (e *CorruptError) Error() string {
	return fmt.Sprintf("store: layer %q key %q: %v", e.Layer, e.ID, e.Err)
}

func (e *CorruptError) Unwrap() error { return e.Err }

func encodeFeature(buf []byte, l *layers.Layer, f *spatial.Feature) ([]byte, error) {
	g, err := wkb.Marshal(f.Geom)
	if err != nil {
		return nil, fmt.Errorf("store: encode geometry of %q: %w", f.ID, err)
	}
	buf = append(buf, recordV2)
	buf = binary.AppendUvarint(buf, f.Num)
	buf = binary.AppendUvarint(buf, f.Seq)
	for _, v := range [4]float64{f.Bound.Min[0], f.Bound.Min[1], f.Bound.Max[0], f.Bound.Max[1]} {
		buf = binary.LittleEndian.AppendUint64(buf, math.Float64bits(v))
	}
	buf = binary.AppendUvarint(buf, uint64(len(g)))
	buf = append(buf, g...)
	n := 0
	for i := range f.Props {
		if i < len(l.Fields) && f.Props[i] != nil {
			n++
		}
	}
	buf = binary.AppendUvarint(buf, uint64(n))
	for i, v := range f.Props {
		if i >= len(l.Fields) || v == nil {
			continue
		}
		name := l.Fields[i].Name
		buf = binary.AppendUvarint(buf, uint64(len(name)))
		buf = append(buf, name...)
		if buf, err = appendValue(buf, v); err != nil {
			return nil, fmt.Errorf("store: feature %q field %q: %w", f.ID, name, err)
		}
	}
	return buf, nil
}

func appendValue(buf []byte, v any) ([]byte, error) {
	switch v := v.(type) {
	case string:
		buf = append(buf, tString)
		buf = binary.AppendUvarint(buf, uint64(len(v)))
		return append(buf, v...), nil
	case int64:
		return binary.AppendVarint(append(buf, tInt), v), nil
	case float64:
		return binary.LittleEndian.AppendUint64(append(buf, tFloat), math.Float64bits(v)), nil
	case bool:
		b := byte(0)
		if v {
			b = 1
		}
		return append(buf, tBool, b), nil
	case time.Time:
		return binary.AppendVarint(append(buf, tTime), v.UnixNano()), nil
	}
	return nil, fmt.Errorf("unsupported value type %T", v)
}

// recHeader is the fixed front of a record.
type recHeader struct {
	num, seq uint64
	bound    orb.Bound
}

// decodeHeader decodes only Num, Seq and the bound: enough for the change
// feed's old bounds without decoding geometry.
func decodeHeader(b []byte) (h recHeader, rest []byte, err error) {
	if len(b) < 1 || b[0] != recordV1 && b[0] != recordV2 {
		return h, nil, errCorrupt
	}
	v2 := b[0] == recordV2
	b = b[1:]
	var n int
	if h.num, n = binary.Uvarint(b); n <= 0 {
		return h, nil, errCorrupt
	}
	b = b[n:]
	if v2 {
		if h.seq, n = binary.Uvarint(b); n <= 0 {
			return h, nil, errCorrupt
		}
		b = b[n:]
	}
	if len(b) < 32 {
		return h, nil, errCorrupt
	}
	var v [4]float64
	for i := range v {
		v[i] = math.Float64frombits(binary.LittleEndian.Uint64(b[i*8:]))
	}
	h.bound = orb.Bound{Min: orb.Point{v[0], v[1]}, Max: orb.Point{v[2], v[3]}}
	return h, b[32:], nil
}

func decodeFeature(id string, b []byte, l *layers.Layer) (*spatial.Feature, error) {
	h, g, b, err := decodeGeometry(b)
	if err != nil {
		return nil, err
	}
	f := &spatial.Feature{ID: id, Num: h.num, Seq: h.seq, Geom: g, Bound: h.bound, Props: make([]any, len(l.Fields))}
	err = eachProp(b, func(name []byte, v any) {
		// A value of a field whose type has changed since it was stored is
		// read under the new type when it converts without loss (the
		// catalog refuses changes that stored values cannot satisfy).
		if i := l.FieldIndex(string(name)); i >= 0 {
			if cv, ok := l.Fields[i].Type.Convert(v); ok {
				f.Props[i] = cv
			}
		}
	})
	if err != nil {
		return nil, err
	}
	return f, nil
}

// decodeGeometry decodes a record's header and geometry and returns the
// properties part.
func decodeGeometry(b []byte) (recHeader, orb.Geometry, []byte, error) {
	h, b, err := decodeHeader(b)
	if err != nil {
		return h, nil, nil, err
	}
	glen, n := binary.Uvarint(b)
	if n <= 0 || uint64(len(b)-n) < glen {
		return h, nil, nil, errCorrupt
	}
	g, err := wkb.Unmarshal(b[n : n+int(glen)])
	if err != nil {
		return h, nil, nil, fmt.Errorf("%w: geometry: %w", errCorrupt, err)
	}
	return h, g, b[n+int(glen):], nil
}

// eachProp calls fn with every stored property, by name; name is only
// valid during the call.
func eachProp(b []byte, fn func(name []byte, v any)) error {
	count, n := binary.Uvarint(b)
	if n <= 0 {
		return errCorrupt
	}
	b = b[n:]
	for range count {
		nl, n := binary.Uvarint(b)
		if n <= 0 || uint64(len(b)-n) < nl {
			return errCorrupt
		}
		name := b[n : n+int(nl)]
		b = b[n+int(nl):]
		var v any
		var err error
		if v, b, err = readValue(b); err != nil {
			return err
		}
		fn(name, v)
	}
	return nil
}

func readValue(b []byte) (any, []byte, error) {
	if len(b) == 0 {
		return nil, nil, errCorrupt
	}
	t, b := b[0], b[1:]
	switch t {
	case tString:
		l, n := binary.Uvarint(b)
		if n <= 0 || uint64(len(b)-n) < l {
			return nil, nil, errCorrupt
		}
		return string(b[n : n+int(l)]), b[n+int(l):], nil
	case tInt, tTime:
		v, n := binary.Varint(b)
		if n <= 0 {
			return nil, nil, errCorrupt
		}
		if t == tTime {
			return time.Unix(0, v).UTC(), b[n:], nil
		}
		return v, b[n:], nil
	case tFloat:
		if len(b) < 8 {
			return nil, nil, errCorrupt
		}
		return math.Float64frombits(binary.LittleEndian.Uint64(b)), b[8:], nil
	case tBool:
		if len(b) < 1 {
			return nil, nil, errCorrupt
		}
		return b[0] == 1, b[1:], nil
	}
	return nil, nil, errCorrupt
}
