package query

import (
	"fmt"

	"bando/ingest"
	"bando/layers"
	"bando/spatial"
	"bando/spatial/geo"

	"github.com/paulmach/orb"
)

func (e *Engine) compileWhere(pl *plan, path string, w *Where) error {
	switch w.Kind {
	case KindBBox:
		b := w.BBox
		pl.addRegion(b)
		pl.clauses = append(pl.clauses, clause{b, func(f *feat) bool {
			if p, ok := pointOf(f); ok {
				return b.Contains(p)
			}
			return f.v.Intersects(b) // exact on the parts, nothing built
		}})
	case KindPoint:
		tol := w.ToleranceM
		if tol == 0 {
			tol = DefaultToleranceM
		}
		if tol > e.lim.MaxRadiusM {
			return errf(CodeInvalid, join(path, "point.tolerance_m"), "%v m is over the maximum %v m", tol, e.lim.MaxRadiusM)
		}
		at := w.At
		pl.setOrigin(at)
		b := geo.Reach(at, tol)
		pl.addRegion(b)
		pl.clauses = append(pl.clauses, clause{b, func(f *feat) bool {
			if p, ok := pointOf(f); ok {
				return withinDistance(p, at, tol)
			}
			return touchesPoint(f.geom(), at, tol)
		}})
	case KindRadius:
		if w.M < 0 || w.M > e.lim.MaxRadiusM {
			return errf(CodeInvalid, join(path, "radius.m"), "radius %v m is outside [0, %v]", w.M, e.lim.MaxRadiusM)
		}
		at, m := w.At, w.M
		pl.setOrigin(at)
		b := geo.Reach(at, m)
		pl.addRegion(b)
		pl.clauses = append(pl.clauses, clause{b, func(f *feat) bool {
			if p, ok := pointOf(f); ok {
				return withinDistance(p, at, m)
			}
			return withinDistance(f.geom(), at, m)
		}})
	case KindNearest:
		if w.K < 1 || w.K > e.lim.MaxK {
			return errf(CodeInvalid, join(path, "nearest.k"), "k %d is outside [1, %d]", w.K, e.lim.MaxK)
		}
		if w.MaxM < 0 || w.MaxM > e.lim.MaxRadiusM {
			return errf(CodeInvalid, join(path, "nearest.max_m"), "max_m %v is outside [0, %v]", w.MaxM, e.lim.MaxRadiusM)
		}
		if pl.nearest != nil {
			return errf(CodeInvalid, path, "only one nearest clause is allowed")
		}
		pl.nearest = w
		pl.origin = &w.At // nearest orders the answer: its point wins
	case KindZone:
		zone, err := e.checkZone(pl, join(path, "zone"), w.Zone)
		if err != nil {
			return err
		}
		pl.addZone(spatial.NewArea(zone), zone, w.Predicate)
	case KindAdmin:
		u, err := e.adminUnit(pl.p, join(path, "admin"), w.Admin)
		if err != nil {
			return err
		}
		pl.addZone(u.area, u.geom, w.Predicate)
	default:
		return errf(CodeInvalid, path, "unknown clause kind %q", w.Kind)
	}
	return nil
}

func (pl *plan) setOrigin(at orb.Point) {
	if pl.origin == nil {
		pl.origin = &at
	}
}

// addZone adds a zone clause: ST_Intersects, ST_Within or ST_Contains of
// (feature, zone).
func (pl *plan) addZone(a *spatial.Area, zone orb.Geometry, pred Predicate) {
	b := a.Bound()
	pl.addRegion(b)
	var test func(f *feat) bool
	switch pred {
	case Within:
		test = func(f *feat) bool {
			if p, ok := pointOf(f); ok {
				return a.Locate(p) == spatial.Interior
			}
			return a.Within(f.geom())
		}
	case Contains:
		test = func(f *feat) bool {
			if !f.polygonal() || !containsBound(f.box, b) {
				return false
			}
			return spatial.NewArea(f.geom()).Within(zone)
		}
	default:
		test = func(f *feat) bool {
			if p, ok := pointOf(f); ok {
				return a.Locate(p) != spatial.Exterior
			}
			return a.Intersects(f.geom())
		}
	}
	pl.clauses = append(pl.clauses, clause{b, test})
}

