package api

import (
	"encoding/json"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"bando/layers"
	"bando/spatial"
	"bando/store"
	"bando/tiles"
)

// accessCatalog has a public layer whose fields span every sensitivity (one
// restricted field is required), an internal and a restricted layer.
const accessCatalog = `layers:
  - id: homes
    title: {vi: "Nhà", en: "Homes"}
    kind: building
    geometry: Point
    access: public
    zoom: {min: 0, max: 18}
    attribution: test
    fields:
      - {name: label, type: string, required: true}
      - {name: income, type: int, sensitivity: internal}
      - {name: poor, type: bool, sensitivity: restricted, required: true}
  - id: pipes
    title: {vi: "Ống", en: "Pipes"}
    kind: infrastructure
    geometry: Point
    access: internal
    zoom: {min: 0, max: 18}
    attribution: test
    fields: [{name: name, type: string}]
  - id: vault
    title: {vi: "Kho", en: "Vault"}
    kind: poi
    geometry: Point
    access: restricted
    zoom: {min: 0, max: 18}
    attribution: test
    fields: [{name: name, type: string}]
`

// Tokens of the access tests: the name is the secret.
const (
	clerk   = "clerk"   // public clearance, may write
	planner = "planner" // internal clearance, may write
	ops     = "ops"     // restricted clearance, may write
)

func newAccessServer(t *testing.T) *Server {
	t.Helper()
	cat, err := layers.Parse([]byte(accessCatalog))
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
	var ts []Token
	for name, c := range map[string]layers.Access{clerk: layers.Public, planner: layers.Internal, ops: layers.Restricted} {
		ts = append(ts, Token{Name: name, SHA256: HashToken(name), Clearance: c, Write: true})
	}
	tokens, err := NewTokens(ts)
	if err != nil {
		t.Fatal(err)
	}
	tl := tiles.New(tiles.Config{Index: idx, Catalog: cat})
	feed.Subscribe(func(cs []store.Change) {
		for _, c := range cs {
			tl.Invalidate(c.Layer)
		}
	})
	s := New(Config{Catalog: cat, Index: idx, Store: st, Tokens: tokens, Tiles: tl})
	s.SetReady(true)
	return s
}

func home(id, props string) string {
	return `{"type":"Feature","id":"` + id + `","geometry":{"type":"Point","coordinates":[106.7,10.78]},"properties":{` + props + `}}`
}

// stored returns the props of a feature as ops sees it.
func stored(t *testing.T, s *Server, id string) map[string]any {
	t.Helper()
	r := call(s, "GET", "/collections/homes/items/"+id, ops, "", "")
	if r.Status != 200 {
		t.Fatalf("read %s: %d %s", id, r.Status, r.Body)
	}
	var f struct{ Properties map[string]any }
	if err := json.Unmarshal(r.Body, &f); err != nil {
		t.Fatal(err)
	}
	return f.Properties
}

func TestNotReadyAnswers503(t *testing.T) {
	s := newAccessServer(t)
	s.SetReady(false)
	for _, tt := range []struct {
		method, path, token, body string
		status                    int
	}{
		{"GET", "/healthz", "", "", 200},
		{"GET", "/readyz", "", "", 503},
		{"GET", "/metrics", "", "", 200},
		{"GET", "/collections", "", "", 503},
		{"GET", "/collections/homes/items", ops, "", 503},
		{"GET", "/tiles/homes/3/6/3.mvt", "", "", 503},
		{"GET", "/tiles/homes.json", "", "", 503},
		{"GET", "/", "", "", 503},
		{"POST", "/collections/homes/items", ops, home("a", `"label":"x","poor":true`), 503},
		{"PUT", "/collections/homes/items/a", ops, home("a", `"label":"x","poor":true`), 503},
		{"DELETE", "/collections/homes/items/a", ops, "", 503},
		{"GET", "/collections", "wrong-token", "", 503}, // not ready comes first
	} {
		r := call(s, tt.method, tt.path, tt.token, "application/geo+json", tt.body)
		if r.Status != tt.status {
			t.Errorf("%s %s while loading: %d, want %d", tt.method, tt.path, r.Status, tt.status)
		}
		if tt.path != "/readyz" && r.Status == 503 {
			if r.Header.Get("Retry-After") != "1" || !json.Valid(r.Body) || !strings.Contains(string(r.Body), "not_ready") {
				t.Errorf("%s %s: 503 without Retry-After or JSON error: %v %s", tt.method, tt.path, r.Header, r.Body)
			}
		}
	}
	// Nothing was written while loading.
	s.SetReady(true)
	if r := call(s, "GET", "/collections/homes/items/a", ops, "", ""); r.Status != 404 {
		t.Errorf("a write made while loading was stored: %d", r.Status)
	}
	if r := call(s, "GET", "/collections", "", "", ""); r.Status != 200 {
		t.Errorf("collections once ready: %d", r.Status)
	}
}

