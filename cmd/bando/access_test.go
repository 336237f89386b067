package main

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"testing"
)

// householdLayer is a PUBLIC layer with internal and restricted fields: the
// hardest case for leaks, since the layer itself is visible to everyone.
const householdLayer = `layers:
  - id: households
    title: {vi: "Hộ gia đình", en: "Households"}
    kind: building
    geometry: Point
    access: public
    zoom: {min: 0, max: 18}
    attribution: "bando test"
    synthetic: true
    fields:
      - {name: label, type: string, sensitivity: public}
      - {name: income_secret, type: int, sensitivity: internal}
      - {name: poor_secret, type: bool, sensitivity: restricted}
`

// TestAnonymousNeverSeesInternal sweeps every read endpoint as anonymous,
// as an internal reader and as a restricted operator, and checks what each
// may see. Internal markers are chosen so that any leak shows up as a byte
// string in the body, whatever the encoding.
func TestAnonymousNeverSeesInternal(t *testing.T) {
	dir := t.TempDir()
	srv := startServer(t, dir+"/var", writeConfig(t, dir, householdLayer))
	body := `{"type":"FeatureCollection","features":[
	 {"type":"Feature","id":1,"geometry":{"type":"Point","coordinates":[106.70,10.78]},"properties":{"label":"Nhà số 1","income_secret":4242,"poor_secret":true}},
	 {"type":"Feature","id":2,"geometry":{"type":"Point","coordinates":[106.71,10.79]},"properties":{"label":"Nhà số 2","income_secret":4343,"poor_secret":false}}]}`
	if st, _, b := srv.do("POST", "/collections/households/items", opsToken, "application/geo+json", []byte(body)); st != 201 {
		t.Fatalf("ingest households: %d %s", st, b)
	}
	// The demo's parcels layer is internal as a whole.
	z, x, y := 15, 26094, 15260 // a tile over the city centre
	endpoints := []string{
		"/collections", "/collections/households", "/collections/households/items", "/collections/households/items/1",
		"/collections/households/items?bbox=106,10,107,11",
		"/tiles/households.json", fmt.Sprintf("/tiles/households/%d/%d/%d.mvt", z, x, y),
		fmt.Sprintf("/tiles/households,communes/%d/%d/%d.mvt", z, x, y),
		"/collections/parcels", "/collections/parcels/items", "/tiles/parcels.json",
		fmt.Sprintf("/tiles/parcels/%d/%d/%d.mvt", z, x, y), fmt.Sprintf("/tiles/communes,parcels/%d/%d/%d.mvt", z, x, y),
		"/", "/?f=json", "/metrics",
	}
	type who struct {
		token     string
		forbidden []string // markers that must not appear
		mustSee   []string // markers that must appear somewhere
	}
	for _, w := range []who{
		{"", []string{"income_secret", "poor_secret", "4242", "parcels", "owner_status", "land_price"}, []string{"label", "Nhà số 1"}},
		{readerToken, []string{"poor_secret", "owner_status"}, []string{"income_secret", "parcels", "land_price"}},
		{opsToken, nil, []string{"income_secret", "poor_secret", "owner_status"}},
	} {
		seen := map[string]bool{}
		for _, ep := range endpoints {
			for _, gz := range []bool{false, true} {
				b := fetch(t, srv, ep, w.token, gz)
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
	// Internal layers answer exactly like missing ones.
	st1, b1 := srv.get("/collections/parcels/items", "")
	st2, b2 := srv.get("/collections/no_such_layer/items", "")
	if st1 != 404 || st2 != 404 || !strings.Contains(string(b1), "not_found") || !strings.Contains(string(b2), "not_found") {
		t.Errorf("internal vs missing: %d %s / %d %s", st1, b1, st2, b2)
	}
	// A wrong token is refused, never treated as anonymous.
	if st, _ := srv.get("/collections", "wrong-token"); st != 401 {
		t.Errorf("wrong token: status %d, want 401", st)
	}
	// Anonymous and read-only tokens cannot write.
	for _, tok := range []string{"", readerToken} {
		st, _, _ := srv.do("POST", "/collections/households/items", tok, "application/geo+json", []byte(body))
		if st != 401 && st != 403 {
			t.Errorf("write with token %q: status %d", tok, st)
		}
	}
}

// fetch GETs a path and returns the body, gunzipped when asked for gzip.
func fetch(t *testing.T, srv *server, path, token string, gz bool) []byte {
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
	return b
}
