package ingest

import (
	"math"
	"slices"

	"github.com/paulmach/orb"
)

// Kinds of contact between two segments.
const (
	noContact = iota
	touch     // they meet at one point that is an end point of one of them
	cross     // they cross at a point interior to both
	overlap   // they share a stretch of line
)

// contact is where two segments of a polygon's rings meet, other than the
// shared vertex of consecutive segments of one ring.
type contact struct {
	kind        int
	at          orb.Point
	ringA, segA int
	ringB, segB int
}

// classify tells how segments p1–p2 and q1–q2 meet.
func classify(p1, p2, q1, q2 orb.Point) (int, orb.Point) {
	o1, o2 := orient(p1, p2, q1), orient(p1, p2, q2)
	o3, o4 := orient(q1, q2, p1), orient(q1, q2, p2)
	if o1 == 0 && o2 == 0 { // collinear: compare the extents
		var shared []orb.Point
		for _, c := range [...]struct{ a, b, p orb.Point }{{p1, p2, q1}, {p1, p2, q2}, {q1, q2, p1}, {q1, q2, p2}} {
			if between(c.a, c.b, c.p) && !slices.Contains(shared, c.p) {
				shared = append(shared, c.p)
			}
		}
		switch len(shared) {
		case 0:
			return noContact, orb.Point{}
		case 1:
			return touch, shared[0]
		}
		return overlap, orb.Point{}
	}
	if o1 != 0 && o2 != 0 && o3 != 0 && o4 != 0 {
		if o1 != o2 && o3 != o4 {
			return cross, crossPoint(p1, p2, q1, q2)
		}
		return noContact, orb.Point{}
	}
	switch {
	case o1 == 0 && between(p1, p2, q1):
		return touch, q1
	case o2 == 0 && between(p1, p2, q2):
		return touch, q2
	case o3 == 0 && between(q1, q2, p1):
		return touch, p1
	case o4 == 0 && between(q1, q2, p2):
		return touch, p2
	}
	return noContact, orb.Point{}
}

// crossPoint is the intersection of two properly crossing segments, rounded
// to float64 and clamped into both segments' boxes.
func crossPoint(p1, p2, q1, q2 orb.Point) orb.Point {
	d := (p2[0]-p1[0])*(q2[1]-q1[1]) - (p2[1]-p1[1])*(q2[0]-q1[0])
	t := ((q1[0]-p1[0])*(q2[1]-q1[1]) - (q1[1]-p1[1])*(q2[0]-q1[0])) / d
	x := orb.Point{p1[0] + t*(p2[0]-p1[0]), p1[1] + t*(p2[1]-p1[1])}
	for i := range 2 {
		lo := math.Max(math.Min(p1[i], p2[i]), math.Min(q1[i], q2[i]))
		hi := math.Min(math.Max(p1[i], p2[i]), math.Max(q1[i], q2[i]))
		x[i] = math.Min(math.Max(x[i], lo), hi)
	}
	return x
}

type segment struct {
	a, b       orb.Point
	minX, maxX float64
	minY, maxY float64
	ring, idx  int
	last       bool // last segment of its ring (adjacent to segment 0)
}

// contacts finds every contact between the segments of the rings (closed,
// without consecutive duplicates), with a sweep over x so that rings of many
// thousands of vertices stay fast. It stops after limit contacts.
func contacts(rings []orb.Ring, limit int) []contact {
	n := 0
	for _, r := range rings {
		n += len(r) - 1
	}
	var buf [32]segment
	segs := buf[:0]
	if n > len(buf) {
		segs = make([]segment, 0, n)
	}
	for ri, r := range rings {
		for i := 0; i+1 < len(r); i++ {
			a, b := r[i], r[i+1]
			segs = append(segs, segment{a: a, b: b,
				minX: math.Min(a[0], b[0]), maxX: math.Max(a[0], b[0]),
				minY: math.Min(a[1], b[1]), maxY: math.Max(a[1], b[1]),
				ring: ri, idx: i, last: i+2 == len(r)})
		}
	}
	if n <= len(buf) {
		return contactsSmall(segs, limit)
	}
	slices.SortFunc(segs, func(x, y segment) int {
		switch {
		case x.minX < y.minX:
			return -1
		case x.minX > y.minX:
			return 1
		}
		return 0
	})
	var out []contact
	active := make([]int, 0, 16)
	for i := range segs {
		s := &segs[i]
		keep := active[:0]
		for _, j := range active {
			if segs[j].maxX >= s.minX {
				keep = append(keep, j)
			}
		}
		active = keep
		for _, j := range active {
			t := &segs[j]
			if t.maxY < s.minY || t.minY > s.maxY || adjacent(s, t) {
				continue
			}
			kind, at := classify(t.a, t.b, s.a, s.b)
			if kind == noContact {
				continue
			}
			out = append(out, contact{kind: kind, at: at, ringA: t.ring, segA: t.idx, ringB: s.ring, segB: s.idx})
			if len(out) >= limit {
				return out
			}
		}
		active = append(active, i)
	}
	return out
}

func adjacent(s, t *segment) bool {
	if s.ring != t.ring {
		return false
	}
	d := s.idx - t.idx
	return d == 1 || d == -1 || s.idx == 0 && t.last || t.idx == 0 && s.last
}

// contactsSmall compares every pair: for a few dozen segments that is
// cheaper than sorting.
func contactsSmall(segs []segment, limit int) []contact {
	var out []contact
	for i := range segs {
		s := &segs[i]
		for j := i + 1; j < len(segs); j++ {
			t := &segs[j]
			if t.maxX < s.minX || t.minX > s.maxX || t.maxY < s.minY || t.minY > s.maxY || adjacent(s, t) {
				continue
			}
			kind, at := classify(s.a, s.b, t.a, t.b)
			if kind == noContact {
				continue
			}
			out = append(out, contact{kind: kind, at: at, ringA: s.ring, segA: s.idx, ringB: t.ring, segB: t.idx})
			if len(out) >= limit {
				return out
			}
		}
	}
	return out
}
