package spatial

import (
	"context"
	"math/rand/v2"
	"slices"
	"testing"

	"bando/internal/testenv"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkt"
)

func TestAreaLocate(t *testing.T) {
	sq := orb.Polygon{{{0, 0}, {4, 0}, {4, 4}, {0, 4}, {0, 0}}, {{1, 1}, {1, 2}, {2, 2}, {2, 1}, {1, 1}}}
	tests := []struct {
		p    orb.Point
		want Location
	}{
		{orb.Point{3, 3}, Interior}, {orb.Point{1.5, 1.5}, Exterior}, {orb.Point{4, 2}, Boundary},
		{orb.Point{1, 1.5}, Boundary}, {orb.Point{0, 0}, Boundary}, {orb.Point{5, 2}, Exterior},
		{orb.Point{2, 0.5}, Interior}, {orb.Point{0.5, 1}, Interior},
	}
	for _, a := range []*Area{NewArea(sq), denseArea(sq)} {
		for _, tt := range tests {
			if got := a.Locate(tt.p); got != tt.want {
				t.Errorf("Locate(%v) = %d, want %d (indexed %v)", tt.p, got, tt.want, a.strips != nil)
			}
			if got := LocatePolygon(sq, tt.p); got != tt.want {
				t.Errorf("LocatePolygon(%v) = %d, want %d", tt.p, got, tt.want)
			}
		}
	}
}

// denseArea prepares pg with every edge cut in 16, so that it is indexed.
func denseArea(pg orb.Polygon) *Area {
	var out orb.Polygon
	for _, r := range pg {
		var d orb.Ring
		for i := 1; i < len(r); i++ {
			for k := range 16 {
				f := float64(k) / 16
				d = append(d, orb.Point{r[i-1][0] + f*(r[i][0]-r[i-1][0]), r[i-1][1] + f*(r[i][1]-r[i-1][1])})
			}
		}
		out = append(out, append(d, d[0]))
	}
	return NewArea(out)
}

func TestOrientExact(t *testing.T) {
	// Points on a line with coordinates that do not round-trip: the float
	// determinant is noise, the exact one 0.
	a, b := orb.Point{0.1, 0.1}, orb.Point{0.3, 0.3}
	c := orb.Point{0.7, 0.7}
	if Orient(a, b, c) != 0 {
		t.Fatal("collinear points reported off the line")
	}
	if Orient(orb.Point{0, 0}, orb.Point{1, 0}, orb.Point{0.5, 1e-300}) != 1 {
		t.Fatal("tiny left turn lost")
	}
}

// TestRelateMatchesPostGIS checks Intersects, Within, CoveredBy and
// Contains (Within reversed) and PointOnSurface against PostGIS on
// geometries snapped to a coarse grid, so that shared edges, touching
// corners and collinear overlaps are common.
func TestRelateMatchesPostGIS(t *testing.T) {
	pool := testenv.PostGIS(t)
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(3, 4))
	var zones, geoms []orb.Geometry
	nz := 40
	if testing.Short() {
		nz = 10
	}
	for range nz {
		zones = append(zones, gridZone(rng))
	}
	for range 150 {
		geoms = append(geoms, gridGeom(rng))
	}
	var zw, gw []string
	for _, z := range zones {
		for _, g := range geoms {
			zw, gw = append(zw, wkt.MarshalString(z)), append(gw, wkt.MarshalString(g))
		}
	}
	rows, err := pool.Query(ctx, `SELECT ST_Intersects(g, z), ST_Within(g, z), ST_CoveredBy(g, z), ST_Contains(g, z)
		FROM (SELECT ST_GeomFromText(a) z, ST_GeomFromText(b) g, i FROM unnest($1::text[], $2::text[]) WITH ORDINALITY u(a, b, i)) s ORDER BY i`, zw, gw)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	areas := make([]*Area, len(zones))
	for i, z := range zones {
		areas[i] = NewArea(z)
	}
	n := 0
	for rows.Next() {
		var inter, within, covered, contains bool
		if err := rows.Scan(&inter, &within, &covered, &contains); err != nil {
			t.Fatal(err)
		}
		zi, gi := n/len(geoms), n%len(geoms)
		a, g := areas[zi], geoms[gi]
		got := [4]bool{a.Intersects(g), a.Within(g), a.CoveredBy(g), false}
		if _, poly := g.(orb.Polygon); poly {
			got[3] = NewArea(g).Within(zones[zi])
		}
		if want := [4]bool{inter, within, covered, contains}; got != want {
			t.Errorf("zone %s, geom %s: intersects/within/coveredby/contains = %v, PostGIS %v", zw[n], gw[n], got, want)
		}
		n++
	}
	if rows.Err() != nil || n != len(zw) {
		t.Fatalf("%d rows: %v", n, rows.Err())
	}
	checkPointOnSurface(t, pool, append(geoms, zones...))
}

