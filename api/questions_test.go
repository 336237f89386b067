package api

import (
	"encoding/json"
	"strconv"
	"strings"
	"testing"
)

// questionServer is a test server with five points of "pois" along a
// meridian, about 111 m apart, with names a a b b c and secrets 1..5.
func questionServer(t *testing.T) *Server {
	t.Helper()
	s := newTestServer(t)
	var b strings.Builder
	for i, name := range []string{"a", "a", "b", "b", "c"} {
		b.WriteString(`{"type":"Feature","id":` + itoa(i+1) + `,"geometry":{"type":"Point","coordinates":[106.7,` +
			ftoa(10.7+0.001*float64(i)) + `]},"properties":{"name":"` + name + `","secret":` + itoa(i+1) + `}}` + "\n")
	}
	if r := call(s, "POST", "/collections/pois/items", "s3cret", "application/x-ndjson", b.String()); r.Status != 201 {
		t.Fatalf("seed: %d %s", r.Status, r.Body)
	}
	return s
}

func TestQueryRadiusByDistance(t *testing.T) {
	s := questionServer(t)
	r := call(s, "GET", "/api/query?layer=pois&lon=106.7&lat=10.7015&radius=200", "", "", "")
	if r.Status != 200 {
		t.Fatalf("%d %s", r.Status, r.Body)
	}
	var fc struct {
		NumberMatched int `json:"numberMatched"`
		Features      []struct {
			ID         int            `json:"id"`
			Properties map[string]any `json:"properties"`
		} `json:"features"`
	}
	if err := json.Unmarshal(r.Body, &fc); err != nil {
		t.Fatal(err)
	}
	// 10.7015 is half-way between points 2 and 3 (~55 m each), points 1
	// and 4 are ~166 m away, 5 is ~277 m.
	var ids []int
	for _, f := range fc.Features {
		ids = append(ids, f.ID)
		if _, ok := f.Properties["secret"]; ok {
			t.Errorf("anonymous answer holds the internal field: %v", f.Properties)
		}
		if _, ok := f.Properties["distance_m"]; !ok {
			t.Errorf("feature %d has no distance_m", f.ID)
		}
	}
	if fc.NumberMatched != 4 || len(ids) != 4 || !(ids[0] == 2 && ids[1] == 3 || ids[0] == 3 && ids[1] == 2) {
		t.Errorf("matched %d, ids %v", fc.NumberMatched, ids)
	}
}

func TestQueryGroupedAndCSV(t *testing.T) {
	s := questionServer(t)
	r := call(s, "GET", "/api/query?layer=pois&group_by=field:name&agg=count", "", "", "")
	want := `{"groups":[{"key":{"name":"a"},"count":2},{"key":{"name":"b"},"count":2},{"key":{"name":"c"},"count":1}],"total":{"count":5}}`
	if r.Status != 200 || string(r.Body) != want {
		t.Fatalf("%d %s, want %s", r.Status, r.Body, want)
	}
	r = call(s, "POST", "/api/query?f=csv", "s3cret", "application/json",
		`{"layer":"pois","filter":{"field":"secret","op":">=","value":4},"properties":["name","secret"]}`)
	if r.Status != 200 || r.Header.Get("Content-Type") != "text/csv; charset=utf-8" {
		t.Fatalf("%d %s %v", r.Status, r.Body, r.Header)
	}
	if got := string(r.Body); got != "\uFEFFid,name,secret\n4,b,4\n5,c,5\n" {
		t.Errorf("csv %q", got)
	}
}

// TestQueryHiddenFieldIsUnknown: a filter on a field the principal may not
// see is refused exactly as one on a missing field.
func TestQueryHiddenFieldIsUnknown(t *testing.T) {
	s := questionServer(t)
	ask := func(field string) string {
		r := call(s, "POST", "/api/query", "", "", `{"layer":"pois","filter":{"field":"`+field+`","op":"=","value":1}}`)
		if r.Status != 400 {
			t.Fatalf("%s: %d %s", field, r.Status, r.Body)
		}
		return strings.ReplaceAll(string(r.Body), field, "F")
	}
	if hidden, missing := ask("secret"), ask("nosuch"); hidden != missing {
		t.Errorf("hidden field answered %s, missing field %s", hidden, missing)
	}
	if r := call(s, "POST", "/api/query", "s3cret", "", `{"layer":"pois","filter":{"field":"secret","op":"=","value":1}}`); r.Status != 200 {
		t.Errorf("internal token: %d %s", r.Status, r.Body)
	}
}

