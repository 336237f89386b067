package hex

import (
	"math"
	"sync"
	"sync/atomic"

	"github.com/paulmach/orb"
)

// Why a cache: one cgo h3.LatLngToCell costs 1.4 µs or more on the 2-core
// machine (BenchmarkLatLngToCellCgo), so 1,000,000 points would take over a
// second even on both cores, ten times the 150 ms budget of an H3 count. A
// pure-Go port of latLngToCell would do the same trigonometry at about the
// same cost. So each point's cell is computed once per resolution and
// remembered.
//
// Not once at res 15 with coarser cells derived by cellToParent: H3's
// hierarchy is not geometric. A res-8 cell's children stick out of it, and
// for about 6.5 % of random points the res-8 parent of their res-15 cell is
// not the res-8 cell that holds them (TestParentIsNotContainment), while
// the issue asks for exactly H3's latLngToCell at the asked resolution.
//
// Each resolution has an open-addressing table keyed by the point's
// coordinates (their float64 bits): the same position always has the same
// cell, so an entry can never be stale, nothing has to listen to the
// change feed, and the table holds no pointers for the GC to scan. (It was
// keyed by the *Feature, a little faster — 102–126 against 135–152 CPU-ms
// per BenchmarkCount1M question — but the index now materialises features
// on demand, so pointers are no identity, and the table kept replaced
// features alive.)

// DefaultPointCacheSize is the number of (point feature, resolution) cells
// a PointCells holds when given 0: 24 bytes each at a load of at most one
// half, so 4,000,000 take at most 192 MB.
const DefaultPointCacheSize = 4_000_000

// PointCells remembers the cells of point features, per resolution. It is
// safe for concurrent use; one serves every layer.
type PointCells struct {
	mu   sync.RWMutex
	tabs [MaxRes + 1]pointTable
	n    int // entries in all tables
	max  int
}

// pointTable is the table of one resolution.
type pointTable struct {
	slots []pointSlot // power-of-two length, at most half full; nil until used
	n     int
}

type pointSlot struct {
	x, y uint64 // the point's lon and lat bits
	cell Cell   // 0: empty (no valid cell is 0)
}

// NewPointCells returns an empty cache bounded to max entries (0:
// DefaultPointCacheSize). When full it is emptied and starts over.
func NewPointCells(max int) *PointCells {
	if max <= 0 {
		max = DefaultPointCacheSize
	}
	return &PointCells{max: max}
}

// Len returns the number of entries held.
func (pc *PointCells) Len() int {
	pc.mu.RLock()
	defer pc.mu.RUnlock()
	return pc.n
}

func slot(x, y uint64, mask int) int {
	return int(((x*0x9E3779B97F4A7C15)^(y*0xC2B2AE3D27D4EB4F))>>32) & mask
}

func bits(p orb.Point) (uint64, uint64) { return math.Float64bits(p[0]), math.Float64bits(p[1]) }

// get returns the cached cell of p, or 0. The caller holds a lock.
func (t *pointTable) get(p orb.Point) Cell {
	if t.slots == nil {
		return 0
	}
	x, y := bits(p)
	mask := len(t.slots) - 1
	for i := slot(x, y, mask); t.slots[i].cell != 0; i = (i + 1) & mask {
		if s := &t.slots[i]; s.x == x && s.y == y {
			return s.cell
		}
	}
	return 0
}

// put stores p's cell and reports whether it added an entry. The caller
// holds the write lock.
func (t *pointTable) put(p orb.Point, c Cell) bool {
	if 2*(t.n+1) > len(t.slots) {
		t.grow()
	}
	x, y := bits(p)
	mask := len(t.slots) - 1
	i := slot(x, y, mask)
	for t.slots[i].cell != 0 && (t.slots[i].x != x || t.slots[i].y != y) {
		i = (i + 1) & mask
	}
	added := t.slots[i].cell == 0
	if added {
		t.n++
	}
	t.slots[i] = pointSlot{x: x, y: y, cell: c}
	return added
}

func (t *pointTable) grow() {
	old := t.slots
	t.slots = make([]pointSlot, max(1024, 2*len(old)))
	mask := len(t.slots) - 1
	for _, s := range old {
		if s.cell == 0 {
			continue
		}
		i := slot(s.x, s.y, mask)
		for t.slots[i].cell != 0 {
			i = (i + 1) & mask
		}
		t.slots[i] = s
	}
}

// Lookup sets out[i] to the cached cell at res of point pts[i], or 0
// where none is cached. out must be as long as pts.
func (pc *PointCells) Lookup(pts []orb.Point, res int, out []Cell) {
	pc.mu.RLock()
	defer pc.mu.RUnlock() // a panic below (a bug) must not leave the cache locked
	t := &pc.tabs[res]
	if t.slots == nil {
		clear(out)
		return
	}
	// The table is far bigger than the caches, and points come in any
	// order: each look-up is a miss. Touching the home slots of a group of
	// points first lets the CPU wait for their misses together, not one
	// after the other (about twice as fast on BenchmarkCount1M).
	mask := len(t.slots) - 1
	var sink Cell
	for i := 0; i < len(pts); i += touchGroup {
		g := pts[i:min(i+touchGroup, len(pts))]
		for _, p := range g {
			x, y := bits(p)
			sink |= t.slots[slot(x, y, mask)].cell
		}
		for j, p := range g {
			out[i+j] = t.get(p)
		}
	}
	touched.Store(uint64(sink))
}

// touchGroup is how many look-ups start their memory loads together.
const touchGroup = 16

// touched keeps the touching loads from being optimised away.
var touched atomic.Uint64

// Compute sets out[i] to the cell at res of point pts[i] and remembers
// it. It returns the index of the first point with coordinates out of
// range (and an *Error), having done the others; -1 when all are good.
// out must be as long as pts.
func (pc *PointCells) Compute(pts []orb.Point, res int, out []Cell) (int, error) {
	bad, badErr := -1, error(nil)
	for i, p := range pts {
		out[i] = 0
		if err := checkLonLat(p[0], p[1]); err != nil {
			if bad < 0 {
				bad, badErr = i, err
			}
			continue
		}
		out[i] = cellOf(p[0], p[1], res)
	}
	pc.mu.Lock()
	defer pc.mu.Unlock()
	if pc.n+len(pts) > pc.max {
		pc.tabs, pc.n = [MaxRes + 1]pointTable{}, 0
	}
	t := &pc.tabs[res]
	for i := range pts {
		if out[i] != 0 && pc.n < pc.max && t.put(pts[i], out[i]) {
			pc.n++
		}
	}
	return bad, badErr
}
