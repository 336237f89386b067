package tiles

import (
	"math"
	"slices"
	"sync"
)

// segment is the edge of ring from vertex i to vertex i+1 (wrapping).
type segment struct {
	a, b    ipoint
	ring, i int
	minX    int32 // min(a.X, b.X), the sweep key
}

// appendSegments appends every edge of the open rings to segs.
func appendSegments(segs []segment, rings [][]ipoint) []segment {
	for k, r := range rings {
		for i, a := range r {
			b := r[(i+1)%len(r)]
			segs = append(segs, segment{a: a, b: b, ring: k, i: i, minX: min(a.X, b.X)})
		}
	}
	return segs
}

// sweepScratch holds meetings' buffers between calls: cleanPolygon runs
// for every polygon of every tile, most of them small.
type sweepScratch struct {
	segs   []segment
	keys   []uint64
	active []uint32
}

var sweepPool = sync.Pool{New: func() any { return new(sweepScratch) }}

// meetings calls fn for every pair of the rings' segments that have a
// point in common, with how they meet, until fn returns false. The
// segments passed to fn are only valid during the call. It sweeps along x,
// so only segments whose x ranges overlap are compared.
func meetings(rings [][]ipoint, fn func(s, t *segment, c contact) bool) {
	sc := sweepPool.Get().(*sweepScratch)
	defer sweepPool.Put(sc)
	segs := appendSegments(sc.segs[:0], rings)
	sc.segs = segs
	// Sort packed (minX, index) keys: much faster than sorting segments.
	keys := sc.keys[:0]
	for i := range segs {
		keys = append(keys, uint64(uint32(segs[i].minX)^0x80000000)<<32|uint64(i))
	}
	sc.keys = keys
	slices.Sort(keys)
	// Indexes, not pointers: compacting a pointer slice costs a write
	// barrier per element while the GC runs.
	active := sc.active[:0]
	defer func() { sc.active = active }()
	for _, k := range keys {
		s := &segs[uint32(k)]
		keep := active[:0]
		for _, ti := range active {
			if t := &segs[ti]; max(t.a.X, t.b.X) >= s.minX {
				keep = append(keep, ti)
			}
		}
		active = keep
		sy0, sy1 := min(s.a.Y, s.b.Y), max(s.a.Y, s.b.Y)
		for _, ti := range active {
			t := &segs[ti]
			if max(t.a.Y, t.b.Y) < sy0 || min(t.a.Y, t.b.Y) > sy1 {
				continue
			}
			if c := intersect(t.a, t.b, s.a, s.b); c.kind != contactNone {
				if !fn(t, s, c) {
					return
				}
			}
		}
		active = append(active, uint32(k))
	}
}

// Kinds of contact between two segments.
const (
	contactNone    = iota
	contactPoint   // one point in common, an endpoint of at least one of them
	contactOverlap // collinear with a common stretch from p to q
	contactCross   // proper crossing; p is the crossing rounded to the grid
)

type contact struct {
	kind int
	p, q ipoint
}

// intersect says how segments ab and cd (each of non-zero length) meet.
func intersect(a, b, c, d ipoint) contact {
	d1, d2 := sign(cross(c, d, a)), sign(cross(c, d, b))
	d3, d4 := sign(cross(a, b, c)), sign(cross(a, b, d))
	if d1*d2 < 0 && d3*d4 < 0 {
		return contact{kind: contactCross, p: crossing(a, b, c, d)}
	}
	if d1 == 0 && d2 == 0 {
		return collinear(a, b, c, d)
	}
	switch {
	case d1 == 0 && within(c, d, a):
		return contact{kind: contactPoint, p: a}
	case d2 == 0 && within(c, d, b):
		return contact{kind: contactPoint, p: b}
	case d3 == 0 && within(a, b, c):
		return contact{kind: contactPoint, p: c}
	case d4 == 0 && within(a, b, d):
		return contact{kind: contactPoint, p: d}
	}
	return contact{}
}

// collinear says how two segments on one line meet.
func collinear(a, b, c, d ipoint) contact {
	key := func(p ipoint) int32 { return p.Y }
	if a.X != b.X {
		key = func(p ipoint) int32 { return p.X }
	}
	lo1, hi1 := a, b
	if key(lo1) > key(hi1) {
		lo1, hi1 = hi1, lo1
	}
	lo2, hi2 := c, d
	if key(lo2) > key(hi2) {
		lo2, hi2 = hi2, lo2
	}
	lo, hi := lo1, hi1
	if key(lo2) > key(lo) {
		lo = lo2
	}
	if key(hi2) < key(hi) {
		hi = hi2
	}
	switch {
	case key(lo) > key(hi):
		return contact{}
	case lo == hi:
		return contact{kind: contactPoint, p: lo}
	}
	return contact{kind: contactOverlap, p: lo, q: hi}
}

// within reports whether p, known to be on the line through a and b, lies
// on the closed segment ab.
func within(a, b, p ipoint) bool {
	return min(a.X, b.X) <= p.X && p.X <= max(a.X, b.X) && min(a.Y, b.Y) <= p.Y && p.Y <= max(a.Y, b.Y)
}

// crossing returns the crossing point of ab and cd rounded to the grid.
func crossing(a, b, c, d ipoint) ipoint {
	den := float64(int64(b.X-a.X)*int64(d.Y-c.Y) - int64(b.Y-a.Y)*int64(d.X-c.X))
	num := float64(int64(c.X-a.X)*int64(d.Y-c.Y) - int64(c.Y-a.Y)*int64(d.X-c.X))
	t := num / den
	return ipoint{
		int32(math.Round(float64(a.X) + t*float64(b.X-a.X))),
		int32(math.Round(float64(a.Y) + t*float64(b.Y-a.Y))),
	}
}

func sign(v int64) int {
	switch {
	case v > 0:
		return 1
	case v < 0:
		return -1
	}
	return 0
}
