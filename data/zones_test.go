package data_test

import (
	"context"
	"encoding/json"
	"testing"

	"bando/internal/testenv"
)

// loadLayer copies a demo GeoJSON file into table name(zone text, geom).
func loadLayer(t *testing.T, ctx context.Context, exec func(string, ...any), file, name string) {
	t.Helper()
	var fc struct {
		Features []struct {
			Properties map[string]any  `json:"properties"`
			Geometry   json.RawMessage `json:"geometry"`
		}
	}
	if err := json.Unmarshal(gunzip(t, file), &fc); err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	exec(`create table ` + name + ` (zone text, geom geometry(Geometry, 4326))`)
	for _, f := range fc.Features {
		zone, _ := f.Properties["zone"].(string)
		exec(`insert into `+name+` values ($1, ST_SetSRID(ST_GeomFromGeoJSON($2), 4326))`, zone, string(f.Geometry))
	}
}

// TestFishingZonesBands checks the fishing zones with PostGIS as the
// oracle, distances on the WGS84 ellipsoid (geography) to the province's
// land (province.geojson.gz, islands included):
//   - every vertex of a zone and 200 random points inside it lie in its
//     band (ven bờ 0–6 nm, lộng 6–24 nm, khơi 24–200 nm) within ±1%;
//   - the bands are full: ven bờ and lộng reach their outer line (a vertex
//     within 1% of 6 and 24 nm), khơi goes beyond 100 nm;
//   - the zones do not overlap each other or the land, are valid, and ven
//     bờ lies in the province's sea sector as the sea layer draws it (the
//     territorial sea nearer to the city than to another province: at most
//     1% of ven bờ's area outside it).
func TestFishingZonesBands(t *testing.T) {
	pool := testenv.PostGIS(t)
	ctx := context.Background()
	exec := func(sql string, args ...any) {
		t.Helper()
		if _, err := pool.Exec(ctx, sql, args...); err != nil {
			t.Fatalf("%s: %v", sql, err)
		}
	}
	loadLayer(t, ctx, exec, "fishing_zones.geojson.gz", "zones")
	loadLayer(t, ctx, exec, "province.geojson.gz", "province")
	loadLayer(t, ctx, exec, "sea.geojson.gz", "sea")

	bands := map[string][2]float64{"ven_bo": {0, 6}, "long": {6, 24}, "khoi": {24, 200}}
	rows, err := pool.Query(ctx, `
	  with land as (select ST_Union(geom)::geography g from province),
	       pts as (select zone, (ST_DumpPoints(geom)).geom pt, 'vertex' what from zones
	               union all
	               select zone, (ST_Dump(ST_GeneratePoints(geom, 200, 79))).geom, 'random' from zones)
	  select zone, what, count(*), min(ST_Distance(pt::geography, land.g)) / 1852,
	         max(ST_Distance(pt::geography, land.g)) / 1852
	  from pts, land group by zone, what order by zone, what`)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for rows.Next() {
		var zone, what string
		var n int
		var lo, hi float64
		if err := rows.Scan(&zone, &what, &n, &lo, &hi); err != nil {
			t.Fatal(err)
		}
		b, ok := bands[zone]
		if !ok {
			t.Fatalf("unknown zone %q", zone)
		}
		seen[zone] = true
		t.Logf("%-6s %-6s %4d points at %7.3f–%7.3f nm (band %g–%g)", zone, what, n, lo, hi, b[0], b[1])
		if lo < b[0]*0.99 || hi > b[1]*1.01 {
			t.Errorf("%s: %s points at %.3f–%.3f nm, outside %g–%g nm ±1%%", zone, what, lo, hi, b[0], b[1])
		}
		if what == "vertex" && zone != "khoi" && hi < b[1]*0.99 {
			t.Errorf("%s: farthest vertex at %.3f nm, the band does not reach %g nm", zone, hi, b[1])
		}
		if what == "vertex" && zone == "khoi" && hi < 100 {
			t.Errorf("khoi: farthest vertex at %.1f nm", hi)
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if len(seen) != 3 {
		t.Fatalf("zones %v, want ven_bo, long and khoi", seen)
	}

	var invalid int
	var overlap, onLand, outsideSea float64
	err = pool.QueryRow(ctx, `
	  select (select count(*) from zones where not ST_IsValid(geom)),
	         (select coalesce(sum(ST_Area(ST_Intersection(a.geom, b.geom)::geography)), 0)
	            from zones a join zones b on a.zone < b.zone),
	         (select ST_Area(ST_Intersection(z.geom, p.geom)::geography) / ST_Area(z.geom::geography)
	            from (select ST_Union(geom) geom from zones) z, (select ST_Union(geom) geom from province) p),
	         (select ST_Area(ST_Difference(z.geom, s.geom)::geography) / ST_Area(z.geom::geography)
	            from zones z, (select ST_Union(geom) geom from sea) s where z.zone = 'ven_bo')`).
		Scan(&invalid, &overlap, &onLand, &outsideSea)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("overlap %.0f m², share on land %.5f, share of ven bờ outside the sea layer %.5f", overlap, onLand, outsideSea)
	if invalid != 0 || overlap > 1e4 || onLand > 0.001 || outsideSea > 0.01 {
		t.Errorf("%d invalid, overlap %.0f m², %.4f on land, %.4f of ven bờ outside the sea sector",
			invalid, overlap, onLand, outsideSea)
	}
}
