package query

import (
	"math/rand/v2"
	"testing"

	"bando/layers"
	"bando/spatial"

	"github.com/paulmach/orb"
)

// TestUnitGridMatchesBruteForce: the grid's answer equals the first unit,
// in order, whose closed area holds the point, for random points, points on
// commune vertices (shared boundaries) and points a hair off edges.
func TestUnitGridMatchesBruteForce(t *testing.T) {
	cat, ix, w := newWorld(t, 3, 0, 0, 0)
	e := New(ix, cat, Limits{})
	us, err := e.unitSet(layers.Anonymous, "", "communes")
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(8, 8))
	var verts []orb.Point
	for _, c := range w.communes {
		for _, pg := range c.Geom.(orb.MultiPolygon) {
			verts = append(verts, pg[0]...)
		}
	}
	brute := func(p orb.Point) int {
		for i, u := range us.list {
			if u.area.Locate(p) != spatial.Exterior {
				return i
			}
		}
		return -1
	}
	shared := 0
	for i := range 30000 {
		var p orb.Point
		switch i % 3 {
		case 0:
			p = w.somePoint(rng)
		case 1:
			p = verts[rng.IntN(len(verts))]
		default:
			v := verts[rng.IntN(len(verts))]
			p = orb.Point{v[0] + (rng.Float64()-0.5)*1e-7, v[1] + (rng.Float64()-0.5)*1e-7}
		}
		got, want := us.grid.locate(us.list, p), brute(p)
		if got != want {
			t.Fatalf("point %v: grid %d, brute force %d", p, got, want)
		}
		if i%3 == 1 && want >= 0 && want+1 < len(us.list) {
			shared++
		}
	}
	if shared == 0 {
		t.Fatal("no vertex points were tested")
	}
}
