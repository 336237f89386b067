package crs

import (
	"math"
	"strconv"

	"github.com/paulmach/orb"
)

// The other direction: WGS84 longitude and latitude to a system, for
// answers given in a client's CRS (OGC API – Features Part 2).

// WebMercator is EPSG:3857, the spherical Mercator of web maps (metres).
var WebMercator = &CRS{Name: "EPSG:3857 WGS 84 / Pseudo-Mercator", EPSG: 3857, webMerc: true, unit: 1}

// mercatorMaxLat is where EPSG:3857 is cut: the square world of web maps.
const mercatorMaxLat = 85.05112877980659

// FromWGS84 transforms WGS84 longitude and latitude (degrees) to the
// system's coordinates, in its x, y order (easting, northing; longitude,
// latitude), whatever its EPSG axis order (see LatLon).
func (c *CRS) FromWGS84(lon, lat float64) (x, y float64) {
	if c == nil {
		return lon, lat
	}
	if c.webMerc {
		lat = max(-mercatorMaxLat, min(mercatorMaxLat, lat))
		return wgs84Ellipsoid.a * lon * deg, wgs84Ellipsoid.a * math.Log(math.Tan(math.Pi/4+lat*deg/2))
	}
	if c.shift != nil {
		gx, gy, gz := wgs84Ellipsoid.toGeocentric(lon, lat, 0)
		gx, gy, gz = c.shift.inverse(gx, gy, gz)
		lon, lat, _ = wgs84Ellipsoid.fromGeocentric(gx, gy, gz)
	}
	if c.proj != nil {
		x, y = c.proj.forward(lon, lat)
		return x / c.unit, y / c.unit
	}
	return lon, lat
}

// inverse undoes apply. The linearised rotation's inverse is its
// transpose to first order; the rest is below a micrometre for rotations
// of hundredths of an arc-second.
func (h helmert) inverse(x, y, z float64) (float64, float64, float64) {
	const sec = deg / 3600
	rx, ry, rz, m := h.rx*sec, h.ry*sec, h.rz*sec, 1+h.ppm*1e-6
	x, y, z = (x-h.tx)/m, (y-h.ty)/m, (z-h.tz)/m
	return x - rz*y + ry*z,
		rz*x + y - rx*z,
		-ry*x + rx*y + z
}

// LatLon reports whether the system's EPSG axis order is latitude first
// (the geographic EPSG systems: 4326, 4756). CRS84 and every projected
// system here are x (east) first.
func (c *CRS) LatLon() bool {
	return c != nil && c.proj == nil && !c.webMerc && c.EPSG != 0
}

// URI is the system's OGC URI, e.g. http://www.opengis.net/def/crs/EPSG/0/3405;
// "" for a system with no EPSG code.
func (c *CRS) URI() string {
	if c == nil || c.EPSG == 0 {
		return ""
	}
	return "http://www.opengis.net/def/crs/EPSG/0/" + strconv.Itoa(c.EPSG)
}

// TransformFrom transforms g from WGS84 to the system, in place, and
// returns it; with swap, each position is written latitude (northing)
// first.
func (c *CRS) TransformFrom(g orb.Geometry, swap bool) orb.Geometry {
	return eachPoint(g, func(p orb.Point) orb.Point {
		x, y := c.FromWGS84(p[0], p[1])
		if swap {
			x, y = y, x
		}
		return orb.Point{x, y}
	})
}

// eachPoint replaces every position of g by fn's, in place.
func eachPoint(g orb.Geometry, fn func(orb.Point) orb.Point) orb.Geometry {
	pts := func(ps []orb.Point) {
		// A closed ring's last position is its first: transformed once
		// (fn is a pure function of the point).
		n := len(ps)
		if n > 1 && ps[0] == ps[n-1] {
			n--
		}
		for i, p := range ps[:n] {
			ps[i] = fn(p)
		}
		if n < len(ps) {
			ps[n] = ps[0]
		}
	}
	switch g := g.(type) {
	case orb.Point:
		return fn(g)
	case orb.MultiPoint:
		pts(g)
	case orb.LineString:
		pts(g)
	case orb.Ring:
		pts(g)
	case orb.MultiLineString:
		for _, l := range g {
			pts(l)
		}
	case orb.Polygon:
		for _, r := range g {
			pts(r)
		}
	case orb.MultiPolygon:
		for _, p := range g {
			for _, r := range p {
				pts(r)
			}
		}
	case orb.Collection:
		for i, m := range g {
			g[i] = eachPoint(m, fn)
		}
	}
	return g
}
