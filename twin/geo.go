package twin

import (
	"math"

	"bando/spatial"

	"github.com/paulmach/orb"
)

// Distances here are great-circle (haversine) metres on a sphere of the
// WGS84 mean radius: within 0.5 % of the ellipsoid, ample for rule
// thresholds of hundreds of metres to kilometres, and much cheaper than
// an ellipsoidal solution in the per-fix hot path.
const earthRadius = 6371008.8

// metresPerKnotSecond converts knots to metres per second.
const metresPerKnotSecond = 1852.0 / 3600

func haversine(lon1, lat1, lon2, lat2 float64) float64 {
	const rad = math.Pi / 180
	dlat := (lat2 - lat1) * rad
	dlon := (lon2 - lon1) * rad
	s1, s2 := math.Sin(dlat/2), math.Sin(dlon/2)
	a := s1*s1 + math.Cos(lat1*rad)*math.Cos(lat2*rad)*s2*s2
	return 2 * earthRadius * math.Asin(math.Sqrt(min(1, a)))
}

// flatMetres is a local equirectangular metre scale at lat: distances up to
// tens of kilometres from it are within 0.1 % of the great circle, at a
// fraction of haversine's cost (the proximity rules' inner loop).
type flatMetres struct{ kx, ky float64 }

func flatAt(lat float64) flatMetres {
	const ky = earthRadius * math.Pi / 180
	return flatMetres{kx: ky * math.Cos(lat*math.Pi/180), ky: ky}
}

// dist2 is the squared distance in square metres.
func (f flatMetres) dist2(lon1, lat1, lon2, lat2 float64) float64 {
	dx, dy := (lon2-lon1)*f.kx, (lat2-lat1)*f.ky
	return dx*dx + dy*dy
}

// around is the lon/lat box of the circle of r metres around (lon, lat).
func around(lon, lat, r float64) orb.Bound {
	dlat := r / earthRadius * 180 / math.Pi
	c := math.Cos(lat * math.Pi / 180)
	dlon := 180.0
	if c > 1e-6 {
		dlon = min(180, dlat/c)
	}
	return orb.Bound{Min: orb.Point{lon - dlon, lat - dlat}, Max: orb.Point{lon + dlon, lat + dlat}}
}

// contains reports whether polygonal g holds the point (boundary counts).
func contains(g orb.Geometry, pt orb.Point) bool {
	switch g := g.(type) {
	case orb.Polygon:
		return spatial.PolygonContains(g, pt)
	case orb.MultiPolygon:
		for _, p := range g {
			if spatial.PolygonContains(p, pt) {
				return true
			}
		}
	}
	return false
}

// nearest returns the distance in metres from (lon, lat) to the nearest
// feature of layer within r metres (by its bound's centre for points), or
// +Inf when there is none that close.
func nearest(idx *spatial.Index, layer string, lon, lat, r float64) float64 {
	best := math.Inf(1)
	if layer == "" {
		return best
	}
	idx.SearchBound(layer, around(lon, lat, r), func(f *spatial.Feature) bool {
		c := f.Bound.Center()
		if d := haversine(lon, lat, c[0], c[1]); d < best {
			best = d
		}
		return true
	})
	if best > r {
		return math.Inf(1)
	}
	return best
}
