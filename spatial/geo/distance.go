package geo

import (
	"math"

	"github.com/paulmach/orb"
)

// DistanceTo returns the distance in metres from point p to geometry g on
// the WGS84 ellipsoid, as ST_Distance(geography, geography) computes it: 0
// when p lies in a polygon of g, else, for every line and ring of g, the
// geodesic distance to the point of it nearest p on the sphere, the least of
// those. ST_DWithin(g, p, r) holds when DistanceTo(p, g) <= r. Geodesic
// distances are FastDistance's.
func DistanceTo(p orb.Point, g orb.Geometry) float64 {
	d, _ := distances(p, g)
	return d
}

// SphereDistanceTo returns the great-circle distance in metres from p to g
// on the sphere of radius SphereRadius: what PostGIS's geography <->
// operator returns, by which ORDER BY … <-> ranks nearest neighbours.
func SphereDistanceTo(p orb.Point, g orb.Geometry) float64 {
	_, s := distances(p, g)
	return s
}

// distances returns the ellipsoidal and the sphere distance from p to g.
func distances(p orb.Point, g orb.Geometry) (ell, sph float64) {
	ell, sph = math.Inf(1), math.Inf(1)
	take := func(e, s float64) {
		ell, sph = math.Min(ell, e), math.Min(sph, s)
	}
	switch g := g.(type) {
	case orb.Point:
		take(FastDistance(p, g), SphereDistance(p, g))
	case orb.MultiPoint:
		for _, q := range g {
			take(FastDistance(p, q), SphereDistance(p, q))
		}
	case orb.LineString:
		take(pathDistance(p, g))
	case orb.MultiLineString:
		for _, l := range g {
			take(pathDistance(p, l))
		}
	case orb.Ring:
		take(polygonDistance(p, orb.Polygon{g}))
	case orb.Polygon:
		take(polygonDistance(p, g))
	case orb.MultiPolygon:
		for _, pg := range g {
			take(polygonDistance(p, pg))
		}
	case orb.Bound:
		take(polygonDistance(p, g.ToPolygon()))
	case orb.Collection:
		for _, m := range g {
			take(distances(p, m))
		}
	}
	return ell, sph
}

func polygonDistance(p orb.Point, pg orb.Polygon) (ell, sph float64) {
	if covers(pg, p) {
		return 0, 0
	}
	ell, sph = math.Inf(1), math.Inf(1)
	for _, r := range pg {
		e, s := pathDistance(p, orb.LineString(r))
		ell, sph = math.Min(ell, e), math.Min(sph, s)
	}
	return ell, sph
}

// pathDistance finds the edge of l nearest p on the sphere and returns the
// geodesic distance to that edge's nearest point, and the sphere distance.
func pathDistance(p orb.Point, l orb.LineString) (ell, sph float64) {
	if len(l) == 0 {
		return math.Inf(1), math.Inf(1)
	}
	if len(l) == 1 {
		return FastDistance(p, l[0]), SphereDistance(p, l[0])
	}
	pv := toVec(p)
	best, bestAngle := l[0], math.Inf(1)
	prev := toVec(l[0])
	for i := 1; i < len(l); i++ {
		cur := toVec(l[i])
		q, ang := edgeNearest(prev, cur, l[i-1], l[i], pv)
		if ang < bestAngle {
			best, bestAngle = q, ang
		}
		prev = cur
	}
	return FastDistance(p, best), SphereRadius * bestAngle
}

type vec [3]float64

func toVec(p orb.Point) vec {
	r := rad(p)
	sinLat, cosLat := math.Sincos(r.lat)
	sinLon, cosLon := math.Sincos(r.lon)
	return vec{cosLat * cosLon, cosLat * sinLon, sinLat}
}

func (v vec) point() orb.Point {
	return orb.Point{math.Atan2(v[1], v[0]) * 180 / math.Pi, math.Asin(math.Max(-1, math.Min(1, v[2]))) * 180 / math.Pi}
}

func cross(a, b vec) vec {
	return vec{a[1]*b[2] - a[2]*b[1], a[2]*b[0] - a[0]*b[2], a[0]*b[1] - a[1]*b[0]}
}

func dot(a, b vec) float64 { return a[0]*b[0] + a[1]*b[1] + a[2]*b[2] }

func normalize(a vec) vec {
	n := math.Sqrt(dot(a, a))
	if n == 0 {
		return a
	}
	return vec{a[0] / n, a[1] / n, a[2] / n}
}

// angle returns the central angle between unit vectors, stable at 0.
func angle(a, b vec) float64 { return math.Atan2(math.Sqrt(dot2(cross(a, b))), dot(a, b)) }

func dot2(a vec) float64 { return dot(a, a) }

// edgeNearest is PostGIS's edge_distance_to_point: the point of the great
// arc a→b nearest p (the foot of the perpendicular when it falls on the
// arc, else the nearer end) and its central angle from p.
func edgeNearest(a, b vec, pa, pb orb.Point, p vec) (orb.Point, float64) {
	da, db := angle(p, a), angle(p, b)
	best, bestAngle := pa, da
	if db < bestAngle {
		best, bestAngle = pb, db
	}
	if pa == pb {
		return best, bestAngle
	}
	n := normalize(cross(a, b))
	s := dot(p, n)
	k := normalize(vec{p[0] - n[0]*s, p[1] - n[1]*s, p[2] - n[2]*s})
	if dot(cross(a, k), n) >= 0 && dot(cross(k, b), n) >= 0 {
		if dk := angle(p, k); dk < bestAngle {
			return k.point(), dk
		}
	}
	return best, bestAngle
}

// covers reports whether p lies in polygon pg, boundary included, by the
// even-odd rule on lon/lat (points near an edge are at distance ~0 either way).
func covers(pg orb.Polygon, p orb.Point) bool {
	if len(pg) == 0 || !inRing(pg[0], p) {
		return false
	}
	for _, h := range pg[1:] {
		if inRing(h, p) {
			return false
		}
	}
	return true
}

func inRing(r orb.Ring, pt orb.Point) bool {
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

// Reach returns a lon/lat box that holds every point within m metres of p
// on the ellipsoid (with a margin), for index prefiltering. Boxes reaching a
// pole span all longitudes.
func Reach(p orb.Point, m float64) orb.Bound {
	// The meridional radius of curvature is least at the equator, a(1-e²);
	// 0.5% under it is a safe floor for degrees of latitude per metre.
	const minR = A * (1 - F) * (1 - F) * 0.995
	dLat := m / minR * 180 / math.Pi
	lat0, lat1 := p[1]-dLat, p[1]+dLat
	if lat0 <= -90 || lat1 >= 90 {
		return orb.Bound{Min: orb.Point{-180, math.Max(lat0, -90)}, Max: orb.Point{180, math.Min(lat1, 90)}}
	}
	maxLat := math.Max(math.Abs(lat0), math.Abs(lat1)) * math.Pi / 180
	dLon := m / (minR * math.Cos(maxLat)) * 180 / math.Pi
	if dLon >= 180 || p[0]-dLon < -180 || p[0]+dLon > 180 {
		return orb.Bound{Min: orb.Point{-180, lat0}, Max: orb.Point{180, lat1}}
	}
	return orb.Bound{Min: orb.Point{p[0] - dLon, lat0}, Max: orb.Point{p[0] + dLon, lat1}}
}
