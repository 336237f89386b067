package tiles

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"math"
	randv2 "math/rand/v2"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkb"

	"bando/data"
	"bando/ingest"
	"bando/internal/testenv"
	"bando/layers"
	"bando/spatial"
)

// TestPolygonsMatchPostGIS renders real demo polygon layers and compares
// every tile with PostGIS's ST_AsMVTGeom(ST_Transform(geom, 3857),
// ST_TileEnvelope(z, x, y), 4096, 256, true), the oracle:
//
//   - the same feature ids, except features on one side only with at most
//     maxOneSideArea there (collapsed on the grid, which the two sides
//     keep or drop differently); those are counted and logged;
//   - every bando polygon passes ST_IsValid (sent back as tile-space WKT);
//   - areas within 1% for features of at least minComparedArea units² on
//     both sides.
func TestPolygonsMatchPostGIS(t *testing.T) {
	pool := testenv.PostGIS(t)
	ctx := context.Background()
	cat, err := data.DemoCatalog()
	if err != nil {
		t.Fatal(err)
	}
	schema := pgTestSchema(t, ctx, pool)
	// Buildings cover only the city centre, a few tiles at z14: they are
	// sampled down to z16, their maximum zoom plus two being z18.
	for _, tc := range []struct {
		layer    string
		format   ingest.Format
		tiles    int
		min, max int
	}{
		{"communes", ingest.GeoJSON, 200, 8, 14},
		{"province", ingest.GeoJSON, 60, 8, 14},
		{"buildings", ingest.Overpass, 60, 12, 16},
	} {
		t.Run(tc.layer, func(t *testing.T) {
			l, err := cat.Get(tc.layer)
			if err != nil {
				t.Fatal(err)
			}
			feats := demoFeatures(t, l, tc.format)
			table := pgx.Identifier{schema, tc.layer}.Sanitize()
			pgLoad(t, ctx, pool, table, feats)
			idx := spatial.NewIndex()
			idx.Put(l.ID, 1, feats)
			srv := New(Config{Index: idx, Catalog: cat, CacheBytes: -1})
			var st pgStats
			for _, c := range sampleTiles(feats, tc.tiles, max(tc.min, l.Zoom.Min), tc.max) {
				comparePGTile(t, ctx, pool, srv, table, l.ID, c, &st)
			}
			t.Logf("%s: %d tiles, %d features by PostGIS, %d bando polygons, %d invalid (PostGIS output: %d invalid); "+
				"one side only (≤ %d units²): %d bando, %d PostGIS; %d under min_area; %d areas ≥ %d units² compared, %d outside 1%% (largest difference %.3f%%)",
				tc.layer, st.tiles, st.pgFeatures, st.polygons, st.invalid, st.pgInvalid, maxOneSideArea,
				st.onlyBando, st.onlyPG, st.underMinArea, st.compared, minComparedArea, st.outliers, 100*st.maxDiff)
			if st.tiles < tc.tiles/2 || st.compared == 0 {
				t.Fatalf("the sample did not cover the data: %d tiles with features, %d areas compared", st.tiles, st.compared)
			}
		})
	}
}

// minComparedArea is the smallest feature area, in tile units², whose
// area must match PostGIS's to 1%. Both sides round every vertex to the
// grid, which moves a boundary by up to half a unit: for a square of side
// s the area may change by 4s·½ = 2s, which is within 1% of s² only from
// s = 200. Measured on the demo layers at 5a0b318+: the largest difference
// above this size is 0.6%, below it slivers along the buffer edge differ
// by up to 23%. Smaller features are still checked for validity and ids.
const minComparedArea = 200 * 200

// maxOneSideArea is the largest area, in tile units², of a feature found
// in only one of the two tiles. The simplifiers differ (PostGIS keeps
// collapsed buildings that bando drops below the layer's maximum zoom, and
// bando keeps at the maximum zoom a 1×1 square where PostGIS returns NULL),
// so features of up to 8×8 units may be on one side only; larger ones fail.
const maxOneSideArea = 64

