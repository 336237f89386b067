package tiles

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
)

// This is a small, strict MVT decoder for tests. It is written against the
// spec independently of the encoder (it shares no code with it), and
// fixtures_test.go checks it against Mapbox's mvt-fixtures.

type dTile struct {
	Layers []dLayer `json:"layers"`
}

type dLayer struct {
	Name     string     `json:"name"`
	Version  uint64     `json:"version"`
	Extent   uint64     `json:"extent"`
	Keys     []string   `json:"keys"`
	Values   []any      `json:"values"`
	Features []dFeature `json:"features"`
}

type dFeature struct {
	ID       uint64         `json:"id"`
	HasID    bool           `json:"-"`
	Tags     []uint32       `json:"-"`
	Type     uint64         `json:"type"`
	Geometry []uint32       `json:"-"`
	Props    map[string]any `json:"properties"`
	Parts    [][][2]int64   `json:"geometry"` // decoded, in tile coordinates
}

// pbReader walks protobuf fields.
type pbReader struct{ b []byte }

var errTrunc = errors.New("truncated protobuf")

func (r *pbReader) varint() (uint64, error) {
	v, n := binary.Uvarint(r.b)
	if n <= 0 {
		return 0, errTrunc
	}
	r.b = r.b[n:]
	return v, nil
}

// next returns the next field number, wire type and, for length-delimited
// fields, the payload; for varint and fixed fields the value is in v.
func (r *pbReader) next() (field int, wire int, v uint64, payload []byte, err error) {
	tag, err := r.varint()
	if err != nil {
		return 0, 0, 0, nil, err
	}
	field, wire = int(tag>>3), int(tag&7)
	switch wire {
	case 0:
		v, err = r.varint()
	case 1:
		if len(r.b) < 8 {
			return 0, 0, 0, nil, errTrunc
		}
		v, r.b = binary.LittleEndian.Uint64(r.b), r.b[8:]
	case 5:
		if len(r.b) < 4 {
			return 0, 0, 0, nil, errTrunc
		}
		v, r.b = uint64(binary.LittleEndian.Uint32(r.b)), r.b[4:]
	case 2:
		var n uint64
		if n, err = r.varint(); err == nil {
			if n > uint64(len(r.b)) {
				return 0, 0, 0, nil, errTrunc
			}
			payload, r.b = r.b[:n], r.b[n:]
		}
	default:
		err = fmt.Errorf("wire type %d", wire)
	}
	return field, wire, v, payload, err
}

func packed(b []byte) ([]uint32, error) {
	r := pbReader{b}
	var out []uint32
	for len(r.b) > 0 {
		v, err := r.varint()
		if err != nil {
			return nil, err
		}
		out = append(out, uint32(v))
	}
	return out, nil
}

func decodeTile(b []byte) (dTile, error) {
	var t dTile
	r := pbReader{b}
	for len(r.b) > 0 {
		f, _, _, p, err := r.next()
		if err != nil {
			return t, err
		}
		if f != 3 {
			continue
		}
		l, err := decodeLayer(p)
		if err != nil {
			return t, fmt.Errorf("layer %d: %w", len(t.Layers), err)
		}
		t.Layers = append(t.Layers, l)
	}
	return t, nil
}

func decodeLayer(b []byte) (dLayer, error) {
	l := dLayer{Version: 1, Extent: 4096}
	var raw [][]byte
	r := pbReader{b}
	for len(r.b) > 0 {
		f, w, v, p, err := r.next()
		if err != nil {
			return l, err
		}
		switch {
		case f == 1 && w == 2:
			l.Name = string(p)
		case f == 2 && w == 2:
			raw = append(raw, p)
		case f == 3 && w == 2:
			l.Keys = append(l.Keys, string(p))
		case f == 4 && w == 2:
			val, err := decodeValue(p)
			if err != nil {
				return l, err
			}
			l.Values = append(l.Values, val)
		case f == 5 && w == 0:
			l.Extent = v
		case f == 15 && w == 0:
			l.Version = v
		case f <= 5 || f == 15:
			return l, fmt.Errorf("field %d has wire type %d", f, w)
		}
	}
	if l.Name == "" {
		return l, errors.New("layer without name")
	}
	for i, p := range raw {
		ft, err := decodeFeature(p, &l)
		if err != nil {
			return l, fmt.Errorf("feature %d: %w", i, err)
		}
		l.Features = append(l.Features, ft)
	}
	return l, nil
}

