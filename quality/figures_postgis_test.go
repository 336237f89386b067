package quality

import (
	"context"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkt"

	"bando/data"
	"bando/ingest"
	"bando/internal/testenv"
	"bando/spatial"
)

// TestFiguresMatchPostGIS plants problems in a parcel layer — the planted
// fixture and 1,600 random parcels with bow-ties, duplicates, overlaps,
// parcels inside parcels and missing fields — writes the same features to
// PostGIS, and requires every figure to equal PostGIS's own count
// (ST_IsValid, GROUP BY geom, ST_Overlaps, ST_Covers, IS NULL), required
// fields missing included.
func TestFiguresMatchPostGIS(t *testing.T) {
	pool := testenv.PostGIS(t)
	ctx := context.Background()
	w := newWorld(t)
	fs := append(planted(t), randomParcels(t, rand.New(rand.NewPCG(79, 2025)))...)
	w.put("parcels", fs...)
	mustExec(t, pool, `CREATE TABLE parcels (id text PRIMARY KEY, parcel_no text, commune_code text, land_use text, land_price bigint,
		owner_status text, geom geometry(Geometry, 4326))`)
	for _, f := range fs {
		mustExec(t, pool, "INSERT INTO parcels VALUES ($1, $2, $3, $4, $5, $6, ST_GeomFromText($7, 4326))",
			f.ID, f.Props[0], f.Props[1], f.Props[2], f.Props[3], f.Props[4], wkt.MarshalString(f.Geom))
	}
	w.now = w.now.Add(25 * time.Hour) // the layer expects a write a day
	w.eng.cfg.MaxIDs = 1 << 20        // every id and pair, to compare them all
	r := w.report(restricted, "parcels")

	sameCommune := `(a.commune_code = b.commune_code OR a.commune_code IS NULL OR b.commune_code IS NULL)
		AND ST_IsValid(a.geom) AND ST_IsValid(b.geom) AND a.geom && b.geom`
	counts := []struct {
		name string
		got  int
		sql  string
	}{
		{"features", r.Features, "SELECT count(*) FROM parcels"},
		{"invalid", r.Validity.Invalid, "SELECT count(*) FROM parcels WHERE NOT ST_IsValid(geom)"},
		{"outside", r.Validity.Outside, "SELECT count(*) FROM parcels WHERE ST_IsValid(geom) AND NOT geom && ST_MakeEnvelope(100, 0, 120, 20, 4326)"},
		{"complete", r.Completeness.Complete, "SELECT count(*) FROM parcels WHERE parcel_no IS NOT NULL AND land_use IS NOT NULL AND land_price IS NOT NULL AND owner_status IS NOT NULL"},
		{"missing parcel_no (required)", r.Completeness.Missing["parcel_no"], "SELECT count(*) FROM parcels WHERE parcel_no IS NULL"},
		{"missing land_use", r.Completeness.Missing["land_use"], "SELECT count(*) FROM parcels WHERE land_use IS NULL"},
		{"missing land_price", r.Completeness.Missing["land_price"], "SELECT count(*) FROM parcels WHERE land_price IS NULL"},
		{"missing owner_status", r.Completeness.Missing["owner_status"], "SELECT count(*) FROM parcels WHERE owner_status IS NULL"},
		{"duplicates", r.Cleanliness.Duplicates, "SELECT coalesce(sum(n), 0) FROM (SELECT count(*) n FROM parcels GROUP BY geom HAVING count(*) > 1) d"},
		{"overlaps", r.Cleanliness.Overlaps, "SELECT count(*) FROM parcels a JOIN parcels b ON a.id < b.id AND " + sameCommune + " AND ST_Overlaps(a.geom, b.geom)"},
		{"contained", r.Cleanliness.Contained, "SELECT count(*) FROM parcels a JOIN parcels b ON a.id < b.id AND " + sameCommune + " AND (ST_Covers(a.geom, b.geom) OR ST_Covers(b.geom, a.geom))"},
	}
	for _, c := range counts {
		var want int
		if err := pool.QueryRow(ctx, c.sql).Scan(&want); err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if c.got != want {
			t.Errorf("%s: bando %d, PostGIS %d", c.name, c.got, want)
		}
		if want == 0 && c.name != "outside" {
			t.Errorf("%s: PostGIS counts none: the fixture plants nothing to find", c.name)
		}
	}
	wantInvalid := queryIDs(t, pool, "SELECT id FROM parcels WHERE NOT ST_IsValid(geom)")
	if got := slices.Sorted(slices.Values(r.Validity.InvalidIDs)); !slices.Equal(got, wantInvalid) {
		t.Errorf("invalid ids: bando %v, PostGIS %v", got, wantInvalid)
	}
	wantPairs := queryIDs(t, pool, "SELECT least(a.id, b.id) || ' ' || greatest(a.id, b.id) FROM parcels a JOIN parcels b ON a.id < b.id AND "+sameCommune+" AND ST_Overlaps(a.geom, b.geom)")
	var gotPairs []string
	for _, p := range r.Cleanliness.OverlapPairs {
		gotPairs = append(gotPairs, min(p[0], p[1])+" "+max(p[0], p[1]))
	}
	slices.Sort(gotPairs)
	if !slices.Equal(gotPairs, wantPairs) {
		t.Errorf("overlap pairs: bando %d, PostGIS %d; first difference %v", len(gotPairs), len(wantPairs), firstDiff(gotPairs, wantPairs))
	}
	if !r.Liveness.Stale || *r.Liveness.AgeS != 25*3600 || *r.Liveness.ExpectedS != 24*3600 {
		t.Errorf("liveness %+v: want stale, 25 h old against 24 h", r.Liveness)
	}

	// With a tolerance, overlaps of 50 m² or less are not counted (every
	// valid parcel here is convex, so every overlap is measured).
	tol := New(Config{Catalog: w.cat, Index: w.idx, OverlapTolerance: 50})
	tol.Refresh()
	rt, err := tol.Report(restricted, "parcels")
	if err != nil {
		t.Fatal(err)
	}
	var want, slivers int
	q := "SELECT count(*) FILTER (WHERE ST_Area(ST_Intersection(a.geom, b.geom)::geography) > 50), count(*) FROM parcels a JOIN parcels b ON a.id < b.id AND " +
		sameCommune + " AND ST_Overlaps(a.geom, b.geom)"
	if err := pool.QueryRow(ctx, q).Scan(&want, &slivers); err != nil {
		t.Fatal(err)
	}
	slivers -= want
	if rt.Cleanliness.Overlaps != want || slivers == 0 || want == 0 || rt.Cleanliness.ToleranceM2 != 50 {
		t.Errorf("overlaps beyond 50 m²: bando %d, PostGIS %d (%d slivers)", rt.Cleanliness.Overlaps, want, slivers)
	}
}

