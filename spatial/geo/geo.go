// Package geo measures on the WGS84 ellipsoid as PostGIS measures the
// geography type: geodesic distances (Karney's algorithms, "Algorithms for
// geodesics", J. Geodesy 87, 43–55, 2013, through tidwall/geodesic, a port of
// GeographicLib, which PostGIS also uses), ellipsoidal polygon areas and line
// lengths, and distances from a point to lines and polygons.
//
// Distances to a line or polygon follow PostGIS (lwgeodetic.c): the nearest
// point of each edge is found on the sphere, edges being great-circle arcs,
// and the distance reported is the geodesic distance on the ellipsoid to the
// nearest such point. A point inside a polygon is at distance 0. Coordinates
// are lon/lat degrees (orb order).
package geo

import (
	"math"

	"github.com/paulmach/orb"
	"github.com/tidwall/geodesic"
)

// WGS84 axes, and the radius of the sphere PostGIS uses for great-circle
// work on the WGS84 spheroid: (2a+b)/3.
const (
	A            = 6378137.0
	F            = 1 / 298.257223563
	B            = A * (1 - F)
	SphereRadius = (2*A + B) / 3
)

// Distance returns the geodesic distance in metres between two lon/lat
// points on the WGS84 ellipsoid, as ST_Distance(geography, geography).
func Distance(p, q orb.Point) float64 {
	if p == q {
		return 0
	}
	var s float64
	geodesic.WGS84.Inverse(p[1], p[0], q[1], q[0], &s, nil, nil)
	return s
}

// fastReach is the distance under which FastDistance uses its plane
// formula (checked against GeographicLib: relative error under 4e-8).
const fastReach = 2000.0

// FastDistance returns Distance(p, q), computed for points closer than
// about 2 km by the plane formula on the ellipsoid's radii of curvature at
// the mean latitude (relative error under 4e-8 up to 70° of latitude, i.e.
// under 0.08 mm at 2 km), and by the geodesic otherwise. It is about 10
// times faster than Distance where it applies.
func FastDistance(p, q orb.Point) float64 {
	dLat, dLon := q[1]-p[1], q[0]-p[0]
	if math.Abs(dLat) < 0.02 && math.Abs(dLon) < 0.02 && math.Abs(p[1]) < 70 {
		const e2 = F * (2 - F)
		phi := (p[1] + q[1]) / 2 * math.Pi / 180
		sin, cos := math.Sincos(phi)
		w2 := 1 - e2*sin*sin
		w := math.Sqrt(w2)
		x := A / w * cos * dLon * math.Pi / 180
		y := A * (1 - e2) / (w2 * w) * dLat * math.Pi / 180
		if d := math.Sqrt(x*x + y*y); d < fastReach {
			return d
		}
	}
	return Distance(p, q)
}

// SphereDistance returns the great-circle distance in metres between two
// lon/lat points on the sphere of radius SphereRadius, computed as PostGIS's
// sphere_distance does. The geography <-> operator ranks by this distance.
func SphereDistance(p, q orb.Point) float64 {
	return SphereRadius * sphereAngle(rad(p), rad(q))
}

type ll struct{ lon, lat float64 }

func rad(p orb.Point) ll { return ll{p[0] * math.Pi / 180, p[1] * math.Pi / 180} }

// sphereAngle is PostGIS's sphere_distance: the central angle by Vincenty's
// formula on the sphere, accurate for small and antipodal angles alike.
func sphereAngle(s, e ll) float64 {
	dLon := e.lon - s.lon
	sinDLon, cosDLon := math.Sincos(dLon)
	sinLatE, cosLatE := math.Sincos(e.lat)
	sinLatS, cosLatS := math.Sincos(s.lat)
	a1 := cosLatE * sinDLon
	a2 := cosLatS*sinLatE - sinLatS*cosLatE*cosDLon
	a := math.Sqrt(a1*a1 + a2*a2)
	b := sinLatS*sinLatE + cosLatS*cosLatE*cosDLon
	return math.Atan2(a, b)
}

// Length returns the ellipsoidal length in metres of the lines of g (0 for
// points and for polygons), as ST_Length(geography).
func Length(g orb.Geometry) float64 {
	switch g := g.(type) {
	case orb.LineString:
		return lineLength(g)
	case orb.MultiLineString:
		s := 0.0
		for _, l := range g {
			s += lineLength(l)
		}
		return s
	case orb.Collection:
		s := 0.0
		for _, m := range g {
			s += Length(m)
		}
		return s
	}
	return 0
}

func lineLength(l orb.LineString) float64 {
	s := 0.0
	for i := 1; i < len(l); i++ {
		s += Distance(l[i-1], l[i])
	}
	return s
}

// Area returns the ellipsoidal area in square metres of the polygons of g
// (0 for points and lines), as ST_Area(geography): each ring's geodesic
// polygon area, holes subtracted.
func Area(g orb.Geometry) float64 {
	switch g := g.(type) {
	case orb.Polygon:
		return polygonArea(g)
	case orb.MultiPolygon:
		s := 0.0
		for _, p := range g {
			s += polygonArea(p)
		}
		return s
	case orb.Ring:
		return ringArea(g)
	case orb.Bound:
		return polygonArea(g.ToPolygon())
	case orb.Collection:
		s := 0.0
		for _, m := range g {
			s += Area(m)
		}
		return s
	}
	return 0
}

func polygonArea(p orb.Polygon) float64 {
	if len(p) == 0 {
		return 0
	}
	a := ringArea(p[0])
	for _, h := range p[1:] {
		a -= ringArea(h)
	}
	return a
}

// ringArea is the unsigned area of a ring as PostGIS's ptarray_area_spheroid
// computes it: GeographicLib's polygon area over the ring without its
// closing position.
func ringArea(r orb.Ring) float64 {
	n := len(r)
	if n > 1 && r[0] == r[n-1] {
		n--
	}
	if n < 3 {
		return 0
	}
	poly := geodesic.WGS84.PolygonInit(false)
	for _, p := range r[:n] {
		poly.AddPoint(p[1], p[0])
	}
	var area float64
	poly.Compute(false, true, &area, nil)
	return math.Abs(area)
}

// direct returns the point at distance m and azimuth az (degrees) from p.
func direct(p orb.Point, az, m float64) orb.Point {
	var lat, lon float64
	geodesic.WGS84.Direct(p[1], p[0], az, m, &lat, &lon, nil)
	return orb.Point{lon, lat}
}
