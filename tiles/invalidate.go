package tiles

import (
	"math"
	"slices"

	"github.com/paulmach/orb"
)

// invalidate drops the entries of the layer whose buffered tile intersects
// any of the bounds (all entries of the layer when there are none) and marks
// renders in flight for such tiles stale. For each zoom it either walks the
// tile range the bound covers or, when that range is larger than the number
// of cached tiles of the layer at that zoom, scans those tiles, so a small
// edit costs a few map lookups and a province-wide one is bounded by the
// cache size.
func (c *cache) invalidate(layer string, bounds []orb.Bound) {
	bounds = coalesce(bounds)
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, cl := range c.inflight {
		if slices.Contains(cl.layers, layer) && c.hits(cl.coord, bounds) {
			cl.stale = true
		}
	}
	for z := 0; z <= MaxZoom; z++ {
		m := c.byTile[layerZoom{layer, z}]
		if len(m) == 0 {
			continue
		}
		var gone []*entry
		if len(bounds) == 0 {
			for _, es := range m {
				gone = append(gone, es...)
			}
		}
		for _, b := range bounds {
			r, ok := coveredTiles(b, z, c.opts)
			if !ok {
				continue
			}
			if r.count() <= int64(len(m)) {
				for y := r.y0; y <= r.y1; y++ {
					for x := r.x0; x <= r.x1; x++ {
						gone = append(gone, m[[2]int{x, y}]...)
					}
				}
				continue
			}
			for xy, es := range m {
				if r.contains(xy[0], xy[1]) {
					gone = append(gone, es...)
				}
			}
		}
		for _, e := range gone {
			if cur, live := c.byKey[e.key]; live && cur == e {
				c.remove(e)
				c.st.Invalidated++
			}
		}
	}
}

// maxBounds is how many bounds invalidate handles one by one; a larger
// batch (a bulk load) is replaced by its union, which may drop more tiles
// than needed but keeps the time spent under the cache lock bounded.
const maxBounds = 64

func coalesce(bounds []orb.Bound) []orb.Bound {
	if len(bounds) <= maxBounds {
		return bounds
	}
	u := bounds[0]
	for _, b := range bounds[1:] {
		u = u.Union(b)
	}
	return []orb.Bound{u}
}

// hits reports whether the buffered tile at coord intersects any of the
// bounds, or whether there are none.
func (c *cache) hits(coord Coord, bounds []orb.Bound) bool {
	if len(bounds) == 0 {
		return true
	}
	for _, b := range bounds {
		if r, ok := coveredTiles(b, coord.Z, c.opts); ok && r.contains(coord.X, coord.Y) {
			return true
		}
	}
	return false
}

// tileRange is an inclusive range of tile columns and rows at one zoom.
type tileRange struct{ x0, y0, x1, y1 int }

func (r tileRange) count() int64 { return int64(r.x1-r.x0+1) * int64(r.y1-r.y0+1) }

func (r tileRange) contains(x, y int) bool {
	return x >= r.x0 && x <= r.x1 && y >= r.y0 && y <= r.y1
}

// rangeSlack widens a covered range by a hair of a tile so that rounding
// can only make invalidation drop a tile too many, never one too few.
const rangeSlack = 1e-6

// coveredTiles returns the tiles of zoom z whose buffered bound (as
// BufferedBound computes it) intersects the closed lon/lat bound b, and
// false when there are none or b is not a valid bound.
func coveredTiles(b orb.Bound, z int, o tileOptions) (tileRange, bool) {
	if !(b.Min[0] <= b.Max[0] && b.Min[1] <= b.Max[1]) { // also catches NaN
		return tileRange{}, false
	}
	n := float64(uint64(1) << uint(z))
	f := float64(o.buffer)/float64(o.extent) + rangeSlack
	// Tile column x covers [x−f, x+1+f] in tile widths; it meets [a, b]
	// when x ≤ b+f and x ≥ a−1−f. Rows work the same way, with y south.
	lo := func(v float64) int { return int(clampf(math.Ceil(v*n-1-f), 0, n)) }
	hi := func(v float64) int { return int(clampf(math.Floor(v*n+f), -1, n-1)) }
	r := tileRange{
		x0: lo(lonToWorld(b.Min[0])), x1: hi(lonToWorld(b.Max[0])),
		y0: lo(latToWorld(b.Max[1])), y1: hi(latToWorld(b.Min[1])),
	}
	if r.x0 > r.x1 || r.y0 > r.y1 {
		return tileRange{}, false
	}
	return r, true
}

func clampf(v, lo, hi float64) float64 { return math.Max(lo, math.Min(v, hi)) }
