package api

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/mvt"

	"bando/spatial"
	"bando/tiles"
)

// aggServer is a test server whose feed invalidates tiles, with 600
// seeded points of "pois" around 106.7°E 10.7°N: a dense core (cells of
// dozens) and a sparse ring (cells of one or two).
func aggServer(t *testing.T) *Server {
	t.Helper()
	s := newInvalidatingServer(t)
	rng := rand.New(rand.NewPCG(1, 2))
	var b strings.Builder
	for i := range 600 {
		spread := 0.08
		if i%2 == 0 {
			spread = 0.01
		}
		lon, lat := 106.7+(rng.Float64()*2-1)*spread, 10.7+(rng.Float64()*2-1)*spread
		fmt.Fprintf(&b, `{"type":"Feature","id":%d,"geometry":{"type":"Point","coordinates":[%f,%f]},"properties":{"name":"n","secret":%d}}`+"\n",
			i+1, lon, lat, rng.IntN(9))
	}
	if r := call(s, "POST", "/collections/pois/items", "s3cret", "application/x-ndjson", b.String()); r.Status != 201 {
		t.Fatalf("seed: %d %s", r.Status, r.Body)
	}
	return s
}

// aggCell is one hexagon of a tile or one cell of /api/h3.
type aggCell struct {
	Count int64
	Value float64
}

func hexTile(t *testing.T, s *Server, target, token string) (map[string]aggCell, *Response) {
	t.Helper()
	r := call(s, "GET", target, token, "", "")
	if r.Status != 200 {
		t.Fatalf("%s: %d %s", target, r.Status, r.Body)
	}
	ls, err := mvt.Unmarshal(r.Body)
	if err != nil || len(ls) != 1 || ls[0].Name != "pois" {
		t.Fatalf("%s: decode: %v (%d layers)", target, err, len(ls))
	}
	out := map[string]aggCell{}
	for _, f := range ls[0].Features {
		if _, ok := f.Geometry.(orb.Polygon); !ok {
			t.Fatalf("%s: a %T, want hexagons", target, f.Geometry)
		}
		h3, _ := f.Properties["h3"].(string)
		out[h3] = aggCell{Count: int64(f.Properties["count"].(float64)), Value: f.Properties["value"].(float64)}
	}
	return out, r
}

func h3Answer(t *testing.T, target, token string, s *Server, key string) map[string]aggCell {
	t.Helper()
	r := call(s, "GET", target, token, "", "")
	if r.Status != 200 {
		t.Fatalf("%s: %d %s", target, r.Status, r.Body)
	}
	var res struct {
		Cells []map[string]any `json:"cells"`
	}
	if err := json.Unmarshal(r.Body, &res); err != nil {
		t.Fatal(err)
	}
	out := map[string]aggCell{}
	for _, c := range res.Cells {
		out[c["h3"].(string)] = aggCell{Count: int64(c["count"].(float64)), Value: c[key].(float64)}
	}
	return out
}

// TestH3TilesEqualAPIH3: the hexagons of a tile carry /api/h3's figures for
// the same resolution over the area, for a token principal; anonymous
// principals get the same cells less those under k, and no internal field.
func TestH3TilesEqualAPIH3(t *testing.T) {
	s := aggServer(t)
	for _, z := range []int{11, 12, 13} {
		c := tiles.CoordOf(orb.Point{106.7, 10.7}, z)
		res := tiles.AggRes(tiles.AggHex, z)
		path := fmt.Sprintf("/tiles/h3/pois/%d/%d/%d.mvt", c.Z, c.X, c.Y)
		got, _ := hexTile(t, s, path+"?agg=sum:secret", "s3cret")
		want := h3Answer(t, fmt.Sprintf("/api/h3?layer=pois&res=%d&bbox=106,10,108,12&agg=sum:secret", res), "s3cret", s, "sum_secret")
		if len(got) < 5 {
			t.Fatalf("z%d: %d hexagons", z, len(got))
		}
		for h, g := range got {
			if w, ok := want[h]; !ok || g != w {
				t.Errorf("z%d cell %s: tile %+v, /api/h3 %+v", z, h, g, w)
			}
		}
		anon, r := hexTile(t, s, path, "")
		if cc := r.Header.Get("Cache-Control"); !strings.HasPrefix(cc, "public") {
			t.Errorf("anonymous Cache-Control %q", cc)
		}
		small := 0
		for h, g := range got {
			a, ok := anon[h]
			switch {
			case g.Count < tiles.DefaultMinCount && ok:
				t.Errorf("z%d: anonymous sees cell %s of %d", z, h, a.Count)
			case g.Count < tiles.DefaultMinCount:
				small++
			case !ok || a.Count != g.Count || a.Value != float64(g.Count):
				t.Errorf("z%d cell %s: anonymous %+v, want count %d", z, h, a, g.Count)
			}
		}
		if small == 0 || len(anon) == 0 {
			t.Errorf("z%d: %d small cells, %d anonymous: the data does not test suppression", z, small, len(anon))
		}
	}
}

