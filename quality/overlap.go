package quality

import (
	"github.com/paulmach/orb"

	"bando/spatial"
	"bando/spatial/geo"
)

// overlapArea returns the area in square metres (on the ellipsoid, as
// ST_Area(geography)) that two valid polygonal geometries share, when one
// of them is a convex polygon without holes: the other is clipped by it
// (its holes subtracted likewise). ok is false when neither is convex, and
// the area is not known.
func overlapArea(a, b orb.MultiPolygon) (m2 float64, ok bool) {
	if clip, ok := convexRing(b); ok {
		return clippedArea(a, clip), true
	}
	if clip, ok := convexRing(a); ok {
		return clippedArea(b, clip), true
	}
	return 0, false
}

func convexRing(mp orb.MultiPolygon) (orb.Ring, bool) {
	if len(mp) != 1 || len(mp[0]) != 1 || !spatial.Convex(mp[0][0]) {
		return nil, false
	}
	return mp[0][0], true
}

func clippedArea(mp orb.MultiPolygon, clip orb.Ring) float64 {
	s := 0.0
	for _, pg := range mp {
		for i, r := range pg {
			a := geo.Area(spatial.ClipConvex(r, clip))
			if i == 0 {
				s += a
			} else {
				s -= a
			}
		}
	}
	return max(s, 0)
}
