package spatial

import (
	"context"
	"math"
	"math/rand/v2"
	"testing"

	"bando/internal/testenv"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkt"
)

// TestIntersectsMatchesPostGIS checks the exact predicate against PostGIS
// ST_Intersects on random points, lines and polygons (some with holes) and
// random boxes, many of which graze the geometries.
func TestIntersectsMatchesPostGIS(t *testing.T) {
	pool := testenv.PostGIS(t)
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(7, 9))
	var geoms []orb.Geometry
	for range 300 {
		geoms = append(geoms, randomGeometry(rng))
	}
	for i := range 200 {
		x, y := rng.Float64()*10, rng.Float64()*10
		b := orb.Bound{Min: orb.Point{x, y}, Max: orb.Point{x + rng.Float64()*3, y + rng.Float64()*3}}
		for j, g := range geoms {
			var want bool
			err := pool.QueryRow(ctx, "SELECT ST_Intersects(ST_GeomFromText($1), ST_MakeEnvelope($2,$3,$4,$5))",
				wkt.MarshalString(g), b.Min[0], b.Min[1], b.Max[0], b.Max[1]).Scan(&want)
			if err != nil {
				t.Fatal(err)
			}
			if got := IntersectsBound(g, b); got != want {
				t.Fatalf("box %d geom %d (%s) %v: got %v, PostGIS %v", i, j, wkt.MarshalString(g), b, got, want)
			}
		}
		if i == 20 && testing.Short() {
			break
		}
	}
}

func randomGeometry(rng *rand.Rand) orb.Geometry {
	cx, cy := rng.Float64()*12-1, rng.Float64()*12-1
	r := 0.2 + rng.Float64()*2
	switch rng.IntN(3) {
	case 0:
		return orb.Point{cx, cy}
	case 1:
		ls := orb.LineString{}
		for range 2 + rng.IntN(5) {
			ls = append(ls, orb.Point{cx + (rng.Float64()-0.5)*r*2, cy + (rng.Float64()-0.5)*r*2})
		}
		return ls
	}
	p := orb.Polygon{star(cx, cy, r, 10, rng)}
	if rng.IntN(3) == 0 {
		hole := star(cx, cy, r*0.3, 6, rng)
		for i, j := 0, len(hole)-1; i < j; i, j = i+1, j-1 {
			hole[i], hole[j] = hole[j], hole[i]
		}
		p = append(p, hole)
	}
	return p
}

// star is a simple ring around (cx, cy): vertices at increasing angles.
func star(cx, cy, r float64, n int, rng *rand.Rand) orb.Ring {
	ring := orb.Ring{}
	for i := range n {
		a := 2 * 3.141592653589793 * (float64(i) + rng.Float64()*0.5) / float64(n)
		d := r * (0.6 + 0.4*rng.Float64())
		ring = append(ring, orb.Point{cx + d*math.Cos(a), cy + d*math.Sin(a)})
	}
	return append(ring, ring[0])
}