// TestAggTileErrors: bad figures are 400, hidden fields as unknown ones,
// unknown layers 404, bad coordinates 400.
func TestAggTileErrors(t *testing.T) {
	s := aggServer(t)
	c := tiles.CoordOf(orb.Point{106.7, 10.7}, 12)
	tile := fmt.Sprintf("/%d/%d/%d.mvt", c.Z, c.X, c.Y)
	for _, tc := range []struct {
		target, token string
		status        int
		mentions      string
	}{
		{"/tiles/h3/pois" + tile + "?agg=median:secret", "", 400, "sum:FIELD"},
		{"/tiles/h3/pois" + tile + "?agg=sum:nope", "", 400, "unknown field"},
		{"/tiles/h3/pois" + tile + "?agg=sum:secret", "", 400, "unknown field"}, // internal field, anonymous
		{"/tiles/heat/pois" + tile + "?agg=avg:name", "s3cret", 400, "not numeric"},
		{"/tiles/h3/pois" + tile + "?agg=count,sum:secret", "s3cret", 400, "one figure"},
		{"/tiles/h3/nope" + tile, "", 404, "nope"},
		{"/tiles/h3/pois/23/0/0.mvt", "", 400, "zoom"},
		{"/tiles/h3/pois/12/99999/0.mvt", "", 400, "x"},
		{"/tiles/h3/pois/12/0/0.png", "", 400, ".mvt"},
		{"/tiles/heat/pois.json?agg=sum:secret", "", 400, "unknown field"},
		{"/tiles/h3/nope.json", "", 404, "nope"},
		{"/tiles/h3/pois.txt", "", 404, ".json"},
	} {
		r := call(s, "GET", tc.target, tc.token, "", "")
		if r.Status != tc.status || !strings.Contains(string(r.Body), tc.mentions) {
			t.Errorf("%s: %d %s, want %d mentioning %q", tc.target, r.Status, r.Body, tc.status, tc.mentions)
		}
	}
}

// TestAggTileWrite: a write through the store changes the hexagon that
// holds it (new count, new ETag; the old ETag no longer gives 304), and
// the heat tile too.
func TestAggTileWrite(t *testing.T) {
	s := aggServer(t)
	at := orb.Point{106.7005, 10.7005}
	c := tiles.CoordOf(at, 12)
	path := fmt.Sprintf("/tiles/h3/pois/%d/%d/%d.mvt", c.Z, c.X, c.Y)
	heat := fmt.Sprintf("/tiles/heat/pois/%d/%d/%d.mvt", c.Z, c.X, c.Y)
	before, r := hexTile(t, s, path, "s3cret")
	tag := r.Header.Get("Etag")
	if r := get(s, path, "Authorization", "Bearer s3cret", "If-None-Match", tag); r.Status != 304 {
		t.Fatalf("If-None-Match: %d", r.Status)
	}
	heatBefore := call(s, "GET", heat, "s3cret", "", "")
	l, _ := s.cfg.Catalog.Get("pois")
	f := &spatial.Feature{ID: "new", Geom: at, Bound: at.Bound(), Props: []any{"x", int64(1)}}
	if _, err := s.cfg.Store.Put(context.Background(), l, []*spatial.Feature{f}); err != nil {
		t.Fatal(err)
	}
	after, r := hexTile(t, s, path, "s3cret")
	var changed []string
	for h, a := range after {
		if a.Count != before[h].Count {
			changed = append(changed, fmt.Sprintf("%s %d→%d", h, before[h].Count, a.Count))
		}
	}
	if len(changed) != 1 || r.Header.Get("Etag") == tag {
		t.Errorf("after one write: changed %v, ETag %s (was %s)", changed, r.Header.Get("Etag"), tag)
	}
	if r := get(s, path, "Authorization", "Bearer s3cret", "If-None-Match", tag); r.Status != 200 {
		t.Errorf("the old ETag after the write: %d", r.Status)
	}
	if r := call(s, "GET", heat, "s3cret", "", ""); r.Status != 200 || r.Header.Get("Etag") == heatBefore.Header.Get("Etag") {
		t.Errorf("heat tile after the write: %d, ETag unchanged", r.Status)
	}
}

// TestAggTileJSONEndpoint: the TileJSON names the figure, the resolutions
// and k, and its tile URL serves the tiles.
func TestAggTileJSONEndpoint(t *testing.T) {
	s := aggServer(t)
	r := call(s, "GET", "/tiles/heat/pois.json?agg=sum:secret", "s3cret", "", "")
	var doc tiles.AggTileJSON
	if r.Status != 200 || json.Unmarshal(r.Body, &doc) != nil {
		t.Fatalf("%d %s", r.Status, r.Body)
	}
	if doc.MinCount != 1 || doc.Aggregate != "sum:secret" || doc.H3Resolution["12"] != tiles.AggRes(tiles.AggHeat, 12) ||
		doc.Tiles[0] != "http://test/tiles/heat/pois/{z}/{x}/{y}.mvt?agg=sum:secret" {
		t.Errorf("%s", r.Body)
	}
	r = call(s, "GET", "/tiles/h3/pois.json", "", "", "")
	if r.Status != 200 || json.Unmarshal(r.Body, &doc) != nil || doc.MinCount != tiles.DefaultMinCount {
		t.Errorf("anonymous: %d %s", r.Status, r.Body)
	}
	c := tiles.CoordOf(orb.Point{106.7, 10.7}, 12)
	u := strings.NewReplacer("http://test", "", "{z}", "12", "{x}", fmt.Sprint(c.X), "{y}", fmt.Sprint(c.Y)).Replace(doc.Tiles[0])
	if r := call(s, "GET", u, "", "", ""); r.Status != 200 {
		t.Errorf("%s: %d", u, r.Status)
	}
}
