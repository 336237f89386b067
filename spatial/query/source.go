package query

import (
	"bando/spatial"

	"github.com/paulmach/orb"
)

// source is the engine's one view of stored features. Everything the
// engine reads goes through it, so that the index's storage can change
// (e.g. to pointer-free views) by changing this file alone. Callbacks run
// under the layer's read lock and must not call back into the source.
type source interface {
	// search calls fn for the features whose box meets b, until fn
	// returns false.
	search(layer string, b orb.Bound, fn func(*spatial.Feature) bool)
	// ascend calls fn for the features in id order from the offset-th.
	ascend(layer string, offset int, fn func(*spatial.Feature) bool)
	count(layer string) int
	extent(layer string) (orb.Bound, bool)
	version(layer string) uint64
}

type indexSource struct{ ix *spatial.Index }

func (s indexSource) search(layer string, b orb.Bound, fn func(*spatial.Feature) bool) {
	s.ix.SearchBound(layer, b, fn)
}

func (s indexSource) ascend(layer string, offset int, fn func(*spatial.Feature) bool) {
	s.ix.Ascend(layer, offset, fn)
}

func (s indexSource) count(layer string) int                { return s.ix.Count(layer) }
func (s indexSource) extent(layer string) (orb.Bound, bool) { return s.ix.Extent(layer) }
func (s indexSource) version(layer string) uint64           { return s.ix.Version(layer) }
