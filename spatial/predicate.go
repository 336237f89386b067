package spatial

import "github.com/paulmach/orb"

// IntersectsBound reports whether geometry g and the closed rectangle b share
// at least one point, as PostGIS ST_Intersects(g, ST_MakeEnvelope(b)) does:
// contact along an edge or at a corner counts.
func IntersectsBound(g orb.Geometry, b orb.Bound) bool {
	if g == nil || !g.Bound().Intersects(b) {
		return false
	}
	switch g := g.(type) {
	case orb.Point:
		return b.Contains(g)
	case orb.MultiPoint:
		for _, p := range g {
			if b.Contains(p) {
				return true
			}
		}
	case orb.LineString:
		return lineHitsBound(g, b)
	case orb.MultiLineString:
		for _, l := range g {
			if lineHitsBound(l, b) {
				return true
			}
		}
	case orb.Ring:
		return polygonHitsBound(orb.Polygon{g}, b)
	case orb.Polygon:
		return polygonHitsBound(g, b)
	case orb.MultiPolygon:
		for _, p := range g {
			if polygonHitsBound(p, b) {
				return true
			}
		}
	case orb.Collection:
		for _, c := range g {
			if IntersectsBound(c, b) {
				return true
			}
		}
	case orb.Bound:
		return g.Intersects(b)
	}
	return false
}

func lineHitsBound(l orb.LineString, b orb.Bound) bool {
	if len(l) == 1 {
		return b.Contains(l[0])
	}
	for i := 1; i < len(l); i++ {
		if segmentHitsBound(l[i-1], l[i], b) {
			return true
		}
	}
	return false
}

func polygonHitsBound(p orb.Polygon, b orb.Bound) bool { return ringsHitBound(p, b) }

// ringsHitBound is polygonHitsBound on a polygon's rings, exterior first,
// as orb rings or as plain point slices (views of the store).
func ringsHitBound[R ~[]orb.Point](rings []R, b orb.Bound) bool {
	if len(rings) == 0 || !orb.LineString(rings[0]).Bound().Intersects(b) {
		return false
	}
	for _, r := range rings {
		if lineHitsBound(orb.LineString(r), b) {
			return true
		}
	}
	// No edge touches the rectangle: either the rectangle lies wholly inside
	// the polygon (and outside its holes) or they are disjoint. One corner
	// decides.
	return ringsContain(rings, b.Min)
}

// segmentHitsBound is Liang–Barsky clipping with closed bounds: it reports
// whether any point of segment ab lies in b.
func segmentHitsBound(a, c orb.Point, b orb.Bound) bool {
	if b.Contains(a) || b.Contains(c) {
		return true
	}
	dx, dy := c[0]-a[0], c[1]-a[1]
	t0, t1 := 0.0, 1.0
	clip := func(p, q float64) bool {
		if p == 0 {
			return q >= 0
		}
		r := q / p
		if p < 0 {
			if r > t1 {
				return false
			}
			if r > t0 {
				t0 = r
			}
		} else {
			if r < t0 {
				return false
			}
			if r < t1 {
				t1 = r
			}
		}
		return true
	}
	return clip(-dx, a[0]-b.Min[0]) && clip(dx, b.Max[0]-a[0]) &&
		clip(-dy, a[1]-b.Min[1]) && clip(dy, b.Max[1]-a[1]) && t0 <= t1
}

// PolygonContains reports whether pt lies inside polygon p (inside the outer
// ring and outside every hole), by the even-odd rule. Points exactly on an
// edge may go either way; callers that need contact test edges first.
func PolygonContains(p orb.Polygon, pt orb.Point) bool { return ringsContain(p, pt) }

func ringsContain[R ~[]orb.Point](rings []R, pt orb.Point) bool {
	if len(rings) == 0 || !ringContains(orb.Ring(rings[0]), pt) {
		return false
	}
	for _, h := range rings[1:] {
		if ringContains(orb.Ring(h), pt) {
			return false
		}
	}
	return true
}

func ringContains(r orb.Ring, pt orb.Point) bool {
	in := false
	n := len(r)
	for i, j := 0, n-1; i < n; j, i = i, i+1 {
		a, c := r[i], r[j]
		if (a[1] > pt[1]) != (c[1] > pt[1]) &&
			pt[0] < (c[0]-a[0])*(pt[1]-a[1])/(c[1]-a[1])+a[0] {
			in = !in
		}
	}
	return in
}
