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
		far := farthest(pts, s.i, s.j, tol2)
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

// simplifyInto is dp.simplify with the points' bounding box known: when
// the box's diagonal is within the tolerance, no point can lie farther
// than it from a segment between two others, so Douglas–Peucker keeps
// just the ends and the scan is skipped. A small margin keeps the shortcut
// on the side where the scan's rounding could not have kept a point.
func (dp *dpScratch) simplifyInto(dst, pts []orb.Point, b orb.Bound, tolerance float64) []orb.Point {
	if len(pts) > 2 {
		w, h := b.Max[0]-b.Min[0], b.Max[1]-b.Min[1]
		if w*w+h*h <= tolerance*tolerance*(1-1e-9) {
			return append(dst, pts[0], pts[len(pts)-1])
		}
	}
	return dp.simplify(dst, pts, tolerance)
}

// farthest returns the index of the point strictly between i and j
// farthest from segment pts[i]pts[j] and more than √tol2 from it, or -1.
// The distance is to the segment (to pts[i] when the segment is
// degenerate, as it is for the two ends of a closed ring), its terms
// computed once per segment.
func farthest(pts []orb.Point, i, j int, tol2 float64) int {
	a, b := pts[i], pts[j]
	dx, dy := b[0]-a[0], b[1]-a[1]
	l2 := dx*dx + dy*dy
	far, farD := -1, tol2
	for k := i + 1; k < j; k++ {
		px, py := pts[k][0]-a[0], pts[k][1]-a[1]
		if l2 > 0 {
			t := (px*dx + py*dy) / l2
			t = max(0, min(t, 1))
			px, py = px-t*dx, py-t*dy
		}
		if d := px*px + py*py; d > farD {
			far, farD = k, d
		}
	}
	return far
}
