package query

import (
	"bando/spatial"

	"github.com/paulmach/orb"
)

// source is the engine's one view of stored features. Everything the
// engine reads goes through it. Features are read in place, as views
// (spatial.FeatureView), under the layer's read lock: fn must not call
// back into the source for the same layer (a waiting writer would
// deadlock the second read lock), and nothing read through lv outlives
// fn. Other layers (the admin units) are prepared before.
type source interface {
	// read calls fn with the layer under its read lock.
	read(layer string, fn func(lv spatial.LayerView))
	count(layer string) int
	extent(layer string) (orb.Bound, bool)
	version(layer string) uint64
}

type indexSource struct{ ix *spatial.Index }

func (s indexSource) read(layer string, fn func(lv spatial.LayerView)) { s.ix.ReadLayer(layer, fn) }

func (s indexSource) count(layer string) int                { return s.ix.Count(layer) }
func (s indexSource) extent(layer string) (orb.Bound, bool) { return s.ix.Extent(layer) }
func (s indexSource) version(layer string) uint64           { return s.ix.Version(layer) }

// feat is the candidate a clause, the filter or a figure reads: a view
// and, once a test needed it, its materialised geometry. Points are
// answered from the box and never materialised; lines and polygons only
// when they survive the index's box test and a predicate needs orb
// values. One feat is reused per scanning goroutine (no allocation per
// feature); it is valid only inside the scan's callback.
type feat struct {
	v    spatial.FeatureView
	box  orb.Bound // v.Bound(), often read from the R-tree instead of the slot
	g    orb.Geometry
	hasG bool
	// empty: the layer holds features without geometry, so a point box
	// must be checked against the kind (see pointOf).
	empty bool
}

// newFeat makes the reusable candidate of one scan of lv.
func newFeat(lv spatial.LayerView) *feat { return &feat{empty: lv.HasEmpty()} }

// reset makes f the candidate v, whose box is box.
func (f *feat) reset(v spatial.FeatureView, box orb.Bound) {
	*f = feat{v: v, box: box, empty: f.empty}
}

// view makes f the candidate v, reading its box from its slot.
func (f *feat) view(v spatial.FeatureView) { f.reset(v, v.Bound()) }

// geom returns the geometry, materialising it on first use.
func (f *feat) geom() orb.Geometry {
	if !f.hasG {
		f.g, f.hasG = f.v.Geometry(), true
	}
	return f.g
}

// polygonal reports whether the feature is a polygon, multipolygon, ring
// or bound.
func (f *feat) polygonal() bool {
	switch f.v.Kind() {
	case spatial.KindPolygon, spatial.KindMultiPolygon, spatial.KindRing, spatial.KindBound:
		return true
	}
	return false
}
