package hex

import (
	"sync"

	"github.com/paulmach/orb"

	"bando/spatial"
)

// CoverCache remembers the covers (Cover) of line and polygon features per
// resolution: a polyfill or a chain of grid paths costs tens of cgo calls
// per feature, and the same layer is asked again and again. The key is the
// feature's id, store sequence and bounds: every write of a feature gets a
// new sequence, so an entry cannot go stale (features that were never
// stored, sequence 0, are trusted to keep their geometry while their id and
// bounds stay). Not the *Feature pointer: the index materialises a fresh
// one per read. Replaced versions stay until the cache reaches its bound
// and starts over.
type CoverCache struct {
	mu       sync.RWMutex
	m        map[coverKey][]Cell
	cells    int
	maxCells int
}

type coverKey struct {
	id    string
	seq   uint64
	bound orb.Bound
	res   int
}

// DefaultCoverCacheCells bounds a CoverCache given 0: 16,000,000 cells,
// 128 MB of cells.
const DefaultCoverCacheCells = 16_000_000

// NewCoverCache returns an empty cache bounded to maxCells cells (0:
// DefaultCoverCacheCells), at one cell per feature at least.
func NewCoverCache(maxCells int) *CoverCache {
	if maxCells <= 0 {
		maxCells = DefaultCoverCacheCells
	}
	return &CoverCache{m: make(map[coverKey][]Cell), maxCells: maxCells}
}

// Cover returns Cover(f.Geom, res, max), from the cache when it holds it.
// The returned slice is shared: callers must not modify it.
func (cc *CoverCache) Cover(f *spatial.Feature, res, max int) ([]Cell, error) {
	k := coverKey{f.ID, f.Seq, f.Bound, res}
	cc.mu.RLock()
	cells, ok := cc.m[k]
	cc.mu.RUnlock()
	if ok {
		if len(cells) > orDefault(max) {
			return nil, &LimitError{What: "cells of one feature", Limit: orDefault(max), Got: len(cells), Hint: "use a coarser res"}
		}
		return cells, nil
	}
	cells, err := Cover(f.Geom, res, max)
	if err != nil {
		return nil, err
	}
	cost := max1(len(cells))
	cc.mu.Lock()
	if cc.cells+cost > cc.maxCells {
		clear(cc.m)
		cc.cells = 0
	}
	if cost <= cc.maxCells {
		cc.m[k] = cells
		cc.cells += cost
	}
	cc.mu.Unlock()
	return cells, nil
}

// Len returns the number of covers held.
func (cc *CoverCache) Len() int {
	cc.mu.RLock()
	defer cc.mu.RUnlock()
	return len(cc.m)
}

func max1(n int) int { return max(n, 1) }