func decodeValue(b []byte) (any, error) {
	r := pbReader{b}
	var out any
	n := 0
	for len(r.b) > 0 {
		f, _, v, p, err := r.next()
		if err != nil {
			return nil, err
		}
		n++
		switch f {
		case 1:
			out = string(p)
		case 2:
			out = float64(math.Float32frombits(uint32(v)))
		case 3:
			out = math.Float64frombits(v)
		case 4:
			out = int64(v)
		case 5:
			out = v
		case 6:
			out = int64(v>>1) ^ -int64(v&1)
		case 7:
			out = v != 0
		default:
			return nil, fmt.Errorf("unknown value field %d", f)
		}
	}
	if n != 1 {
		return nil, fmt.Errorf("value with %d fields", n)
	}
	return out, nil
}

func decodeFeature(b []byte, l *dLayer) (dFeature, error) {
	var ft dFeature
	r := pbReader{b}
	for len(r.b) > 0 {
		f, _, v, p, err := r.next()
		if err != nil {
			return ft, err
		}
		switch f {
		case 1:
			ft.ID, ft.HasID = v, true
		case 2:
			if ft.Tags, err = packed(p); err != nil {
				return ft, err
			}
		case 3:
			ft.Type = v
		case 4:
			if ft.Geometry, err = packed(p); err != nil {
				return ft, err
			}
		}
	}
	if len(ft.Tags)%2 != 0 {
		return ft, errors.New("odd number of tags")
	}
	ft.Props = map[string]any{}
	for i := 0; i < len(ft.Tags); i += 2 {
		k, v := ft.Tags[i], ft.Tags[i+1]
		if int(k) >= len(l.Keys) || int(v) >= len(l.Values) {
			return ft, fmt.Errorf("tag %d/%d out of range", k, v)
		}
		ft.Props[l.Keys[k]] = l.Values[v]
	}
	parts, err := decodeGeometry(ft.Type, ft.Geometry)
	ft.Parts = parts
	return ft, err
}

// decodeGeometry turns commands into parts: all points for a point feature
// (one part), one part per line, one open ring per polygon ring.
func decodeGeometry(typ uint64, g []uint32) ([][][2]int64, error) {
	var parts [][][2]int64
	var x, y int64
	unzig := func(v uint32) int64 { return int64(v>>1) ^ -int64(v&1) }
	for i := 0; i < len(g); {
		id, count := g[i]&7, int(g[i]>>3)
		i++
		switch id {
		case 1, 2:
			if count == 0 || len(g)-i < 2*count {
				return nil, fmt.Errorf("command %d count %d overruns geometry", id, count)
			}
			if id == 1 && (typ != 1 || len(parts) == 0) {
				parts = append(parts, nil)
			}
			if id == 2 && (len(parts) == 0 || typ == 1) {
				return nil, errors.New("LineTo without MoveTo")
			}
			for k := 0; k < count; k++ {
				x += unzig(g[i])
				y += unzig(g[i+1])
				i += 2
				parts[len(parts)-1] = append(parts[len(parts)-1], [2]int64{x, y})
			}
		case 7:
			if count != 1 || typ != 3 || len(parts) == 0 {
				return nil, fmt.Errorf("bad ClosePath (count %d, type %d)", count, typ)
			}
		default:
			return nil, fmt.Errorf("unknown command %d", id)
		}
	}
	return parts, nil
}

// ringArea2 is twice the signed area of an open ring in tile coordinates.
func ringArea2(r [][2]int64) int64 {
	var s int64
	for i := range r {
		a, b := r[i], r[(i+1)%len(r)]
		s += a[0]*b[1] - b[0]*a[1]
	}
	return s
}
