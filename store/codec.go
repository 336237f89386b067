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

// Record layout (version 1), chosen so that restart decodes fast and a
// schema change in the catalog never misreads old records:
//
//	byte     format version (1)
//	uvarint  Num
//	4×f64    bound min x, min y, max x, max y
//	uvarint  len(WKB), WKB geometry
//	uvarint  number of properties, then per property:
//	         uvarint len(name), name, byte type, value
//
// Properties are stored by name; decoding aligns them with the layer schema
// of the day, dropping names it no longer declares.
const recordV1 = 1

const (
	tNil byte = iota
	tString
	tInt
	tFloat
	tBool
	tTime
)

var errCorrupt = errors.New("store: corrupt record")

func encodeFeature(buf []byte, l *layers.Layer, f *spatial.Feature) ([]byte, error) {
	g, err := wkb.Marshal(f.Geom)
	if err != nil {
		return nil, fmt.Errorf("store: encode geometry of %q: %w", f.ID, err)
	}
	buf = append(buf, recordV1)
	buf = binary.AppendUvarint(buf, f.Num)
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

// header decodes only Num and the bound: enough for the change feed's old
// bounds without decoding geometry.
func decodeHeader(b []byte) (num uint64, bound orb.Bound, rest []byte, err error) {
	if len(b) < 1 || b[0] != recordV1 {
		return 0, bound, nil, errCorrupt
	}
	b = b[1:]
	num, n := binary.Uvarint(b)
	if n <= 0 || len(b) < n+32 {
		return 0, bound, nil, errCorrupt
	}
	b = b[n:]
	var v [4]float64
	for i := range v {
		v[i] = math.Float64frombits(binary.LittleEndian.Uint64(b[i*8:]))
	}
	bound = orb.Bound{Min: orb.Point{v[0], v[1]}, Max: orb.Point{v[2], v[3]}}
	return num, bound, b[32:], nil
}

func decodeFeature(id string, b []byte, l *layers.Layer) (*spatial.Feature, error) {
	num, bound, b, err := decodeHeader(b)
	if err != nil {
		return nil, err
	}
	glen, n := binary.Uvarint(b)
	if n <= 0 || uint64(len(b)-n) < glen {
		return nil, errCorrupt
	}
	g, err := wkb.Unmarshal(b[n : n+int(glen)])
	if err != nil {
		return nil, fmt.Errorf("store: decode geometry of %q: %w", id, err)
	}
	b = b[n+int(glen):]
	f := &spatial.Feature{ID: id, Num: num, Geom: g, Bound: bound, Props: make([]any, len(l.Fields))}
	count, n := binary.Uvarint(b)
	if n <= 0 {
		return nil, errCorrupt
	}
	b = b[n:]
	for range count {
		nl, n := binary.Uvarint(b)
		if n <= 0 || uint64(len(b)-n) < nl {
			return nil, errCorrupt
		}
		name := b[n : n+int(nl)]
		b = b[n+int(nl):]
		var v any
		if v, b, err = readValue(b); err != nil {
			return nil, err
		}
		if i := l.FieldIndex(string(name)); i >= 0 && l.Fields[i].Type.Accepts(v) {
			f.Props[i] = v
		}
	}
	return f, nil
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
