package tiles

import "github.com/paulmach/orb"

// The clipping here never modifies its input: every result is a new slice.
// (orb/clip works in place, which would corrupt the stored geometry that the
// index shares with every reader.)

// square is the closed clip rectangle [lo, hi]×[lo, hi] in tile units: the
// tile grown by the buffer on every side.
type square struct{ lo, hi float64 }

func squareFor(buffer, extent int) square {
	return square{lo: float64(-buffer), hi: float64(extent + buffer)}
}

func (s square) contains(p orb.Point) bool {
	return p[0] >= s.lo && p[0] <= s.hi && p[1] >= s.lo && p[1] <= s.hi
}

func (s square) containsBound(b orb.Bound) bool {
	return s.contains(b.Min) && s.contains(b.Max)
}

func (s square) disjoint(b orb.Bound) bool {
	return b.Max[0] < s.lo || b.Min[0] > s.hi || b.Max[1] < s.lo || b.Min[1] > s.hi
}

// clipRing clips a ring to the square with Sutherland–Hodgman and returns a
// new open ring (no repeated closing point), or nil when nothing is left. A
// closing point equal to the first is ignored. A concave ring may come back
// with zero-width spans along the square's edges; renderers draw those as
// nothing, as they do for PostGIS output.
func clipRing(r orb.Ring, s square) orb.Ring {
	var a, b []orb.Point
	out := clipRingInto(r, orb.LineString(r).Bound(), s, &a, &b)
	if out == nil {
		return nil
	}
	return append(orb.Ring(nil), out...)
}

// clipRingInto is clipRing with the caller's scratch buffers and r's
// bounding box: the result is r itself (without its closing point) when r
// lies inside the square, else it lives in *a or *b, which it reuses and
// may grow. r is not modified.
func clipRingInto(r []orb.Point, bound orb.Bound, s square, a, b *[]orb.Point) []orb.Point {
	n := len(r)
	if n > 1 && r[0] == r[n-1] {
		n--
	}
	if n == 0 {
		return nil
	}
	in := r[:n]
	if s.disjoint(bound) {
		return nil
	}
	if s.containsBound(bound) {
		return in
	}
	out := in
	for edge := range 4 {
		dst := a
		if edge%2 == 1 {
			dst = b
		}
		*dst = clipEdge((*dst)[:0], out, s, edge)
		out = *dst
		if len(out) == 0 {
			return nil
		}
	}
	return out
}

// clipEdge appends to dst the part of the open ring on the inside of one
// edge of the square: 0 west (x ≥ lo), 1 east (x ≤ hi), 2 north (y ≥ lo),
// 3 south (y ≤ hi). dst must not share memory with in.
func clipEdge(dst, in []orb.Point, s square, edge int) []orb.Point {
	axis, k, keepAbove := 0, s.lo, true
	switch edge {
	case 1:
		axis, k, keepAbove = 0, s.hi, false
	case 2:
		axis, k, keepAbove = 1, s.lo, true
	case 3:
		axis, k, keepAbove = 1, s.hi, false
	}
	inside := func(p orb.Point) bool {
		if keepAbove {
			return p[axis] >= k
		}
		return p[axis] <= k
	}
	prev := in[len(in)-1]
	prevIn := inside(prev)
	for _, cur := range in {
		curIn := inside(cur)
		if curIn != prevIn {
			dst = append(dst, crossAt(prev, cur, axis, k))
		}
		if curIn {
			dst = append(dst, cur)
		}
		prev, prevIn = cur, curIn
	}
	return dst
}

// crossAt returns the point of segment ab whose coordinate on axis is k; the
// caller knows a and b lie on opposite sides of k.
func crossAt(a, b orb.Point, axis int, k float64) orb.Point {
	t := (k - a[axis]) / (b[axis] - a[axis])
	var p orb.Point
	p[axis] = k
	o := 1 - axis
	p[o] = a[o] + t*(b[o]-a[o])
	return p
}

// clipLine clips a line string to the square and returns the pieces inside
// it, each a new slice. A line that leaves and re-enters the square becomes
// several pieces. A piece may hold a single point where the line only
// touches the square; callers drop those as degenerate.
func clipLine(l orb.LineString, s square) []orb.LineString {
	pts, ends := clipLineInto(nil, nil, l, l.Bound(), s)
	var out []orb.LineString
	start := 0
	for _, end := range ends {
		out = append(out, append(orb.LineString(nil), pts[start:end]...))
		start = end
	}
	return out
}

// clipLineInto is clipLine with the caller's buffers and l's bounding
// box: it appends the pieces' points to pts and the end of each piece (an
// index into pts) to ends. l is not modified.
func clipLineInto(pts []orb.Point, ends []int, l []orb.Point, b orb.Bound, s square) ([]orb.Point, []int) {
	if len(l) == 0 {
		return pts, ends
	}
	if s.disjoint(b) {
		return pts, ends
	}
	if s.containsBound(b) || len(l) == 1 {
		// A single point that is not disjoint lies in the square.
		pts = append(pts, l...)
		return pts, append(ends, len(pts))
	}
	start := len(pts) // of the current piece
	flush := func() {
		if len(pts) > start {
			ends = append(ends, len(pts))
			start = len(pts)
		}
	}
	for i := 1; i < len(l); i++ {
		a, c, ok := clipSegment(l[i-1], l[i], s)
		if !ok {
			flush()
			continue
		}
		if len(pts) == start || pts[len(pts)-1] != a {
			flush()
			pts = append(pts, a)
		}
		pts = append(pts, c)
		if c != l[i] {
			flush() // the segment leaves the square here
		}
	}
	flush()
	return pts, ends
}

// clipSegment clips segment ab to the closed square with Liang–Barsky. It
// returns the inside part, with unclipped ends returned exactly as given so
// that consecutive segments join, and false when no part is inside.
func clipSegment(a, b orb.Point, s square) (orb.Point, orb.Point, bool) {
	dx, dy := b[0]-a[0], b[1]-a[1]
	t0, t1 := 0.0, 1.0
	edge := func(p, q float64) bool {
		if p == 0 {
			return q >= 0
		}
		r := q / p
		if p < 0 {
			if r > t1 {
				return false
			}
			t0 = max(t0, r)
		} else {
			if r < t0 {
				return false
			}
			t1 = min(t1, r)
		}
		return true
	}
	if !edge(-dx, a[0]-s.lo) || !edge(dx, s.hi-a[0]) ||
		!edge(-dy, a[1]-s.lo) || !edge(dy, s.hi-a[1]) || t0 > t1 {
		return a, b, false
	}
	ca, cb := a, b
	if t0 > 0 {
		ca = orb.Point{a[0] + t0*dx, a[1] + t0*dy}
	}
	if t1 < 1 {
		cb = orb.Point{a[0] + t1*dx, a[1] + t1*dy}
	}
	return ca, cb, true
}
