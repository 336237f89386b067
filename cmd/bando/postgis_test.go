package main

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"bando/internal/testenv"
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
	for _, c := range cols.Collections {
		t.Run(c.ID, func(t *testing.T) {
			// The pool's own schema (testenv.PostGIS) keeps this name private to the run.
			table := "cmp_" + c.ID
			if _, err := pool.Exec(ctx, fmt.Sprintf("CREATE TABLE %s (id text primary key, geom geometry(Geometry,4326))", table)); err != nil {
				t.Fatal(err)
			}
			n := 0
			for offset := 0; ; offset += 5000 {
				var fc featureCollection
				srv.getJSON(fmt.Sprintf("/collections/%s/items?limit=5000&offset=%d", c.ID, offset), opsToken, &fc)
				for _, f := range fc.Features {
					if _, err := pool.Exec(ctx, "INSERT INTO "+table+" VALUES ($1, ST_SetSRID(ST_GeomFromGeoJSON($2),4326))",
						fmt.Sprint(f.ID), string(f.Geometry)); err != nil {
						t.Fatalf("insert %v: %v", f.ID, err)
					}
					n++
				}
				if fc.NumberReturned < 5000 {
					break
				}
			}
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
