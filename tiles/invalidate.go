package tiles

import (
	"math"
	"slices"

	"github.com/paulmach/orb"
	"github.com/tidwall/rtree"
)

// invalidate drops the entries of the layer whose buffered tile intersects
// any of the bounds (all entries of the layer when there are none), frees
// their bytes, and marks renders in flight for such tiles stale so their
// results are not cached. The batch is prepared before the lock is taken;
// under it, each zoom costs the smaller of the tiles the bounds cover and
// the tiles cached there (each tested against an R-tree of the bounds), so
// a small edit is a few map lookups and a bulk write is bounded by the
// cache size, and both drop exactly the touched tiles.
func (c *cache) invalidate(layer string, bounds []orb.Bound) {
	if !c.holds(layer) {
		return
	}
	w := newWriteSet(bounds, c.opts)
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, cl := range c.inflight {
		if !cl.stale && slices.Contains(cl.layers, layer) && w.touches(cl.coord) {
			cl.stale = true
		}
	}
	for z := 0; z <= MaxZoom; z++ {
		m := c.byTile[layerZoom{layer, z}]
		if len(m) == 0 {
			continue
		}
		for _, e := range w.cached(m, z) {
			if cur, live := c.byKey[e.key]; live && cur == e {
				c.remove(e)
				c.st.Invalidated++
			}
		}
	}
}

// holds reports whether the cache has entries or renders in flight for the
// layer. When it has none, a write needs no work: the index has already
// applied it, so every render that starts from now on sees it.
func (c *cache) holds(layer string) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	for z := 0; z <= MaxZoom; z++ {
		if len(c.byTile[layerZoom{layer, z}]) > 0 {
			return true
		}
	}
	for _, cl := range c.inflight {
		if slices.Contains(cl.layers, layer) {
			return true
		}
	}
	return false
}

// treeMin is the batch size from which touches asks an R-tree of the
// bounds instead of testing them one by one.
const treeMin = 16

// writeSet is one write's bounds prepared for invalidation: as world
// rectangles, the number of tiles they cover per zoom, and for large
// batches an R-tree over them.
type writeSet struct {
	all   bool // no bounds: everything of the layer is touched
	f     float64
	rects []worldRect
	tree  *rtree.RTreeG[struct{}]
}

func newWriteSet(bounds []orb.Bound, o tileOptions) *writeSet {
	w := &writeSet{all: len(bounds) == 0, f: bufferFraction(o)}
	for _, b := range bounds {
		if r, ok := toWorld(b); ok {
			w.rects = append(w.rects, r)
		}
	}
	if len(w.rects) >= treeMin {
		w.tree = &rtree.RTreeG[struct{}]{}
		for _, r := range w.rects {
			w.tree.Insert([2]float64{r.x0, r.y0}, [2]float64{r.x1, r.y1}, struct{}{})
		}
	}
	return w
}

// touches reports whether the buffered tile at c intersects any bound.
func (w *writeSet) touches(c Coord) bool {
	if w.all {
		return true
	}
	if w.tree == nil {
		for _, r := range w.rects {
			if tr, ok := r.tiles(c.Z, w.f); ok && tr.contains(c.X, c.Y) {
				return true
			}
		}
		return false
	}
	// The tile's buffered square in world fractions; it meets a bound
	// exactly when the bound's covered range holds the tile.
	n := float64(uint64(1) << uint(c.Z))
	lo := [2]float64{(float64(c.X) - w.f) / n, (float64(c.Y) - w.f) / n}
	hi := [2]float64{(float64(c.X) + 1 + w.f) / n, (float64(c.Y) + 1 + w.f) / n}
	hit := false
	w.tree.Search(lo, hi, func(_, _ [2]float64, _ struct{}) bool {
		hit = true
		return false
	})
	return hit
}

// covers reports whether the bounds cover at most limit tiles of zoom z,
// stopping as soon as they cover more: its cost is bounded by limit too.
func (w *writeSet) covers(z int, limit int64) bool {
	var n int64
	for _, r := range w.rects {
		if tr, ok := r.tiles(z, w.f); ok {
			if n += tr.count(); n > limit {
				return false
			}
		}
	}
	return true
}