func gridPoint(rng *rand.Rand) orb.Point {
	return orb.Point{float64(rng.IntN(11)), float64(rng.IntN(11))}
}

func gridGeom(rng *rand.Rand) orb.Geometry {
	switch rng.IntN(3) {
	case 0:
		return gridPoint(rng)
	case 1:
		l := orb.LineString{gridPoint(rng)}
		for len(l) < 2+rng.IntN(3) {
			if p := gridPoint(rng); p != l[len(l)-1] {
				l = append(l, p)
			}
		}
		return l
	}
	return gridPolygon(rng)
}

func gridZone(rng *rand.Rand) orb.Geometry {
	if rng.IntN(4) == 0 {
		a := orb.Polygon{hull(rng, 0, 5)}
		b := orb.Polygon{hull(rng, 6, 10)}
		return orb.MultiPolygon{a, b}
	}
	return gridPolygon(rng)
}

// gridPolygon is a convex polygon on the grid, sometimes a rectangle,
// sometimes with a rectangular hole.
func gridPolygon(rng *rand.Rand) orb.Polygon {
	if rng.IntN(3) == 0 {
		x, y := float64(rng.IntN(8)), float64(rng.IntN(8))
		w, h := float64(1+rng.IntN(4)), float64(1+rng.IntN(4))
		p := orb.Polygon{{{x, y}, {x + w, y}, {x + w, y + h}, {x, y + h}, {x, y}}}
		if w >= 3 && h >= 3 && rng.IntN(2) == 0 {
			p = append(p, orb.Ring{{x + 1, y + 1}, {x + 1, y + 2}, {x + 2, y + 2}, {x + 2, y + 1}, {x + 1, y + 1}})
		}
		return p
	}
	return orb.Polygon{hull(rng, 0, 10)}
}

// hull is the convex hull of a few grid points in [lo, hi]², closed, CCW.
func hull(rng *rand.Rand, lo, hi int) orb.Ring {
	for {
		var ps []orb.Point
		for range 3 + rng.IntN(5) {
			ps = append(ps, orb.Point{float64(lo + rng.IntN(hi-lo+1)), float64(lo + rng.IntN(hi-lo+1))})
		}
		slices.SortFunc(ps, func(a, b orb.Point) int {
			if a[0] != b[0] {
				return int(a[0] - b[0])
			}
			return int(a[1] - b[1])
		})
		ps = slices.Compact(ps)
		var h []orb.Point
		for pass := 0; pass < 2; pass++ {
			start := len(h)
			for _, p := range ps {
				for len(h) >= start+2 && Orient(h[len(h)-2], h[len(h)-1], p) <= 0 {
					h = h[:len(h)-1]
				}
				h = append(h, p)
			}
			h = h[:len(h)-1]
			slices.Reverse(ps)
		}
		if len(h) >= 3 {
			return append(orb.Ring(h), h[0])
		}
	}
}

// checkPointOnSurface requires PointOnSurface to equal ST_PointOnSurface
// exactly, for the geometries given and for random non-convex polygons.
func checkPointOnSurface(t *testing.T, pool *pgxpool.Pool, gs []orb.Geometry) {
	t.Helper()
	rng := rand.New(rand.NewPCG(5, 6))
	for range 300 {
		gs = append(gs, randomGeometry(rng))
	}
	var ws []string
	for _, g := range gs {
		ws = append(ws, wkt.MarshalString(g))
	}
	rows, err := pool.Query(context.Background(), `SELECT ST_X(p), ST_Y(p) FROM (SELECT ST_PointOnSurface(ST_GeomFromText(a)) p, i
		FROM unnest($1::text[]) WITH ORDINALITY u(a, i)) s ORDER BY i`, ws)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	i := 0
	for rows.Next() {
		var want orb.Point
		if err := rows.Scan(&want[0], &want[1]); err != nil {
			t.Fatal(err)
		}
		if got, ok := PointOnSurface(gs[i]); !ok || got != want {
			t.Errorf("PointOnSurface(%s) = %v, PostGIS %v", ws[i], got, want)
		}
		i++
	}
	if rows.Err() != nil || i != len(gs) {
		t.Fatalf("%d rows: %v", i, rows.Err())
	}
}
