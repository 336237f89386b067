package api

import (
	"context"
	"encoding/json"
	"strconv"
	"strings"
	"testing"

	"github.com/paulmach/orb"

	"bando/layers"
	"bando/spatial"
	"bando/store"
	"bando/tiles"
)

// newInvalidatingServer is newTestServer with the store's change feed
// invalidating tiles, as the server wires it.
func newInvalidatingServer(t testing.TB) *Server {
	t.Helper()
	s := newTestServer(t)
	s.cfg.Store.(*store.Pebble).Feed().Subscribe(func(cs []store.Change) {
		for _, c := range cs {
			for _, b := range []*orb.Bound{c.Old, c.New} {
				if b != nil {
					s.cfg.Tiles.Invalidate(c.Layer, *b)
				}
			}
		}
	})
	return s
}

// putPOI stores a point of "pois" directly in the store.
func putPOI(t testing.TB, s *Server, id string, p orb.Point) {
	t.Helper()
	l, _ := s.cfg.Catalog.Get("pois")
	f := &spatial.Feature{ID: id, Geom: p, Bound: p.Bound(), Props: []any{"x", nil}}
	if _, err := s.cfg.Store.Put(context.Background(), l, []*spatial.Feature{f}); err != nil {
		t.Fatal(err)
	}
}

// newTestServer wires the real store, feed, index and tile server in a
// temporary directory and calls the core directly, with no network.
func newTestServer(t testing.TB) *Server {
	t.Helper()
	cat, err := layers.Parse([]byte(`layers:
  - id: pois
    title: {vi: "Điểm", en: "Points"}
    kind: poi
    geometry: Point
    access: public
    zoom: {min: 0, max: 18}
    attribution: test
    fields:
      - {name: name, type: string}
      - {name: secret, type: int, sensitivity: internal}
`))
	if err != nil {
		t.Fatal(err)
	}
	feed := &store.Feed{}
	st, err := store.OpenPebble(t.TempDir(), feed)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	idx := spatial.NewIndex()
	feed.Subscribe(store.IndexChanges(idx))
	tokens, err := NewTokens([]Token{{Name: "ops", SHA256: HashToken("s3cret"), Clearance: layers.Internal, Write: true}})
	if err != nil {
		t.Fatal(err)
	}
	s := New(Config{Catalog: cat, Index: idx, Store: st, Tokens: tokens,
		Tiles: tiles.New(tiles.Config{Index: idx, Catalog: cat})})
	s.SetReady(true)
	return s
}

func call(s *Server, method, target, token, ctype, body string) *Response {
	r := NewRequest(method, target, []byte(body))
	if token != "" {
		r.Header.Set("Authorization", "Bearer "+token)
	}
	if ctype != "" {
		r.Header.Set("Content-Type", ctype)
	}
	return s.Handle(context.Background(), r)
}

