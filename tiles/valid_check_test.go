package tiles

import (
	"fmt"
)

// checkValid is the tests' own validity checker for cleanPolygon's output
// (a list of polygons: each exterior with positive area2, then its holes
// with negative area2). It is written apart from valid_check.go, with
// brute-force pairwise tests and a winding-number point test, so that the
// two can catch each other's mistakes. It checks OGC validity as PostGIS
// ST_IsValid does: simple rings with area, no crossings or overlapping
// spans between rings, rings touching only at points that do not close a
// cycle within a polygon, holes inside their exterior and outside each
// other, polygons' interiors disjoint.
func checkValid(rings [][]ipoint) error {
	if len(rings) == 0 {
		return nil
	}
	owner := make([]int, len(rings)) // the exterior each ring belongs to
	for i, r := range rings {
		if err := checkRing(r); err != nil {
			return fmt.Errorf("ring %d: %w", i, err)
		}
		switch a := shoelace(r); {
		case a > 0:
			owner[i] = i
		case i == 0:
			return fmt.Errorf("ring 0 has area %d: not an exterior", a)
		default:
			owner[i] = owner[i-1]
		}
	}
	if err := checkContacts(rings, owner); err != nil {
		return err
	}
	return checkNesting(rings, owner)
}

// checkRing: at least three points, no repeated vertex, no spike, area.
func checkRing(r []ipoint) error {
	if len(r) < 3 {
		return fmt.Errorf("%d points", len(r))
	}
	seen := make(map[ipoint]int, len(r))
	for k, p := range r {
		if j, ok := seen[p]; ok {
			return fmt.Errorf("vertex %v at %d and %d", p, j, k)
		}
		seen[p] = k
	}
	if shoelace(r) == 0 {
		return fmt.Errorf("zero area")
	}
	return nil
}

func shoelace(r []ipoint) int64 {
	var s int64
	for i := range r {
		a, b := r[i], r[(i+1)%len(r)]
		s += (int64(a.X) - int64(b.X)) * (int64(a.Y) + int64(b.Y))
	}
	return s // Σ xᵢyᵢ₊₁ − xᵢ₊₁yᵢ once the yᵢ·xᵢ terms cancel: area2's sign
}

type tseg struct {
	a, b    ipoint
	ring, k int
}

// checkContacts compares every pair of segments.
func checkContacts(rings [][]ipoint, owner []int) error {
	var segs []tseg
	for i, r := range rings {
		for k := range r {
			segs = append(segs, tseg{r[k], r[(k+1)%len(r)], i, k})
		}
	}
	// Union–find over rings and touching points (nodes ≥ len(rings)).
	parent := map[any]any{}
	var find func(x any) any
	find = func(x any) any {
		if p, ok := parent[x]; ok && p != x {
			r := find(p)
			parent[x] = r
			return r
		}
		return x
	}
	type inc struct {
		ring int
		p    ipoint
	}
	seenInc := map[inc]bool{}
	for i := range segs {
		for j := i + 1; j < len(segs); j++ {
			s, t := segs[i], segs[j]
			pts, many, crosses := commonPoints(s.a, s.b, t.a, t.b)
			if len(pts) == 0 && !many && !crosses {
				continue
			}
			if crosses {
				return fmt.Errorf("edges %d of ring %d and %d of ring %d cross", s.k, s.ring, t.k, t.ring)
			}
			if s.ring == t.ring {
				n := len(rings[s.ring])
				var shared ipoint
				switch {
				case (s.k+1)%n == t.k:
					shared = s.b
				case (t.k+1)%n == s.k:
					shared = t.b
				default:
					return fmt.Errorf("ring %d touches itself: edges %d and %d", s.ring, s.k, t.k)
				}
				if many || len(pts) != 1 || pts[0] != shared {
					return fmt.Errorf("ring %d: edges %d and %d overlap", s.ring, s.k, t.k)
				}
				continue
			}
			if many {
				return fmt.Errorf("rings %d and %d overlap along a span", s.ring, t.ring)
			}
			p := pts[0]
			if owner[s.ring] != owner[t.ring] {
				continue
			}
			for _, r := range []int{s.ring, t.ring} {
				if seenInc[inc{r, p}] {
					continue
				}
				seenInc[inc{r, p}] = true
				a, b := find(r), find(p)
				if a == b {
					return fmt.Errorf("ring %d closes a cycle of touching rings at %v", r, p)
				}
				parent[a] = b
			}
		}
	}
	return nil
}

