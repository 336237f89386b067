package main

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"bando/data"
	"bando/internal/testenv"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// TestItemsMatchPostGIS loads the demo, copies every layer's features as
// served into PostGIS, and checks that bbox queries return exactly the ids
// ST_Intersects returns, in the same paging.
func TestItemsMatchPostGIS(t *testing.T) {
	pool := testenv.PostGIS(t)
	ctx := context.Background()
	dir := t.TempDir()
	srv := startServer(t, dir+"/var", writeConfig(t, dir, ""))
	var cols struct {
		Collections []struct {
			ID     string `json:"id"`
			Extent struct {
				Spatial struct {
					BBox [][4]float64 `json:"bbox"`
				} `json:"spatial"`
			} `json:"extent"`
		} `json:"collections"`
	}
	srv.getJSON("/collections", opsToken, &cols)
	if len(cols.Collections) < 5 {
		t.Fatalf("only %d collections", len(cols.Collections))
	}
	rng := rand.New(rand.NewPCG(79, 1))
	demo, err := data.DemoCatalog()
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cols.Collections {
		t.Run(c.ID, func(t *testing.T) {
			if l, err := demo.Get(c.ID); err == nil && l.Demo == "" {
				t.Skip("a live layer: the twin fills it, the demo has no file for it")
			}
			table, n := copyToPostGIS(t, srv, pool, c.ID)
			if n == 0 {
				t.Fatalf("layer %s is empty", c.ID)
			}
			e := c.Extent.Spatial.BBox[0]
			w, h := e[2]-e[0], e[3]-e[1]
			for range 25 {
				bw, bh := w*rng.Float64()*0.3, h*rng.Float64()*0.3
				x, y := e[0]+rng.Float64()*(w-bw), e[1]+rng.Float64()*(h-bh)
				// Round once, so both sides query the very same box.
				x0, y0, x1, y1 := round6(x), round6(y), round6(x+bw), round6(y+bh)
				bbox := fmt.Sprintf("%.6f,%.6f,%.6f,%.6f", x0, y0, x1, y1)
				got := srv.allItems(c.ID, bbox, opsToken)
				var want []string
				rows, err := pool.Query(ctx, "SELECT id FROM "+table+" WHERE ST_Intersects(geom, ST_MakeEnvelope($1,$2,$3,$4,4326))",
					x0, y0, x1, y1)
				if err != nil {
					t.Fatal(err)
				}
				for rows.Next() {
					var id string
					rows.Scan(&id)
					want = append(want, id)
				}
				rows.Close()
				gs, ws := slices.Clone(got), want
				slices.Sort(gs)
				slices.Sort(ws)
				if !slices.Equal(gs, ws) {
					t.Fatalf("bbox %s: bando %d ids, PostGIS %d ids\nbando-only %v\npostgis-only %v", bbox, len(gs), len(ws), diff(gs, ws), diff(ws, gs))
				}
			}
			t.Logf("%s: %d features, 25 bboxes equal to PostGIS", c.ID, n)
		})
	}
}

// copyToPostGIS copies every feature of a layer as /items serves it (the
// ops token sees every field) into a table of the test's own schema (see
// testenv.PostGIS): id, properties as jsonb, geometry in EPSG:4326.
func copyToPostGIS(t *testing.T, srv *server, pool *pgxpool.Pool, layer string) (string, int) {
	t.Helper()
	ctx := context.Background()
	table := pgx.Identifier{"items_" + layer}.Sanitize()
	if _, err := pool.Exec(ctx, "CREATE TABLE "+table+" (id text primary key, props jsonb, geom geometry(Geometry,4326))"); err != nil {
		t.Fatal(err)
	}
	n := 0
	for offset := 0; ; offset += 5000 {
		var fc featureCollection
		srv.getJSON(fmt.Sprintf("/collections/%s/items?limit=5000&offset=%d", layer, offset), opsToken, &fc)
		batch := &pgx.Batch{}
		for _, f := range fc.Features {
			props, _ := json.Marshal(f.Properties)
			batch.Queue("INSERT INTO "+table+" VALUES ($1, $2, ST_SetSRID(ST_GeomFromGeoJSON($3),4326))", string(f.ID), props, string(f.Geometry))
		}
		if err := pool.SendBatch(ctx, batch).Close(); err != nil {
			t.Fatalf("copy %s to PostGIS: %v", layer, err)
		}
		n += len(fc.Features)
		if fc.NumberReturned < 5000 {
			break
		}
	}
	if _, err := pool.Exec(ctx, "CREATE INDEX ON "+table+" USING gist (geom); ANALYZE "+table); err != nil {
		t.Fatal(err)
	}
	return table, n
}

func round6(v float64) float64 { return math.Round(v*1e6) / 1e6 }

func diff(a, b []string) []string {
	var out []string
	for _, x := range a {
		if !slices.Contains(b, x) {
			out = append(out, x)
		}
	}
	if len(out) > 10 {
		out = out[:10]
	}
	return out
}
