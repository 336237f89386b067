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
			props[i] = boxString(s)
		}
	default:
		if p.types[i].Accepts(v) {
			props[i] = v
		}
	}
}

// moved is what the index needs of an object after a fix, taken under
// the twin's mutex so that the feature can be built outside it.
type moved struct {
	id, layer string
	f         fix
	num       uint64
	static    []any // the registry's values, shared and never written
}

// snapshot records o for its feature; it fills o's cached number and
// registry values when they are missing or stale.
func (p propIndex) snapshot(o *object) moved {
	if o.num == 0 {
		if n, ok := spatial.NumericID(o.id); ok && n > 0 {
			o.num = n
		} else {
			o.num = 1<<52 + hashID(o.id)&(1<<40-1)
		}
	}
	// The registry's values change rarely: they are boxed once per
	// vessel record, and copied into each new feature.
	if p.n > 0 && (o.static == nil || o.staticOf != o.vessel) {
		static := make([]any, p.n)
		if v := o.vessel; v != nil {
			p.set(static, p.name, v.Name)
			p.set(static, p.registration, v.Registration)
			p.set(static, p.length, v.LengthM)
			p.set(static, p.mmsi, int64(v.MMSI))
			p.set(static, p.k, v.Kind)
		}
		o.static, o.staticOf = static, o.vessel
	}
	return moved{id: o.id, layer: o.layer, f: o.last, num: o.num, static: o.static}
}

// feature is the point feature the index holds for m. Seq is the fix
// time, so the index keeps the latest fix whatever order updates finish in.
func (p propIndex) feature(m *moved, sl *slab) *spatial.Feature {
	pt := orb.Point{m.f.Lon, m.f.Lat}
	f := sl.feature()
	*f = spatial.Feature{ID: m.id, Num: m.num, Geom: pt, Bound: pt.Bound(), Seq: uint64(m.f.T.UnixNano())}
	if p.n == 0 {
		return f
	}
	props := sl.props(p.n)
	copy(props, m.static)
	p.set(props, p.sog, m.f.SOG)
	p.set(props, p.cog, m.f.COG)
	p.set(props, p.t, m.f.T)
	p.set(props, p.source, m.f.Source)
	p.set(props, p.status, m.f.Status)
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

// Sources are a handful of short strings: a constant converted to an
// interface needs no allocation, where a variable needs one per fix.
func boxString(s string) any {
	switch s {
	case "vms":
		return "vms"
	case "ais":
		return "ais"
	case "gps":
		return "gps"
	case "http":
		return "http"
	}
	return s
}

// slab allocates one update's features and their properties in two
// allocations instead of two per fix. A slab lives while any of its
// features is in the index; vessels report at similar rates, so a slab's
// features are replaced, and the slab freed, at about the same time.
type slab struct {
	feats []spatial.Feature
	vals  []any
}

func newSlab(n, fields int) *slab {
	return &slab{feats: make([]spatial.Feature, 0, n), vals: make([]any, 0, n*fields)}
}

func (s *slab) feature() *spatial.Feature {
	if s == nil || len(s.feats) == cap(s.feats) {
		return &spatial.Feature{}
	}
	s.feats = s.feats[:len(s.feats)+1]
	return &s.feats[len(s.feats)-1]
}

func (s *slab) props(n int) []any {
	if s == nil || len(s.vals)+n > cap(s.vals) {
		return make([]any, n)
	}
	lo := len(s.vals)
	s.vals = s.vals[:lo+n]
	return s.vals[lo : lo+n : lo+n]
}
