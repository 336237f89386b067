package hex

import (
	"math"

	"github.com/paulmach/orb"
	h3 "github.com/uber/h3-go/v4"
)

// allocFactor bounds what h3-go may allocate for one polyfill, in cells, as
// a multiple of the cells a feature may cover: H3 sizes its buffer from the
// bounding box's diagonal, generously for long thin polygons.
const allocFactor = 8

// h3Alloc bounds the number of cells h3-go allocates before a polyfill:
// H3's maxPolygonToCellsSize (bboxHexEstimate of the outer loop's bounding
// box, at least the vertex count, plus a buffer), recomputed here because
// h3-go v4.1.0 neither exposes it nor checks its error. H3 divides the
// squared diagonal by the box's aspect ratio clamped to 1..3; this takes
// the ratio as 1, an upper bound even where H3 draws the box differently
// (across the antimeridian). ok is false where H3 fails: a bounding box
// without width or height.
func h3Alloc(gp h3.GeoPolygon, res int) (cells float64, ok bool) {
	north, south, east, west := -90.0, 90.0, -180.0, 180.0
	for _, v := range gp.GeoLoop {
		north, south = max(north, v.Lat), min(south, v.Lat)
		east, west = max(east, v.Lng), min(west, v.Lng)
	}
	lngDiff, latDiff := math.Abs(east-west), math.Abs(north-south)
	if lngDiff == 0 || latDiff == 0 {
		return 0, false
	}
	d := h3.GreatCircleDistanceKm(h3.LatLng{Lat: north, Lng: east}, h3.LatLng{Lat: south, Lng: west})
	est := math.Max(1, math.Ceil(d*d/pentagonAreaKm2(res)))
	verts := len(gp.GeoLoop)
	for _, h := range gp.Holes {
		verts += len(h)
	}
	return math.Max(est, float64(verts)) + 12, true
}

// pentagonAreaKm2 is H3's estimate of the smallest cell area at res: 80 %
// of a regular hexagon with the radius of a pentagon.
func pentagonAreaKm2(res int) float64 {
	p := h3.Pentagons(res)[0]
	r := h3.GreatCircleDistanceKm(p.LatLng(), p.Boundary()[0])
	return 0.8 * 2.59807621135 * r * r
}

// bboxCells estimates how many cells of res a bounding box holds: its area
// on the sphere over the average cell area.
func bboxCells(b orb.Bound, res int) float64 {
	const r = 6371007.2 // authalic Earth radius, m
	rad := math.Pi / 180
	dLon := (b.Max[0] - b.Min[0]) * rad
	dSin := math.Abs(math.Sin(b.Max[1]*rad) - math.Sin(b.Min[1]*rad))
	return r * r * dLon * dSin / h3.HexagonAreaAvgM2(res)
}