// cached returns the entries of m (the layer's cached tiles at zoom z) that
// the write touches, possibly with repeats. It walks the covered ranges
// when they hold no more tiles than m does, and otherwise tests every
// cached tile; either way the cost is bounded by the size of m.
func (w *writeSet) cached(m map[[2]int][]*entry, z int) []*entry {
	var gone []*entry
	if !w.all && w.covers(z, int64(len(m))) {
		for _, r := range w.rects {
			tr, ok := r.tiles(z, w.f)
			if !ok {
				continue
			}
			for y := tr.y0; y <= tr.y1; y++ {
				for x := tr.x0; x <= tr.x1; x++ {
					gone = append(gone, m[[2]int{x, y}]...)
				}
			}
		}
		return gone
	}
	for xy, es := range m {
		if w.touches(Coord{z, xy[0], xy[1]}) {
			gone = append(gone, es...)
		}
	}
	return gone
}

// worldRect is a lon/lat bound in world fractions: x from 0 (−180°) to 1
// (+180°), y from 0 (north edge) to 1 (south edge).
type worldRect struct{ x0, y0, x1, y1 float64 }

// toWorld converts a closed lon/lat bound, and reports false for one that
// is not valid (inverted or NaN).
func toWorld(b orb.Bound) (worldRect, bool) {
	if !(b.Min[0] <= b.Max[0] && b.Min[1] <= b.Max[1]) { // also catches NaN
		return worldRect{}, false
	}
	return worldRect{
		x0: lonToWorld(b.Min[0]), x1: lonToWorld(b.Max[0]),
		y0: latToWorld(b.Max[1]), y1: latToWorld(b.Min[1]),
	}, true
}

// tiles returns the tiles of zoom z whose square grown by f tile widths
// intersects r, and false when there are none.
func (r worldRect) tiles(z int, f float64) (tileRange, bool) {
	n := float64(uint64(1) << uint(z))
	// Tile column x covers [x−f, x+1+f] in tile widths; it meets [a, b]
	// when x ≤ b+f and x ≥ a−1−f. Rows work the same way, with y south.
	lo := func(v float64) int { return int(clampf(math.Ceil(v*n-1-f), 0, n)) }
	hi := func(v float64) int { return int(clampf(math.Floor(v*n+f), -1, n-1)) }
	// Both clamps also map NaN and ±Inf (from a bound beyond the world)
	// into the grid.
	tr := tileRange{x0: lo(r.x0), x1: hi(r.x1), y0: lo(r.y0), y1: hi(r.y1)}
	if tr.x0 > tr.x1 || tr.y0 > tr.y1 {
		return tileRange{}, false
	}
	return tr, true
}

// tileRange is an inclusive range of tile columns and rows at one zoom.
type tileRange struct{ x0, y0, x1, y1 int }

func (r tileRange) count() int64 { return int64(r.x1-r.x0+1) * int64(r.y1-r.y0+1) }

func (r tileRange) contains(x, y int) bool {
	return x >= r.x0 && x <= r.x1 && y >= r.y0 && y <= r.y1
}

// rangeSlack widens the buffer by a hair of a tile so that rounding can
// only make invalidation drop a tile too many, never one too few.
const rangeSlack = 1e-6

// bufferFraction is the buffer in tile widths, plus the slack.
func bufferFraction(o tileOptions) float64 {
	return float64(o.buffer)/float64(o.extent) + rangeSlack
}

// coveredTiles returns the tiles of zoom z whose buffered bound (as
// BufferedBound computes it) intersects the closed lon/lat bound b, and
// false when there are none or b is not a valid bound.
func coveredTiles(b orb.Bound, z int, o tileOptions) (tileRange, bool) {
	r, ok := toWorld(b)
	if !ok {
		return tileRange{}, false
	}
	return r.tiles(z, bufferFraction(o))
}

// clampf clamps v into [lo, hi]; NaN gives lo.
func clampf(v, lo, hi float64) float64 {
	switch {
	case v >= hi:
		return hi
	case v >= lo:
		return v
	}
	return lo
}
