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
	n := len(r)
	if n > 1 && r[0] == r[n-1] {
		n--
	}
	if n == 0 {
		return nil
	}
	in := r[:n]
	b := orb.LineString(in).Bound()
	if s.disjoint(b) {
		return nil
	}
	if s.containsBound(b) {
		return append(orb.Ring(nil), in...)
	}
	out := orb.Ring(in)
	for edge := range 4 {
		out = clipEdge(out, s, edge)
		if len(out) == 0 {
			return nil
		}
	}
	return out
}

// clipEdge keeps the part of the open ring on the inside of one edge of the
// square: 0 west (x ≥ lo), 1 east (x ≤ hi), 2 north (y ≥ lo), 3 south
// (y ≤ hi). It always returns a new slice.
func clipEdge(in orb.Ring, s square, edge int) orb.Ring {
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
	out := make(orb.Ring, 0, len(in)+4)
	prev := in[len(in)-1]
	prevIn := inside(prev)
	for _, cur := range in {
		curIn := inside(cur)
		if curIn != prevIn {
			out = append(out, crossAt(prev, cur, axis, k))
		}
		if curIn {
			out = append(out, cur)
		}
		prev, prevIn = cur, curIn
	}
	return out
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
	if len(l) == 0 {
		return nil
	}
	b := l.Bound()
	if s.disjoint(b) {
		return nil
	}
	if s.containsBound(b) {
		return []orb.LineString{append(orb.LineString(nil), l...)}
	}
	if len(l) == 1 {
		return []orb.LineString{{l[0]}}
	}
	var out []orb.LineString
	var cur orb.LineString
	flush := func() {
		if len(cur) > 0 {
			out = append(out, cur)
			cur = nil
		}
	}
	for i := 1; i < len(l); i++ {
		a, c, ok := clipSegment(l[i-1], l[i], s)
		if !ok {
			flush()
			continue
		}
		if len(cur) == 0 || cur[len(cur)-1] != a {
			flush()
			cur = orb.LineString{a}
		}
		cur = append(cur, c)
		if c != l[i] {
			flush() // the segment leaves the square here
		}
	}
	flush()
	return out
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
