package tiles

import (
	"cmp"
	"slices"
)

// firstInvalid checks polygons' rings — each exterior (positive area2)
// followed by its holes (negative area2), every ring free of spikes with at
// least three points — and returns -1 when they are valid, or else the
// index of a ring to blame: one that touches or crosses itself, overlaps
// or crosses another ring, whose touching points with other rings of its
// polygon enclose part of the interior, a hole outside its exterior or
// inside another hole, or an exterior inside another polygon but in none of
// its holes.
func firstInvalid(rings [][]ipoint) int {
	if len(rings) == 0 {
		return -1
	}
	if area2(rings[0]) <= 0 {
		return 0
	}
	var buf [8]int
	poly := buf[:0] // index of each ring's exterior
	if len(rings) > len(buf) {
		poly = make([]int, 0, len(rings))
	}
	poly = append(poly, 0)
	for i := 1; i < len(rings); i++ {
		if area2(rings[i]) > 0 {
			poly = append(poly, i)
		} else {
			poly = append(poly, poly[i-1])
		}
	}
	bad, touch := firstContact(rings, poly)
	if bad >= 0 {
		return bad
	}
	return firstMisplaced(rings, poly, touch)
}

// touch is a ring passing through a point where another ring of its
// polygon touches it.
type touch struct {
	ring int
	p    ipoint
}

// firstContact returns a ring with a forbidden contact, or -1, and the
// pairs of rings that touch. Rings may meet only at isolated points;
// within a polygon the graph of rings and touching points must have no
// cycle (a cycle encloses part of the interior: a hole touching the
// exterior twice, three holes in a ring).
func firstContact(rings [][]ipoint, poly []int) (int, map[[2]int]bool) {
	bad := -1
	var touches []touch
	var pairs map[[2]int]bool
	meetings(rings, func(s, t *segment, c contact) bool {
		if s.ring == t.ring {
			n := len(rings[s.ring])
			if c.kind == contactPoint && ((s.i+1)%n == t.i || (t.i+1)%n == s.i) {
				return true // neighbours meeting at their shared vertex
			}
			bad = s.ring
			return false
		}
		if c.kind != contactPoint {
			bad = max(s.ring, t.ring)
			return false
		}
		if pairs == nil {
			pairs = make(map[[2]int]bool)
		}
		pairs[[2]int{min(s.ring, t.ring), max(s.ring, t.ring)}] = true
		if poly[s.ring] == poly[t.ring] {
			touches = append(touches, touch{s.ring, c.p}, touch{t.ring, c.p})
		}
		return true
	})
	if bad >= 0 {
		return bad, nil
	}
	return touchCycle(touches, len(rings)), pairs
}

// touchCycle returns a ring that closes a cycle in the graph whose nodes
// are rings and touching points, or -1.
func touchCycle(touches []touch, nRings int) int {
	slices.SortFunc(touches, func(a, b touch) int {
		if c := cmp.Compare(a.p.X, b.p.X); c != 0 {
			return c
		}
		if c := cmp.Compare(a.p.Y, b.p.Y); c != 0 {
			return c
		}
		return cmp.Compare(a.ring, b.ring)
	})
	touches = slices.Compact(touches)
	parent := make([]int, nRings, nRings+len(touches))
	for i := range parent {
		parent[i] = i
	}
	find := func(x int) int {
		for parent[x] != x {
			parent[x] = parent[parent[x]]
			x = parent[x]
		}
		return x
	}
	node := -1
	for i, t := range touches {
		if i == 0 || t.p != touches[i-1].p {
			node = len(parent)
			parent = append(parent, node)
		}
		a, b := find(t.ring), find(node)
		if a == b {
			return t.ring
		}
		parent[a] = b
	}
	return -1
}

