package twin

import (
	"math"

	"bando/layers"
	"bando/spatial"

	"github.com/paulmach/orb"
)

// propIndex places a live object's values in its layer's schema, by field
// name, so tiles and queries see sog, cog, t, source and the registry.
type propIndex struct {
	n                                   int
	sog, cog, t, source, status         int
	name, registration, length, mmsi, k int
	types                               []layers.FieldType
}

func newPropIndex(l *layers.Layer) propIndex {
	p := propIndex{n: len(l.Fields)}
	for _, f := range l.Fields {
		p.types = append(p.types, f.Type)
	}
	p.sog, p.cog, p.t = l.FieldIndex("sog"), l.FieldIndex("cog"), l.FieldIndex("t")
	p.source, p.status = l.FieldIndex("source"), l.FieldIndex("status")
	p.name, p.registration = l.FieldIndex("name"), l.FieldIndex("registration")
	p.length, p.mmsi, p.k = l.FieldIndex("length_m"), l.FieldIndex("mmsi"), l.FieldIndex("vessel_kind")
	return p
}

func (p propIndex) set(props []any, i int, v any) {
	if i < 0 {
		return
	}
	switch p.types[i] {
	case layers.TypeFloat:
		if f, ok := v.(float64); ok && !math.IsNaN(f) {
			props[i] = f
		}
	case layers.TypeInt:
		if f, ok := v.(int64); ok {
			props[i] = f
		}
	case layers.TypeString:
		if s, ok := v.(string); ok && s != "" {
			props[i] = s
		}
	default:
		if p.types[i].Accepts(v) {
			props[i] = v
		}
	}
}

// feature is o's point feature as the index holds it. Seq is the fix time,
// so the index keeps the latest fix whatever order updates finish in.
func (p propIndex) feature(o *object) *spatial.Feature {
	pt := orb.Point{o.last.Lon, o.last.Lat}
	f := &spatial.Feature{ID: o.id, Geom: pt, Bound: pt.Bound(), Seq: uint64(o.last.T.UnixNano())}
	if n, ok := spatial.NumericID(o.id); ok {
		f.Num = n
	} else {
		f.Num = 1<<52 + uint64(hashID(o.id)&(1<<40-1))
	}
	if p.n == 0 {
		return f
	}
	props := make([]any, p.n)
	p.set(props, p.sog, o.last.SOG)
	p.set(props, p.cog, o.last.COG)
	p.set(props, p.t, o.last.T)
	p.set(props, p.source, o.last.Source)
	p.set(props, p.status, o.last.Status)
	if v := o.vessel; v != nil {
		p.set(props, p.name, v.Name)
		p.set(props, p.registration, v.Registration)
		p.set(props, p.length, v.LengthM)
		p.set(props, p.mmsi, int64(v.MMSI))
		p.set(props, p.k, v.Kind)
	}
	f.Props = props
	return f
}

// hashID is FNV-1a: a stable tile feature number for a non-numeric id.
func hashID(s string) uint64 {
	h := uint64(14695981039346656037)
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= 1099511628211
	}
	return h
}