func TestItemsLifecycle(t *testing.T) {
	s := newTestServer(t)
	var lines []string
	for i := range 25 {
		lines = append(lines, `{"type":"Feature","id":`+strconv.Itoa(i+1)+`,"geometry":{"type":"Point","coordinates":[106.`+strconv.Itoa(10+i)+`,10.5]},"properties":{"name":"Điểm `+strconv.Itoa(i)+`","secret":7}}`)
	}
	if r := call(s, "POST", "/collections/pois/items", "s3cret", "application/x-ndjson", strings.Join(lines, "\n")); r.Status != 201 {
		t.Fatalf("create: %d %s", r.Status, r.Body)
	}
	tests := []struct {
		name, target, token string
		status              int
		ids                 []float64
		matched             int
	}{
		{"first page", "/collections/pois/items", "", 200, []float64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, 25},
		{"offset", "/collections/pois/items?limit=3&offset=22", "", 200, []float64{23, 24, 25}, 25},
		{"bbox", "/collections/pois/items?bbox=106.12,10,106.14,11", "", 200, []float64{3, 4, 5}, 3},
		{"bbox edge counts", "/collections/pois/items?bbox=106.12,10.5,106.12,10.5", "", 200, []float64{3}, 1},
		{"bad bbox", "/collections/pois/items?bbox=1,2,3", "", 400, nil, 0},
		{"lat out of range", "/collections/pois/items?bbox=0,0,1,91", "", 400, nil, 0},
		{"bad limit", "/collections/pois/items?limit=-1", "", 400, nil, 0},
		{"unknown layer", "/collections/nope/items", "", 404, nil, 0},
		{"wrong token", "/collections/pois/items", "nope", 401, nil, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := call(s, "GET", tt.target, tt.token, "", "")
			if r.Status != tt.status {
				t.Fatalf("status %d, want %d: %s", r.Status, tt.status, r.Body)
			}
			var fc struct {
				Features []struct {
					ID         float64        `json:"id"`
					Properties map[string]any `json:"properties"`
				} `json:"features"`
				NumberMatched int `json:"numberMatched"`
			}
			if err := json.Unmarshal(r.Body, &fc); err != nil {
				t.Fatal(err)
			}
			if tt.status != 200 {
				if !strings.Contains(string(r.Body), `"error"`) {
					t.Fatalf("not a JSON error: %s", r.Body)
				}
				return
			}
			var ids []float64
			for _, f := range fc.Features {
				ids = append(ids, f.ID)
				if _, leak := f.Properties["secret"]; leak {
					t.Fatalf("internal field served to anonymous: %v", f.Properties)
				}
			}
			if !equalFloats(ids, tt.ids) || fc.NumberMatched != tt.matched {
				t.Fatalf("ids %v matched %d, want %v %d", ids, fc.NumberMatched, tt.ids, tt.matched)
			}
		})
	}
	// Replace, then delete, one item.
	put := `{"type":"Feature","geometry":{"type":"Point","coordinates":[100,1]},"properties":{"name":"mới"}}`
	if r := call(s, "PUT", "/collections/pois/items/5", "s3cret", "application/geo+json", put); r.Status != 200 {
		t.Fatalf("put: %d %s", r.Status, r.Body)
	}
	if r := call(s, "GET", "/collections/pois/items/5", "", "", ""); !strings.Contains(string(r.Body), "mới") {
		t.Fatalf("after put: %s", r.Body)
	}
	if r := call(s, "PUT", "/collections/pois/items/5", "s3cret", "", `{"type":"Feature","id":6,"geometry":null}`); r.Status != 400 {
		t.Fatalf("mismatched id: %d %s", r.Status, r.Body)
	}
	if r := call(s, "DELETE", "/collections/pois/items/5", "s3cret", "", ""); r.Status != 204 {
		t.Fatalf("delete: %d %s", r.Status, r.Body)
	}
	if r := call(s, "DELETE", "/collections/pois/items/5", "s3cret", "", ""); r.Status != 404 {
		t.Fatalf("second delete: %d", r.Status)
	}
	if r := call(s, "DELETE", "/collections/pois/items/6", "", "", ""); r.Status != 401 {
		t.Fatalf("anonymous delete: %d", r.Status)
	}
}

func TestTilesAndReadiness(t *testing.T) {
	s := newTestServer(t)
	if r := call(s, "GET", "/tiles/pois/3/1/1.mvt", "", "", ""); r.Status != 204 {
		t.Fatalf("empty tile: %d", r.Status)
	}
	for _, bad := range []string{"/tiles/pois/3/9/1.mvt", "/tiles/pois/x/1/1.mvt", "/tiles/pois/3/1/1.png"} {
		if r := call(s, "GET", bad, "", "", ""); r.Status != 400 {
			t.Errorf("%s: %d %s", bad, r.Status, r.Body)
		}
	}
	if r := call(s, "GET", "/tiles/nope.json", "", "", ""); r.Status != 404 {
		t.Errorf("unknown tilejson: %d", r.Status)
	}
	s.SetReady(false)
	if r := call(s, "GET", "/readyz", "", "", ""); r.Status != 503 {
		t.Errorf("readyz while loading: %d", r.Status)
	}
	if r := call(s, "GET", "/metrics", "", "", ""); r.Status != 200 || !strings.Contains(string(r.Body), "bando_http_requests_total") {
		t.Errorf("metrics: %d", r.Status)
	}
}

func equalFloats(a, b []float64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
