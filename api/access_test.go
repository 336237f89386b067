package api

import (
	"encoding/json"
	"regexp"
	"strconv"
	"strings"
	"sync"
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

func newAccessServer(t testing.TB) *Server {
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
		if r.Status == 503 {
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
	if r := call(s, "GET", "/tiles/pipes/3/4/3.mvt", ops, "", ""); r.Status != 200 {
		t.Fatalf("pipes tile: %d %s", r.Status, r.Body)
	}
	r := call(s, "GET", "/metrics", "", "", "")
	page := string(r.Body)
	for _, id := range []string{"pipes", "vault"} {
		if strings.Contains(page, id) {
			t.Errorf("/metrics names the non-public layer %q", id)
		}
	}
	for sample, want := range map[string]float64{
		`bando_ingested_features_total{layer="homes"}`:                       1,
		`bando_ingested_features_total{layer="(non-public)"}`:                3,
		`bando_layer_features{layer="homes"}`:                                1,
		`bando_tile_cache_misses_total`:                                      2,
		`bando_tile_cache_hits_total`:                                        1,
		`bando_tile_cache_entries`:                                           2,
		`bando_tile_requests_total{cache="hit",layer="homes",z="3"}`:         1,
		`bando_tile_requests_total{cache="miss",layer="homes",z="3"}`:        1,
		`bando_tile_requests_total{cache="miss",layer="(non-public)",z="3"}`: 1,
		`bando_tile_cache_evictions_total`:                                   0,
		`bando_tile_cache_invalidations_total`:                               0,
	} {
		if got := metricValue(page, sample); got != want {
			t.Errorf("%s = %v, want %v", sample, got, want)
		}
	}
	if metricValue(page, `bando_tile_bytes_total{layer="homes",z="3"}`) <= 0 || metricValue(page, `bando_tile_encode_seconds_total{layer="homes",z="3"}`) <= 0 {
		t.Errorf("per-layer tile bytes or encode time not reported")
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

// TestWriteBoundedByClearance: a writer of public clearance neither learns,
// writes nor erases the fields it cannot see, on every write path.
func TestWriteBoundedByClearance(t *testing.T) {
	s := newAccessServer(t)
	const geo = "application/geo+json"
	if r := call(s, "POST", "/collections/homes/items", ops, geo, home("h1", `"label":"one","income":4242,"poor":true`)); r.Status != 201 {
		t.Fatalf("seed: %d %s", r.Status, r.Body)
	}
	hidden := []string{"income", "poor", "4242"}
	tests := []struct {
		name, method, path, ctype, body string
		status                          int
	}{
		{"PUT with hidden values", "PUT", "/collections/homes/items/h1", geo, home("h1", `"label":"two","income":1,"poor":false`), 200},
		{"PUT without hidden fields", "PUT", "/collections/homes/items/h1", geo, home("h1", `"label":"three"`), 200},
		{"POST upsert", "POST", "/collections/homes/items", geo, home("h1", `"label":"four","income":2,"poor":false`), 201},
		{"NDJSON upsert", "POST", "/collections/homes/items", "application/x-ndjson", home("h1", `"label":"five","poor":false`), 201},
		{"CSV upsert", "POST", "/collections/homes/items", "text/csv", "id,lon,lat,label,income,poor\nh1,106.7,10.78,six,3,false\n", 201},
		{"hidden field of the wrong type", "PUT", "/collections/homes/items/h1", geo, home("h1", `"label":"seven","income":"lots","poor":"maybe"`), 200},
		{"visible field of the wrong type", "PUT", "/collections/homes/items/h1", geo, home("h1", `"label":7,"income":"lots"`), 422},
		{"visible required field missing", "PUT", "/collections/homes/items/h1", geo, home("h1", `"income":5`), 422},
		{"new feature, hidden required field", "POST", "/collections/homes/items", geo, home("h2", `"label":"new","poor":true`), 422},
		{"bad geometry", "PUT", "/collections/homes/items/h1", geo, `{"type":"Feature","geometry":{"type":"Point","coordinates":[999,0]},"properties":{"income":9}}`, 422},
		{"not JSON", "PUT", "/collections/homes/items/h1", geo, `{"income":`, 400},
		{"delete of a missing feature", "DELETE", "/collections/homes/items/nope", "", "", 404},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := call(s, tt.method, tt.path, clerk, tt.ctype, tt.body)
			if r.Status != tt.status {
				t.Fatalf("%d %s, want %d", r.Status, r.Body, tt.status)
			}
			for _, m := range hidden {
				if !strings.Contains(tt.body, m) && strings.Contains(string(r.Body), m) {
					t.Errorf("response names %q, which the writer did not send: %s", m, r.Body)
				}
			}
			got := stored(t, s, "h1")
			if got["income"] != 4242.0 || got["poor"] != true {
				t.Errorf("hidden values changed: %v", got)
			}
		})
	}
	if r := call(s, "GET", "/collections/homes/items/h2", ops, "", ""); r.Status != 404 {
		t.Errorf("a feature missing a required hidden field was created: %d %s", r.Status, r.Body)
	}
	// An internal writer writes income but still cannot touch poor.
	if r := call(s, "PUT", "/collections/homes/items/h1", planner, geo, home("h1", `"label":"p","income":99,"poor":false`)); r.Status != 200 {
		t.Fatalf("planner PUT: %d %s", r.Status, r.Body)
	}
	if got := stored(t, s, "h1"); got["income"] != 99.0 || got["poor"] != true || got["label"] != "p" {
		t.Errorf("after planner PUT: %v", got)
	}
	// A writer who sees every field replaces all of them.
	if r := call(s, "PUT", "/collections/homes/items/h1", ops, geo, home("h1", `"label":"o","poor":false`)); r.Status != 200 {
		t.Fatalf("ops PUT: %d %s", r.Status, r.Body)
	}
	if got := stored(t, s, "h1"); got["income"] != nil || got["poor"] != false {
		t.Errorf("after ops PUT: %v", got)
	}
}

// TestHiddenFieldAnswersLikeUnknown: the answer to a write that sends a
// field the writer may not see is the answer to a field that does not exist,
// with only the name changed.
func TestHiddenFieldAnswersLikeUnknown(t *testing.T) {
	s := newAccessServer(t)
	const geo = "application/geo+json"
	seed := func() {
		if r := call(s, "POST", "/collections/homes/items", ops, geo, home("h1", `"label":"one","income":4242,"poor":true`)); r.Status != 201 {
			t.Fatalf("seed: %d %s", r.Status, r.Body)
		}
	}
	for _, tt := range []struct{ name, method, path, props string }{
		{"valid", "PUT", "/collections/homes/items/h1", `"label":"x","FIELD":1`},
		{"wrong type", "PUT", "/collections/homes/items/h1", `"label":"x","FIELD":"notanumber"`},
		{"with a visible error", "PUT", "/collections/homes/items/h1", `"label":3,"FIELD":true`},
		{"required missing", "POST", "/collections/homes/items", `"FIELD":1`},
		{"create", "POST", "/collections/homes/items", `"label":"new","FIELD":1`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			seed()
			unknown := call(s, tt.method, tt.path, clerk, geo, home("h1", strings.ReplaceAll(tt.props, "FIELD", "no_such_field")))
			for _, f := range []string{"income", "poor"} {
				seed()
				r := call(s, tt.method, tt.path, clerk, geo, home("h1", strings.ReplaceAll(tt.props, "FIELD", f)))
				want := strings.ReplaceAll(string(unknown.Body), "no_such_field", f)
				if r.Status != unknown.Status || string(r.Body) != want {
					t.Errorf("%s: %d %s\nunknown field: %d %s", f, r.Status, r.Body, unknown.Status, unknown.Body)
				}
			}
		})
	}
}

// TestPartialRejectsHiddenRequired: with partial=true a new feature that
// misses a required field the writer cannot see is rejected on its own,
// with its input index, and the others are stored.
func TestPartialRejectsHiddenRequired(t *testing.T) {
	s := newAccessServer(t)
	if r := call(s, "POST", "/collections/homes/items", ops, "application/geo+json", home("old", `"label":"o","poor":true`)); r.Status != 201 {
		t.Fatalf("seed: %d %s", r.Status, r.Body)
	}
	body := strings.Join([]string{
		home("bad", ``),               // 0: visible required field missing
		home("new", `"label":"n"`),    // 1: new, hidden required field missing
		home("old", `"label":"kept"`), // 2: existing: poor is kept
	}, "\n")
	r := call(s, "POST", "/collections/homes/items?partial=true", clerk, "application/x-ndjson", body)
	if r.Status != 201 {
		t.Fatalf("%d %s", r.Status, r.Body)
	}
	var rep struct {
		Accepted int
		Rejected []struct {
			Index     int
			ID, Field string
			Rule      string
		}
	}
	if err := json.Unmarshal(r.Body, &rep); err != nil {
		t.Fatal(err)
	}
	if rep.Accepted != 1 || len(rep.Rejected) != 2 || rep.Rejected[0].Index != 0 || rep.Rejected[0].Field != "label" ||
		rep.Rejected[1].Index != 1 || rep.Rejected[1].ID != "new" || rep.Rejected[1].Field != "" || rep.Rejected[1].Rule != "required" {
		t.Errorf("report: %s", r.Body)
	}
	if strings.Contains(string(r.Body), "poor") {
		t.Errorf("report names the hidden field: %s", r.Body)
	}
	if got := stored(t, s, "old"); got["label"] != "kept" || got["poor"] != true {
		t.Errorf("old: %v", got)
	}
}

// TestConcurrentMergeKeepsLatestHidden: writes of the hidden fields by ops,
// concurrent with PUTs of the same feature by a public writer, are never
// undone by the public writer writing back a stale hidden value.
func TestConcurrentMergeKeepsLatestHidden(t *testing.T) {
	s := newAccessServer(t)
	const geo, n = "application/geo+json", 150
	done := make(chan struct{})
	var wg sync.WaitGroup
	stop := func() { close(done); wg.Wait() }
	defer func() { // on Fatal too: stop the writers before the store closes
		if done != nil {
			stop()
		}
	}()
	for w := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ; i++ {
				select {
				case <-done:
					return
				default:
				}
				body := home("h1", `"label":"clerk `+strconv.Itoa(w)+` `+strconv.Itoa(i)+`"`)
				if r := call(s, "PUT", "/collections/homes/items/h1", clerk, geo, body); r.Status != 200 && r.Status != 422 {
					t.Errorf("clerk PUT: %d %s", r.Status, r.Body)
					return
				}
			}
		}()
	}
	for i := 1; i <= n; i++ {
		body := home("h1", `"label":"ops","income":`+strconv.Itoa(i)+`,"poor":true`)
		if r := call(s, "PUT", "/collections/homes/items/h1", ops, geo, body); r.Status != 200 {
			t.Fatalf("ops PUT: %d %s", r.Status, r.Body)
		}
		// A clerk's PUT that lands after this one carries income i back, as
		// it read it; only a merge that read before and wrote after would
		// bring an older value back.
		if got := stored(t, s, "h1")["income"]; got != float64(i) {
			t.Fatalf("after ops wrote income %d, stored income is %v", i, got)
		}
	}
	stop()
	done = nil
	if got := stored(t, s, "h1")["income"]; got != float64(n) {
		t.Errorf("final income %v, want %d", got, n)
	}
}
