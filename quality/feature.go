package quality

import (
	"hash/maphash"
	"math"

	"github.com/paulmach/orb"

	"bando/spatial"
)

// feat is what the figures keep of one feature: little, since a layer may
// hold millions (its geometry and fields stay in the index).
type feat struct {
	problem *Problem // nil: valid
	outside bool     // valid, but outside the region
	compare bool     // a valid polygon, compared for overlaps
	missing uint64   // bit i: the i-th expected field is absent
	hash    uint64   // of the exact geometry: duplicates share it
	// overlaps and within hold the partners of ST_Overlaps pairs and of
	// pairs where one covers the other; nil while there are none.
	overlaps map[string]struct{}
	within   map[string]struct{}
}

// lonLat is the range of WGS84 coordinates.
var lonLat = orb.Bound{Min: orb.Point{-180, -90}, Max: orb.Point{180, 90}}

// seed makes geometry hashes comparable within one process.
var seed = maphash.MakeSeed()

// geomHash hashes the geometry's type, structure and exact coordinates, so
// that two geometries share a hash when they are equal vertex for vertex
// (a 64-bit hash: a collision is as unlikely as two random 64-bit numbers
// meeting).
func geomHash(g orb.Geometry) uint64 {
	var h maphash.Hash
	h.SetSeed(seed)
	writeGeom(&h, g)
	return h.Sum64()
}

func writeGeom(h *maphash.Hash, g orb.Geometry) {
	pts := func(tag byte, ps []orb.Point) {
		h.WriteByte(tag)
		writeUint(h, uint64(len(ps)))
		for _, p := range ps {
			writeUint(h, math.Float64bits(p[0]))
			writeUint(h, math.Float64bits(p[1]))
		}
	}
	switch g := g.(type) {
	case orb.Point:
		pts('p', []orb.Point{g})
	case orb.MultiPoint:
		pts('P', g)
	case orb.LineString:
		pts('l', g)
	case orb.MultiLineString:
		h.WriteByte('L')
		writeUint(h, uint64(len(g)))
		for _, l := range g {
			pts('l', l)
		}
	case orb.Ring:
		writeGeom(h, orb.Polygon{g})
	case orb.Polygon:
		h.WriteByte('a')
		writeUint(h, uint64(len(g)))
		for _, r := range g {
			pts('r', r)
		}
	case orb.MultiPolygon:
		h.WriteByte('A')
		writeUint(h, uint64(len(g)))
		for _, p := range g {
			writeGeom(h, p)
		}
	case orb.Collection:
		h.WriteByte('C')
		writeUint(h, uint64(len(g)))
		for _, m := range g {
			writeGeom(h, m)
		}
	case orb.Bound:
		writeGeom(h, g.ToPolygon())
	}
}

func writeUint(h *maphash.Hash, v uint64) {
	var b [8]byte
	for i := range b {
		b[i] = byte(v >> (8 * i))
	}
	h.Write(b[:])
}

// polygonal reports whether g is a Polygon or MultiPolygon.
func polygonal(g orb.Geometry) bool {
	switch g.(type) {
	case orb.Polygon, orb.MultiPolygon:
		return true
	}
	return false
}

// examine builds the record of one feature from its view in the index
// (valid only inside the index callback: everything kept is copied), and
// its prepared polygon when it is compared for overlaps.
func (ls *layerState) examine(v spatial.FeatureView) (*feat, *spatial.Area) {
	g := v.Geometry()
	b := v.Bound()
	f := &feat{hash: geomHash(g)}
	f.problem = CheckGeometry(g)
	if f.problem == nil && !isEmpty(g) && (!lonLat.Contains(b.Min) || !lonLat.Contains(b.Max) ||
		ls.checkRegion && ls.region != nil && !b.Intersects(*ls.region)) {
		f.outside = true
	}
	for bit, i := range ls.expected {
		if v.Prop(i).IsNull() {
			f.missing |= 1 << bit
		}
	}
	if ls.overlaps && f.problem == nil && polygonal(g) && !isEmpty(g) {
		f.compare = true
		return f, spatial.NewArea(g)
	}
	return f, nil
}

// communeOf is the feature's commune code, "" when it has none (or the
// layer no commune field); valid only inside the index callback.
func (ls *layerState) communeOf(v spatial.FeatureView) string {
	if ls.commune < 0 {
		return ""
	}
	c := v.Prop(ls.commune)
	if c.IsNull() {
		return ""
	}
	return c.Str()
}
