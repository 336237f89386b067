package quality

import (
	"context"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkt"

	"bando/internal/testenv"
	"bando/spatial"
)

// TestValidityMatchesPostGIS asks PostGIS ST_IsValid about every case of
// validityCases it can build, and requires CheckGeometry to agree.
func TestValidityMatchesPostGIS(t *testing.T) {
	pool := testenv.PostGIS(t)
	ctx := context.Background()
	for _, c := range validityCases {
		if c.noPG {
			var ok bool
			if err := pool.QueryRow(ctx, "SELECT ST_IsValid(ST_GeomFromText($1))", c.wkt).Scan(&ok); err == nil && ok {
				t.Errorf("%s: PostGIS builds %s and finds it valid; the case should not be marked noPG", c.name, c.wkt)
			}
			continue
		}
		var want bool
		if err := pool.QueryRow(ctx, "SELECT ST_IsValid(ST_GeomFromText($1))", c.wkt).Scan(&want); err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if want != c.valid {
			t.Errorf("%s: the table says valid %v, PostGIS says %v", c.name, c.valid, want)
		}
	}
}

// TestValidityRandomMatchesPostGIS draws polygons of a few random vertices
// (most of them cross themselves), some with a random hole, and multipolygons
// of two of them, and requires CheckGeometry to agree with ST_IsValid on
// every one.
func TestValidityRandomMatchesPostGIS(t *testing.T) {
	pool := testenv.PostGIS(t)
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(11, 79))
	valid := 0
	for i := range 600 {
		var g orb.Geometry = randomPolygon(rng)
		if i%3 == 0 {
			g = orb.MultiPolygon{g.(orb.Polygon), randomPolygon(rng)}
		}
		s := wkt.MarshalString(g)
		var want bool
		if err := pool.QueryRow(ctx, "SELECT ST_IsValid(ST_GeomFromText($1))", s).Scan(&want); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
		if want {
			valid++
		}
		if pr := CheckGeometry(g); (pr == nil) != want {
			t.Errorf("%s: CheckGeometry %v, ST_IsValid %v", s, pr, want)
		}
	}
	if valid < 60 || valid > 540 {
		t.Fatalf("%d of 600 valid: the draw does not exercise both answers", valid)
	}
}

// randomPolygon is a ring of 3 to 6 corners on a small integer grid (so
// that vertices touch edges often), with a hole a third of the time.
func randomPolygon(rng *rand.Rand) orb.Polygon {
	ring := func(ox, oy, size int) orb.Ring {
		r := orb.Ring{}
		for range 3 + rng.IntN(4) {
			r = append(r, orb.Point{float64(ox + rng.IntN(size)), float64(oy + rng.IntN(size))})
		}
		return append(r, r[0])
	}
	ox, oy := rng.IntN(4), rng.IntN(4)
	p := orb.Polygon{ring(ox, oy, 8)}
	if rng.IntN(3) == 0 {
		p = append(p, ring(ox+2, oy+2, 4))
	}
	return p
}

// TestRelateMatchesPostGIS draws pairs of valid polygons on a small grid,
// where they touch, share edges and nest often, and requires spatial.Relate
// to agree with ST_Overlaps, ST_Covers both ways and the DE-9IM interior
// test of PostGIS.
func TestRelateMatchesPostGIS(t *testing.T) {
	pool := testenv.PostGIS(t)
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(13, 79))
	checked, overlaps, covers := 0, 0, 0
	for checked < 400 {
		a, b := randomPolygon(rng), randomPolygon(rng)
		switch rng.IntN(4) {
		case 0: // the same polygon
			b = a
		case 1: // a small square somewhere in a's box: inside, across or touching
			bd := a.Bound()
			x := math.Floor(bd.Min[0] + rng.Float64()*(bd.Max[0]-bd.Min[0]))
			y := math.Floor(bd.Min[1] + rng.Float64()*(bd.Max[1]-bd.Min[1]))
			b = orb.Polygon{{{x, y}, {x + 1, y}, {x + 1, y + 1}, {x, y + 1}, {x, y}}}
		}
		if CheckGeometry(a) != nil || CheckGeometry(b) != nil {
			continue
		}
		checked++
		var ov, ab, ba, meet bool
		err := pool.QueryRow(ctx, `SELECT ST_Overlaps(a, b), ST_Covers(b, a), ST_Covers(a, b), ST_Relate(a, b, '2********')
			FROM (SELECT ST_GeomFromText($1) a, ST_GeomFromText($2) b) g`, wkt.MarshalString(a), wkt.MarshalString(b)).Scan(&ov, &ab, &ba, &meet)
		if err != nil {
			t.Fatal(err)
		}
		r := spatial.Relate(spatial.NewArea(a), spatial.NewArea(b))
		if r.Overlaps() != ov || r.ACoveredByB != ab || r.BCoveredByA != ba || r.InteriorsMeet != meet {
			t.Fatalf("%s / %s: bando %+v (overlaps %v), PostGIS overlaps %v, a in b %v, b in a %v, interiors meet %v",
				wkt.MarshalString(a), wkt.MarshalString(b), r, r.Overlaps(), ov, ab, ba, meet)
		}
		if ov {
			overlaps++
		}
		if ab || ba {
			covers++
		}
	}
	if overlaps < 20 || covers < 5 {
		t.Fatalf("%d overlaps and %d covers in %d pairs: the draw misses cases", overlaps, covers, checked)
	}
}
