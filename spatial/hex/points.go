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
// Each resolution has an open-addressing table keyed by the feature's
// address and holding the point's coordinates with the cell. A hit needs
// both the address and the coordinates to match, so an entry can never be
// wrong: the cell is a pure function of the coordinates, and a feature
// replaced by an edit (a new *Feature, new coordinates) or a recycled
// address simply misses. Nothing has to listen to the change feed, and
// since the table holds no pointers it keeps no deleted feature alive.
// Keyed by address, not by coordinates, because hashing one word is
// several times cheaper than hashing two floats with Go's map (60 ms
// against 300 ms for 1M look-ups on this machine).

// DefaultPointCacheSize is the number of (point, resolution) cells a
// PointCells holds when given 0: 32 bytes each at a load of at most one
// half, so 8,000,000 take at most 512 MB.
const DefaultPointCacheSize = 8_000_000

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
	tab []pointEntry // power-of-two length, at most half full; nil until used
	n   int
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
	return &PointCells{max: max}
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
func (pc *pointTable) get(f *spatial.Feature, p orb.Point) Cell {
	if pc.tab == nil {
		return 0
	}
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

// put stores f's cell at p, replacing an entry for the same address, and
// reports whether it added an entry. The caller holds the write lock.
func (pc *pointTable) put(f *spatial.Feature, p orb.Point, c Cell) bool {
	if 2*(pc.n+1) > len(pc.tab) {
		pc.grow()
	}
	a, mask := addrOf(f), len(pc.tab)-1
	i := slot(a, mask)
	for pc.tab[i].addr != 0 && pc.tab[i].addr != a {
		i = (i + 1) & mask
	}
	added := pc.tab[i].addr == 0
	if added {
		pc.n++
	}
	pc.tab[i] = pointEntry{addr: a, lon: p[0], lat: p[1], cell: c}
	return added
}

func (pc *pointTable) grow() {
	old := pc.tab
	pc.tab = make([]pointEntry, max(1024, 2*len(old)))
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

// Cells sets out[i] to the cell at res (0..15) of point pts[i] of feature
// fs[i]. It returns the index of the first point with coordinates out of
// range (and an *Error), having filled the others; -1 when all are good.
// pts and out must be as long as fs.
func (pc *PointCells) Cells(fs []*spatial.Feature, pts []orb.Point, res int, out []Cell) (int, error) {
	miss := 0
	pc.mu.RLock()
	t := &pc.tabs[res]
	for i, f := range fs {
		out[i] = t.get(f, pts[i])
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
		out[i] = cellOf(p[0], p[1], res)
		fresh = append(fresh, i)
	}
	pc.mu.Lock()
	if pc.n+len(fresh) > pc.max {
		pc.tabs, pc.n = [MaxRes + 1]pointTable{}, 0
	}
	for _, i := range fresh {
		if pc.n < pc.max && t.put(fs[i], pts[i], out[i]) {
			pc.n++
		}
	}
	pc.mu.Unlock()
	return bad, badErr
}
