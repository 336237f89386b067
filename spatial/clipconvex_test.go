package spatial

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"
)

func TestConvex(t *testing.T) {
	tests := []struct {
		name string
		r    orb.Ring
		want bool
	}{
		{"square", orb.Ring{{0, 0}, {1, 0}, {1, 1}, {0, 1}, {0, 0}}, true},
		{"clockwise square", orb.Ring{{0, 0}, {0, 1}, {1, 1}, {1, 0}, {0, 0}}, true},
		{"square with a straight run", orb.Ring{{0, 0}, {0.5, 0}, {1, 0}, {1, 1}, {0, 1}, {0, 0}}, true},
		{"L shape", orb.Ring{{0, 0}, {2, 0}, {2, 1}, {1, 1}, {1, 2}, {0, 2}, {0, 0}}, false},
		{"bow-tie", orb.Ring{{0, 0}, {1, 1}, {1, 0}, {0, 1}, {0, 0}}, false},
		{"collinear", orb.Ring{{0, 0}, {1, 0}, {2, 0}, {0, 0}}, false},
		{"too short", orb.Ring{{0, 0}, {1, 0}, {0, 0}}, false},
	}
	for _, tt := range tests {
		if got := Convex(tt.r); got != tt.want {
			t.Errorf("%s: %v, want %v", tt.name, got, tt.want)
		}
	}
}

// TestClipConvexArea: the clipped area equals the intersection's, found
// independently by sampling, for random stars (often concave) clipped by
// random convex quadrilaterals, either winding.
func TestClipConvexArea(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 79))
	for i := range 80 {
		subject := star(5, 5, 2+rng.Float64()*2, 5+rng.IntN(8), rng)
		cx, cy, r := 3+rng.Float64()*4, 3+rng.Float64()*4, 1+rng.Float64()*3
		clip := orb.Ring{}
		for k := range 4 {
			a := (float64(k) + rng.Float64()*0.6) * math.Pi / 2
			clip = append(clip, orb.Point{cx + r*math.Cos(a), cy + r*math.Sin(a)})
		}
		clip = append(clip, clip[0])
		if i%2 == 1 {
			clip.Reverse()
		}
		got := math.Abs(planar.Area(ClipConvex(subject, clip)))
		want := sampledArea(orb.Polygon{subject}, orb.Polygon{clip})
		if math.Abs(got-want) > 0.02*math.Max(1, want) {
			t.Fatalf("case %d: clipped area %.4f, sampled %.4f", i, got, want)
		}
	}
	if ClipConvex(orb.Ring{{0, 0}, {1, 0}, {1, 1}, {0, 0}}, orb.Ring{{5, 5}, {6, 5}, {6, 6}, {5, 5}}) != nil {
		t.Fatal("disjoint rings share an area")
	}
}

// sampledArea estimates the area of a ∩ b on a fine grid.
func sampledArea(a, b orb.Polygon) float64 {
	bd := a.Bound().Union(b.Bound())
	const n = 300
	dx, dy := (bd.Max[0]-bd.Min[0])/n, (bd.Max[1]-bd.Min[1])/n
	hits := 0
	for i := range n {
		for j := range n {
			p := orb.Point{bd.Min[0] + (float64(i)+0.5)*dx, bd.Min[1] + (float64(j)+0.5)*dy}
			if LocatePolygon(a, p) == Interior && LocatePolygon(b, p) == Interior {
				hits++
			}
		}
	}
	return float64(hits) * dx * dy
}