func TestQueryBadQuestions(t *testing.T) {
	s := questionServer(t)
	tests := []struct {
		method, target, body string
		status               int
		mentions             string
	}{
		{"GET", "/api/query?layer=pois&foo=1", "", 400, "foo"},
		{"GET", "/api/query?layer=nosuch", "", 400, "nosuch"},
		{"GET", "/api/query?layer=pois&lon=106.7&lat=10.7&radius=-1", "", 400, "radius"},
		{"GET", "/api/query?layer=pois&lon=106.7&lat=10.7&radius=1e9", "", 400, "radius"},
		{"GET", "/api/query?layer=pois&lon=106.7&lat=10.7&k=0", "", 400, "k"},
		{"GET", "/api/query?layer=pois&lon=x&lat=10.7", "", 400, "lon"},
		{"GET", "/api/query?layer=pois&radius=5", "", 400, "lon"},
		{"GET", "/api/query?layer=pois&bbox=1,2,3", "", 400, "bbox"},
		{"GET", "/api/query?layer=pois&admin=communes", "", 400, "admin"},
		{"POST", "/api/query", `{"layer":`, 400, "JSON"},
		{"POST", "/api/query", `{"layer":"pois","filter":{"field":"name","op":">","value":3}}`, 400, "name"},
		{"PUT", "/api/query", "", 405, "allowed"},
		{"GET", "/api/h3?layer=pois&res=16", "", 400, "res=16"},
		{"GET", "/api/h3?layer=pois&agg=sum:name", "", 400, "name"},
		{"GET", "/api/h3?layer=pois&agg=sum:secret", "", 400, "secret"},
		{"GET", "/api/nosuch", "", 404, "no such"},
	}
	for _, tt := range tests {
		r := call(s, tt.method, tt.target, "", "", tt.body)
		if r.Status != tt.status || !json.Valid(r.Body) || !strings.Contains(string(r.Body), tt.mentions) {
			t.Errorf("%s %s %s: %d %s, want %d mentioning %q", tt.method, tt.target, tt.body, r.Status, r.Body, tt.status, tt.mentions)
		}
	}
}

func TestH3CountsWhatTheQuestionSelects(t *testing.T) {
	s := questionServer(t)
	total := func(body []byte) int64 {
		var res struct {
			Res   int `json:"res"`
			Cells []struct {
				H3    string `json:"h3"`
				Count int64  `json:"count"`
			} `json:"cells"`
		}
		if err := json.Unmarshal(body, &res); err != nil {
			t.Fatalf("%v: %s", err, body)
		}
		var n int64
		for _, c := range res.Cells {
			n += c.Count
		}
		return n
	}
	r := call(s, "GET", "/api/h3?layer=pois&res=9", "", "", "")
	if r.Status != 200 || total(r.Body) != 5 {
		t.Fatalf("all: %d %s", r.Status, r.Body)
	}
	r = call(s, "POST", "/api/h3", "s3cret", "application/json",
		`{"layer":"pois","res":9,"agg":[{"op":"sum","field":"secret"}],"filter":{"field":"name","op":"in","value":["a","c"]}}`)
	if r.Status != 200 || total(r.Body) != 3 || !strings.Contains(string(r.Body), "sum_secret") {
		t.Fatalf("filtered: %d %s", r.Status, r.Body)
	}
	r = call(s, "GET", "/api/h3?layer=pois&res=9&f=geojson&bbox=106.69,10.699,106.71,10.7005", "", "", "")
	if r.Status != 200 || r.Header.Get("Content-Type") != "application/geo+json" || !strings.Contains(string(r.Body), `"Polygon"`) {
		t.Fatalf("geojson: %d %s", r.Status, r.Body)
	}
}

func itoa(i int) string { return strconv.Itoa(i) }

func ftoa(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }
