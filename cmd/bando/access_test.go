package main

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/paulmach/orb/encoding/mvt"
)

// accessLayers: households is a PUBLIC layer with internal and restricted
// fields, the hardest case for leaks since the layer itself is visible to
// everyone; one restricted field is required. strongroom is a restricted
// layer. The demo's parcels layer is internal as a whole.
const accessLayers = `layers:
  - id: households
    title: {vi: "Hộ gia đình", en: "Households"}
    kind: building
    geometry: Point
    access: public
    zoom: {min: 0, max: 18}
    attribution: "bando test"
    synthetic: true
    fields:
      - {name: label, type: string, sensitivity: public, required: true}
      - {name: income_secret, type: int, sensitivity: internal}
      - {name: poor_secret, type: bool, sensitivity: restricted, required: true}
      - {name: note_secret, type: string, sensitivity: restricted}
  - id: strongroom
    title: {vi: "Kho mật", en: "Strongroom"}
    kind: poi
    geometry: Point
    access: restricted
    zoom: {min: 0, max: 18}
    attribution: "bando test"
    synthetic: true
    fields:
      - {name: vault_label, type: string}
`

// clerkToken writes with public clearance: it sees what anonymous sees.
const clerkToken = "clerk-secret"

// writeAccessConfig is writeConfig with one more token, the clerk.
func writeAccessConfig(t *testing.T, dir string) string {
	t.Helper()
	cfg := filepath.Join(dir, "bando.yaml")
	body := fmt.Sprintf(`tokens:
  - {name: ops, clearance: restricted, write: true, sha256: %s}
  - {name: reader, clearance: internal, sha256: %s}
  - {name: clerk, clearance: public, write: true, sha256: %s}
%s`, hashOf(opsToken), hashOf(readerToken), hashOf(clerkToken), accessLayers)
	if err := os.WriteFile(cfg, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return cfg
}

func household(id, props string) string {
	return `{"type":"Feature","id":` + id + `,"geometry":{"type":"Point","coordinates":[106.70,10.78]},"properties":{` + props + `}}`
}

// The markers of what anonymous and the clerk may never meet: names of
// non-public layers and hidden fields, and hidden values. The numbers are
// ten digits long: a short one turns up by chance in the digits of a
// timestamp or a float (the quality report's last_update did, 1 run in 3).
var (
	hiddenNames  = []string{"income_secret", "poor_secret", "note_secret", "parcels", "owner_status", "land_price", "strongroom", "vault_label"}
	hiddenValues = []string{"7424242133", "7434343177", "ghi-chu-mat-7731", "Két sắt"}
)

// TestAnonymousNeverSeesInternal sweeps every read endpoint and every write
// path as anonymous, as a public-clearance writer, as an internal reader and
// as a restricted operator, and checks what each may see. Markers are chosen
// so that any leak shows up as a string in the body or the headers (tiles
// are decoded first, so that integer values show as text).
func TestAnonymousNeverSeesInternal(t *testing.T) {
	dir := t.TempDir()
	srv := startServer(t, dir+"/var", writeAccessConfig(t, dir))
	seed := []struct{ layer, body string }{
		{"households", `{"type":"FeatureCollection","features":[` +
			household("1", `"label":"Nhà số 1","income_secret":7424242133,"poor_secret":true,"note_secret":"ghi-chu-mat-7731"`) + `,` +
			household("2", `"label":"Nhà số 2","income_secret":7434343177,"poor_secret":false`) + `]}`},
		{"strongroom", household("9", `"vault_label":"Két sắt"`)},
		{"parcels", `{"type":"Feature","id":"p-1","geometry":{"type":"Polygon","coordinates":[[[106.7,10.78],[106.701,10.78],[106.701,10.781],[106.7,10.78]]]},"properties":{"parcel_no":"1","commune_code":"x","land_price":7424242133}}`},
	}
	for _, s := range seed {
		if st, _, b := srv.do("POST", "/collections/"+s.layer+"/items", opsToken, "application/geo+json", []byte(s.body)); st != 201 {
			t.Fatalf("seed %s: %d %s", s.layer, st, b)
		}
	}
	t.Run("reads", func(t *testing.T) { sweepReads(t, srv) })
	t.Run("writes", func(t *testing.T) { sweepWrites(t, srv) })
	// The clerk's PUT replaces what it sees and keeps what it does not.
	if st, _, b := srv.do("PUT", "/collections/households/items/1", clerkToken, "application/geo+json",
		[]byte(household("1", `"label":"Nhà số 1 (clerk)","poor_secret":false`))); st != 200 {
		t.Fatalf("clerk PUT: %d %s", st, b)
	}
	// After every write the clerk tried, the hidden values are intact.
	var f struct{ Properties map[string]any }
	_, b := srv.get("/collections/households/items/1", opsToken)
	if err := json.Unmarshal(b, &f); err != nil {
		t.Fatalf("read back: %v %s", err, b)
	}
	p := f.Properties
	if p["label"] != "Nhà số 1 (clerk)" {
		t.Errorf("the clerk's PUT of a visible field was not stored: %v", p)
	}
	if p["income_secret"] != 7424242133.0 || p["poor_secret"] != true || p["note_secret"] != "ghi-chu-mat-7731" {
		t.Errorf("hidden values after the clerk's writes: %v", p)
	}
	// The sweep's reads and writes ran: now every metric is populated.
	t.Run("metrics", func(t *testing.T) {
		for _, tok := range []string{"", clerkToken} {
			b := fetch(t, srv, "/metrics", tok, false)
			for _, m := range hiddenNames {
				if bytes.Contains(b, []byte(m)) {
					t.Errorf("token %q: /metrics names %q", tok, m)
				}
			}
			for _, m := range []string{`bando_ingested_features_total{layer="households"}`, `layer="(non-public)"`, "bando_tile_cache_hits_total", "bando_tile_cache_misses_total"} {
				if !bytes.Contains(b, []byte(m)) {
					t.Errorf("/metrics lacks %s: the check would not notice a leak", m)
				}
			}
		}
	})
}

func sweepReads(t *testing.T, srv *server) {
	z := 15
	x, y := tileOf(106.70, 10.78, z) // the tile of the households
	cx, cy := 26094, 15260           // a tile over the city centre, with demo parcels
	endpoints := []string{
		fmt.Sprintf("/tiles/parcels/%d/%d/%d.mvt", z, cx, cy), fmt.Sprintf("/tiles/communes,parcels,buildings/%d/%d/%d.mvt", z, cx, cy),
		"/collections", "/collections/households", "/collections/households/items", "/collections/households/items/1",
		"/collections/households/items?bbox=106,10,107,11",
		"/tiles/households.json", fmt.Sprintf("/tiles/households/%d/%d/%d.mvt", z, x, y),
		fmt.Sprintf("/tiles/households,communes/%d/%d/%d.mvt", z, x, y),
		"/collections/parcels", "/collections/parcels/items", "/tiles/parcels.json",
		fmt.Sprintf("/tiles/parcels/%d/%d/%d.mvt", z, x, y), fmt.Sprintf("/tiles/communes,parcels/%d/%d/%d.mvt", z, x, y),
		"/collections/strongroom/items/9", fmt.Sprintf("/tiles/households,strongroom/%d/%d/%d.mvt", z, x, y),
		"/", "/?f=json", "/metrics",
	}
	public := append(append([]string{}, hiddenNames...), hiddenValues...)
	type who struct {
		token     string
		forbidden []string // markers that must not appear
		mustSee   []string // markers that must appear somewhere
	}
	for _, w := range []who{
		{"", public, []string{"label", "Nhà số 1"}},
		{clerkToken, public, []string{"label", "Nhà số 1"}},
		{readerToken, []string{"poor_secret", "note_secret", "owner_status", "strongroom", "ghi-chu-mat-7731"}, []string{"income_secret", "7424242133", "parcels", "land_price"}},
		{opsToken, nil, []string{"income_secret", "poor_secret", "ghi-chu-mat-7731", "owner_status", "Két sắt"}},
	} {
		seen := map[string]bool{}
		for _, ep := range endpoints {
			for _, gz := range []bool{false, true} {
				b := fetchAll(t, srv, ep, w.token, gz)
				for _, m := range w.forbidden {
					// A 404 may echo the name the client asked for; that
					// tells nothing a missing layer would not.
					if strings.Contains(ep, m) {
						continue
					}
					// /metrics is full of process numbers; only names count there.
					if ep == "/metrics" && strings.Trim(m, "0123456789") == "" {
						continue
					}
					if bytes.Contains(b, []byte(m)) {
						t.Errorf("token %q: %s leaks %q", w.token, ep, m)
					}
				}
				for _, m := range w.mustSee {
					if bytes.Contains(b, []byte(m)) {
						seen[m] = true
					}
				}
			}
		}
		for _, m := range w.mustSee {
			if !seen[m] {
				t.Errorf("token %q never saw %q: the check would not notice a leak", w.token, m)
			}
		}
	}
	// The decoding shows hidden values where they may be seen, so a leak
	// into a tile would show too.
	if b := fetchAll(t, srv, fmt.Sprintf("/tiles/households/%d/%d/%d.mvt", z, x, y), opsToken, false); !bytes.Contains(b, []byte("7424242133")) {
		t.Errorf("ops's decoded households tile lacks income 7424242133: %s", b)
	}
	// Non-public layers answer exactly like missing ones.
	for _, tok := range []string{"", clerkToken} {
		for _, l := range []string{"parcels", "strongroom"} {
			st1, b1 := srv.get("/collections/"+l+"/items", tok)
			st2, b2 := srv.get("/collections/no_such_layer/items", tok)
			if st1 != 404 || st2 != 404 || string(b1) != strings.ReplaceAll(string(b2), "no_such_layer", l) {
				t.Errorf("token %q: %s vs missing: %d %s / %d %s", tok, l, st1, b1, st2, b2)
			}
		}
	}
	// A wrong token is refused, never treated as anonymous.
	if st, _ := srv.get("/collections", "wrong-token"); st != 401 {
		t.Errorf("wrong token: status %d, want 401", st)
	}
}

// writeCase is one write a principal that may not see hidden fields tries.
type writeCase struct {
	method, path, ctype, body string
}

func writeCases() []writeCase {
	const geo, nd = "application/geo+json", "application/x-ndjson"
	h := "/collections/households/items"
	var cs []writeCase
	for _, props := range []string{
		`"label":"Nhà số 1 (clerk)"`,                           // no hidden field: hidden values must stay
		`"label":"x","income_secret":1,"poor_secret":false`,    // hidden values: ignored
		`"label":"x","income_secret":"many","poor_secret":"?"`, // hidden fields, wrong types
		`"label":7,"income_secret":1`,                          // a visible field of the wrong type
		`"income_secret":1`,                                    // a visible required field missing
		`"label":"x","note_secret":null`,                       // null to a hidden field
	} {
		cs = append(cs,
			writeCase{"PUT", h + "/1", geo, household("1", props)},
			writeCase{"POST", h, geo, household("1", props)},
			writeCase{"POST", h + "?partial=true", nd, household("1", props) + "\n" + household("2", props)},
			writeCase{"POST", h, geo, household("77", props)}, // new: poor_secret is required and hidden
		)
	}
	cs = append(cs,
		writeCase{"POST", h, "text/csv", "id,lon,lat,label,income_secret,poor_secret\n1,106.7,10.78,csv,12,false\n"},
		writeCase{"PUT", h + "/1", geo, `{"type":"Feature","id":"1","geometry":{"type":"Point","coordinates":[999,0]},"properties":{"income_secret":3}}`},
		writeCase{"PUT", h + "/1", geo, `{"type":"Feature","id":"1","geometry":null,"properties":{}}`},
		writeCase{"PUT", h + "/1", geo, `{"income_secret":`},
		writeCase{"PUT", h + "/2", geo, household("3", `"label":"x"`)}, // id mismatch
		writeCase{"POST", h + "?format=bogus", geo, household("1", `"label":"x"`)},
		writeCase{"DELETE", h + "/404", "", ""},
		writeCase{"PATCH", h + "/1", geo, household("1", `"label":"x"`)},
	)
	for _, l := range []string{"parcels", "strongroom"} { // invisible layers: 404 like missing ones
		cs = append(cs,
			writeCase{"POST", "/collections/" + l + "/items", geo, household("5", `"vault_label":"x","land_price":1`)},
			writeCase{"PUT", "/collections/" + l + "/items/9", geo, household("9", `"vault_label":"x"`)},
			writeCase{"DELETE", "/collections/" + l + "/items/9", "", ""},
		)
	}
	return cs
}

// sweepWrites sends every write case as anonymous and as the clerk. No
// response may hold a hidden name or value the request did not carry.
func sweepWrites(t *testing.T, srv *server) {
	statuses := map[int]int{}
	badAnon := false
	for _, tok := range []string{"", clerkToken} {
		for _, c := range writeCases() {
			st, h, b := srv.do(c.method, c.path, tok, c.ctype, []byte(c.body))
			statuses[st]++
			if st == 0 || st >= 500 {
				t.Errorf("token %q: %s %s: %d %s", tok, c.method, c.path, st, b)
			}
			if st >= 400 && !json.Valid(b) {
				t.Errorf("token %q: %s %s: error body is not JSON: %s", tok, c.method, c.path, b)
			}
			if tok == "" && st != 401 && !strings.Contains(c.path, "parcels") && !strings.Contains(c.path, "strongroom") && c.method != "PATCH" {
				t.Errorf("anonymous %s %s: %d, want 401", c.method, c.path, st)
			}
			if tok == "" && st == 401 && !badAnon && (!strings.Contains(string(b), "token is required") || !strings.HasPrefix(h.Get("WWW-Authenticate"), "Bearer")) {
				t.Errorf("anonymous write: 401 should say a token is required: %v %s", h, b)
				badAnon = true // once is enough
			}
			text := headerText(h) + string(b)
			for _, m := range append(append([]string{}, hiddenNames...), hiddenValues...) {
				if !strings.Contains(c.path+c.body, m) && strings.Contains(text, m) {
					t.Errorf("token %q: %s %s %s leaks %q: %d %s", tok, c.method, c.path, c.body, m, st, text)
				}
			}
		}
	}
	// The sweep must have met the answers it is about, or it checks nothing.
	for _, want := range []int{200, 201, 400, 401, 404, 422} {
		if statuses[want] == 0 {
			t.Errorf("no write was answered %d (answers: %v)", want, statuses)
		}
	}
}

// headerText renders response headers as "Key: value" lines, sorted.
func headerText(h http.Header) string {
	var lines []string
	for k, vs := range h {
		lines = append(lines, k+": "+strings.Join(vs, ", "))
	}
	sort.Strings(lines)
	return strings.Join(lines, "\n") + "\n"
}

// fetchAll is fetch with the headers in front of the body and vector tiles
// decoded to JSON text, so that integer values show as digits.
func fetchAll(t *testing.T, srv *server, path, token string, gz bool) []byte {
	t.Helper()
	b, h := fetchWithHeaders(t, srv, path, token, gz)
	if strings.HasSuffix(path, ".mvt") && len(b) > 0 && h.Get("Content-Type") != "application/json" {
		ls, err := mvt.Unmarshal(b)
		if err != nil {
			t.Fatalf("GET %s: not a vector tile: %v", path, err)
		}
		var names []string
		for _, l := range ls {
			names = append(names, l.Name)
		}
		dec, _ := json.Marshal(map[string]any{"names": names, "layers": ls.ToFeatureCollections()})
		b = dec
	}
	return append([]byte(headerText(h)), b...)
}

// fetch GETs a path and returns the body, gunzipped when asked for gzip.
func fetch(t *testing.T, srv *server, path, token string, gz bool) []byte {
	t.Helper()
	b, _ := fetchWithHeaders(t, srv, path, token, gz)
	return b
}

func fetchWithHeaders(t *testing.T, srv *server, path, token string, gz bool) ([]byte, http.Header) {
	t.Helper()
	req := map[string]string{}
	if gz {
		req["Accept-Encoding"] = "gzip"
	}
	st, h, b := srv.doHeaders("GET", path, token, req)
	if st == 0 {
		t.Fatalf("GET %s: no response", path)
	}
	if h.Get("Content-Encoding") == "gzip" {
		r, err := gzip.NewReader(bytes.NewReader(b))
		if err != nil {
			t.Fatalf("GET %s: bad gzip: %v", path, err)
		}
		if b, err = io.ReadAll(r); err != nil {
			t.Fatal(err)
		}
	}
	if st >= 500 {
		t.Errorf("GET %s: %d %s", path, st, b)
	}
	if st >= 400 && !json.Valid(b) {
		t.Errorf("GET %s: error body is not JSON: %s", path, b)
	}
	return b, h
}