// checkZone refuses a zone over the vertex limit, and validates it with
// ingest's polygon rules: repaired where ingest repairs, refused with the
// reason otherwise.
func (e *Engine) checkZone(pl *plan, path string, g orb.Geometry) (orb.Geometry, error) {
	if g == nil {
		return nil, errf(CodeInvalid, path, "a zone is required")
	}
	if n := vertices(g); n > e.lim.MaxZoneVertices {
		return nil, errf(CodeLimit, path, "zone has %d positions, at most %d", n, e.lim.MaxZoneVertices)
	}
	out, reps, pr := ingest.CheckGeometry(layers.GeomPolygon, g)
	if pr != nil {
		return nil, errf(CodeInvalid, path, "invalid zone (%s): %s", pr.Rule, pr.Message)
	}
	for _, r := range reps {
		pl.repairs = append(pl.repairs, fmt.Sprintf("%s: %s (%s)", path, r.How, r.Rule))
	}
	return out, nil
}

func vertices(g orb.Geometry) int {
	n := 0
	switch g := g.(type) {
	case orb.Polygon:
		for _, r := range g {
			n += len(r)
		}
	case orb.MultiPolygon:
		for _, p := range g {
			n += vertices(p)
		}
	}
	return n
}

func polygonal(g orb.Geometry) bool {
	switch g.(type) {
	case orb.Polygon, orb.MultiPolygon, orb.Ring, orb.Bound:
		return true
	}
	return false
}

func containsBound(a, b orb.Bound) bool {
	return a.Min[0] <= b.Min[0] && a.Min[1] <= b.Min[1] && b.Max[0] <= a.Max[0] && b.Max[1] <= a.Max[1]
}

// touchesPoint is the point clause: a polygon that holds or touches the
// point (ST_Intersects), a point or line within tol metres of it
// (ST_DWithin on geography).
func touchesPoint(g orb.Geometry, at orb.Point, tol float64) bool {
	switch g := g.(type) {
	case orb.Polygon:
		return spatial.LocatePolygon(g, at) != spatial.Exterior
	case orb.MultiPolygon:
		for _, p := range g {
			if p.Bound().Contains(at) && spatial.LocatePolygon(p, at) != spatial.Exterior {
				return true
			}
		}
		return false
	case orb.Collection:
		for _, m := range g {
			if touchesPoint(m, at, tol) {
				return true
			}
		}
		return false
	}
	return withinDistance(g, at, tol)
}

// withinDistance is ST_DWithin(g, at, m) on geography. For points within
// a short radius FastDistance decides; for longer ones the great-circle
// distance decides unless it is within 1% of m (the sphere and the
// ellipsoid differ by at most 0.6%), the ellipsoid otherwise.
func withinDistance(g orb.Geometry, at orb.Point, m float64) bool {
	if p, ok := g.(orb.Point); ok {
		if m < 1900 {
			return geo.FastDistance(at, p) <= m
		}
		s := geo.SphereDistance(at, p)
		switch {
		case s < 0.99*m:
			return true
		case s > 1.01*m:
			return false
		}
		return geo.FastDistance(at, p) <= m
	}
	return geo.DistanceTo(at, g) <= m
}

// pointOf returns the point a feature is when its box is a point (a point
// feature, or a degenerate one whose coordinates are all equal). Reading
// the box, held in the slot, saves reading (or building) the geometry.
func pointOf(f *feat) (orb.Point, bool) {
	if b := f.box; b.Min == b.Max && (!f.empty || f.v.Kind() != spatial.KindNone) {
		return b.Min, true
	}
	return orb.Point{}, false
}

// distanceTo is geo.DistanceTo(at, geometry), through pointOf.
func distanceTo(at orb.Point, f *feat) float64 {
	if p, ok := pointOf(f); ok {
		return geo.FastDistance(at, p)
	}
	return geo.DistanceTo(at, f.geom())
}
