package gen

import (
	"math/rand/v2"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"

	"bando/data"
)

func square(x0, y0, x1, y1 float64) orb.Ring {
	return orb.Ring{{x0, y0}, {x1, y0}, {x1, y1}, {x0, y1}, {x0, y0}}
}

// testShapes are small communes with the awkward cases: holes, a concave
// U, separate islands, and a comb whose teeth are narrower than a cell.
func testShapes() map[string]orb.MultiPolygon {
	comb := orb.Ring{{0, 0}, {1, 0}, {1, 0.2}}
	for i := 9; i >= 0; i-- { // teeth 0.05 wide, 0.8 tall
		x := float64(i) / 10
		comb = append(comb, orb.Point{x + 0.05, 0.2}, orb.Point{x + 0.05, 1}, orb.Point{x, 1}, orb.Point{x, 0.2})
	}
	comb = append(comb, orb.Point{0, 0})
	return map[string]orb.MultiPolygon{
		"square":    {{square(106, 10, 106.01, 10.01)}},
		"with hole": {{square(0, 0, 1, 1), square(0.2, 0.2, 0.8, 0.8)}},
		"U":         {{{{0, 0}, {1, 0}, {1, 1}, {0.7, 1}, {0.7, 0.3}, {0.3, 0.3}, {0.3, 1}, {0, 1}, {0, 0}}}},
		"islands":   {{square(0, 0, 0.1, 0.1)}, {square(0.9, 0.9, 1, 1)}, {square(0.5, 0, 0.52, 1)}},
		"comb":      {{comb}},
	}
}

func TestRegionContainsMatchesRayCasting(t *testing.T) {
	shapes := testShapes()
	communes, err := LoadCommunes(data.Demo())
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < len(communes); i += 12 {
		shapes["commune "+communes[i].Code] = communes[i].Polygon
	}
	for name, mp := range shapes {
		t.Run(name, func(t *testing.T) {
			r := newRegion(mp)
			b := mp.Bound()
			rng := rand.New(rand.NewPCG(1, 2))
			const samples = 5000
			in, wrong := 0, 0
			for range samples {
				p := orb.Point{
					b.Min[0] + rng.Float64()*(b.Max[0]-b.Min[0]),
					b.Min[1] + rng.Float64()*(b.Max[1]-b.Min[1]),
				}
				want := planar.MultiPolygonContains(mp, p)
				if r.contains(p[0], p[1]) != want {
					wrong++
				}
				if want {
					in++
				}
			}
			if wrong > 0 {
				t.Errorf("%d of %d points disagree with ray casting (%d inside)", wrong, samples, in)
			}
			if in == 0 {
				t.Errorf("no sample point inside")
			}
		})
	}
}

func TestRegionContainsOutsideBound(t *testing.T) {
	r := newRegion(orb.MultiPolygon{{square(0, 0, 1, 1)}})
	for _, p := range []orb.Point{{-0.1, 0.5}, {1.1, 0.5}, {0.5, -0.1}, {0.5, 1.1}} {
		if r.contains(p[0], p[1]) {
			t.Errorf("contains(%v) = true, want false", p)
		}
	}
}

func TestCrossesSharedVertex(t *testing.T) {
	// A path from (0,0) to (2,0) through the shared vertex (1,0) of two
	// edges: crossing a boundary there counts once, touching it zero or two.
	tests := []struct {
		name string
		a, b edge
		want int
	}{
		{"boundary crosses at vertex", edge{1, -1, 1, 0}, edge{1, 0, 1, 1}, 1},
		{"boundary touches from above", edge{0.5, 1, 1, 0}, edge{1, 0, 1.5, 1}, 0},
		{"boundary touches from below", edge{0.5, -1, 1, 0}, edge{1, 0, 1.5, -1}, 2},
	}
	for _, tt := range tests {
		n := 0
		for _, e := range []edge{tt.a, tt.b} {
			if crosses(0, 0, 2, 0, &e) {
				n++
			}
		}
		if n%2 != tt.want%2 {
			t.Errorf("%s: %d crossings, want parity of %d", tt.name, n, tt.want)
		}
	}
}

func BenchmarkRegionContains(b *testing.B) {
	communes, err := LoadCommunes(data.Demo())
	if err != nil {
		b.Fatal(err)
	}
	mp := communes[0].Polygon
	r := newRegion(mp)
	bd := mp.Bound()
	rng := rand.New(rand.NewPCG(1, 2))
	pts := make([]orb.Point, 1024)
	for i := range pts {
		pts[i] = orb.Point{bd.Min[0] + rng.Float64()*(bd.Max[0]-bd.Min[0]), bd.Min[1] + rng.Float64()*(bd.Max[1]-bd.Min[1])}
	}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		p := pts[i%len(pts)]
		r.contains(p[0], p[1])
		i++
	}
}