type pgStats struct {
	tiles, pgFeatures, polygons, invalid, pgInvalid int
	onlyBando, onlyPG, compared, outliers           int
	underMinArea                                    int // left out by generalize.min_area
	maxDiff                                         float64
}

// pgTestSchema creates a schema of its own for this run, dropped at the end.
func pgTestSchema(t *testing.T, ctx context.Context, pool *pgxpool.Pool) string {
	t.Helper()
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	schema := "bando_tiles_" + hex.EncodeToString(b)
	if _, err := pool.Exec(ctx, "CREATE SCHEMA "+pgx.Identifier{schema}.Sanitize()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if _, err := pool.Exec(context.Background(), "DROP SCHEMA "+pgx.Identifier{schema}.Sanitize()+" CASCADE"); err != nil {
			t.Errorf("drop schema %s: %v", schema, err)
		}
	})
	return schema
}

// demoFeatures reads a demo layer through the ingest package and numbers
// the features 1, 2, … (the MVT ids).
func demoFeatures(t *testing.T, l *layers.Layer, format ingest.Format) []*spatial.Feature {
	t.Helper()
	f, err := data.Demo().Open(l.Demo)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	feats, _, err := ingest.Prepare(l, format, f, ingest.Options{})
	if err != nil {
		t.Fatalf("ingest %s: %v", l.Demo, err)
	}
	if len(feats) == 0 {
		t.Fatalf("%s is empty", l.Demo)
	}
	for i, ft := range feats {
		ft.Num = uint64(i + 1)
	}
	return feats
}

// pgLoad copies the features into a new table in EPSG:3857 with a GiST
// index.
func pgLoad(t *testing.T, ctx context.Context, pool *pgxpool.Pool, table string, feats []*spatial.Feature) {
	t.Helper()
	if _, err := pool.Exec(ctx, "CREATE TABLE "+table+" (num bigint PRIMARY KEY, geom geometry(Geometry, 3857) NOT NULL)"); err != nil {
		t.Fatal(err)
	}
	var b pgx.Batch
	for _, f := range feats {
		w, err := wkb.Marshal(f.Geom)
		if err != nil {
			t.Fatalf("wkb %s: %v", f.ID, err)
		}
		b.Queue("INSERT INTO "+table+" VALUES ($1, ST_Transform(ST_SetSRID(ST_GeomFromWKB($2), 4326), 3857))", int64(f.Num), w)
	}
	if err := pool.SendBatch(ctx, &b).Close(); err != nil {
		t.Fatalf("load %s: %v", table, err)
	}
	if _, err := pool.Exec(ctx, "CREATE INDEX ON "+table+" USING gist (geom); ANALYZE "+table); err != nil {
		t.Fatal(err)
	}
}

// sampleTiles returns n distinct tiles at zooms lo..hi, each holding a
// vertex of a feature (boundaries are where clipping and rounding go
// wrong), chosen with a fixed seed.
func sampleTiles(feats []*spatial.Feature, n, lo, hi int) []Coord {
	rng := randv2.New(randv2.NewPCG(79, uint64(len(feats))))
	seen := map[Coord]bool{}
	var out []Coord
	for try := 0; len(out) < n && try < 100*n; try++ {
		f := feats[rng.IntN(len(feats))]
		var vs []orb.Point
		collectPoints(f.Geom, &vs)
		if len(vs) == 0 {
			continue
		}
		c := CoordOf(vs[rng.IntN(len(vs))], lo+rng.IntN(hi-lo+1))
		if !seen[c] {
			seen[c] = true
			out = append(out, c)
		}
	}
	return out
}

func collectPoints(g orb.Geometry, out *[]orb.Point) {
	switch g := g.(type) {
	case orb.Polygon:
		for _, r := range g {
			*out = append(*out, r...)
		}
	case orb.MultiPolygon:
		for _, p := range g {
			collectPoints(p, out)
		}
	}
}

// pgFeature is one feature of a tile as a WKT polygon in tile coordinates.
type pgFeature struct {
	wkt  string
	area float64
	// fullArea is the feature's whole area in square tile units, before
	// clipping and snapping: what generalize.min_area is about.
	fullArea float64
	valid    bool
	reason   string
}

