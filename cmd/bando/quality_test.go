package main

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"bando/internal/testenv"
)

// TestQualityMatchesPostGIS is the check from outside: a parcel
// layer with planted problems — bow-ties, rings crossing twice, holes
// outside their shell, duplicate geometries, overlapping parcels, missing
// required and expected fields — is posted to a running bando with invalid=keep, the
// same GeoJSON is loaded into PostGIS on its own (ST_GeomFromGeoJSON), and
// every figure of /api/quality must equal PostGIS's count; the layer, not
// written within its 2 s interval, then goes stale and raises an alert.
func TestQualityMatchesPostGIS(t *testing.T) {
	pool := testenv.PostGIS(t)
	ctx := context.Background()
	dir := t.TempDir()
	srv := startServer(t, dir+"/var", writeConfig(t, dir, `demo: false
layers:
  - id: planted
    title: {vi: Thửa đất cài lỗi, en: Planted parcels}
    kind: parcel
    geometry: Polygon
    access: public
    zoom: {min: 0, max: 18}
    update_interval: 2s
    steward: {department: Sở Nông nghiệp và Môi trường, contact: dat@example.org}
    attribution: test
    synthetic: true
    fields:
      - {name: parcel_no, type: string, required: true}
      - {name: commune_code, type: string}
      - {name: land_use, type: string, expected: true}
      - {name: area_m2, type: float, expected: true}
`))
	body, n := plantedGeoJSON(rand.New(rand.NewPCG(11, 79)))
	st, _, resp := srv.do("POST", "/collections/planted/items?invalid=keep", opsToken, "application/geo+json", []byte(body))
	if st != 201 {
		t.Fatalf("post: %d %s", st, resp)
	}
	if _, err := pool.Exec(ctx, `CREATE TABLE planted (id text PRIMARY KEY, parcel_no text, commune_code text, land_use text, area_m2 float8, geom geometry)`); err != nil {
		t.Fatal(err)
	}
	var fc struct {
		Features []struct {
			ID         string          `json:"id"`
			Properties map[string]any  `json:"properties"`
			Geometry   json.RawMessage `json:"geometry"`
		} `json:"features"`
	}
	if err := json.Unmarshal([]byte(body), &fc); err != nil {
		t.Fatal(err)
	}
	for _, f := range fc.Features {
		if _, err := pool.Exec(ctx, "INSERT INTO planted VALUES ($1, $2, $3, $4, $5, ST_GeomFromGeoJSON($6))", f.ID,
			f.Properties["parcel_no"], f.Properties["commune_code"], f.Properties["land_use"], f.Properties["area_m2"], string(f.Geometry)); err != nil {
			t.Fatal(err)
		}
	}
	var q struct {
		Features int `json:"features"`
		Validity struct {
			Invalid int `json:"invalid"`
		} `json:"validity"`
		Completeness struct {
			Missing map[string]int `json:"missing"`
		} `json:"completeness"`
		Cleanliness struct {
			Duplicates int `json:"duplicates"`
			Overlaps   int `json:"overlaps"`
		} `json:"cleanliness"`
		Liveness struct {
			AgeS      float64 `json:"age_s"`
			ExpectedS float64 `json:"expected_s"`
			Stale     bool    `json:"stale"`
		} `json:"liveness"`
	}
	srv.getJSON("/api/quality/planted", "", &q)
	pairs := `a.id < b.id AND a.geom && b.geom AND ST_IsValid(a.geom) AND ST_IsValid(b.geom)
		AND (a.commune_code = b.commune_code OR a.commune_code IS NULL OR b.commune_code IS NULL)`
	for _, c := range []struct {
		name string
		got  int
		sql  string
	}{
		{"features", q.Features, "SELECT count(*) FROM planted"},
		{"invalid", q.Validity.Invalid, "SELECT count(*) FROM planted WHERE NOT ST_IsValid(geom)"},
		{"missing parcel_no (required)", q.Completeness.Missing["parcel_no"], "SELECT count(*) FROM planted WHERE parcel_no IS NULL"},
		{"missing land_use", q.Completeness.Missing["land_use"], "SELECT count(*) FROM planted WHERE land_use IS NULL"},
		{"missing area_m2", q.Completeness.Missing["area_m2"], "SELECT count(*) FROM planted WHERE area_m2 IS NULL"},
		{"duplicates", q.Cleanliness.Duplicates, "SELECT coalesce(sum(n), 0) FROM (SELECT count(*) n FROM planted GROUP BY geom HAVING count(*) > 1) d"},
		{"overlaps", q.Cleanliness.Overlaps, "SELECT count(*) FROM planted a JOIN planted b ON " + pairs + " AND ST_Overlaps(a.geom, b.geom)"},
	} {
		var want int
		if err := pool.QueryRow(ctx, c.sql).Scan(&want); err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if c.got != want || want == 0 {
			t.Errorf("%s: bando %d, PostGIS %d (want equal and not zero)", c.name, c.got, want)
		}
	}
	if q.Features != n || q.Liveness.ExpectedS != 2 {
		t.Fatalf("features %d of %d, expected_s %v", q.Features, n, q.Liveness.ExpectedS)
	}
	var col struct {
		Bando struct {
			Quality json.RawMessage `json:"quality"`
		} `json:"bando"`
	}
	srv.getJSON("/collections/planted", "", &col)
	if !strings.Contains(string(col.Bando.Quality), fmt.Sprintf(`"invalid":%d`, q.Validity.Invalid)) {
		t.Errorf("bando.quality: %s", col.Bando.Quality)
	}
	deadline := time.Now().Add(20 * time.Second)
	for {
		srv.getJSON("/api/quality/planted", "", &q)
		_, alerts := srv.get("/api/alerts?kind=layer_stale", "")
		if q.Liveness.Stale && q.Liveness.AgeS > 2 && strings.Contains(string(alerts), `"layer":"planted"`) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("not stale with an alert: %+v %s", q.Liveness, alerts)
		}
		time.Sleep(200 * time.Millisecond)
	}
	if _, m := srv.get("/metrics", ""); !strings.Contains(string(m), `bando_quality_stale{layer="planted"} 1`) {
		t.Errorf("/metrics lacks the stale gauge")
	}
}

