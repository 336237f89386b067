package tiles

import "slices"

// linkEdges joins directed edges (every vertex with as many edges in as
// out) into simple loops. At a vertex with several ways on, the walk takes
// the first edge clockwise from the way back, which keeps the interior (on
// the left) beside it: two lobes touching at a vertex come out as two
// loops, not one loop through the vertex twice, and loops never cross
// there. A walk that still comes back to a vertex is split there.
func linkEdges(es []edge) [][]ipoint {
	slices.SortFunc(es, func(x, y edge) int {
		if c := comparePoints(x.from, y.from); c != 0 {
			return c
		}
		return comparePoints(x.to, y.to)
	})
	used := make([]bool, len(es))
	var loops [][]ipoint
	for start := range es {
		if used[start] {
			continue
		}
		var walk []ipoint
		for e := start; e >= 0; e = nextEdge(es, used, es[e].from, es[e].to) {
			used[e] = true
			walk = append(walk, es[e].from)
		}
		loops = appendLoops(loops, walk)
	}
	return loops
}

// nextEdge returns the unused edge out of v that comes first clockwise
// from the direction back to u, or -1.
func nextEdge(es []edge, used []bool, u, v ipoint) int {
	lo, _ := slices.BinarySearchFunc(es, v, func(e edge, p ipoint) int { return comparePoints(e.from, p) })
	back := ipoint{u.X - v.X, u.Y - v.Y}
	best := -1
	for i := lo; i < len(es) && es[i].from == v; i++ {
		if used[i] {
			continue
		}
		o := ipoint{es[i].to.X - v.X, es[i].to.Y - v.Y}
		if best < 0 || clockwiseBefore(back, o, ipoint{es[best].to.X - v.X, es[best].to.Y - v.Y}) {
			best = i
		}
	}
	return best
}

// clockwiseBefore reports whether turning clockwise from direction r meets
// direction o1 strictly before o2 (r itself counts as a full turn).
func clockwiseBefore(r, o1, o2 ipoint) bool {
	c1, c2 := turnClass(r, o1), turnClass(r, o2)
	if c1 != c2 {
		return c1 < c2
	}
	if c1 == 0 || c1 == 2 {
		return vcross(o1, o2) < 0 // o2 lies clockwise of o1
	}
	return false
}

// turnClass orders directions by clockwise angle from r: 0 for (0°, 180°),
// 1 for 180°, 2 for (180°, 360°), 3 for r itself.
func turnClass(r, o ipoint) int {
	c := vcross(r, o)
	switch {
	case c < 0:
		return 0
	case c > 0:
		return 2
	case int64(r.X)*int64(o.X)+int64(r.Y)*int64(o.Y) < 0:
		return 1
	}
	return 3
}

func vcross(a, b ipoint) int64 { return int64(a.X)*int64(b.Y) - int64(a.Y)*int64(b.X) }

// appendLoops splits a closed walk at every vertex it visits twice and
// appends the loops that keep an area, without spikes or collinear
// vertices.
func appendLoops(loops [][]ipoint, walk []ipoint) [][]ipoint {
	emit := func(l []ipoint) {
		l = dropSpikes(slices.Clone(l), true)
		if len(l) >= 3 && area2(l) != 0 {
			loops = append(loops, l)
		}
	}
	pos := make(map[ipoint]int, len(walk))
	stack := make([]ipoint, 0, len(walk))
	for _, p := range walk {
		i, seen := pos[p]
		if !seen {
			pos[p] = len(stack)
			stack = append(stack, p)
			continue
		}
		emit(stack[i:])
		for _, q := range stack[i+1:] {
			delete(pos, q)
		}
		stack = stack[:i+1]
	}
	emit(stack)
	return loops
}

// classify orders loops as polygons by even–odd nesting: a loop inside an
// even number of others is an exterior (turned to positive area), one
// inside an odd number a hole (negative area) of the innermost loop around
// it. Exteriors keep the order of loops, each followed by its holes.
func classify(loops [][]ipoint) [][]ipoint {
	n := len(loops)
	depth := make([]int, n)
	parent := make([]int, n)
	absArea := make([]int64, n)
	for i, l := range loops {
		absArea[i] = abs64(area2(l))
	}
	for i := range loops {
		parent[i] = -1
		for k := range loops {
			if k == i || absArea[k] < absArea[i] || !inside(loops[i], loops[k]) {
				continue
			}
			depth[i]++
			if parent[i] < 0 || absArea[k] < absArea[parent[i]] {
				parent[i] = k
			}
		}
	}
	out := make([][]ipoint, 0, n)
	for i, l := range loops {
		if depth[i]%2 != 0 {
			continue
		}
		out = append(out, orient(l, true))
		for h, hl := range loops {
			if depth[h]%2 != 0 && parent[h] == i {
				out = append(out, orient(hl, false))
			}
		}
	}
	return out
}

// orient turns l, in place, to positive area for an exterior, negative for
// a hole.
func orient(l []ipoint, exterior bool) []ipoint {
	if (area2(l) > 0) != exterior {
		reverse(l)
	}
	return l
}

func abs64(v int64) int64 {
	if v < 0 {
		return -v
	}
	return v
}
