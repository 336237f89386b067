package spatial

import (
	"math"

	"github.com/paulmach/orb"
)

// Every layer keeps, beside each stored lon/lat point, its Web Mercator y
// as a world fraction (MercatorY of its latitude) in a flat float64 slab
// parallel to the coordinate arena: 8 bytes a point, pointer-free. Tiles
// project every vertex of every feature they draw, and y is the costly
// half of the projection (a sine and a logarithm) while x is linear in the
// longitude; preparing it once at write time takes it out of every render.
// Part.Y and FeatureView.MercatorY hand the slab out.

// MaxMercatorLat is the latitude at which Web Mercator's square world ends;
// MercatorY clamps to it so the poles stay finite.
const MaxMercatorLat = 85.05112877980659

// MercatorY maps latitude to the Web Mercator world fraction: 0 at the
// north edge of the square world, 1 at its south edge. The tile renderer
// uses this exact function, so a stored y and one computed at render time
// are the same float64.
func MercatorY(lat float64) float64 {
	lat = max(-MaxMercatorLat, min(lat, MaxMercatorLat))
	s := math.Sin(lat * math.Pi / 180)
	return 0.5 - math.Log((1+s)/(1-s))/(4*math.Pi)
}

// appendMercatorY appends the MercatorY of each point's latitude.
func appendMercatorY(ys []float64, pts []orb.Point) []float64 {
	for _, p := range pts {
		ys = append(ys, MercatorY(p[1]))
	}
	return ys
}