// comparePGTile compares one tile of one layer.
func comparePGTile(t *testing.T, ctx context.Context, pool *pgxpool.Pool, srv *Server, table, layer string, c Coord, st *pgStats) {
	t.Helper()
	want := pgTileFeatures(t, ctx, pool, table, c)
	got := bandoTileFeatures(t, ctx, pool, srv, layer, c)
	if len(want) == 0 && len(got) == 0 {
		return
	}
	st.tiles++
	st.pgFeatures += len(want)
	st.polygons += len(got)
	for _, w := range want {
		if !w.valid {
			st.pgInvalid++
		}
	}
	for id, g := range got {
		if !g.valid {
			st.invalid++
			t.Errorf("%s %s feature %d: ST_IsValid false (%s): %s", layer, c, id, g.reason, excerpt(g.wkt))
		}
		w, ok := want[id]
		switch {
		case !ok && g.area <= maxOneSideArea:
			st.onlyBando++
			continue
		case !ok:
			t.Errorf("%s %s feature %d: in bando's tile (area %.0f) but not PostGIS's", layer, c, id, g.area)
			continue
		case g.area < minComparedArea || w.area < minComparedArea:
			continue
		}
		st.compared++
		d := math.Abs(g.area-w.area) / w.area
		st.maxDiff = max(st.maxDiff, d)
		if d > 0.01 {
			st.outliers++
			t.Errorf("%s %s feature %d: area %.0f, PostGIS %.0f (%.2f%%)", layer, c, id, g.area, w.area, 100*d)
		}
	}
	for id, w := range want {
		if _, ok := got[id]; ok {
			continue
		}
		if w.area <= maxOneSideArea {
			st.onlyPG++
			continue
		}
		if r := rule(t, srv, layer, c.Z); w.fullArea < r.MinArea*math.Pow(float64(srv.Extent())/PixelsPerTile, 2) {
			st.underMinArea++
			continue
		}
		t.Errorf("%s %s feature %d: in PostGIS's tile (area %.0f) but not bando's", layer, c, id, w.area)
	}
}

