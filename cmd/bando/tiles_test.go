package main

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"bando/internal/testenv"
	"bando/tiles"

	"github.com/jackc/pgx/v5/pgxpool"
)

// TestTilesMatchPostGIS copies each demo layer into PostGIS, fetches tiles
// at several zooms over real features, decodes them with Mapbox's reference
// decoder (tools/mvtcheck, no code shared with bando), and checks the ids
// against PostGIS: the features whose geometry meets the buffered tile,
// ST_Intersects(geom, ST_TileEnvelope(z, x, y, margin => buffer/extent)).
// At the layer's max zoom the sets are equal; below it bando drops features
// that collapse on the grid or are under the zoom's min_area / min_length
// (TileJSON's generalization), so the tile may lack only features too small
// or thin to survive (pgFeature.collapses, pgFeature.underMinSize). The properties in the tile are the ones PostGIS holds.
func TestTilesMatchPostGIS(t *testing.T) {
	pool := testenv.PostGIS(t)
	node := testenv.Node(t)
	decoder, _ := filepath.Abs("../../tools/mvtcheck/decode.js")
	if _, err := os.Stat(filepath.Join(filepath.Dir(decoder), "node_modules", "@mapbox")); err != nil {
		testenv.Missing(t, "tools/mvtcheck/node_modules (run `make tools`)")
	}
	dir := t.TempDir()
	srv := startServer(t, dir+"/var", writeConfig(t, dir, ""))
	checked, dropped := 0, 0
	for _, layer := range []string{"communes", "buildings", "roads", "railways", "ports", "coastline"} {
		var tj struct {
			MinZoom        int                  `json:"minzoom"`
			MaxZoom        int                  `json:"maxzoom"`
			Buffer         int                  `json:"buffer"`
			Extent         int                  `json:"extent"`
			Generalization tiles.Generalization `json:"generalization"`
		}
		srv.getJSON("/tiles/"+layer+".json", "", &tj)
		table, n := copyToPostGIS(t, srv, pool, layer)
		tiles := sampleTiles(t, srv, layer, tj.MinZoom, tj.MaxZoom)
		decoded := decodeTiles(t, srv, node, decoder, dir, layer, tiles)
		for i, c := range tiles {
			got := decoded[i]
			margin := float64(tj.Buffer) / float64(tj.Extent)
			want := postgisTile(t, pool, table, c, margin, tj.Extent)
			for id, props := range got {
				w, ok := want[id]
				if !ok {
					t.Fatalf("%s %v: feature %s is in the tile but PostGIS finds it outside the buffered tile", layer, c, id)
				}
				if !sameProps(props, w.props) {
					t.Errorf("%s %v feature %s: tile props %v, PostGIS %v", layer, c, id, props, w.props)
				}
			}
			for id, w := range want {
				if _, ok := got[id]; ok {
					continue
				}
				if c[0] >= tj.MaxZoom || !w.collapses() && !w.underMinSize(tj.Generalization, c[0]) {
					t.Errorf("%s %v: feature %s (%.1f tile units wide, area or length %.2f) meets the tile in PostGIS but is missing (tile %d features, PostGIS %d)",
						layer, c, id, w.size, w.measure, len(got), len(want))
				}
				dropped++
			}
			checked++
		}
		t.Logf("%s: %d features, %d tiles at z%d–%d match PostGIS", layer, n, len(tiles), tj.MinZoom, tj.MaxZoom)
	}
	t.Logf("%d tiles checked; %d features too small to survive the grid dropped below max zoom", checked, dropped)
	if checked < 40 {
		t.Fatalf("only %d tiles checked", checked)
	}
}

// sampleTiles picks tiles at three zooms down from the layer's max (within
// its range, not below 6) over the coordinates of a spread of features.
func sampleTiles(t *testing.T, srv *server, layer string, minZ, maxZ int) [][3]int {
	var fc featureCollection
	srv.getJSON("/collections/"+layer+"/items?limit=400", opsToken, &fc)
	var out [][3]int
	seen := map[[3]int]bool{}
	for _, z := range []int{maxZ, maxZ - 3, maxZ - 6} {
		if z < max(minZ, 6) {
			continue
		}
		for i := 0; i < len(fc.Features); i += max(1, len(fc.Features)/4) {
			lon, lat := firstCoord(t, fc.Features[i].Geometry)
			x, y := tileOf(lon, lat, z)
			if c := [3]int{z, x, y}; !seen[c] {
				seen[c] = true
				out = append(out, c)
			}
		}
	}
	return out
}

