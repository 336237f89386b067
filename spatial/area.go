package spatial

import (
	"math"

	"github.com/paulmach/orb"
)

// Area is a polygonal area (a Polygon or MultiPolygon, valid as ingest
// makes them) prepared for many exact questions: its edges are bucketed in
// horizontal strips, so locating a point or meeting a segment looks at the
// few edges near it instead of all of them. An Area is immutable and safe
// for concurrent use.
type Area struct {
	polys  orb.MultiPolygon
	bound  orb.Bound
	edges  []edge
	strips [][]int32 // edge indexes per strip; nil when there are few edges
	y0, dy float64   // strip i covers [y0+i*dy, y0+(i+1)*dy]
}

type edge struct {
	a, b     orb.Point
	ylo, yhi float64 // the edge's height range: most edges are not at a point's height
}

// stripEdges is about how many edges a strip holds on average.
const stripEdges = 8

// NewArea prepares g, a Polygon or MultiPolygon (other geometries give an
// empty area). g is not copied and must not change.
func NewArea(g orb.Geometry) *Area {
	a := &Area{}
	switch g := g.(type) {
	case orb.Polygon:
		a.polys = orb.MultiPolygon{g}
	case orb.MultiPolygon:
		a.polys = g
	case orb.Ring:
		a.polys = orb.MultiPolygon{{g}}
	case orb.Bound:
		a.polys = orb.MultiPolygon{g.ToPolygon()}
	}
	a.bound = a.polys.Bound()
	for _, pg := range a.polys {
		for _, r := range pg {
			for i := 1; i < len(r); i++ {
				p, q := r[i-1], r[i]
				a.edges = append(a.edges, edge{a: p, b: q, ylo: math.Min(p[1], q[1]), yhi: math.Max(p[1], q[1])})
			}
		}
	}
	if len(a.edges) > 4*stripEdges {
		a.index()
	}
	return a
}

func (a *Area) index() {
	n := min(len(a.edges)/stripEdges, 1<<14)
	a.y0 = a.bound.Min[1]
	a.dy = (a.bound.Max[1] - a.bound.Min[1]) / float64(n)
	if a.dy <= 0 {
		return
	}
	a.strips = make([][]int32, n)
	for i, e := range a.edges {
		lo, hi := a.strip(math.Min(e.a[1], e.b[1])), a.strip(math.Max(e.a[1], e.b[1]))
		for s := lo; s <= hi; s++ {
			a.strips[s] = append(a.strips[s], int32(i))
		}
	}
}

// strip returns the strip holding y, clamped to the index.
func (a *Area) strip(y float64) int {
	s := int((y - a.y0) / a.dy)
	return max(0, min(s, len(a.strips)-1))
}

// Bound returns the area's bounding box.
func (a *Area) Bound() orb.Bound { return a.bound }

// Polygons returns the area's polygons.
func (a *Area) Polygons() orb.MultiPolygon { return a.polys }

// edgesNear calls fn with the edges whose strips meet [ylo, yhi] (all edges
// when there is no index) until fn returns false; an edge may come more
// than once. It reports whether fn never returned false.
func (a *Area) edgesNear(ylo, yhi float64, fn func(e *edge) bool) bool {
	if a.strips == nil {
		for i := range a.edges {
			if !fn(&a.edges[i]) {
				return false
			}
		}
		return true
	}
	for s, hi := a.strip(ylo), a.strip(yhi); s <= hi; s++ {
		for _, i := range a.strips[s] {
			if !fn(&a.edges[i]) {
				return false
			}
		}
	}
	return true
}

// Locate returns where p lies relative to the area, exactly. Crossings are
// counted over the strip holding p only: a ray's crossings with edges of
// other strips cannot happen, as an edge crossed at p's height spans it.
func (a *Area) Locate(p orb.Point) Location {
	if !a.bound.Contains(p) {
		return Exterior
	}
	in := false
	var es []int32
	if a.strips != nil {
		es = a.strips[a.strip(p[1])]
	}
	visit := func(e *edge) Location {
		if p[1] < e.ylo || p[1] > e.yhi {
			return Exterior // neither on the edge nor crossed by p's ray
		}
		if onEdge(e.a, e.b, p) {
			return Boundary
		}
		if crossing(e.a, e.b, p) {
			in = !in
		}
		return Exterior
	}
	if a.strips == nil {
		for i := range a.edges {
			if visit(&a.edges[i]) == Boundary {
				return Boundary
			}
		}
	} else {
		for _, i := range es {
			if visit(&a.edges[i]) == Boundary {
				return Boundary
			}
		}
	}
	if in {
		return Interior
	}
	return Exterior
}

// meetsSegment reports whether the closed segment p–q shares a point with
// the area's boundary.
func (a *Area) meetsSegment(p, q orb.Point) bool {
	b := orb.Bound{Min: orb.Point{math.Min(p[0], q[0]), math.Min(p[1], q[1])},
		Max: orb.Point{math.Max(p[0], q[0]), math.Max(p[1], q[1])}}
	if !b.Intersects(a.bound) {
		return false
	}
	return !a.edgesNear(b.Min[1], b.Max[1], func(e *edge) bool {
		return !SegmentsIntersect(p, q, e.a, e.b)
	})
}
