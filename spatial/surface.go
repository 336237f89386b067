package spatial

import (
	"math"
	"slices"

	"github.com/paulmach/orb"
)

// PointOnSurface returns the representative point of g by the rule of GEOS
// (PostGIS ST_PointOnSurface), so that a spatial join by representative
// point gives the same units as PostGIS:
//
//   - a polygon: on a horizontal scan line through the polygon, between the
//     middle of its box and the nearest vertex heights above and below, the
//     middle of the widest stretch inside the polygon (of all polygons of a
//     multipolygon, the widest stretch wins) — a point strictly inside;
//   - a line: the interior vertex nearest the line's centroid (an end point
//     when there are no interior vertices) — a point on the line;
//   - points: the point nearest their centroid.
//
// ok is false for an empty geometry.
func PointOnSurface(g orb.Geometry) (p orb.Point, ok bool) {
	switch g := g.(type) {
	case orb.Point:
		return g, true
	case orb.MultiPoint:
		return pointNearest(g, centroidPoints(g))
	case orb.LineString:
		return lineRep(orb.MultiLineString{g})
	case orb.MultiLineString:
		return lineRep(g)
	case orb.Ring:
		return polygonInteriorPoint(orb.Polygon{g})
	case orb.Polygon:
		return polygonInteriorPoint(g)
	case orb.MultiPolygon:
		best, width, found := orb.Point{}, -1.0, false
		for _, pg := range g {
			if q, w, ok := scanPolygon(pg); ok && w > width {
				best, width, found = q, w, true
			}
		}
		return best, found
	case orb.Bound:
		return polygonInteriorPoint(g.ToPolygon())
	case orb.Collection:
		for _, m := range g {
			if p, ok := PointOnSurface(m); ok {
				return p, true
			}
		}
	}
	return orb.Point{}, false
}

func polygonInteriorPoint(pg orb.Polygon) (orb.Point, bool) {
	p, _, ok := scanPolygon(pg)
	return p, ok
}

// scanPolygon is GEOS's InteriorPointArea for one polygon: the point and the
// width of its widest inside stretch on the scan line.
func scanPolygon(pg orb.Polygon) (orb.Point, float64, bool) {
	if len(pg) == 0 || len(pg[0]) == 0 {
		return orb.Point{}, 0, false
	}
	b := pg.Bound()
	centre := (b.Min[1] + b.Max[1]) / 2
	lo, hi := b.Min[1], b.Max[1]
	for _, r := range pg {
		for _, v := range r {
			y := v[1]
			if y <= centre {
				if y > lo {
					lo = y
				}
			} else if y < hi {
				hi = y
			}
		}
	}
	scanY := (hi + lo) / 2
	var xs []float64
	for _, r := range pg {
		rb := r.Bound()
		if rb.Min[1] > scanY || rb.Max[1] < scanY {
			continue
		}
		for i := 1; i < len(r); i++ {
			p0, p1 := r[i-1], r[i]
			if p0[1] > scanY && p1[1] > scanY || p0[1] < scanY && p1[1] < scanY {
				continue
			}
			if !crossingCounted(p0, p1, scanY) {
				continue
			}
			xs = append(xs, scanX(p0, p1, scanY))
		}
	}
	p, width := pg[0][0], 0.0
	if len(xs) == 0 {
		return p, 0, true
	}
	slices.Sort(xs)
	for i := 0; i+1 < len(xs); i += 2 {
		if w := xs[i+1] - xs[i]; w > width {
			width = w
			p = orb.Point{(xs[i] + xs[i+1]) / 2, scanY}
		}
	}
	return p, width, true
}

// crossingCounted is GEOS's isEdgeCrossingCounted: horizontal edges are
// skipped and a vertex on the scan line is counted once.
func crossingCounted(p0, p1 orb.Point, y float64) bool {
	switch {
	case p0[1] == p1[1]:
		return false
	case p0[1] == y && p1[1] < y:
		return false
	case p1[1] == y && p0[1] < y:
		return false
	}
	return true
}

func scanX(p0, p1 orb.Point, y float64) float64 {
	if p0[0] == p1[0] {
		return p0[0]
	}
	m := (p1[1] - p0[1]) / (p1[0] - p0[0])
	return p0[0] + (y-p0[1])/m
}

// lineRep is GEOS's InteriorPointLine.
func lineRep(ml orb.MultiLineString) (orb.Point, bool) {
	c, ok := centroidLines(ml)
	if !ok {
		return orb.Point{}, false
	}
	best, bestD, found := orb.Point{}, 0.0, false
	add := func(p orb.Point) {
		if d := dist(p, c); !found || d < bestD {
			best, bestD, found = p, d, true
		}
	}
	for _, l := range ml {
		for i := 1; i+1 < len(l); i++ {
			add(l[i])
		}
	}
	if !found {
		for _, l := range ml {
			if len(l) > 0 {
				add(l[0])
				add(l[len(l)-1])
			}
		}
	}
	return best, found
}

// centroidLines is the length-weighted centroid of the segments (GEOS
// Centroid), or of the vertices when the lines have no length.
func centroidLines(ml orb.MultiLineString) (orb.Point, bool) {
	var sx, sy, total float64
	var pts orb.MultiPoint
	for _, l := range ml {
		for i := 1; i < len(l); i++ {
			d := dist(l[i-1], l[i])
			if d == 0 {
				continue
			}
			sx += d * ((l[i-1][0] + l[i][0]) / 2)
			sy += d * ((l[i-1][1] + l[i][1]) / 2)
			total += d
		}
		pts = append(pts, l...)
	}
	if total > 0 {
		return orb.Point{sx / total, sy / total}, true
	}
	if len(pts) == 0 {
		return orb.Point{}, false
	}
	return centroidPoints(pts), true
}

func centroidPoints(ps orb.MultiPoint) orb.Point {
	var sx, sy float64
	for _, p := range ps {
		sx += p[0]
		sy += p[1]
	}
	n := float64(len(ps))
	return orb.Point{sx / n, sy / n}
}

func pointNearest(ps orb.MultiPoint, c orb.Point) (orb.Point, bool) {
	best, bestD, found := orb.Point{}, 0.0, false
	for _, p := range ps {
		if d := dist(p, c); !found || d < bestD {
			best, bestD, found = p, d, true
		}
	}
	return best, found
}

// dist is the plane distance as GEOS computes it (not math.Hypot, whose
// rounding differs), so that nearest-to-centroid ties break the same way.
func dist(a, b orb.Point) float64 {
	dx, dy := a[0]-b[0], a[1]-b[1]
	return math.Sqrt(dx*dx + dy*dy)
}
