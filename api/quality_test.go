package api

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"bando/layers"
	"bando/quality"
	"bando/spatial"
	"bando/store"
)

const qualityCatalog = `layers:
  - id: parcels
    title: {vi: Thửa, en: Parcels}
    kind: parcel
    geometry: Polygon
    access: public
    zoom: {min: 0, max: 18}
    update_interval: 1h
    steward: {department: Sở Nông nghiệp và Môi trường, contact: dat@example.org}
    attribution: test
    fields:
      - {name: land_use, type: string, expected: true}
      - {name: land_price, type: int, sensitivity: internal, expected: true}
      - {name: owner_status, type: string, sensitivity: restricted, expected: true}
  - id: secret
    title: {vi: Mật, en: Secret}
    kind: poi
    geometry: Point
    access: internal
    zoom: {min: 0, max: 18}
    attribution: test
    fields: []
`

func newQualityServer(t *testing.T) (*Server, time.Time) {
	t.Helper()
	cat, err := layers.Parse([]byte(qualityCatalog))
	if err != nil {
		t.Fatal(err)
	}
	idx := spatial.NewIndex()
	sq := func(id string, x float64, props ...any) *spatial.Feature {
		g := orb.Polygon{{{x, 0}, {x + 1, 0}, {x + 1, 1}, {x, 1}, {x, 0}}}
		return &spatial.Feature{ID: id, Geom: g, Bound: g.Bound(), Props: props}
	}
	bow := orb.Polygon{{{10, 0}, {11, 1}, {11, 0}, {10, 1}, {10, 0}}}
	idx.Put("parcels", 1, []*spatial.Feature{
		sq("a", 0, "ODT", int64(1), "x"), sq("b", 0.5, "ODT", nil, nil), sq("c", 3, nil, int64(2), "y"),
		{ID: "bow", Geom: bow, Bound: bow.Bound(), Props: []any{"ODT", int64(1), "x"}},
	})
	p := orb.Point{1, 1}
	idx.Put("secret", 1, []*spatial.Feature{{ID: "s", Geom: p, Bound: p.Bound()}})
	now := time.Date(2026, 7, 1, 0, 0, 0, 0, time.UTC)
	written := now.Add(-2 * time.Hour)
	q := quality.New(quality.Config{Catalog: cat, Index: idx, Now: func() time.Time { return now },
		Updated: func(string) (time.Time, bool, error) { return written, true, nil }})
	q.Refresh()
	tokens, err := NewTokens([]Token{{Name: "planner", SHA256: HashToken("s3cret"), Clearance: layers.Internal}})
	if err != nil {
		t.Fatal(err)
	}
	s := New(Config{Catalog: cat, Index: idx, Tokens: tokens, Quality: q})
	s.SetReady(true)
	return s, now
}

func TestQualityAPI(t *testing.T) {
	s, _ := newQualityServer(t)
	r := call(s, "GET", "/api/quality/parcels", "", "", "")
	if r.Status != 200 {
		t.Fatalf("%d %s", r.Status, r.Body)
	}
	// The shape, field by field.
	var got struct {
		Layer    string `json:"layer"`
		Features int    `json:"features"`
		Validity struct {
			Score      float64  `json:"score"`
			Invalid    int      `json:"invalid"`
			InvalidIDs []string `json:"invalid_ids"`
		} `json:"validity"`
		Completeness struct {
			Score   float64        `json:"score"`
			Missing map[string]int `json:"missing"`
		} `json:"completeness"`
		Cleanliness struct {
			Score        float64     `json:"score"`
			Duplicates   int         `json:"duplicates"`
			Overlaps     int         `json:"overlaps"`
			OverlapPairs [][2]string `json:"overlap_pairs"`
		} `json:"cleanliness"`
		Liveness struct {
			AgeS      float64 `json:"age_s"`
			ExpectedS float64 `json:"expected_s"`
			Stale     bool    `json:"stale"`
		} `json:"liveness"`
		Steward struct {
			Department string `json:"department"`
		} `json:"steward"`
	}
	if err := json.Unmarshal(r.Body, &got); err != nil {
		t.Fatal(err)
	}
	if got.Layer != "parcels" || got.Features != 4 || got.Validity.Invalid != 1 || got.Validity.Score != 0.75 ||
		len(got.Validity.InvalidIDs) != 1 || got.Validity.InvalidIDs[0] != "bow" ||
		len(got.Completeness.Missing) != 1 || got.Completeness.Missing["land_use"] != 1 || got.Completeness.Score != 0.75 ||
		got.Cleanliness.Overlaps != 1 || got.Cleanliness.OverlapPairs[0] != [2]string{"a", "b"} || got.Cleanliness.Duplicates != 0 ||
		got.Liveness.AgeS != 7200 || got.Liveness.ExpectedS != 3600 || !got.Liveness.Stale || got.Steward.Department == "" {
		t.Fatalf("anonymous report: %s", r.Body)
	}
	for _, hidden := range []string{"land_price", "owner_status", "secret"} {
		if strings.Contains(string(r.Body), hidden) {
			t.Errorf("the anonymous report names %s: %s", hidden, r.Body)
		}
	}
	r = call(s, "GET", "/api/quality/parcels", "s3cret", "", "")
	if !strings.Contains(string(r.Body), `"land_price":1`) || strings.Contains(string(r.Body), "owner_status") {
		t.Errorf("internal report: %s", r.Body)
	}
	for target, want := range map[string]int{"/api/quality/secret": 404, "/api/quality/nosuch": 404, "/api/quality": 200} {
		if r := call(s, "GET", target, "", "", ""); r.Status != want {
			t.Errorf("%s: %d, want %d", target, r.Status, want)
		}
	}
	if r := call(s, "GET", "/api/quality/secret", "s3cret", "", ""); r.Status != 200 {
		t.Errorf("internal principal, secret layer: %d", r.Status)
	}
	r = call(s, "GET", "/api/quality", "", "", "")
	if !strings.Contains(string(r.Body), `"layer":"parcels"`) || strings.Contains(string(r.Body), "secret") {
		t.Errorf("anonymous list: %s", r.Body)
	}
}