// pgTileFeatures returns PostGIS's polygons for tile c by feature id.
func pgTileFeatures(t *testing.T, ctx context.Context, pool *pgxpool.Pool, table string, c Coord) map[uint64]pgFeature {
	t.Helper()
	rows, err := pool.Query(ctx, `SELECT num, ST_AsText(g), ST_Area(g), full_area, ST_IsValid(g), ST_IsValidReason(g) FROM (
		SELECT num, ST_AsMVTGeom(geom, ST_TileEnvelope($1, $2, $3), 4096, 256, true) AS g,
		  ST_Area(geom) / ((ST_XMax(e) - ST_XMin(e)) / 4096) ^ 2 AS full_area
		FROM `+table+`, ST_TileEnvelope($1, $2, $3) e
		WHERE geom && ST_TileEnvelope($1, $2, $3, margin => 256.0 / 4096)) s WHERE g IS NOT NULL`, c.Z, c.X, c.Y)
	if err != nil {
		t.Fatalf("PostGIS tile %s: %v", c, err)
	}
	out := map[uint64]pgFeature{}
	for rows.Next() {
		var num int64
		var f pgFeature
		if err := rows.Scan(&num, &f.wkt, &f.area, &f.fullArea, &f.valid, &f.reason); err != nil {
			t.Fatal(err)
		}
		out[uint64(num)] = f
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// bandoTileFeatures renders tile c, decodes it and has PostGIS judge each
// polygon.
func bandoTileFeatures(t *testing.T, ctx context.Context, pool *pgxpool.Pool, srv *Server, layer string, c Coord) map[uint64]pgFeature {
	t.Helper()
	d := mustTile(t, srv, layers.Anonymous, []string{layer}, c)
	var ids []uint64
	var wkts []string
	for _, l := range d.Layers {
		for _, f := range l.Features {
			if f.Type != uint64(geomPolygon) {
				t.Fatalf("%s %s feature %d has type %d", layer, c, f.ID, f.Type)
			}
			w, err := polygonWKT(f.Parts)
			if err != nil {
				t.Errorf("%s %s feature %d: %v", layer, c, f.ID, err)
				continue
			}
			ids = append(ids, f.ID)
			wkts = append(wkts, w)
		}
	}
	out := map[uint64]pgFeature{}
	if len(wkts) == 0 {
		return out
	}
	rows, err := pool.Query(ctx, `SELECT i, ST_Area(g), ST_IsValid(g), ST_IsValidReason(g)
		FROM unnest($1::text[]) WITH ORDINALITY AS u(w, i), LATERAL ST_GeomFromText(u.w) AS g`, wkts)
	if err != nil {
		t.Fatalf("judge %s: %v", c, err)
	}
	for rows.Next() {
		var i int64
		var f pgFeature
		if err := rows.Scan(&i, &f.area, &f.valid, &f.reason); err != nil {
			t.Fatal(err)
		}
		f.wkt = wkts[i-1]
		out[ids[i-1]] = f
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// polygonWKT writes decoded polygon rings (each exterior, of positive
// area, followed by its holes, of negative area) as a MULTIPOLYGON.
func polygonWKT(parts [][][2]int64) (string, error) {
	var polys [][]string
	for i, r := range parts {
		a := ringArea2(r)
		switch {
		case a == 0:
			return "", fmt.Errorf("ring %d has zero area", i)
		case i == 0 && a < 0:
			return "", fmt.Errorf("first ring has negative area (a hole without exterior)")
		}
		pts := make([]string, 0, len(r)+1)
		for _, p := range r {
			pts = append(pts, fmt.Sprintf("%d %d", p[0], p[1]))
		}
		ring := "(" + strings.Join(append(pts, pts[0]), ",") + ")"
		if a > 0 {
			polys = append(polys, []string{ring})
		} else {
			polys[len(polys)-1] = append(polys[len(polys)-1], ring)
		}
	}
	ps := make([]string, len(polys))
	for i, p := range polys {
		ps[i] = "(" + strings.Join(p, ",") + ")"
	}
	return "MULTIPOLYGON(" + strings.Join(ps, ",") + ")", nil
}

func excerpt(s string) string {
	if len(s) > 300 {
		return s[:300] + "…"
	}
	return s
}

// TestCleanPolygonPostGIS has PostGIS judge cleanPolygon's output for
// random small-grid rings full of crossings, shared spans and touching
// vertices (the fuzz target's inputs, from a fixed seed), so that the
// tests' own validity checker is itself checked against ST_IsValid.
func TestCleanPolygonPostGIS(t *testing.T) {
	pool := testenv.PostGIS(t)
	ctx := context.Background()
	rng := randv2.New(randv2.NewPCG(5, 9))
	var wkts []string
	for len(wkts) < 3000 {
		b := make([]byte, 4+rng.IntN(100))
		for i := range b {
			b[i] = byte(rng.IntN(256))
		}
		got := cleanPolygon(ringsFromBytes(b))
		if len(got) == 0 {
			continue
		}
		parts := make([][][2]int64, len(got))
		for i, r := range got {
			for _, p := range r {
				parts[i] = append(parts[i], [2]int64{int64(p.X), int64(p.Y)})
			}
		}
		w, err := polygonWKT(parts)
		if err != nil {
			t.Fatalf("%v: %v", got, err)
		}
		wkts = append(wkts, w)
	}
	rows, err := pool.Query(ctx, `SELECT u.w, ST_IsValidReason(g) FROM unnest($1::text[]) AS u(w),
		LATERAL ST_GeomFromText(u.w) AS g WHERE NOT ST_IsValid(g)`, wkts)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	bad := 0
	for rows.Next() {
		var w, reason string
		if err := rows.Scan(&w, &reason); err != nil {
			t.Fatal(err)
		}
		if bad++; bad <= 5 {
			t.Errorf("ST_IsValid false (%s): %s", reason, excerpt(w))
		}
	}
	t.Logf("%d cleaned random polygons, %d invalid by PostGIS", len(wkts), bad)
}
