package crs

import "math"

const deg = math.Pi / 180

// ellipsoid is a reference ellipsoid: semi-major axis (metres) and inverse
// flattening.
type ellipsoid struct{ a, invF float64 }

// wgs84Ellipsoid is also VN-2000's (Decision 83/2000/QĐ-TTg, art. 1.2a:
// a = 6,378,137 m, f = 1/298.257223563).
var wgs84Ellipsoid = ellipsoid{6378137, 298.257223563}

// helmert is a 7-parameter similarity transformation from a datum to WGS84
// in the coordinate frame rotation convention (EPSG method 9607), the one
// EPSG:6960 uses: translations in metres, rotations in arc-seconds, scale
// in parts per million. The position vector convention (EPSG 9606, the one
// of PROJ's +towgs84 and of WKT1 TOWGS84) has the rotations' signs flipped.
type helmert struct{ tx, ty, tz, rx, ry, rz, ppm float64 }

// vn2000ToWGS84 is EPSG:6960 "VN-2000 to WGS 84 (2)", the parameters of
// Decision 05/2007/QĐ-BTNMT (Ministry of Natural Resources and
// Environment), coordinate frame rotation. PROJ 9 (projinfo -s EPSG:4756
// -t EPSG:4326) lists it first, with +convention=coordinate_frame.
var vn2000ToWGS84 = helmert{
	tx: -191.90441429, ty: -39.30318279, tz: -111.45032835,
	rx: -0.00928836, ry: 0.01975479, rz: -0.00427372, ppm: 0.252906278,
}

// positionVector returns h given in the position vector convention
// (TOWGS84, +towgs84) in the coordinate frame convention.
func positionVector(tx, ty, tz, rx, ry, rz, ppm float64) helmert {
	return helmert{tx, ty, tz, -rx, -ry, -rz, ppm}
}

// apply shifts geocentric coordinates. Rotations are small, so the
// rotation matrix is linearised, as PROJ's helmert does by default.
func (h helmert) apply(x, y, z float64) (float64, float64, float64) {
	const sec = deg / 3600
	rx, ry, rz, m := h.rx*sec, h.ry*sec, h.rz*sec, 1+h.ppm*1e-6
	return h.tx + m*(x+rz*y-ry*z),
		h.ty + m*(-rz*x+y+rx*z),
		h.tz + m*(ry*x-rx*y+z)
}

// toGeocentric converts longitude, latitude (degrees) and ellipsoidal
// height (metres) to Earth-centred Cartesian coordinates.
func (e ellipsoid) toGeocentric(lon, lat, h float64) (x, y, z float64) {
	e2 := (2 - 1/e.invF) / e.invF
	sp, cp := math.Sincos(lat * deg)
	sl, cl := math.Sincos(lon * deg)
	n := e.a / math.Sqrt(1-e2*sp*sp)
	return (n + h) * cp * cl, (n + h) * cp * sl, (n*(1-e2) + h) * sp
}

// fromGeocentric is the inverse of toGeocentric (longitude and latitude in
// degrees), by fixed-point iteration on the latitude, which converges to
// 1e-12 rad in a few steps near the Earth's surface.
func (e ellipsoid) fromGeocentric(x, y, z float64) (lon, lat, h float64) {
	e2 := (2 - 1/e.invF) / e.invF
	p := math.Hypot(x, y)
	// Start from Bowring's (1976) closed form, within 1e-10 rad near the
	// surface: the iteration then stops after one or two steps.
	b := e.a * math.Sqrt(1-e2)
	su, cu := math.Sincos(math.Atan2(z*e.a, p*b))
	phi := math.Atan2(z+e2/(1-e2)*b*su*su*su, p-e2*e.a*cu*cu*cu)
	var n float64
	for range 10 {
		sp := math.Sin(phi)
		n = e.a / math.Sqrt(1-e2*sp*sp)
		h = p/math.Cos(phi) - n
		next := math.Atan2(z, p*(1-e2*n/(n+h)))
		if math.Abs(next-phi) < 1e-13 {
			phi = next
			break
		}
		phi = next
	}
	return math.Atan2(y, x) / deg, phi / deg, h
}
