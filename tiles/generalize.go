package tiles

import (
	"math"
	"slices"

	"github.com/paulmach/orb"

	"bando/layers"
	"bando/spatial"
)

// PixelsPerTile is the width of a tile in the pixels that the catalog's
// generalize sizes are given in: MapLibre draws a vector tile 512 pixels
// wide, so a pixel is extent/512 tile units (8 at the default extent).
const PixelsPerTile = 512

// exactAreaFactor bounds the features whose exact area or length is
// computed for min_area and min_length: only those whose bounding box is
// within this factor of the threshold (a bigger box holds a polygon that is
// almost always big enough, and projecting it here would double the work).
const exactAreaFactor = 16

// genPlan is the generalisation of one layer in one tile: the catalog's
// rule for the zoom, in tile units, and the features the tile's budget
// leaves out.
type genPlan struct {
	rule    layers.ZoomRule
	tol     float64 // Douglas–Peucker tolerance
	minArea float64 // square tile units
	minLen  float64 // tile units
	// drop holds the ids the byte and feature budget leaves out (budget.go).
	drop map[uint64]bool
	// sumVisible says the principal may see the field clusters add up.
	sumVisible bool
}

// newPlan returns the plan of layer l at zoom z for tiles of the extent.
func newPlan(l *layers.Layer, z, extent int) *genPlan {
	rule := l.GeneralizeAt(z)
	px := float64(extent) / PixelsPerTile
	return &genPlan{rule: rule, tol: rule.Simplify * px, minArea: rule.MinArea * px * px, minLen: rule.MinLength * px}
}

// fields returns the visible fields the zoom writes: all of visible, or
// those of the rule's Keep list.
func (g *genPlan) fields(visible []int) []int {
	g.sumVisible = g.rule.Sum >= 0 && slices.Contains(visible, g.rule.Sum)
	if g.rule.Keep == nil {
		return visible
	}
	out := make([]int, 0, len(g.rule.Keep))
	for _, fi := range visible {
		for _, k := range g.rule.Keep {
			if fi == k {
				out = append(out, fi)
			}
		}
	}
	return out
}

// apply sets the renderer's simplification from the plan.
func (g *genPlan) apply(r *renderer) {
	r.plan = g
	if r.simplify {
		r.tolerance = g.tol
		r.simplify = g.tol > 0
	}
}

// skip reports whether the feature is left out of the tile: dropped by
// the budget, or a polygon or line below the zoom's visible size. buf is
// scratch for the rings of a polygon.
func (g *genPlan) skip(v spatial.FeatureView, pr projection, buf *[][]orb.Point) bool {
	if g.drop != nil && g.drop[v.Num()] {
		return true
	}
	switch v.Kind() {
	case spatial.KindPolygon, spatial.KindMultiPolygon, spatial.KindRing, spatial.KindBound:
		return g.minArea > 0 && tooSmall(v, pr, g.minArea, buf)
	case spatial.KindLineString, spatial.KindMultiLineString:
		return g.minLen > 0 && tooShort(v, pr, g.minLen)
	}
	return false
}

// boxUnits returns the width and height of b in tile units.
func boxUnits(b orb.Bound, pr projection) (w, h float64) {
	w = (lonToWorld(b.Max[0]) - lonToWorld(b.Min[0])) * pr.scale
	h = (latToWorld(b.Min[1]) - latToWorld(b.Max[1])) * pr.scale
	return w, h
}

// tooSmall reports whether the polygon's area, in square tile units
// (exteriors less holes, unclipped), is below minArea.
func tooSmall(v spatial.FeatureView, pr projection, minArea float64, buf *[][]orb.Point) bool {
	w, h := boxUnits(v.Bound(), pr)
	if w*h < minArea {
		return true
	}
	if w*h >= exactAreaFactor*minArea {
		return false
	}
	var area float64
	it := v.Parts()
	for it.Next() {
		p := it.Part()
		if p.Kind == spatial.KindPoint || p.Kind == spatial.KindLineString {
			continue
		}
		*buf = p.Rings((*buf)[:0])
		for i, ring := range *buf {
			a := math.Abs(ringArea(ring, pr))
			if i > 0 {
				a = -a
			}
			area += a
		}
	}
	return area < minArea
}

// ringArea is the signed area of a lon/lat ring in square tile units.
func ringArea(ring []orb.Point, pr projection) float64 {
	if len(ring) < 3 {
		return 0
	}
	var s float64
	prev := pr.point(ring[len(ring)-1])
	for _, p := range ring {
		q := pr.point(p)
		s += prev[0]*q[1] - q[0]*prev[1]
		prev = q
	}
	return s / 2
}

// tooShort reports whether the line's length in tile units is below minLen.
func tooShort(v spatial.FeatureView, pr projection, minLen float64) bool {
	w, h := boxUnits(v.Bound(), pr)
	if max(w, h) >= minLen {
		return false // a line is at least as long as its box is wide
	}
	var length float64
	it := v.Parts()
	for it.Next() {
		p := it.Part()
		if p.Kind != spatial.KindLineString {
			continue
		}
		for i := 1; i < len(p.Points); i++ {
			a, b := pr.point(p.Points[i-1]), pr.point(p.Points[i])
			length += math.Hypot(b[0]-a[0], b[1]-a[1])
		}
	}
	return length < minLen
}
