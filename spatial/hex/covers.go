package hex

import (
	"sync"

	"bando/spatial"
)

// CoverCache remembers the covers (Cover) of line and polygon features per
// resolution: a polyfill or a chain of grid paths costs tens of cgo calls
// per feature, and the same layer is asked again and again. Features are
// immutable once indexed and an edit makes a new *Feature, so the feature
// pointer is a key that can never go stale; holding it keeps replaced
// features alive until the cache reaches its bound and starts over, which
// is why the bound counts cells and features both.
type CoverCache struct {
	mu       sync.RWMutex
	m        map[coverKey][]Cell
	cells    int
	maxCells int
}

type coverKey struct {
	f   *spatial.Feature
	res int
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
	k := coverKey{f, res}
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
