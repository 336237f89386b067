package spatial

import (
	"math"
	"slices"

	"github.com/paulmach/orb"
)

// Exact planar predicates between a geometry and a prepared Area, with the
// semantics of PostGIS (GEOS) on geometry (not geography) values:
//
//	Intersects(g)  ST_Intersects(g, area): they share a point
//	Within(g)      ST_Within(g, area): g lies in the closed area and some
//	               interior point of g is interior to the area
//	CoveredBy(g)   ST_CoveredBy(g, area): g lies in the closed area
//
// ST_Contains(g, area) is Within of the area in g: NewArea(g).Within(area).

// Intersects reports whether g and the area share at least one point.
func (a *Area) Intersects(g orb.Geometry) bool {
	if g == nil || !g.Bound().Intersects(a.bound) {
		return false
	}
	switch g := g.(type) {
	case orb.Point:
		return a.Locate(g) != Exterior
	case orb.MultiPoint:
		return slices.ContainsFunc(g, func(p orb.Point) bool { return a.Locate(p) != Exterior })
	case orb.LineString:
		return a.lineIntersects(g)
	case orb.MultiLineString:
		return slices.ContainsFunc(g, a.lineIntersects)
	case orb.Ring:
		return a.polygonIntersects(orb.Polygon{g})
	case orb.Polygon:
		return a.polygonIntersects(g)
	case orb.MultiPolygon:
		return slices.ContainsFunc(g, a.polygonIntersects)
	case orb.Bound:
		return a.polygonIntersects(g.ToPolygon())
	case orb.Collection:
		return slices.ContainsFunc(g, a.Intersects)
	}
	return false
}

func (a *Area) lineIntersects(l orb.LineString) bool {
	if len(l) == 0 {
		return false
	}
	if a.Locate(l[0]) != Exterior {
		return true
	}
	for i := 1; i < len(l); i++ {
		if a.meetsSegment(l[i-1], l[i]) {
			return true
		}
	}
	return false
}

// polygonIntersects: boundaries that meet, or one polygon holding a vertex
// of the other (then, boundaries being disjoint, it holds all of it).
func (a *Area) polygonIntersects(pg orb.Polygon) bool {
	if len(pg) == 0 || len(pg[0]) == 0 {
		return false
	}
	for _, r := range pg {
		if a.lineIntersects(orb.LineString(r)) {
			return true
		}
	}
	for _, q := range a.polys {
		if len(q) > 0 && len(q[0]) > 0 && LocatePolygon(pg, q[0][0]) != Exterior {
			return true
		}
	}
	return false
}

// CoveredBy reports whether every point of g lies in the closed area.
func (a *Area) CoveredBy(g orb.Geometry) bool {
	ok, _ := a.cover(g)
	return ok
}

// Within reports whether g lies in the closed area with some interior point
// of g interior to the area, as ST_Within(g, area).
func (a *Area) Within(g orb.Geometry) bool {
	ok, inner := a.cover(g)
	return ok && inner
}

// cover reports whether g lies in the closed area, and whether the interiors
// of g and the area meet.
func (a *Area) cover(g orb.Geometry) (covered, inner bool) {
	if g == nil || !containsBound(a.bound, g.Bound()) {
		return false, false
	}
	switch g := g.(type) {
	case orb.Point:
		l := a.Locate(g)
		return l != Exterior, l == Interior
	case orb.MultiPoint:
		for _, p := range g {
			l := a.Locate(p)
			if l == Exterior {
				return false, false
			}
			inner = inner || l == Interior
		}
		return len(g) > 0, inner
	case orb.LineString:
		return a.coverPath(g)
	case orb.MultiLineString:
		for _, l := range g {
			c, in := a.coverPath(l)
			if !c {
				return false, false
			}
			inner = inner || in
		}
		return len(g) > 0, inner
	case orb.Ring:
		return a.coverPolygon(orb.Polygon{g})
	case orb.Polygon:
		return a.coverPolygon(g)
	case orb.MultiPolygon:
		for _, pg := range g {
			if c, _ := a.coverPolygon(pg); !c {
				return false, false
			}
		}
		return len(g) > 0, len(g) > 0
	case orb.Bound:
		return a.coverPolygon(g.ToPolygon())
	case orb.Collection:
		for _, m := range g {
			c, in := a.cover(m)
			if !c {
				return false, false
			}
			inner = inner || in
		}
		return len(g) > 0, inner
	}
	return false, false
}

func containsBound(a, b orb.Bound) bool {
	return a.Min[0] <= b.Min[0] && a.Min[1] <= b.Min[1] && b.Max[0] <= a.Max[0] && b.Max[1] <= a.Max[1]
}

// coverPath reports whether the path lies in the closed area and whether
// some part of it runs through the interior.
func (a *Area) coverPath(l orb.LineString) (covered, inner bool) {
	covered = true
	if len(l) == 1 {
		loc := a.Locate(l[0])
		return loc != Exterior, loc == Interior
	}
	for i := 1; i < len(l) && covered; i++ {
		a.pieces(l[i-1], l[i], func(loc Location) bool {
			if loc == Exterior {
				covered = false
				return false
			}
			inner = inner || loc == Interior
			return true
		})
	}
	return covered, covered && inner
}

// coverPolygon reports whether polygon pg lies in the closed area: no piece
// of its rings outside the area, no piece of the area's boundary inside pg,
// and, when pg's rings all run along the area's boundary, an interior point
// of pg inside the area (pg might be one of the area's holes).
func (a *Area) coverPolygon(pg orb.Polygon) (covered, inner bool) {
	if len(pg) == 0 {
		return false, false
	}
	onlyBoundary := true
	for _, r := range pg {
		c, in := a.coverPath(orb.LineString(r))
		if !c {
			return false, false
		}
		onlyBoundary = onlyBoundary && !in
	}
	own := NewArea(pg)
	for _, e := range a.edges {
		if !e.bound().Intersects(own.bound) {
			continue
		}
		hit := false
		own.pieces(e.a, e.b, func(loc Location) bool {
			hit = loc == Interior
			return !hit
		})
		if hit {
			return false, false
		}
	}
	if onlyBoundary {
		p, ok := polygonInteriorPoint(pg)
		if !ok || a.Locate(p) != Interior {
			return false, false
		}
	}
	return true, true
}

func (e *edge) bound() orb.Bound {
	return orb.Bound{Min: orb.Point{math.Min(e.a[0], e.b[0]), math.Min(e.a[1], e.b[1])},
		Max: orb.Point{math.Max(e.a[0], e.b[0]), math.Max(e.a[1], e.b[1])}}
}