// TestCommuneOverlapsMatchPostGIS counts the overlapping pairs among the
// 168 real communes of the demo (their outlines come from different
// sources and overlap in slivers) in bando and in PostGIS.
func TestCommuneOverlapsMatchPostGIS(t *testing.T) {
	pool := testenv.PostGIS(t)
	ctx := context.Background()
	cat, err := data.DemoCatalog()
	if err != nil {
		t.Fatal(err)
	}
	l, _ := cat.Get("communes")
	f, err := data.Demo().Open(l.Demo)
	if err != nil {
		t.Fatal(err)
	}
	feats, _, err := ingest.Prepare(l, ingest.GeoJSON, f, ingest.Options{})
	f.(fs.File).Close()
	if err != nil {
		t.Fatal(err)
	}
	idx := spatial.NewIndex()
	idx.Put("communes", 1, feats)
	e := New(Config{Catalog: cat, Index: idx, MaxIDs: 1000})
	e.Refresh()
	r, err := e.Report(restricted, "communes")
	if err != nil {
		t.Fatal(err)
	}
	mustExec(t, pool, "CREATE TABLE communes (id text PRIMARY KEY, geom geometry(Geometry, 4326))")
	for _, f := range feats {
		mustExec(t, pool, "INSERT INTO communes VALUES ($1, ST_GeomFromText($2, 4326))", f.ID, wkt.MarshalString(f.Geom))
	}
	var invalid, overlaps int
	if err := pool.QueryRow(ctx, "SELECT count(*) FROM communes WHERE NOT ST_IsValid(geom)").Scan(&invalid); err != nil {
		t.Fatal(err)
	}
	err = pool.QueryRow(ctx, `SELECT count(*) FROM communes a JOIN communes b ON a.id < b.id AND a.geom && b.geom
		AND ST_IsValid(a.geom) AND ST_IsValid(b.geom) AND ST_Overlaps(a.geom, b.geom)`).Scan(&overlaps)
	if err != nil {
		t.Fatal(err)
	}
	if r.Validity.Invalid != invalid || r.Cleanliness.Overlaps != overlaps {
		t.Fatalf("communes: bando invalid %d overlaps %d, PostGIS %d and %d", r.Validity.Invalid, r.Cleanliness.Overlaps, invalid, overlaps)
	}
	t.Logf("communes: %d invalid, %d overlapping pairs in both", invalid, overlaps)
}

