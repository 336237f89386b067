package spatial

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/paulmach/orb"
)

// TestOrientExactMatchesRationals: the float-expansion sign equals the
// rational one on points on, and a few ulps off, random lines — the cases
// the float determinant cannot decide — and on random points.
func TestOrientExactMatchesRationals(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 79))
	coord := func() float64 {
		switch rng.IntN(3) {
		case 0:
			return 100 + rng.Float64()*10 // lon/lat-like
		case 1:
			return math.Round(rng.Float64()*20) / 4 // exact small binary fractions
		}
		return (rng.Float64() - 0.5) * math.Pow(2, float64(rng.IntN(60)-30))
	}
	zero, n := 0, 300000
	if testing.Short() {
		n = 30000 // -short
	}
	for i := range n {
		a, b := orb.Point{coord(), coord()}, orb.Point{coord(), coord()}
		var c orb.Point
		switch i % 3 {
		case 0: // on the line, rounded
			s := rng.Float64() * 2
			c = orb.Point{a[0] + s*(b[0]-a[0]), a[1] + s*(b[1]-a[1])}
		case 1: // a few ulps off a vertex or the line
			c = b
			for range 1 + rng.IntN(3) {
				k := rng.IntN(2)
				c[k] = math.Nextafter(c[k], math.Inf(1-2*rng.IntN(2)))
			}
		default:
			c = orb.Point{coord(), coord()}
		}
		got, want := orientExact(a, b, c), orientRat(a, b, c)
		if got != want {
			t.Fatalf("%v %v %v: expansions %d, rationals %d", a, b, c, got, want)
		}
		if want == 0 {
			zero++
		}
	}
	if zero < n/100 {
		t.Fatalf("only %d collinear cases of %d: the draw misses the hard cases", zero, n)
	}
}

func BenchmarkOrientExact(b *testing.B) {
	p, q, r := orb.Point{106.1, 10.3}, orb.Point{106.7, 10.9}, orb.Point{106.4, 10.6}
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		orientExact(p, q, r)
	}
}

func BenchmarkOrientRat(b *testing.B) {
	p, q, r := orb.Point{106.1, 10.3}, orb.Point{106.7, 10.9}, orb.Point{106.4, 10.6}
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		orientRat(p, q, r)
	}
}