func TestQualityInCollectionAndMetrics(t *testing.T) {
	s, _ := newQualityServer(t)
	r := call(s, "GET", "/collections/parcels", "", "", "")
	var c struct {
		Bando struct {
			Quality *quality.Report `json:"quality"`
			Steward *layers.Steward `json:"steward"`
		} `json:"bando"`
	}
	if err := json.Unmarshal(r.Body, &c); err != nil || c.Bando.Quality == nil || c.Bando.Steward == nil {
		t.Fatalf("collection: %v %s", err, r.Body)
	}
	if q := c.Bando.Quality; q.Layer != "parcels" || q.Validity.Invalid != 1 || q.Completeness.Missing["land_price"] != 0 || len(q.Completeness.Missing) != 1 {
		t.Errorf("bando.quality %+v", q)
	}
	m := string(call(s, "GET", "/metrics", "", "", "").Body)
	for _, want := range []string{`bando_quality_score{dimension="validity",layer="parcels"} 0.75`,
		`bando_quality_invalid_features{layer="parcels"} 1`, `bando_quality_missing_features{field="land_use",layer="parcels"} 1`,
		`bando_quality_stale{layer="parcels"} 1`, `bando_quality_overlapping_pairs{layer="parcels"} 1`} {
		if !strings.Contains(m, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
	for _, hidden := range []string{"secret", "land_price", "owner_status"} {
		if strings.Contains(m, hidden) {
			t.Errorf("/metrics names %s", hidden)
		}
	}
	if !strings.Contains(m, `bando_quality_features{layer="(non-public)"} 1`) || strings.Contains(m, `bando_quality_score{dimension="validity",layer="(non-public)"}`) {
		t.Errorf("/metrics: the non-public layers' counts summed, their scores left out")
	}
	if api := string(call(s, "GET", "/api", "", "", "").Body); !strings.Contains(api, `"/api/quality/{collectionId}"`) || !strings.Contains(api, `"/api/quality"`) {
		t.Errorf("/api lacks the quality routes")
	}
}

// TestQualityAfterIngest: features posted with invalid=keep are stored as
// they are, and the figures, fed by the store's change feed, count them
// at once.
func TestQualityAfterIngest(t *testing.T) {
	cat, err := layers.Parse([]byte(qualityCatalog))
	if err != nil {
		t.Fatal(err)
	}
	feed := &store.Feed{}
	st, err := store.OpenPebble(t.TempDir(), feed)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	idx := spatial.NewIndex()
	feed.Subscribe(store.IndexChanges(idx))
	q := quality.New(quality.Config{Catalog: cat, Index: idx, Updated: st.Updated})
	feed.Subscribe(q.Changes)
	q.Refresh()
	tokens, _ := NewTokens([]Token{{Name: "steward", SHA256: HashToken("w"), Clearance: layers.Restricted, Write: true}})
	s := New(Config{Catalog: cat, Index: idx, Store: st, Tokens: tokens, Quality: q})
	s.SetReady(true)
	body := `{"type":"FeatureCollection","features":[
	{"type":"Feature","id":"bow","properties":{"land_use":"ODT"},"geometry":{"type":"Polygon","coordinates":[[[0,0],[2,2],[2,0],[0,2],[0,0]]]}},
	{"type":"Feature","id":"ok","properties":{},"geometry":{"type":"Polygon","coordinates":[[[5,0],[6,0],[6,1],[5,1],[5,0]]]}},
	{"type":"Feature","id":"ok2","properties":{},"geometry":{"type":"Polygon","coordinates":[[[5,0],[6,0],[6,1],[5,1],[5,0]]]}}]}`
	if r := call(s, "POST", "/collections/parcels/items?invalid=nope", "w", mGeoJSON, body); r.Status != 400 {
		t.Fatalf("invalid=nope: %d %s", r.Status, r.Body)
	}
	r := call(s, "POST", "/collections/parcels/items?invalid=keep", "w", mGeoJSON, body)
	if r.Status != 201 || !strings.Contains(string(r.Body), `"kept_invalid":[{`) {
		t.Fatalf("post: %d %s", r.Status, r.Body)
	}
	// No Refresh: a read after a write refreshes what the write changed.
	rep, err := q.Report(layers.Principal{Name: "steward", Clearance: layers.Restricted}, "parcels")
	if err != nil {
		t.Fatal(err)
	}
	if rep.Features != 3 || rep.Validity.Invalid != 1 || rep.Cleanliness.Duplicates != 2 || rep.Completeness.Missing["land_use"] != 2 ||
		rep.Liveness.AgeS == nil || *rep.Liveness.AgeS > 60 || rep.Liveness.Stale {
		t.Fatalf("after the post: %+v", rep)
	}
}

func TestQualityOnCollectionPage(t *testing.T) {
	s, _ := newQualityServer(t)
	r := call(s, "GET", "/collections/parcels?f=html", "", "", "")
	page := string(r.Body)
	for _, want := range []string{"Sở Nông nghiệp và Môi trường", "75.0 %", "1 hình học không hợp lệ / invalid", "1 cặp chồng lấn", "quá hạn cập nhật / stale", "/api/quality/parcels"} {
		if r.Status != 200 || !strings.Contains(page, want) {
			t.Errorf("the collection page lacks %q", want)
		}
	}
}