// randomParcels lays 1,600 parcels on a 40 × 40 grid of 0.001° cells:
// half exact cells (touching their neighbours), half with jittered
// corners (overlapping some), then bow-ties, duplicates, parcels inside
// parcels and missing fields, all seeded.
func randomParcels(t *testing.T, rng *rand.Rand) []*spatial.Feature {
	const n, cell = 40, 0.001
	var out []*spatial.Feature
	var geoms []orb.Polygon
	for i := range n * n {
		x, y := 106.6+float64(i%n)*cell, 10.7+float64(i/n)*cell
		c := [4]orb.Point{{x, y}, {x + cell, y}, {x + cell, y + cell}, {x, y + cell}}
		if rng.IntN(2) == 0 {
			for k := range c {
				c[k][0] += (rng.Float64() - 0.5) * cell * 0.3
				c[k][1] += (rng.Float64() - 0.5) * cell * 0.3
			}
		}
		switch rng.IntN(40) {
		case 0: // a bow-tie
			c[1], c[2] = c[2], c[1]
		case 1: // a parcel inside a cell
			c = [4]orb.Point{{x + cell*0.3, y + cell*0.3}, {x + cell*0.6, y + cell*0.3}, {x + cell*0.6, y + cell*0.6}, {x + cell*0.3, y + cell*0.6}}
		}
		pg := orb.Polygon{orb.Ring{c[0], c[1], c[2], c[3], c[0]}}
		if len(geoms) > 0 && rng.IntN(60) == 0 { // a duplicate of an earlier parcel
			pg = geoms[rng.IntN(len(geoms))]
		}
		geoms = append(geoms, pg)
		id := fmt.Sprintf("r%04d", i)
		props := []any{id, fmt.Sprintf("c%d", i%n/10), "ODT", int64(1000 + i), "none"}
		if rng.IntN(50) == 0 {
			props[1] = nil
		}
		if rng.IntN(70) == 0 { // a required field missing (stored before it was required)
			props[0] = nil
		}
		for k := 2; k < 5; k++ {
			if rng.IntN(12) == 0 {
				props[k] = nil
			}
		}
		out = append(out, &spatial.Feature{ID: id, Geom: pg, Bound: pg.Bound(), Props: props})
	}
	return out
}

func firstDiff(a, b []string) string {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return a[i] + " / " + b[i]
		}
	}
	return "at the end of the shorter"
}

func mustExec(t *testing.T, pool *pgxpool.Pool, sql string, args ...any) {
	t.Helper()
	if _, err := pool.Exec(context.Background(), sql, args...); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
}

func queryIDs(t *testing.T, pool *pgxpool.Pool, sql string) []string {
	t.Helper()
	rows, err := pool.Query(context.Background(), sql)
	if err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		out = append(out, s)
	}
	slices.Sort(out)
	return out
}