// firstMisplaced returns a hole that is not inside its exterior or is
// inside another hole of its polygon, or an exterior that lies inside
// another polygon's exterior but in none of its holes, or a ring that is
// partly inside and partly outside another; or -1. Rings do not cross, so
// for rings that do not touch one point decides; rings that touch are
// compared point by point (touch holds those pairs).
func firstMisplaced(rings [][]ipoint, poly []int, touch map[[2]int]bool) int {
	bad := -1
	in := func(a, b int) bool {
		r, ok := relate(rings[a], rings[b], touch[[2]int{min(a, b), max(a, b)}])
		if !ok && bad < 0 {
			bad = a
		}
		return r
	}
	for i := range rings {
		e := poly[i]
		if e != i {
			if !in(i, e) {
				return i
			}
			for k := e + 1; k < len(rings) && poly[k] == e; k++ {
				if k != i && in(i, k) {
					return i
				}
			}
			if bad >= 0 {
				return bad
			}
			continue
		}
		for k := range rings {
			if poly[k] != k || k == i || !in(i, k) {
				continue
			}
			inHole := false
			for h := k + 1; h < len(rings) && poly[h] == k && !inHole; h++ {
				inHole = in(i, h)
			}
			if !inHole {
				return i
			}
		}
		if bad >= 0 {
			return bad
		}
	}
	return -1
}

// inside reports whether ring a, which does not cross or touch ring b,
// lies inside it.
func inside(a, b []ipoint) bool {
	r, _ := relate(a, b, false)
	return r
}

// relate reports whether ring a lies inside ring b, given that they do not
// cross. Without touching, the first vertex or edge midpoint of a off b's
// boundary decides; with touching, every one of them must agree (ok is
// false when they do not: a runs from b's inside to its outside through
// shared vertices).
func relate(a, b []ipoint, touching bool) (in, ok bool) {
	if !touching && !boundWithin(a, b) {
		return false, true
	}
	decided := false
	for i, p := range a {
		q := a[(i+1)%len(a)]
		for _, l := range [2]int{
			locate(2*int64(p.X), 2*int64(p.Y), b),
			locate(int64(p.X)+int64(q.X), int64(p.Y)+int64(q.Y), b),
		} {
			switch {
			case l == 0:
			case !decided:
				in, decided = l > 0, true
				if !touching {
					return in, true
				}
			case in != (l > 0):
				return in, false
			}
		}
	}
	return in, true // undecided: a lies on b's boundary, the same ring
}

// boundWithin reports whether a's bounding box lies within b's.
func boundWithin(a, b []ipoint) bool {
	ax0, ay0, ax1, ay1 := ringBound(a)
	bx0, by0, bx1, by1 := ringBound(b)
	return ax0 >= bx0 && ay0 >= by0 && ax1 <= bx1 && ay1 <= by1
}

func ringBound(r []ipoint) (x0, y0, x1, y1 int32) {
	x0, y0, x1, y1 = r[0].X, r[0].Y, r[0].X, r[0].Y
	for _, p := range r[1:] {
		x0, y0, x1, y1 = min(x0, p.X), min(y0, p.Y), max(x1, p.X), max(y1, p.Y)
	}
	return x0, y0, x1, y1
}

// locate places the point (px, py), in doubled tile coordinates, against
// ring r: 1 inside, 0 on the boundary, -1 outside (even–odd crossings).
func locate(px, py int64, r []ipoint) int {
	in := false
	for i := range r {
		a, b := r[i], r[(i+1)%len(r)]
		ax, ay, bx, by := 2*int64(a.X), 2*int64(a.Y), 2*int64(b.X), 2*int64(b.Y)
		c := (bx-ax)*(py-ay) - (by-ay)*(px-ax)
		if c == 0 && min(ax, bx) <= px && px <= max(ax, bx) && min(ay, by) <= py && py <= max(ay, by) {
			return 0
		}
		if (ay > py) != (by > py) {
			// The edge crosses the horizontal through p; count it when
			// the crossing is to the right of p.
			if (c > 0) == (by > ay) {
				in = !in
			}
		}
	}
	if in {
		return 1
	}
	return -1
}