// commonPoints returns the points segments ab and cd share when they touch
// (one point, an endpoint of one of them), whether they overlap along a
// span of positive length, and whether they cross properly.
func commonPoints(a, b, c, d ipoint) (pts []ipoint, many, crosses bool) {
	o := func(p, q, r ipoint) int64 {
		return (int64(q.X)-int64(p.X))*(int64(r.Y)-int64(p.Y)) - (int64(q.Y)-int64(p.Y))*(int64(r.X)-int64(p.X))
	}
	on := func(p, q, r ipoint) bool { // r on segment pq
		return o(p, q, r) == 0 &&
			(int64(r.X)-int64(p.X))*(int64(r.X)-int64(q.X))+(int64(r.Y)-int64(p.Y))*(int64(r.Y)-int64(q.Y)) <= 0
	}
	add := func(p ipoint) {
		for _, q := range pts {
			if q == p {
				return
			}
		}
		pts = append(pts, p)
	}
	for _, x := range [][3]ipoint{{c, d, a}, {c, d, b}, {a, b, c}, {a, b, d}} {
		if on(x[0], x[1], x[2]) {
			add(x[2])
		}
	}
	if len(pts) > 1 {
		return nil, true, false
	}
	if len(pts) == 1 {
		return pts, false, false
	}
	o1, o2, o3, o4 := o(a, b, c), o(a, b, d), o(c, d, a), o(c, d, b)
	crosses = (o1 > 0) != (o2 > 0) && (o3 > 0) != (o4 > 0) && o1 != 0 && o2 != 0 && o3 != 0 && o4 != 0
	return nil, false, crosses
}

// checkNesting: holes inside their exterior and outside their siblings;
// an exterior inside another polygon's exterior lies in one of its holes;
// no ring partly inside and partly outside another.
func checkNesting(rings [][]ipoint, owner []int) error {
	var err error
	in := func(a, b int) bool {
		r, e := windingInside(rings[a], rings[b])
		if e != nil && err == nil {
			err = fmt.Errorf("ring %d against ring %d: %w", a, b, e)
		}
		return r
	}
	for i := range rings {
		for k := range rings {
			if k != i {
				in(i, k)
			}
		}
	}
	if err != nil {
		return err
	}
	for i := range rings {
		e := owner[i]
		if e != i {
			if !in(i, e) {
				return fmt.Errorf("hole %d is not inside its exterior %d", i, e)
			}
			for k := range rings {
				if k != i && k != e && owner[k] == e && in(i, k) {
					return fmt.Errorf("hole %d is inside hole %d", i, k)
				}
			}
			continue
		}
		for k := range rings {
			if owner[k] != k || k == i || !in(i, k) {
				continue
			}
			ok := false
			for h := range rings {
				if owner[h] == k && h != k && in(i, h) {
					ok = true
				}
			}
			if !ok {
				return fmt.Errorf("exterior %d overlaps polygon %d", i, k)
			}
		}
	}
	return nil
}

// windingInside reports whether ring a lies inside ring b by the winding
// number of every vertex and edge midpoint of a off b's boundary (in
// doubled coordinates); an error when they disagree.
func windingInside(a, b []ipoint) (bool, error) {
	var in, decided bool
	for i := range a {
		p, q := a[i], a[(i+1)%len(a)]
		for _, pt := range [][2]int64{{2 * int64(p.X), 2 * int64(p.Y)}, {int64(p.X) + int64(q.X), int64(p.Y) + int64(q.Y)}} {
			w, onEdge := winding(pt[0], pt[1], b)
			switch {
			case onEdge:
			case !decided:
				in, decided = w != 0, true
			case in != (w != 0):
				return in, fmt.Errorf("partly inside, partly outside")
			}
		}
	}
	return in, nil
}

func winding(px, py int64, r []ipoint) (int, bool) {
	w := 0
	for i := range r {
		ax, ay := 2*int64(r[i].X), 2*int64(r[i].Y)
		bx, by := 2*int64(r[(i+1)%len(r)].X), 2*int64(r[(i+1)%len(r)].Y)
		c := (bx-ax)*(py-ay) - (by-ay)*(px-ax)
		if c == 0 && (px-ax)*(px-bx)+(py-ay)*(py-by) <= 0 {
			return 0, true
		}
		if ay <= py && by > py && c > 0 {
			w++
		} else if ay > py && by <= py && c < 0 {
			w--
		}
	}
	return w, false
}
