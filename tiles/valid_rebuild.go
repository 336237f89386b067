package tiles

import (
	"cmp"
	"slices"
)

// maxNodingRounds bounds the splitting of segments where they meet: a
// crossing is split at its rounded point, which moves the two segments a
// fraction of a unit and can make them meet a third; real data settles in
// one or two rounds.
const maxNodingRounds = 8

// rebuildPolygon repairs rings that cleanPolygon found invalid (see the
// comment at the top of valid.go). Rings the repair cannot settle are
// dropped (past maxDrops, all but the largest exterior), so the result is
// always valid.
func rebuildPolygon(rings [][]ipoint) [][]ipoint {
	rings = nodeRings(rings)
	loops := linkEdges(cancelEdges(rings))
	out := classify(loops)
	for range maxDrops {
		bad := firstInvalid(out)
		if bad < 0 && len(out) == 0 {
			return nil
		}
		if bad < 0 {
			return out
		}
		out = dropRing(out, bad)
	}
	return largestValid(out)
}

// maxDrops bounds how many rings rebuildPolygon drops one by one (each
// drop re-checks the whole polygon) before it keeps only the largest
// exterior: only rings that the noding could not settle need dropping,
// and those come from pathological input.
const maxDrops = 16

// largestValid returns the exterior of largest area alone if it is valid
// by itself, else nil.
func largestValid(rings [][]ipoint) [][]ipoint {
	best := -1
	for i, r := range rings {
		if a := area2(r); a > 0 && (best < 0 || a > area2(rings[best])) {
			best = i
		}
	}
	if best < 0 || firstInvalid(rings[best:best+1]) >= 0 {
		return nil
	}
	return rings[best : best+1]
}

// dropRing removes ring i, and its holes when it is an exterior.
func dropRing(rings [][]ipoint, i int) [][]ipoint {
	end := i + 1
	if area2(rings[i]) > 0 {
		for end < len(rings) && area2(rings[end]) < 0 {
			end++
		}
	}
	return slices.Delete(rings, i, end)
}

// split is a point where segment i of ring must gain a vertex.
type split struct {
	ring, i int
	at      int64 // position along the segment, for ordering
	p       ipoint
}

// nodeRings inserts a vertex wherever a segment meets another segment
// other than at its own endpoints, so that afterwards segments meet only
// at shared vertices or run along each other between shared vertices.
//
// Rounded crossings among many crossing segments can keep creating new
// ones; noding stops after maxNodingRounds or when the rings have grown by
// more than their own size plus 64 vertices, and rebuildPolygon then drops
// the rings still in conflict.
func nodeRings(rings [][]ipoint) [][]ipoint {
	budget := 64 + 2*countVertices(rings)
	for range maxNodingRounds {
		var splits []split
		add := func(s *segment, p ipoint) {
			if p != s.a && p != s.b {
				at := int64(p.X-s.a.X)*int64(s.b.X-s.a.X) + int64(p.Y-s.a.Y)*int64(s.b.Y-s.a.Y)
				splits = append(splits, split{s.ring, s.i, at, p})
			}
		}
		meetings(rings, func(s, t *segment, c contact) bool {
			add(s, c.p)
			add(t, c.p)
			if c.kind == contactOverlap {
				add(s, c.q)
				add(t, c.q)
			}
			return true
		})
		if len(splits) == 0 || countVertices(rings)+len(splits) > budget {
			return rings
		}
		rings = applySplits(rings, splits)
	}
	return rings
}

func countVertices(rings [][]ipoint) int {
	n := 0
	for _, r := range rings {
		n += len(r)
	}
	return n
}

// applySplits returns new rings with the split points inserted, and spikes
// the rounding made removed.
func applySplits(rings [][]ipoint, splits []split) [][]ipoint {
	slices.SortFunc(splits, func(a, b split) int {
		if c := cmp.Compare(a.ring, b.ring); c != 0 {
			return c
		}
		if c := cmp.Compare(a.i, b.i); c != 0 {
			return c
		}
		return cmp.Compare(a.at, b.at)
	})
	out := make([][]ipoint, 0, len(rings))
	k := 0
	for ri, r := range rings {
		nr := make([]ipoint, 0, len(r))
		for i, p := range r {
			nr = append(nr, p)
			for ; k < len(splits) && splits[k].ring == ri && splits[k].i == i; k++ {
				nr = append(nr, splits[k].p)
			}
		}
		if nr = dropSpikes(nr, false); len(nr) >= 3 {
			out = append(out, nr)
		}
	}
	return out
}

// edge is a directed edge of a ring.
type edge struct{ from, to ipoint }

func comparePoints(a, b ipoint) int {
	if c := cmp.Compare(a.X, b.X); c != 0 {
		return c
	}
	return cmp.Compare(a.Y, b.Y)
}

// cancelEdges returns the rings' edges with each pair of opposite edges
// removed: a span traversed both ways (a zero-width span of the clipper, a
// hole running along its exterior) bounds no area. Exteriors have positive
// and holes negative area, so the interior is on the left of every edge.
func cancelEdges(rings [][]ipoint) []edge {
	var es []edge
	for _, r := range rings {
		for i, a := range r {
			if b := r[(i+1)%len(r)]; a != b {
				es = append(es, edge{a, b})
			}
		}
	}
	// Group each undirected edge, then keep its net directed count.
	key := func(e edge) (ipoint, ipoint, bool) {
		if comparePoints(e.from, e.to) < 0 {
			return e.from, e.to, true
		}
		return e.to, e.from, false
	}
	slices.SortFunc(es, func(x, y edge) int {
		x0, x1, _ := key(x)
		y0, y1, _ := key(y)
		if c := comparePoints(x0, y0); c != 0 {
			return c
		}
		return comparePoints(x1, y1)
	})
	out := es[:0]
	for i := 0; i < len(es); {
		lo, hi, _ := key(es[i])
		net, j := 0, i
		for ; j < len(es); j++ {
			a, b, fwd := key(es[j])
			if a != lo || b != hi {
				break
			}
			if fwd {
				net++
			} else {
				net--
			}
		}
		for ; net > 0; net-- {
			out = append(out, edge{lo, hi})
		}
		for ; net < 0; net++ {
			out = append(out, edge{hi, lo})
		}
		i = j
	}
	return out
}
