package ingest

import (
	"cmp"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/paulmach/orb"

	"bando/layers"
)

// TestContactsSweepMatchesBruteForce: the sweep used for large polygons finds
// exactly the contacts that comparing every pair finds.
func TestContactsSweepMatchesBruteForce(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	type key struct{ ra, sa, rb, sb, kind int }
	keys := func(cs []contact) []key {
		out := make([]key, 0, len(cs))
		for _, c := range cs {
			k := key{c.ringA, c.segA, c.ringB, c.segB, c.kind}
			if k.rb < k.ra || k.rb == k.ra && k.sb < k.sa {
				k.ra, k.sa, k.rb, k.sb = k.rb, k.sb, k.ra, k.sa
			}
			out = append(out, k)
		}
		slices.SortFunc(out, func(a, b key) int {
			return cmp.Or(cmp.Compare(a.ra, b.ra), cmp.Compare(a.sa, b.sa), cmp.Compare(a.rb, b.rb), cmp.Compare(a.sb, b.sb), cmp.Compare(a.kind, b.kind))
		})
		return out
	}
	for range 300 {
		var rings []orb.Ring
		for range 1 + rng.IntN(3) {
			n := 10 + rng.IntN(60)
			r := make(orb.Ring, 0, n+1)
			for range n {
				p := orb.Point{float64(rng.IntN(12)), float64(rng.IntN(12))}
				if len(r) == 0 || r[len(r)-1] != p {
					r = append(r, p)
				}
			}
			if r[len(r)-1] == r[0] {
				r = r[:len(r)-1]
			}
			rings = append(rings, append(r, r[0]))
		}
		got := keys(contacts(rings, 1<<30))
		var segs []segment
		for ri, r := range rings {
			for i := 0; i+1 < len(r); i++ {
				a, b := r[i], r[i+1]
				segs = append(segs, segment{a: a, b: b, minX: min(a[0], b[0]), maxX: max(a[0], b[0]),
					minY: min(a[1], b[1]), maxY: max(a[1], b[1]), ring: ri, idx: i, last: i+2 == len(r)})
			}
		}
		want := keys(contactsSmall(segs, 1<<30))
		if !slices.Equal(got, want) {
			t.Fatalf("sweep found %d contacts, brute force %d, rings %v", len(got), len(want), rings)
		}
	}
}

// TestCheckGeometryKeepsInput: validation and repair never write to the
// geometry they are given (stored geometry is immutable).
func TestCheckGeometryKeepsInput(t *testing.T) {
	for _, g := range []orb.Geometry{
		orb.Polygon{{{0, 0}, {1, 0}, {1, 0}, {1, 1}, {2, 2}, {1, 1}, {0, 1}, {0, 0}}},
		orb.Polygon{{{0, 0}, {2, 2}, {2, 0}, {0, 2}, {0, 0}}},
		orb.MultiPolygon{{{{0, 0}, {2, 2}, {2, 0}, {0, 2}, {0, 0}}}, {{{5, 5}, {6, 5}, {6, 5}, {6, 6}, {5, 5}}}},
		orb.MultiLineString{{{0, 0}, {0, 0}, {1, 1}}},
	} {
		orig := orb.Clone(g)
		out, reps, pr := checkGeometry(layers.GeomAny, g)
		if pr != nil || len(reps) == 0 {
			t.Fatalf("%v: want a repair, got %v %v", g, reps, pr)
		}
		if !orb.Equal(g, orig) {
			t.Fatalf("input changed to %v", g)
		}
		checkGeom(t, layers.GeomAny, "g", out, true)
	}
}

// TestOrientationIgnored: a ring and its reverse are both valid and kept as
// given.
func TestOrientationIgnored(t *testing.T) {
	ccw := orb.Polygon{{{0, 0}, {4, 0}, {4, 4}, {0, 4}, {0, 0}}, {{1, 1}, {2, 1}, {2, 2}, {1, 1}}}
	cw := orb.Clone(ccw).(orb.Polygon)
	for _, r := range cw {
		slices.Reverse(r)
	}
	for _, p := range []orb.Polygon{ccw, cw} {
		out, reps, pr := checkGeometry(layers.GeomPolygon, p)
		if pr != nil || len(reps) != 0 || !orb.Equal(out, p) {
			t.Errorf("%v: got %v %v %v", p, out, reps, pr)
		}
	}
}

func TestFits(t *testing.T) {
	tests := []struct {
		want layers.GeometryType
		g    orb.Geometry
		ok   bool
	}{
		{layers.GeomPoint, orb.MultiPoint{{1, 1}}, true},
		{layers.GeomPoint, orb.LineString{{1, 1}, {2, 2}}, false},
		{layers.GeomLineString, orb.MultiLineString{}, true},
		{layers.GeomPolygon, orb.MultiPolygon{}, true},
		{layers.GeomPolygon, orb.Collection{}, false},
		{layers.GeomAny, orb.Collection{}, true},
		{layers.GeomAny, orb.Bound{}, false},
	}
	for _, tt := range tests {
		if got := fits(tt.want, tt.g); got != tt.ok {
			t.Errorf("fits(%s, %T) = %v", tt.want, tt.g, got)
		}
	}
}

// TestManyTouchingHoles: a shell with many holes, each touching it at one
// vertex, is valid however many contacts that makes, and one crossing hole
// among them is still found.
func TestManyTouchingHoles(t *testing.T) {
	shell := orb.Ring{{0, 0}}
	var holes []orb.Ring
	for i := range 100 {
		x := float64(i) + 0.5
		shell = append(shell, orb.Point{x, 0})
		holes = append(holes, orb.Ring{{x, 0}, {x + 0.25, 1}, {x - 0.25, 1}, {x, 0}})
	}
	shell = append(shell, orb.Point{100, 0}, orb.Point{100, 10}, orb.Point{0, 10}, orb.Point{0, 0})
	p := append(orb.Polygon{shell}, holes...)
	if _, _, pr := checkGeometry(layers.GeomPolygon, p); pr != nil {
		t.Fatalf("refused: %s: %s", pr.rule, pr.msg)
	}
	p[100] = orb.Ring{{99.5, -1}, {99.75, 1}, {99.25, 1}, {99.5, -1}}
	if _, _, pr := checkGeometry(layers.GeomPolygon, p); pr == nil || pr.rule != RuleSelfCross {
		t.Fatalf("want self-intersection, got %v", pr)
	}
}
