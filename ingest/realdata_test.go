package ingest

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"

	"bando/data"
	"bando/internal/testenv"
	"bando/layers"
	"bando/spatial"
)

// The real-data tests read the repository's demo files (data/demo, real OSM
// and administrative data) and take their expected counts, ids and areas
// from independent readers of the same files: GDAL (ogr2ogr with the
// SQLite/SpatiaLite dialect) for GeoJSON, PostGIS's JSON functions for
// Overpass JSON, which GDAL does not read.

// demoFile returns the gunzipped bytes of data/demo/name.
func demoFile(t testing.TB, name string) []byte {
	t.Helper()
	f, err := os.Open(filepath.Join("..", "data", "demo", name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	gz, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	b, err := io.ReadAll(gz)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// demoLayer returns a layer of the demo catalog.
func demoLayer(t testing.TB, id string) *layers.Layer {
	t.Helper()
	cat, err := data.DemoCatalog()
	if err != nil {
		t.Fatal(err)
	}
	l, err := cat.Get(id)
	if err != nil {
		t.Fatal(err)
	}
	return l
}

// measure is a feature's planar area (polygons) or length (lines) in
// degrees, as GDAL and PostGIS compute them on lon/lat.
func measure(g orb.Geometry) float64 {
	switch g.(type) {
	case orb.Polygon, orb.MultiPolygon:
		return planar.Area(g)
	}
	return planar.Length(g)
}

// compareMeasures checks that bando's features are exactly the oracle's ids
// and that each one's area or length agrees to 1e-7 (relative).
func compareMeasures(t *testing.T, fs []*spatial.Feature, want map[string]float64) {
	t.Helper()
	got := map[string]float64{}
	for _, f := range fs {
		got[f.ID] = measure(f.Geom)
	}
	var missing, extra []string
	for id := range want {
		if _, ok := got[id]; !ok {
			missing = append(missing, id)
		}
	}
	for id, g := range got {
		w, ok := want[id]
		if !ok {
			extra = append(extra, id)
			continue
		}
		if math.Abs(g-w) > 1e-7*math.Abs(w)+1e-15 {
			t.Errorf("feature %s: area/length %.12g, oracle %.12g", id, g, w)
		}
	}
	slices.Sort(missing)
	slices.Sort(extra)
	if len(missing)+len(extra) > 0 {
		t.Fatalf("%d features, oracle %d; missing %v, extra %v", len(got), len(want), missing[:min(10, len(missing))], extra[:min(10, len(extra))])
	}
}

// gdalMeasures reads a gzipped GeoJSON with ogr2ogr and returns id → area
// (polygons) or length (lines, points 0). The id is idField's value, else
// GDAL's FID (a numeric GeoJSON id), else its "id" field (a string id).
func gdalMeasures(t *testing.T, path, idField string) map[string]float64 {
	t.Helper()
	bin, err := exec.LookPath("ogr2ogr")
	if err != nil {
		testenv.Missing(t, "ogr2ogr (gdal-bin)")
	}
	name := filepath.Base(path[:len(path)-len(".gz")])
	sql := fmt.Sprintf(`SELECT CAST(ROWID AS TEXT) AS rid_, *, CASE WHEN GeometryType(geometry) LIKE '%%POLYGON' THEN ST_Area(geometry) ELSE ST_Length(geometry) END AS m_ FROM "%s"`, name)
	out, err := exec.Command(bin, "-f", "CSV", "/vsistdout/", "-dialect", "SQLite", "-sql", sql, "/vsigzip/"+path).Output()
	if err != nil {
		t.Fatalf("ogr2ogr %s: %v", path, err)
	}
	rows, err := csv.NewReader(bytes.NewReader(out)).ReadAll()
	if err != nil || len(rows) < 2 {
		t.Fatalf("ogr2ogr CSV of %s: %v (%d rows)", path, err, len(rows))
	}
	col := func(name string) int { return slices.Index(rows[0], name) }
	id := col(idField)
	if id < 0 {
		id = col("id")
	}
	if id < 0 {
		id = col("rid_")
	}
	want := map[string]float64{}
	for _, r := range rows[1:] {
		m, err := strconv.ParseFloat(r[col("m_")], 64)
		if err != nil && r[col("m_")] != "" {
			t.Fatalf("%s: measure %q", path, r[col("m_")])
		}
		want[r[id]] = m
	}
	return want
}

// TestDemoGeoJSONMatchesGDAL reads each GeoJSON demo file into its layer and
// checks the ids and every feature's area or length against GDAL.
func TestDemoGeoJSONMatchesGDAL(t *testing.T) {
	tests := []struct{ file, layer, idField string }{
		{"communes.geojson.gz", "communes", ""},
		{"province.geojson.gz", "province", ""},
		{"sea.geojson.gz", "sea", ""},
		{"coastline.geojson.gz", "coastline", ""},
		{"railways.geojson.gz", "railways", ""},
		{"ports.geojson.gz", "ports", ""},
		// The ids of HOT OSM exports are in the osm_id property.
		{"ports.geojson.gz", "ports", "osm_id"},
	}
	for _, tt := range tests {
		t.Run(tt.layer+"/"+tt.idField, func(t *testing.T) {
			want := gdalMeasures(t, filepath.Join("..", "data", "demo", tt.file), tt.idField)
			l := demoLayer(t, tt.layer)
			fs, rep, err := Prepare(l, GeoJSON, bytes.NewReader(demoFile(t, tt.file)), Options{IDField: tt.idField})
			if err != nil {
				t.Fatal(err)
			}
			checkAccepted(t, l, fs)
			if len(rep.Repaired) > 0 {
				t.Logf("%d repaired: %+v", len(rep.Repaired), rep.Repaired[0])
			}
			compareMeasures(t, fs, want)
		})
	}
}

// overpassSQL builds, from an Overpass JSON document, each way's line from
// its nodes and each multipolygon relation's area from its member ways, and
// returns id, tags and area (closed ways and relations, as polygons) or
// length (open ways). Ids follow bando's OSM encoding, id*10 + type
// (2 way, 3 relation), computed here independently.
const overpassSQL = `
WITH el AS (SELECT e FROM jsonb_array_elements($1::jsonb -> 'elements') e),
nodes AS (SELECT (e->>'id')::bigint id, ST_MakePoint((e->>'lon')::float8, (e->>'lat')::float8) g FROM el WHERE e->>'type' = 'node'),
ways AS (
  SELECT (e->>'id')::bigint id, e->'tags' tags, ST_MakeLine(n.g ORDER BY r.ord) g
  FROM el, jsonb_array_elements_text(e->'nodes') WITH ORDINALITY r(ref, ord) JOIN nodes n ON n.id = r.ref::bigint
  WHERE e->>'type' = 'way' GROUP BY e),
rels AS (
  SELECT (e->>'id')::bigint id, e->'tags' tags, ST_BuildArea(ST_Collect(w.g)) g
  FROM el, jsonb_array_elements(e->'members') m JOIN ways w ON w.id = (m->>'ref')::bigint AND m->>'type' = 'way'
  WHERE e->>'type' = 'relation' AND e->'tags'->>'type' = 'multipolygon' GROUP BY e)
SELECT (id*10+2)::text, coalesce(tags ? $2, false), CASE WHEN ST_IsClosed(g) AND $3 THEN ST_Area(ST_MakePolygon(g)) ELSE ST_Length(g) END FROM ways
UNION ALL SELECT (id*10+3)::text, coalesce(tags ? $2, false), ST_Area(g) FROM rels`

// TestDemoOverpassMatchesPostGIS reads the Overpass demo files into the
// buildings and roads layers and checks them against PostGIS reading the
// same JSON: the features are the ways (and multipolygon relations) tagged
// with the layer's key, with the same ids and areas or lengths.
func TestDemoOverpassMatchesPostGIS(t *testing.T) {
	pool := testenv.PostGIS(t)
	tests := []struct {
		file, layer, key string
		polygons         bool
	}{
		{"osm_buildings.overpass.json.gz", "buildings", "building", true},
		{"osm_roads.overpass.json.gz", "roads", "highway", false},
	}
	for _, tt := range tests {
		t.Run(tt.layer, func(t *testing.T) {
			raw := demoFile(t, tt.file)
			rows, err := pool.Query(context.Background(), overpassSQL, string(raw), tt.key, tt.polygons)
			if err != nil {
				t.Fatal(err)
			}
			want := map[string]float64{}
			for rows.Next() {
				var id string
				var tagged bool
				var m float64
				if err := rows.Scan(&id, &tagged, &m); err != nil {
					t.Fatal(err)
				}
				if tagged {
					want[id] = m
				}
			}
			if err := rows.Err(); err != nil {
				t.Fatal(err)
			}
			l := demoLayer(t, tt.layer)
			fs, rep, err := Prepare(l, Overpass, bytes.NewReader(raw), Options{Partial: true})
			if err != nil {
				t.Fatal(err)
			}
			checkAccepted(t, l, fs)
			t.Logf("read %d accepted %d repaired %d rejected %d skipped %v; PostGIS %d", rep.Read, rep.Accepted,
				len(rep.Repaired), len(rep.Rejected), rep.Skipped, len(want))
			compareMeasures(t, fs, want)
		})
	}
}
