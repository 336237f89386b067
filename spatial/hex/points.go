package hex

import (
	"sync"
	"unsafe"

	"bando/spatial"
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
// Each resolution has an open-addressing table keyed by the *Feature. A
// feature is immutable once indexed (spatial.Feature's contract) and an
// edit stores a new *Feature, so an entry can never be stale, and nothing
// has to listen to the change feed. Keyed by the pointer so that a hit
// does not even read the feature: the cost of counting a point is one
// probe of this table and one of the answer's, not the two extra cache
// misses of loading the feature and its coordinates (that variant, keyed
// by address and checking the coordinates, took 135–152 CPU-ms per
// BenchmarkCount1M question against 102–126 for this one). The table holds the pointers, so replaced and deleted
// features stay alive until it reaches its bound and starts over: the
// bound is what limits that memory.

// DefaultPointCacheSize is the number of (point feature, resolution) cells
// a PointCells holds when given 0: 16 bytes each at a load of at most one
// half, so 4,000,000 take at most 128 MB besides the features they keep.
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
	f    *spatial.Feature // nil: empty
	cell Cell
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

func slot(f *spatial.Feature, mask int) int {
	return int((uint64(uintptr(unsafe.Pointer(f)))*0x9E3779B97F4A7C15)>>32) & mask // Fibonacci hashing
}

// get returns the cached cell of f, or 0. The caller holds a lock.
func (t *pointTable) get(f *spatial.Feature) Cell {
	if t.slots == nil {
		return 0
	}
	mask := len(t.slots) - 1
	for i := slot(f, mask); t.slots[i].f != nil; i = (i + 1) & mask {
		if t.slots[i].f == f {
			return t.slots[i].cell
		}
	}
	return 0
}

// put stores f's cell and reports whether it added an entry. The caller
// holds the write lock.
func (t *pointTable) put(f *spatial.Feature, c Cell) bool {
	if 2*(t.n+1) > len(t.slots) {
		t.grow()
	}
	mask := len(t.slots) - 1
	i := slot(f, mask)
	for t.slots[i].f != nil && t.slots[i].f != f {
		i = (i + 1) & mask
	}
	added := t.slots[i].f == nil
	if added {
		t.n++
	}
	t.slots[i] = pointSlot{f: f, cell: c}
	return added
}

func (t *pointTable) grow() {
	old := t.slots
	t.slots = make([]pointSlot, max(1024, 2*len(old)))
	mask := len(t.slots) - 1
	for _, s := range old {
		if s.f == nil {
			continue
		}
		i := slot(s.f, mask)
		for t.slots[i].f != nil {
			i = (i + 1) & mask
		}
		t.slots[i] = s
	}
}

// Lookup sets out[i] to the cached cell at res of fs[i], or 0 where none
// is cached (a point not seen yet at res, or not a point). It does not
// read the features. out must be as long as fs.
func (pc *PointCells) Lookup(fs []*spatial.Feature, res int, out []Cell) {
	pc.mu.RLock()
	t := &pc.tabs[res]
	for i, f := range fs {
		out[i] = t.get(f)
	}
	pc.mu.RUnlock()
}

// Compute sets out[i] to the cell at res of point pts[i] of feature fs[i]
// and remembers it. It returns the index of the first point with
// coordinates out of range (and an *Error), having done the others; -1
// when all are good. pts and out must be as long as fs.
func (pc *PointCells) Compute(fs []*spatial.Feature, pts []orb.Point, res int, out []Cell) (int, error) {
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
	if pc.n+len(fs) > pc.max {
		pc.tabs, pc.n = [MaxRes + 1]pointTable{}, 0
	}
	t := &pc.tabs[res]
	for i, f := range fs {
		if out[i] != 0 && pc.n < pc.max && t.put(f, out[i]) {
			pc.n++
		}
	}
	pc.mu.Unlock()
	return bad, badErr
}