func TestTokenMessages(t *testing.T) {
	s := newAccessServer(t)
	body := home("a", `"label":"x"`)
	none := call(s, "POST", "/collections/homes/items", "", "application/geo+json", body)
	wrong := call(s, "POST", "/collections/homes/items", "bogus", "application/geo+json", body)
	for _, tt := range []struct {
		name      string
		r         *Response
		want, not string
	}{
		{"no token", none, "token is required", "invalid"},
		{"wrong token", wrong, "invalid or unknown bearer token", "required"},
	} {
		if tt.r.Status != 401 || !strings.HasPrefix(tt.r.Header.Get("WWW-Authenticate"), "Bearer") {
			t.Errorf("%s: %d %v", tt.name, tt.r.Status, tt.r.Header)
		}
		if b := string(tt.r.Body); !json.Valid(tt.r.Body) || !strings.Contains(b, tt.want) || strings.Contains(b, tt.not) {
			t.Errorf("%s: body %s, want %q and not %q", tt.name, b, tt.want, tt.not)
		}
	}
}

// metricValue returns the value of the sample with exactly this name and
// label set in a Prometheus text page, or -1.
func metricValue(page, sample string) float64 {
	m := regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(sample) + ` (\S+)$`).FindStringSubmatch(page)
	if m == nil {
		return -1
	}
	v, _ := strconv.ParseFloat(m[1], 64)
	return v
}

func TestMetricsNameOnlyPublicLayers(t *testing.T) {
	s := newAccessServer(t)
	for _, w := range []struct{ layer, body string }{
		{"homes", home("h1", `"label":"x","poor":true`)},
		{"pipes", `{"type":"Feature","id":"p1","geometry":{"type":"Point","coordinates":[1,1]},"properties":{}}`},
		{"pipes", `{"type":"Feature","id":"p2","geometry":{"type":"Point","coordinates":[1,1]},"properties":{}}`},
		{"vault", `{"type":"Feature","id":"v1","geometry":{"type":"Point","coordinates":[1,1]},"properties":{}}`},
	} {
		if r := call(s, "POST", "/collections/"+w.layer+"/items", ops, "application/geo+json", w.body); r.Status != 201 {
			t.Fatalf("write %s: %d %s", w.layer, r.Status, r.Body)
		}
	}
	for range 2 { // one miss, one hit
		if r := call(s, "GET", "/tiles/homes/3/6/3.mvt", "", "", ""); r.Status != 200 {
			t.Fatalf("tile: %d %s", r.Status, r.Body)
		}
	}
	r := call(s, "GET", "/metrics", "", "", "")
	page := string(r.Body)
	for _, id := range []string{"pipes", "vault"} {
		if strings.Contains(page, id) {
			t.Errorf("/metrics names the non-public layer %q", id)
		}
	}
	for sample, want := range map[string]float64{
		`bando_ingested_features_total{layer="homes"}`:        1,
		`bando_ingested_features_total{layer="(non-public)"}`: 3,
		`bando_layer_features{layer="homes"}`:                 1,
		`bando_tile_cache_misses_total`:                       1,
		`bando_tile_cache_hits_total`:                         1,
		`bando_tile_cache_entries`:                            1,
		`bando_tile_cache_evictions_total`:                    0,
		`bando_tile_cache_invalidations_total`:                0,
	} {
		if got := metricValue(page, sample); got != want {
			t.Errorf("%s = %v, want %v", sample, got, want)
		}
	}
	if metricValue(page, "bando_tile_cache_bytes") <= 0 {
		t.Errorf("tile cache bytes not reported:\n%s", page)
	}
	// A write into homes drops the cached tile: counted as an invalidation.
	call(s, "POST", "/collections/homes/items", ops, "application/geo+json", home("h2", `"label":"y","poor":false`))
	page = string(call(s, "GET", "/metrics", "", "", "").Body)
	if got := metricValue(page, "bando_tile_cache_invalidations_total"); got != 1 {
		t.Errorf("invalidations after a write = %v, want 1", got)
	}
}
