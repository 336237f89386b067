package api

import (
	"log/slog"
	"strings"
	"testing"

	"bando/layers"
	"bando/layers/steward"
	"bando/spatial"
	"bando/store"
	"bando/tiles"
)

// newStewardServer is newTestServer with a catalog manager and a steward
// token ("steward": manage, write, internal) beside "ops" (write only).
func newStewardServer(t *testing.T) *Server {
	t.Helper()
	cat, err := layers.NewCatalog(nil)
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
	feed.Subscribe(store.IndexChangesOf(idx, cat))
	tokens, err := NewTokens([]Token{
		{Name: "ops", SHA256: HashToken("s3cret"), Clearance: layers.Internal, Write: true},
		{Name: "steward", SHA256: HashToken("st3ward"), Clearance: layers.Internal, Write: true, Manage: true},
	})
	if err != nil {
		t.Fatal(err)
	}
	tl := tiles.New(tiles.Config{Index: idx, Catalog: cat})
	mgr := steward.New(steward.Config{Catalog: cat, Store: st, Index: idx, Logger: slog.New(slog.DiscardHandler),
		Changed: func(id string) { tl.Invalidate(id) }})
	s := New(Config{Catalog: cat, Index: idx, Store: st, Tokens: tokens, Tiles: tl, Steward: mgr,
		Logger: slog.New(slog.DiscardHandler)})
	s.SetReady(true)
	return s
}

const clinicsEntry = `{"id": "clinics", "title": {"vi": "Trạm y tế", "en": "Clinics"}, "kind": "poi",
 "geometry": "Point", "access": "internal", "zoom": {"min": 0, "max": 16}, "attribution": "test",
 "fields": [{"name": "beds", "type": "string"}]}`

// TestCatalogRoutes runs a steward's session in order: who may, what is
// refused with which status and reason, and that a refusal changes nothing.
func TestCatalogRoutes(t *testing.T) {
	s := newStewardServer(t)
	steps := []struct {
		name, method, target, token, body string
		status                            int
		has                               string // in the body
		version                           uint64 // the catalog's after the step
	}{
		{"anonymous", "POST", "/collections", "", clinicsEntry, 401, "token_required", 0},
		{"writer without manage", "POST", "/collections", "s3cret", clinicsEntry, 403, "manage: true", 0},
		{"unknown token", "POST", "/collections", "nope", clinicsEntry, 401, "unauthorized", 0},
		{"malformed", "POST", "/collections", "st3ward", `{"id": "clinics", "title": {`, 400, `the body begins: {\"id\": \"clinics\", \"title\": {"`, 0},
		{"invalid", "POST", "/collections", "st3ward", strings.Replace(clinicsEntry, `"Point"`, `"Blob"`, 1), 422, "unknown geometry", 0},
		{"create", "POST", "/collections", "st3ward", clinicsEntry, 201, `"catalog_version":1`, 1},
		{"create again", "POST", "/collections", "st3ward", clinicsEntry, 409, "exists", 1},
		{"features", "POST", "/collections/clinics/items", "st3ward",
			`{"type":"Feature","id":"c1","geometry":{"type":"Point","coordinates":[106.7,10.8]},"properties":{"beds":"twelve"}}`, 201, "", 1},
		{"unsatisfiable type", "PUT", "/collections/clinics", "st3ward", strings.Replace(clinicsEntry, `"type": "string"`, `"type": "int"`, 1),
			422, `"details":{"feature":"c1"}`, 1},
		{"rename", "PUT", "/collections/clinics", "st3ward", strings.Replace(clinicsEntry, `"id": "clinics"`, `"id": "clinic"`, 1), 422, "renamed", 1},
		{"unknown layer", "PUT", "/collections/nowhere", "st3ward", clinicsEntry, 404, "", 1},
		{"change", "PUT", "/collections/clinics", "st3ward", strings.Replace(clinicsEntry, `"en": "Clinics"`, `"en": "Health stations"`, 1),
			200, `"Health stations"`, 2},
		{"anonymous retire", "DELETE", "/collections/clinics", "", "", 401, "token_required", 2},
		{"writer retire", "DELETE", "/collections/clinics", "s3cret", "", 403, "", 2},
		{"bad purge", "DELETE", "/collections/clinics?purge=maybe", "st3ward", "", 400, "purge", 2},
		{"retire with features", "DELETE", "/collections/clinics", "st3ward", "", 409, "holds 1 features", 2},
		{"purge", "DELETE", "/collections/clinics?purge=true", "st3ward", "", 200, `"purged":1`, 3},
		{"gone", "GET", "/collections/clinics", "st3ward", "", 404, "", 3},
	}
	for _, st := range steps {
		r := call(s, st.method, st.target, st.token, "application/json", st.body)
		if r.Status != st.status || !strings.Contains(string(r.Body), st.has) {
			t.Fatalf("%s: %d %s; want %d with %s", st.name, r.Status, r.Body, st.status, st.has)
		}
		if v := s.cfg.Catalog.Version(); v != st.version {
			t.Fatalf("%s: catalog version %d, want %d", st.name, v, st.version)
		}
	}
	if r := call(s, "GET", "/collections", "", "", ""); !strings.Contains(string(r.Body), `"catalog_version":3`) {
		t.Fatalf("/collections: %s", r.Body)
	}
}

// TestCatalogRoutesWithoutSteward: a server built without a manager says so.
func TestCatalogRoutesWithoutSteward(t *testing.T) {
	s := newTestServer(t)
	if r := call(s, "POST", "/collections", "s3cret", "application/json", clinicsEntry); r.Status != 503 {
		t.Fatalf("POST /collections without a manager: %d %s", r.Status, r.Body)
	}
}