// decodeTiles fetches the tiles and decodes them all in one run of the
// reference decoder; it returns, per tile, feature id → properties.
func decodeTiles(t *testing.T, srv *server, node, decoder, dir, layer string, tiles [][3]int) []map[string]map[string]any {
	var files []string
	for _, c := range tiles {
		st, _, body := srv.do("GET", fmt.Sprintf("/tiles/%s/%d/%d/%d.mvt", layer, c[0], c[1], c[2]), opsToken, "", nil)
		if st != 200 && st != 204 {
			t.Fatalf("%s %v: status %d", layer, c, st)
		}
		file := filepath.Join(dir, fmt.Sprintf("%s-%d-%d-%d.mvt", layer, c[0], c[1], c[2]))
		os.WriteFile(file, body, 0o644)
		files = append(files, file)
	}
	out, err := exec.Command(node, append([]string{decoder}, files...)...).Output()
	if err != nil {
		t.Fatalf("decode: %v", err)
	}
	var decoded []struct {
		Layers map[string]struct {
			Features []struct {
				ID         json.Number    `json:"id"`
				Properties map[string]any `json:"properties"`
			} `json:"features"`
		} `json:"layers"`
	}
	if err := json.Unmarshal(out, &decoded); err != nil || len(decoded) != len(tiles) {
		t.Fatalf("decoder output: %v (%d tiles)", err, len(decoded))
	}
	res := make([]map[string]map[string]any, len(tiles))
	for i, d := range decoded {
		res[i] = map[string]map[string]any{}
		for _, f := range d.Layers[layer].Features {
			res[i][f.ID.String()] = f.Properties
		}
	}
	return res
}

// pgFeature is what PostGIS says of a feature that meets a buffered tile:
// its properties, the larger side of its Web Mercator box in tile units,
// and the area (polygons, in square tile units) or length (lines, in tile
// units) of its part inside the buffered tile.
type pgFeature struct {
	props         map[string]any
	size, measure float64
	polygon       bool
}

// collapses reports whether simplification (Douglas–Peucker at
// tiles.SimplifyTolerance) and rounding to the grid may reduce the feature
// to nothing below max zoom: a line under two units, a polygon under two
// square units or thinner on average (area / longest side) than twice the
// tolerance.
func (f pgFeature) collapses() bool {
	if f.polygon {
		return f.measure < 2 || f.measure/max(f.size, 1e-9) < 2*tiles.SimplifyTolerance
	}
	return f.measure < 2
}

// underMinSize reports whether TileJSON's generalization leaves the
// feature out at zoom z: its area (polygons) or length (lines) inside the
// buffered tile is under min_area or min_length. bando measures the whole
// feature, which is at least as large, so a feature it drops always
// passes this.
func (f pgFeature) underMinSize(g tiles.Generalization, z int) bool {
	for _, r := range g.Zooms {
		if z < r.MinZoom || z > r.MaxZoom {
			continue
		}
		if f.polygon {
			return f.measure < r.MinArea*g.PixelUnits*g.PixelUnits
		}
		return f.measure < r.MinLength*g.PixelUnits
	}
	return false
}

func postgisTile(t *testing.T, pool *pgxpool.Pool, table string, c [3]int, margin float64, extent int) map[string]pgFeature {
	t.Helper()
	q := `SELECT id, props, greatest(ST_XMax(b) - ST_XMin(b), ST_YMax(b) - ST_YMin(b)) / u,
	  CASE WHEN GeometryType(m) LIKE '%POLYGON' THEN ST_Area(c) / (u * u) WHEN GeometryType(m) LIKE '%LINESTRING' THEN ST_Length(c) / u ELSE 1e9 END,
	  GeometryType(m) LIKE '%POLYGON'
	FROM ` + table + `, LATERAL ST_Transform(geom, 3857) m, LATERAL ST_Envelope(m) b,
	  LATERAL ST_Intersection(m, ST_TileEnvelope($1, $2, $3, margin => $4)) c,
	  LATERAL (SELECT (ST_XMax(e) - ST_XMin(e)) / $5 AS u FROM ST_TileEnvelope($1, $2, $3) e) unit
	WHERE ST_Intersects(geom, ST_Transform(ST_TileEnvelope($1, $2, $3, margin => $4), 4326))`
	rows, err := pool.Query(context.Background(), q, c[0], c[1], c[2], margin, float64(extent))
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[string]pgFeature{}
	for rows.Next() {
		var id string
		var f pgFeature
		if err := rows.Scan(&id, &f.props, &f.size, &f.measure, &f.polygon); err != nil {
			t.Fatal(err)
		}
		out[id] = f
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func firstCoord(t *testing.T, g json.RawMessage) (float64, float64) {
	var v struct {
		Coordinates json.RawMessage `json:"coordinates"`
	}
	json.Unmarshal(g, &v)
	var any0 any
	json.Unmarshal(v.Coordinates, &any0)
	for {
		a, ok := any0.([]any)
		if !ok || len(a) == 0 {
			t.Fatalf("no coordinates in %s", g)
		}
		if x, ok := a[0].(float64); ok {
			return x, a[1].(float64)
		}
		any0 = a[0]
	}
}

func tileOf(lon, lat float64, z int) (int, int) {
	n := math.Exp2(float64(z))
	x := int((lon + 180) / 360 * n)
	r := lat * math.Pi / 180
	y := int((1 - math.Log(math.Tan(r)+1/math.Cos(r))/math.Pi) / 2 * n)
	return x, y
}

func sameProps(tile, items map[string]any) bool {
	if len(tile) != len(items) {
		return false
	}
	for k, v := range items {
		if fmt.Sprint(tile[k]) != fmt.Sprint(v) {
			return false
		}
	}
	return true
}