// plantedGeoJSON is a FeatureCollection of n parcels on a grid of 0.001°
// cells: most exact cells (touching their neighbours), some wider (each
// overlapping the next), bow-ties, rings crossing twice, holes outside
// their shell, copies of earlier parcels, and missing required and expected fields.
func plantedGeoJSON(rng *rand.Rand) (string, int) {
	const cols, rows, cell = 30, 20, 0.001
	at := func(k int, o float64) float64 { return o + float64(k)*cell }
	var feats []string
	var geoms []string
	for i := range cols * rows {
		c, r := i%cols, i/cols
		x0, x1, y0, y1 := at(c, 106.7), at(c+1, 106.7), at(r, 10.75), at(r+1, 10.75)
		ring := func(ps ...[2]float64) string {
			var b strings.Builder
			b.WriteString("[")
			for k, p := range append(ps, ps[0]) {
				if k > 0 {
					b.WriteString(",")
				}
				fmt.Fprintf(&b, "[%v,%v]", p[0], p[1])
			}
			return b.String() + "]"
		}
		var geom string
		switch k := rng.IntN(30); {
		case k == 0: // a bow-tie
			geom = ring([2]float64{x0, y0}, [2]float64{x1, y1}, [2]float64{x1, y0}, [2]float64{x0, y1})
		case k == 1: // a ring crossing itself twice
			ym := (y0 + y1) / 2
			geom = ring([2]float64{x0, y0}, [2]float64{x1, y0}, [2]float64{x0, ym}, [2]float64{x1, ym}, [2]float64{x0, y1}, [2]float64{x1, y1})
		case k == 2: // a hole outside its shell
			geom = ring([2]float64{x0, y0}, [2]float64{x1, y0}, [2]float64{x1, y1}, [2]float64{x0, y1}) + "," +
				ring([2]float64{x1 + cell/4, y0}, [2]float64{x1 + cell/2, y0}, [2]float64{x1 + cell/2, y0 + cell/4})
		case k < 6: // wider: overlaps the next cell
			geom = ring([2]float64{x0, y0}, [2]float64{x1 + cell/3, y0}, [2]float64{x1 + cell/3, y1}, [2]float64{x0, y1})
		default:
			geom = ring([2]float64{x0, y0}, [2]float64{x1, y0}, [2]float64{x1, y1}, [2]float64{x0, y1})
		}
		geom = `{"type":"Polygon","coordinates":[` + geom + `]}`
		if len(geoms) > 0 && rng.IntN(25) == 0 {
			geom = geoms[rng.IntN(len(geoms))]
		}
		geoms = append(geoms, geom)
		props := []string{fmt.Sprintf(`"commune_code":"%d"`, c/10)}
		if rng.IntN(40) > 0 {
			props = append(props, fmt.Sprintf(`"parcel_no":"%d"`, i))
		}
		if rng.IntN(8) > 0 {
			props = append(props, `"land_use":"ODT"`)
		}
		if rng.IntN(6) > 0 {
			props = append(props, fmt.Sprintf(`"area_m2":%d.5`, 100+i))
		}
		feats = append(feats, fmt.Sprintf(`{"type":"Feature","id":"p%d","properties":{%s},"geometry":%s}`, i, strings.Join(props, ","), geom))
	}
	return `{"type":"FeatureCollection","features":[` + strings.Join(feats, ",\n") + `]}`, len(feats)
}
