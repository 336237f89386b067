package ingest

import (
	"fmt"
	"math"

	"github.com/paulmach/orb"

	"bando/layers"
)

// gproblem is why a geometry is refused.
type gproblem struct {
	rule, msg string
}

func gprob(rule, format string, args ...any) *gproblem {
	return &gproblem{rule: rule, msg: fmt.Sprintf(format, args...)}
}

// checkGeometry validates g for a layer holding geometries of type want and
// returns the geometry to store (g itself, or a repaired copy) with the
// repairs made. g is not modified.
func checkGeometry(want layers.GeometryType, g orb.Geometry) (orb.Geometry, []Repair, *gproblem) {
	if g == nil {
		return nil, nil, gprob(RuleEmpty, "feature has no geometry")
	}
	if !fits(want, g) {
		return nil, nil, gprob(RuleGeomType, "layer holds %s geometries, got %s", want, g.GeoJSONType())
	}
	if pr := checkCoords(g); pr != nil {
		return nil, nil, pr
	}
	return checkShape(g)
}

// Fits reports whether a geometry may be stored in a layer of type want:
// the rule ingest applies, which a catalog change of a layer's geometry
// type is checked against.
func Fits(want layers.GeometryType, g orb.Geometry) bool { return fits(want, g) }

// fits reports whether a geometry of g's type may be stored in a layer of
// type want: Polygon admits MultiPolygon, LineString MultiLineString, Point
// MultiPoint, and Geometry anything.
func fits(want layers.GeometryType, g orb.Geometry) bool {
	switch g.(type) {
	case orb.Point, orb.MultiPoint:
		return want == layers.GeomPoint || want == layers.GeomAny
	case orb.LineString, orb.MultiLineString:
		return want == layers.GeomLineString || want == layers.GeomAny
	case orb.Polygon, orb.MultiPolygon:
		return want == layers.GeomPolygon || want == layers.GeomAny
	case orb.Collection:
		return want == layers.GeomAny
	}
	return false
}

// checkCoords requires every coordinate finite, longitudes in [-180, 180]
// and latitudes in [-90, 90].
func checkCoords(g orb.Geometry) *gproblem {
	var pr *gproblem
	walkPoints(g, func(p orb.Point) bool {
		switch {
		case math.IsNaN(p[0]) || math.IsNaN(p[1]) || math.IsInf(p[0], 0) || math.IsInf(p[1], 0):
			pr = gprob(RuleNaN, "position %v is not finite", fmtPoint(p))
		case p[0] < -180 || p[0] > 180:
			pr = gprob(RuleRange, "longitude %g is outside [-180, 180]", p[0])
		case p[1] < -90 || p[1] > 90:
			pr = gprob(RuleRange, "latitude %g is outside [-90, 90]", p[1])
		}
		return pr == nil
	})
	return pr
}

// walkPoints calls fn on every position of g until it returns false.
func walkPoints(g orb.Geometry, fn func(orb.Point) bool) bool {
	each := func(ps []orb.Point) bool {
		for _, p := range ps {
			if !fn(p) {
				return false
			}
		}
		return true
	}
	switch g := g.(type) {
	case orb.Point:
		return fn(g)
	case orb.MultiPoint:
		return each(g)
	case orb.LineString:
		return each(g)
	case orb.MultiLineString:
		for _, l := range g {
			if !each(l) {
				return false
			}
		}
	case orb.Polygon:
		for _, r := range g {
			if !each(r) {
				return false
			}
		}
	case orb.MultiPolygon:
		for _, p := range g {
			for _, r := range p {
				if !each(r) {
					return false
				}
			}
		}
	case orb.Collection:
		for _, m := range g {
			if !walkPoints(m, fn) {
				return false
			}
		}
	}
	return true
}

// checkShape applies the structural rules of each geometry type.
func checkShape(g orb.Geometry) (orb.Geometry, []Repair, *gproblem) {
	switch g := g.(type) {
	case orb.Point:
		return g, nil, nil
	case orb.MultiPoint:
		if len(g) == 0 {
			return nil, nil, gprob(RuleEmpty, "multipoint has no points")
		}
		return g, nil, nil
	case orb.LineString:
		return checkLine(g, "line")
	case orb.MultiLineString:
		if len(g) == 0 {
			return nil, nil, gprob(RuleEmpty, "multilinestring has no lines")
		}
		var reps []Repair
		out := g
		for i, l := range g {
			c, r, pr := checkLine(l, fmt.Sprintf("line %d", i))
			if pr != nil {
				return nil, nil, pr
			}
			if r != nil {
				if &out[0] == &g[0] {
					out = append(orb.MultiLineString(nil), g...)
				}
				out[i] = c.(orb.LineString)
				reps = append(reps, r...)
			}
		}
		return out, reps, nil
	case orb.Polygon:
		return checkPolygon(g, true)
	case orb.MultiPolygon:
		return checkMultiPolygon(g)
	case orb.Collection:
		if len(g) == 0 {
			return nil, nil, gprob(RuleEmpty, "geometry collection is empty")
		}
		out := make(orb.Collection, len(g))
		var reps []Repair
		for i, m := range g {
			c, r, pr := checkShape(m)
			if pr != nil {
				pr.msg = fmt.Sprintf("member %d: %s", i, pr.msg)
				return nil, nil, pr
			}
			out[i] = c
			reps = append(reps, r...)
		}
		return out, reps, nil
	}
	return nil, nil, gprob(RuleGeomType, "unsupported geometry %T", g)
}

// checkLine needs at least two distinct positions; consecutive repeated
// positions are removed (a repair).
func checkLine(l orb.LineString, name string) (orb.Geometry, []Repair, *gproblem) {
	if len(l) == 0 {
		return nil, nil, gprob(RuleEmpty, "%s has no positions", name)
	}
	if len(l) < 2 {
		return nil, nil, gprob(RuleLineShort, "%s has 1 position, a line needs at least 2", name)
	}
	c, n := dedupe(orb.Ring(l))
	if len(c) < 2 {
		return nil, nil, gprob(RuleLineShort, "%s has fewer than 2 distinct positions", name)
	}
	if n == 0 {
		return l, nil, nil
	}
	return orb.LineString(c), []Repair{{Rule: "duplicate-points",
		How: fmt.Sprintf("removed %d repeated consecutive position%s from %s", n, plural(n), name)}}, nil
}

// checkMultiPolygon checks each polygon; a polygon split by repair adds its
// parts in its place. Overlaps between the polygons are not checked.
func checkMultiPolygon(mp orb.MultiPolygon) (orb.Geometry, []Repair, *gproblem) {
	if len(mp) == 0 {
		return nil, nil, gprob(RuleEmpty, "multipolygon has no polygons")
	}
	var reps []Repair
	out := make(orb.MultiPolygon, 0, len(mp))
	for i, p := range mp {
		g, r, pr := checkPolygon(p, true)
		if pr != nil {
			pr.msg = fmt.Sprintf("polygon %d: %s", i, pr.msg)
			return nil, nil, pr
		}
		for j := range r {
			r[j].How = fmt.Sprintf("polygon %d: %s", i, r[j].How)
		}
		reps = append(reps, r...)
		switch g := g.(type) {
		case orb.Polygon:
			out = append(out, g)
		case orb.MultiPolygon:
			out = append(out, g...)
		}
	}
	return out, reps, nil
}
