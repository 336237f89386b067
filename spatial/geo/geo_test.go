package geo

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/paulmach/orb"
)

func TestDistanceKnown(t *testing.T) {
	// GeographicLib's documented example: JFK to LHR, 5551.759400 km on WGS84.
	got := Distance(orb.Point{-73.8, 40.6}, orb.Point{-0.5, 51.6})
	if math.Abs(got-5551759.400318) > 0.01 {
		t.Fatalf("JFK–LHR = %.6f m", got)
	}
	if Distance(orb.Point{1, 2}, orb.Point{1, 2}) != 0 {
		t.Fatal("distance to itself")
	}
}

func TestDistanceToLine(t *testing.T) {
	l := orb.LineString{{106.0, 10.0}, {106.2, 10.0}}
	// A point 0.01° north of the middle of a short arc: the nearest point is
	// the foot of the perpendicular, about 1,105 m away (a degree of latitude
	// is about 110.6 km at 10°N).
	d := DistanceTo(orb.Point{106.1, 10.01}, l)
	if math.Abs(d-1105.9) > 2 {
		t.Fatalf("distance to line = %.3f", d)
	}
	// Beyond the end, the end vertex is nearest.
	p := orb.Point{106.3, 10.0}
	if got, want := DistanceTo(p, l), Distance(p, l[1]); math.Abs(got-want) > 1e-6 {
		t.Fatalf("past the end: %v, want %v", got, want)
	}
	sq := orb.Polygon{{{106, 10}, {106.1, 10}, {106.1, 10.1}, {106, 10.1}, {106, 10}}}
	if DistanceTo(orb.Point{106.05, 10.05}, sq) != 0 {
		t.Fatal("inside a polygon is at distance 0")
	}
}

func TestAreaLength(t *testing.T) {
	// A 0.1° square at 10°N: about 10.96 km × 11.06 km.
	sq := orb.Polygon{{{106, 10}, {106.1, 10}, {106.1, 10.1}, {106, 10.1}, {106, 10}}}
	a := Area(sq)
	if a < 1.20e8 || a > 1.22e8 {
		t.Fatalf("area = %v", a)
	}
	rev := orb.Polygon{{{106, 10}, {106, 10.1}, {106.1, 10.1}, {106.1, 10}, {106, 10}}}
	if math.Abs(Area(rev)-a) > 1e-3 {
		t.Fatalf("area depends on orientation: %v vs %v", Area(rev), a)
	}
	holed := orb.Polygon{sq[0], {{106.02, 10.02}, {106.04, 10.02}, {106.04, 10.04}, {106.02, 10.04}, {106.02, 10.02}}}
	if h := Area(holed); h >= a || h < a*0.9 {
		t.Fatalf("hole not subtracted: %v of %v", h, a)
	}
	l := orb.LineString(sq[0])
	if got, want := Length(l), 4*11000.0; math.Abs(got-want) > 500 {
		t.Fatalf("length = %v", got)
	}
}

func TestReachHoldsCircle(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for range 2000 {
		p := orb.Point{rng.Float64()*300 - 150, rng.Float64()*160 - 80}
		m := math.Pow(10, rng.Float64()*6)
		b := Reach(p, m)
		// Points at exactly m metres, by direct solution, must be in the box.
		for az := 0.0; az < 360; az += 15 {
			q := direct(p, az, m)
			if !b.Contains(q) {
				t.Fatalf("Reach(%v, %v) = %v misses %v at azimuth %v", p, m, b, q, az)
			}
		}
	}
}

// TestFastDistance holds FastDistance to 4e-8 of GeographicLib under 2 km
// (the plane formula) and to equality beyond, across latitudes and across
// the antimeridian.
func TestFastDistance(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for range 50000 {
		p := orb.Point{rng.Float64()*360 - 180, rng.Float64()*170 - 85}
		q := direct(p, rng.Float64()*360, math.Pow(10, rng.Float64()*5))
		want, got := Distance(p, q), FastDistance(p, q)
		if math.Abs(got-want) > 4e-8*want+1e-9 {
			t.Fatalf("FastDistance(%v, %v) = %.9f, geodesic %.9f", p, q, got, want)
		}
	}
}
