package tiles

import (
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/paulmach/orb"
)

// TestSimplifyIntoShortcut checks that skipping Douglas–Peucker for a part
// whose box fits within the tolerance keeps exactly the points the scan
// keeps, for boxes just inside, at and just beyond the tolerance.
func TestSimplifyIntoShortcut(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 8))
	var dp dpScratch
	shortcuts := 0
	for i := range 20000 {
		size := []float64{0.1, 0.7, 0.7071, 0.70711, 1, 1.5}[i%6]
		x0, y0 := rng.Float64()*4096, rng.Float64()*4096
		pts := make([]orb.Point, 3+rng.IntN(20))
		for k := range pts {
			pts[k] = orb.Point{x0 + rng.Float64()*size, y0 + rng.Float64()*size}
		}
		if i%3 == 0 { // a closed ring's ends
			pts[len(pts)-1] = pts[0]
		}
		b := orb.LineString(pts).Bound()
		w, h := b.Max[0]-b.Min[0], b.Max[1]-b.Min[1]
		if w*w+h*h <= SimplifyTolerance*SimplifyTolerance*(1-1e-9) {
			shortcuts++
		}
		want := douglasPeucker(pts, SimplifyTolerance)
		got := dp.simplifyInto(nil, pts, b, SimplifyTolerance)
		if !slices.Equal(got, want) {
			t.Fatalf("case %d (%d points in %.5f): got %v, want %v", i, len(pts), size, got, want)
		}
	}
	if shortcuts < 5000 {
		t.Fatalf("only %d of 20000 cases took the shortcut", shortcuts)
	}
}

// segmentDist2 is the reference for farthest: the squared distance from p
// to segment ab, each term computed on its own.
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

func TestFarthestMatchesSegmentDistance(t *testing.T) {
	rng := rand.New(rand.NewPCG(2, 9))
	for i := range 5000 {
		pts := make([]orb.Point, 2+rng.IntN(30))
		for k := range pts {
			pts[k] = orb.Point{rng.Float64() * 50, rng.Float64() * 50}
		}
		if i%4 == 0 {
			pts[len(pts)-1] = pts[0] // degenerate segment
		}
		tol2 := rng.Float64() * 400
		want, farD := -1, tol2
		for k := 1; k < len(pts)-1; k++ {
			if d := segmentDist2(pts[k], pts[0], pts[len(pts)-1]); d > farD {
				want, farD = k, d
			}
		}
		if got := farthest(pts, 0, len(pts)-1, tol2); got != want {
			t.Fatalf("case %d: farthest %d, want %d", i, got, want)
		}
	}
}
