package geo

import (
	"context"
	"math"
	"math/rand/v2"
	"testing"

	"bando/internal/testenv"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkt"
)

// TestMatchesPostGIS compares every measure with PostGIS geography on
// random points, lines and polygons around Hồ Chí Minh City: distances
// (ST_Distance and <->) to 1e-6 relative, areas and lengths to 1e-9.
func TestMatchesPostGIS(t *testing.T) {
	pool := testenv.PostGIS(t)
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(11, 12))
	const n = 600
	var ps []orb.Point
	var gs []orb.Geometry
	var pw, gw []string
	for range n {
		p := orb.Point{106.3 + rng.Float64()*1.2, 10.4 + rng.Float64()*1.1}
		g := randomShape(rng)
		ps, gs = append(ps, p), append(gs, g)
		pw, gw = append(pw, wkt.MarshalString(p)), append(gw, wkt.MarshalString(g))
	}
	rows, err := pool.Query(ctx, `SELECT ST_Distance(p, g), p <-> g, ST_Area(g), ST_Length(g)
		FROM (SELECT ST_GeogFromText(a) p, ST_GeogFromText(b) g, i
		      FROM unnest($1::text[], $2::text[]) WITH ORDINALITY AS u(a, b, i)) s ORDER BY i`, pw, gw)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	i := 0
	for rows.Next() {
		var dist, knn, area, length float64
		if err := rows.Scan(&dist, &knn, &area, &length); err != nil {
			t.Fatal(err)
		}
		p, g := ps[i], gs[i]
		check := func(what string, got, want, rel float64) {
			if math.Abs(got-want) > rel*math.Max(want, 1) {
				t.Errorf("%d %s: %s = %.9g, PostGIS %.9g (point %v)", i, wkt.MarshalString(g), what, got, want, p)
			}
		}
		check("distance", DistanceTo(p, g), dist, 1e-6)
		check("sphere distance", SphereDistanceTo(p, g), knn, 1e-6)
		check("area", Area(g), area, 1e-9)
		check("length", Length(g), length, 1e-9)
		i++
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if i != n {
		t.Fatalf("%d rows", i)
	}
}

func randomShape(rng *rand.Rand) orb.Geometry {
	cx, cy := 106.3+rng.Float64()*1.2, 10.4+rng.Float64()*1.1
	r := 0.001 + rng.Float64()*0.2
	switch rng.IntN(4) {
	case 0:
		return orb.Point{cx, cy}
	case 1:
		l := orb.LineString{}
		for range 2 + rng.IntN(8) {
			l = append(l, orb.Point{cx + (rng.Float64()-0.5)*r, cy + (rng.Float64()-0.5)*r})
		}
		return l
	case 2:
		return orb.MultiLineString{
			{{cx, cy}, {cx + r, cy + r/3}},
			{{cx - r, cy}, {cx - r/2, cy - r}, {cx, cy - r/4}},
		}
	}
	ring := orb.Ring{}
	k := 3 + rng.IntN(12)
	for j := range k {
		a := 2 * math.Pi * (float64(j) + rng.Float64()*0.7) / float64(k)
		d := r * (0.4 + 0.6*rng.Float64())
		ring = append(ring, orb.Point{cx + d*math.Cos(a), cy + d*math.Sin(a)})
	}
	ring = append(ring, ring[0])
	if rng.IntN(2) == 0 {
		hole := orb.Ring{{cx - r/10, cy - r/10}, {cx - r/10, cy + r/10}, {cx + r/10, cy + r/10}, {cx + r/10, cy - r/10}, {cx - r/10, cy - r/10}}
		return orb.Polygon{ring, hole}
	}
	return orb.Polygon{ring}
}
