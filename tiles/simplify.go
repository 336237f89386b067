package tiles

import (
	"slices"

	"github.com/paulmach/orb"
)

// SimplifyTolerance is the Douglas–Peucker tolerance, in tile units, used at
// zooms below a layer's maximum zoom. One unit is 1/4096 of a tile at the
// default extent: about what a screen pixel can show.
const SimplifyTolerance = 1.0

// douglasPeucker returns the points of pts kept by the Douglas–Peucker
// algorithm with the given tolerance, as a new slice; pts is not modified.
// The first and last points are always kept, so a closed ring stays closed
// and a clipped piece keeps the ends that lie on the clip square. It works
// with an explicit stack, so deep inputs cannot overflow the goroutine stack.
func douglasPeucker(pts []orb.Point, tolerance float64) []orb.Point {
	var dp dpScratch
	return dp.simplify(nil, pts, tolerance)
}

// dpScratch holds the buffers of Douglas–Peucker, reused between calls.
type dpScratch struct {
	keep  []bool
	stack []span
}

type span struct{ i, j int }

// simplify appends the points of pts that Douglas–Peucker keeps to dst
// and returns it. pts is not modified and must not share memory with dst.
func (dp *dpScratch) simplify(dst, pts []orb.Point, tolerance float64) []orb.Point {
	n := len(pts)
	if n <= 2 {
		return append(dst, pts...)
	}
	keep := slices.Grow(dp.keep[:0], n)[:n]
	clear(keep)
	keep[0], keep[n-1] = true, true
	tol2 := tolerance * tolerance
	stack := append(dp.stack[:0], span{0, n - 1})
	for len(stack) > 0 {
		s := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		far, farD := -1, tol2
		for k := s.i + 1; k < s.j; k++ {
			if d := segmentDist2(pts[k], pts[s.i], pts[s.j]); d > farD {
				far, farD = k, d
			}
		}
		if far < 0 {
			continue
		}
		keep[far] = true
		stack = append(stack, span{s.i, far}, span{far, s.j})
	}
	dp.keep, dp.stack = keep, stack
	for i, k := range keep {
		if k {
			dst = append(dst, pts[i])
		}
	}
	return dst
}

// segmentDist2 is the squared distance from p to segment ab (to point a when
// the segment is degenerate, as it is for the two ends of a closed ring).
func segmentDist2(p, a, b orb.Point) float64 {
	dx, dy := b[0]-a[0], b[1]-a[1]
	px, py := p[0]-a[0], p[1]-a[1]
	l2 := dx*dx + dy*dy
	if l2 > 0 {
		t := (px*dx + py*dy) / l2
		t = max(0, min(t, 1))
		px, py = px-t*dx, py-t*dy
	}
	return px*px + py*py
}
