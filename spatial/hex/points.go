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
// same cost. What is cheap is cellToParent, which is bit arithmetic
// (Cell.parent): so each point's finest cell (res 15) is computed once and
// remembered, and a count at any res ≤ 15 derives its cells from it at a
// nanosecond each.
//
// The cache is an open-addressing table keyed by the feature's address and
// holding the point's coordinates with the cell. A hit needs both the
// address and the coordinates to match, so an entry can never be wrong:
// the cell is a pure function of the coordinates, and a feature replaced by
// an edit (a new *Feature, new coordinates) or a recycled address simply
// misses. Nothing has to listen to the change feed, and since the table
// holds no pointers it keeps no deleted feature alive. Keyed by address,
// not by coordinates, because hashing one word is several times cheaper
// than hashing two floats with Go's map (BenchmarkPointCells* measured 60
// ms vs 300 ms for 1M look-ups on this machine).

// DefaultPointCacheSize is the number of points a PointCells holds when
// given 0: 32 bytes each at a load of at most one half, so 8,000,000 points
// take at most 512 MB.
const DefaultPointCacheSize = 8_000_000

// PointCells remembers the res-15 cell of point features. It is safe for
// concurrent use; one serves every layer.
type PointCells struct {
	mu  sync.RWMutex
	tab []pointEntry // power-of-two length, at most half full
	n   int
	max int
}

type pointEntry struct {
	addr     uintptr // 0: empty
	lon, lat float64
	cell     Cell
}

// NewPointCells returns an empty cache bounded to max points (0:
// DefaultPointCacheSize). When full it is emptied and starts over.
func NewPointCells(max int) *PointCells {
	if max <= 0 {
		max = DefaultPointCacheSize
	}
	return &PointCells{tab: make([]pointEntry, 1024), max: max}
}

// Len returns the number of points held.
func (pc *PointCells) Len() int {
	pc.mu.RLock()
	defer pc.mu.RUnlock()
	return pc.n
}

func slot(addr uintptr, mask int) int {
	return int((uint64(addr)*0x9E3779B97F4A7C15)>>32) & mask // Fibonacci hashing
}

func addrOf(f *spatial.Feature) uintptr { return uintptr(unsafe.Pointer(f)) }

// get returns the cached cell of f at p, or 0. The caller holds a lock.
func (pc *PointCells) get(f *spatial.Feature, p orb.Point) Cell {
	a, mask := addrOf(f), len(pc.tab)-1
	for i := slot(a, mask); pc.tab[i].addr != 0; i = (i + 1) & mask {
		if e := &pc.tab[i]; e.addr == a {
			if e.lon == p[0] && e.lat == p[1] {
				return e.cell
			}
			return 0
		}
	}
	return 0
}

// put stores f's cell at p, replacing an entry for the same address. The
// caller holds the write lock.
func (pc *PointCells) put(f *spatial.Feature, p orb.Point, c Cell) {
	if pc.n+1 > pc.max {
		clear(pc.tab)
		pc.n = 0
	}
	if 2*(pc.n+1) > len(pc.tab) {
		pc.grow()
	}
	a, mask := addrOf(f), len(pc.tab)-1
	i := slot(a, mask)
	for pc.tab[i].addr != 0 && pc.tab[i].addr != a {
		i = (i + 1) & mask
	}
	if pc.tab[i].addr == 0 {
		pc.n++
	}
	pc.tab[i] = pointEntry{addr: a, lon: p[0], lat: p[1], cell: c}
}

func (pc *PointCells) grow() {
	old := pc.tab
	pc.tab = make([]pointEntry, 2*len(old))
	mask := len(pc.tab) - 1
	for _, e := range old {
		if e.addr == 0 {
			continue
		}
		i := slot(e.addr, mask)
		for pc.tab[i].addr != 0 {
			i = (i + 1) & mask
		}
		pc.tab[i] = e
	}
}

// Cells15 sets out[i] to the res-15 cell of point pts[i] of feature fs[i].
// It returns the index of the first point with coordinates out of range
// (and an *Error), having filled the others; -1 when all are good. pts and
// out must be as long as fs.
func (pc *PointCells) Cells15(fs []*spatial.Feature, pts []orb.Point, out []Cell) (int, error) {
	miss := 0
	pc.mu.RLock()
	for i, f := range fs {
		out[i] = pc.get(f, pts[i])
		if out[i] == 0 {
			miss++
		}
	}
	pc.mu.RUnlock()
	if miss == 0 {
		return -1, nil
	}
	bad, badErr := -1, error(nil)
	fresh := make([]int, 0, miss)
	for i, p := range pts {
		if out[i] != 0 {
			continue
		}
		if err := checkLonLat(p[0], p[1]); err != nil {
			if bad < 0 {
				bad, badErr = i, err
			}
			continue
		}
		out[i] = cellOf(p[0], p[1], MaxRes)
		fresh = append(fresh, i)
	}
	pc.mu.Lock()
	for _, i := range fresh {
		pc.put(fs[i], pts[i], out[i])
	}
	pc.mu.Unlock()
	return bad, badErr
}
