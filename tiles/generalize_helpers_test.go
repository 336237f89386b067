package tiles

import (
	"math"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"

	"bando/layers"
)

// belowVisibleSize reports whether the catalog's min_area or min_length
// at the rule's zoom leaves g out of tile c: its area (polygons, exteriors
// less holes) or length (lines), projected with Coord.Project and measured
// with orb/planar, under the rule's size in tile units. It is the test's
// own reading of the rule, sharing no code with generalize.go.
func belowVisibleSize(c Coord, g orb.Geometry, extent int, rule layers.ZoomRule) bool {
	px := float64(extent) / PixelsPerTile
	project := func(pts []orb.Point) []orb.Point {
		out := make([]orb.Point, len(pts))
		for i, p := range pts {
			out[i] = c.Project(p, extent)
		}
		return out
	}
	polyArea := func(p orb.Polygon) float64 {
		var a float64
		for i, r := range p {
			ra := math.Abs(planar.Area(orb.Ring(project(r))))
			if i > 0 {
				ra = -ra
			}
			a += ra
		}
		return a
	}
	switch g := g.(type) {
	case orb.Polygon:
		return rule.MinArea > 0 && polyArea(g) < rule.MinArea*px*px
	case orb.MultiPolygon:
		var a float64
		for _, p := range g {
			a += polyArea(p)
		}
		return rule.MinArea > 0 && a < rule.MinArea*px*px
	case orb.LineString:
		return rule.MinLength > 0 && planar.Length(orb.LineString(project(g))) < rule.MinLength*px
	case orb.MultiLineString:
		var l float64
		for _, ls := range g {
			l += planar.Length(orb.LineString(project(ls)))
		}
		return rule.MinLength > 0 && l < rule.MinLength*px
	}
	return false
}
