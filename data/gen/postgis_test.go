package gen

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/paulmach/orb/geojson"

	"bando/internal/testenv"
)

// TestScenarioAgainstPostGIS checks the demo's synthetic points with
// PostGIS as the oracle: every house, school, clinic and commune_stats
// point intersects exactly one commune (ST_Intersects), the one it names,
// so a join by code and a spatial join by commune agree; every street
// light lies within 2 cm of its OSM way (ST_DWithin on geography).
func TestScenarioAgainstPostGIS(t *testing.T) {
	pool := testenv.PostGIS(t)
	ctx := context.Background()
	cfg := demoConfig(t, DemoSeed, DemoSize["houses"])
	exec := func(sql string, args ...any) {
		t.Helper()
		if _, err := pool.Exec(ctx, sql, args...); err != nil {
			t.Fatalf("%s: %v", sql, err)
		}
	}
	var crow [][]any
	for _, c := range cfg.Communes {
		b, err := geojson.NewGeometry(c.Polygon).MarshalJSON()
		if err != nil {
			t.Fatal(err)
		}
		crow = append(crow, []any{c.Code, string(b)})
	}
	copyIn(t, pool, "communes", "code text primary key, src text", []string{"code", "src"}, crow)
	exec(`alter table communes add column geom geometry(MultiPolygon, 4326)`)
	exec(`update communes set geom = ST_Multi(ST_SetSRID(ST_GeomFromGeoJSON(src), 4326))`)
	exec(`create index on communes using gist (geom)`)

	var rows [][]any
	for _, layer := range []struct{ id, code string }{
		{"houses", "commune_code"}, {"schools", "commune_code"}, {"clinics", "commune_code"},
		{"commune_stats", "code"}, {"street_lights", ""},
	} {
		for _, f := range decodePoints(t, run(t, layer.id, cfg)) {
			code, _ := f.Properties[layer.code].(string)
			way, _ := f.Properties["osm_way"].(float64)
			rows = append(rows, []any{layer.id, f.ID, code, int64(way), f.Lon, f.Lat})
		}
	}
	copyIn(t, pool, "pts", "layer text, id int, code text, way bigint, lon float8, lat float8",
		[]string{"layer", "id", "code", "way", "lon", "lat"}, rows)
	exec(`alter table pts add column geom geometry(Point, 4326)`)
	exec(`update pts set geom = ST_SetSRID(ST_MakePoint(lon, lat), 4326)`)

	var rrow [][]any
	for _, r := range cfg.Roads {
		var wkt strings.Builder
		wkt.WriteString("LINESTRING(")
		for i, p := range r.Points {
			if i > 0 {
				wkt.WriteByte(',')
			}
			wkt.WriteString(strconv.FormatFloat(p[0], 'g', -1, 64) + " " + strconv.FormatFloat(p[1], 'g', -1, 64))
		}
		wkt.WriteByte(')')
		rrow = append(rrow, []any{r.ID, wkt.String()})
	}
	copyIn(t, pool, "roads", "id bigint primary key, wkt text", []string{"id", "wkt"}, rrow)
	exec(`alter table roads add column geom geometry(LineString, 4326)`)
	exec(`update roads set geom = ST_GeomFromText(wkt, 4326)`)

	// One row per point with the communes it intersects; a join (not a
	// subquery per point) lets PostGIS reuse its prepared polygons.
	q := `with hits as (
	        select p.layer, p.id, count(c.code) n, bool_or(c.code = p.code) own
	        from pts p left join communes c on ST_Intersects(c.geom, p.geom)
	        where p.layer <> 'street_lights' group by p.layer, p.id)
	      select layer, count(*), count(*) filter (where n <> 1), count(*) filter (where own is not true)
	      from hits group by 1 order by 1`
	res, err := pool.Query(ctx, q)
	if err != nil {
		t.Fatal(err)
	}
	seen := 0
	for res.Next() {
		var layer string
		var n, notOne, notOwn int
		if err := res.Scan(&layer, &n, &notOne, &notOwn); err != nil {
			t.Fatal(err)
		}
		seen++
		t.Logf("%s: %d points", layer, n)
		if notOne != 0 || notOwn != 0 {
			t.Errorf("%s: %d of %d points are not in exactly one commune, %d not in the commune they name", layer, notOne, n, notOwn)
		}
	}
	if err := res.Err(); err != nil {
		t.Fatal(err)
	}
	if seen != 4 {
		t.Errorf("%d point layers checked, want 4", seen)
	}
	var lights, off int
	err = pool.QueryRow(ctx, `select count(*), count(*) filter (where not ST_DWithin(p.geom::geography, r.geom::geography, 0.02))
	                          from pts p join roads r on r.id = p.way where p.layer = 'street_lights'`).Scan(&lights, &off)
	if err != nil {
		t.Fatal(err)
	}
	if lights == 0 || off != 0 {
		t.Errorf("street lights: %d on their ways, %d farther than 2 cm from them", lights, off)
	}
}

// copyIn creates table name with the given columns and copies rows into it.
func copyIn(t *testing.T, pool *pgxpool.Pool, name, columns string, cols []string, rows [][]any) {
	t.Helper()
	ctx := context.Background()
	if _, err := pool.Exec(ctx, "create table "+name+" ("+columns+")"); err != nil {
		t.Fatal(err)
	}
	if _, err := pool.CopyFrom(ctx, pgx.Identifier{name}, cols, pgx.CopyFromRows(rows)); err != nil {
		t.Fatalf("copy into %s: %v", name, err)
	}
}
