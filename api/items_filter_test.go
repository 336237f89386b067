package api

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"testing"

	"bando/spatial"

	"github.com/paulmach/orb"
)

// filterServer holds 20 points of "pois" on a line, named p0…p19, with
// secret = i for even i.
func filterServer(t *testing.T) *Server {
	s := newTestServer(t)
	l, _ := s.cfg.Catalog.Get("pois")
	var fs []*spatial.Feature
	for i := range 20 {
		p := orb.Point{106 + float64(i)/100, 10}
		var secret any
		if i%2 == 0 {
			secret = int64(i)
		}
		fs = append(fs, &spatial.Feature{ID: fmt.Sprint(i), Geom: p, Bound: p.Bound(), Props: []any{fmt.Sprintf("p%d", i), secret}})
	}
	if _, err := s.cfg.Store.Put(context.Background(), l, fs); err != nil {
		t.Fatal(err)
	}
	return s
}

func itemIDs(t *testing.T, r *Response) []string {
	t.Helper()
	var fc struct {
		Features []struct {
			ID         json.RawMessage `json:"id"`
			Properties map[string]any  `json:"properties"`
		} `json:"features"`
		NumberMatched int `json:"numberMatched"`
	}
	if err := json.Unmarshal(r.Body, &fc); err != nil {
		t.Fatalf("%s: %v", r.Body, err)
	}
	var out []string
	for _, f := range fc.Features {
		out = append(out, strings.Trim(string(f.ID), `"`))
	}
	return out
}

func TestItemsFilter(t *testing.T) {
	s := filterServer(t)
	tests := []struct {
		name, query, token string
		want               []string
	}{
		{"text eq", "filter=" + url.QueryEscape("name = 'p3'"), "", []string{"3"}},
		{"like", "filter=" + url.QueryEscape("name LIKE 'p1_'"), "", []string{"10", "11", "12", "13", "14", "15", "16", "17", "18", "19"}},
		{"in", "filter=" + url.QueryEscape("name IN ('p1','p2') OR name = 'p9'"), "", []string{"1", "2", "9"}},
		{"json", "filter-lang=cql2-json&filter=" + url.QueryEscape(`{"op":"=","args":[{"property":"name"},"p4"]}`), "", []string{"4"}},
		{"secret for ops", "filter=" + url.QueryEscape("secret BETWEEN 4 AND 8"), "s3cret", []string{"4", "6", "8"}},
		{"null", "filter=" + url.QueryEscape("secret IS NULL AND name < 'p3'"), "s3cret", []string{"1", "11", "13", "15", "17", "19"}},
		{"spatial", "filter=" + url.QueryEscape("S_INTERSECTS(geometry, BBOX(106.015, 9, 106.035, 11))"), "", []string{"2", "3"}},
		{"dwithin or", "filter=" + url.QueryEscape("S_DWITHIN(geometry, POINT(106 10), 1200) OR name = 'p19'"), "", []string{"0", "1", "19"}},
		{"sortby", "sortby=-name&limit=3", "", []string{"9", "8", "7"}},
		{"sortby secret", "sortby=secret,-name&limit=2&offset=9", "s3cret", []string{"18", "9"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := call(s, "GET", "/collections/pois/items?"+tt.query, tt.token, "", "")
			if r.Status != 200 {
				t.Fatalf("%d %s", r.Status, r.Body)
			}
			got := itemIDs(t, r)
			if !strings.Contains(tt.query, "sortby") {
				slices.SortFunc(got, func(a, b string) int { return strings.Compare(a, b) })
				slices.Sort(tt.want)
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

// TestItemsRefused: unknown parameters and fields, bad filters and
// unsupported CRSs are 400 and say what is wrong; a field hidden from the
// principal is refused exactly like an absent one.
func TestItemsRefused(t *testing.T) {
	s := filterServer(t)
	tests := []struct{ query, want string }{
		{"foo=bar&name=x", `unknown query parameter "foo", "name"`},
		{"filter=" + url.QueryEscape("name ="), "want a value"},
		{"filter=" + url.QueryEscape("secret = 2"), `no field "secret"`},
		{"filter=" + url.QueryEscape("nothing = 2"), `no field "nothing"`},
		{"sortby=secret", `no field "secret"`},
		{"properties=secret", `no field "secret"`},
		{"filter=" + url.QueryEscape("name = 'x'") + "&filter-crs=EPSG:2154", "filter-crs"},
		{"filter=x&filter-lang=ecql", "unknown filter-lang"},
		{"datetime=2025-01-01T00:00:00Z", "no time field"},
	}
	for _, tt := range tests {
		r := call(s, "GET", "/collections/pois/items?"+tt.query, "", "", "")
		var body struct {
			Error struct{ Message string } `json:"error"`
		}
		json.Unmarshal(r.Body, &body)
		if r.Status != 400 || !strings.Contains(body.Error.Message, tt.want) {
			t.Errorf("%s: %d %s, want 400 with %q", tt.query, r.Status, r.Body, tt.want)
		}
	}
	if r := call(s, "GET", "/collections/pois/items/3?foo=1", "", "", ""); r.Status != 400 {
		t.Errorf("item with an unknown parameter: %d", r.Status)
	}
}

func TestItemsProperties(t *testing.T) {
	s := filterServer(t)
	r := call(s, "GET", "/collections/pois/items?properties=secret&limit=1&sortby=name", "s3cret", "", "")
	var fc struct {
		Features []struct {
			Properties map[string]any `json:"properties"`
		} `json:"features"`
	}
	if err := json.Unmarshal(r.Body, &fc); err != nil || len(fc.Features) != 1 {
		t.Fatalf("%d %s", r.Status, r.Body)
	}
	if p := fc.Features[0].Properties; len(p) != 1 || p["secret"] != float64(0) {
		t.Errorf("properties %v, want only secret=0", p)
	}
	r = call(s, "GET", "/collections/pois/items/3?properties=name", "", "", "")
	if r.Status != 200 || !strings.Contains(string(r.Body), `"properties":{"name":"p3"}`) {
		t.Errorf("single feature: %d %s", r.Status, r.Body)
	}
}

func TestQueryablesAndSchema(t *testing.T) {
	s := filterServer(t)
	for _, tc := range []struct {
		path, token string
		want, not   []string
	}{
		{"/collections/pois/queryables", "", []string{`"geometry"`, `"name":{`, `"type":"string"`, `geometry-point-or-multipoint`}, []string{"secret"}},
		{"/collections/pois/queryables", "s3cret", []string{`"secret":{`, `"type":"integer"`}, nil},
		{"/collections/pois/schema", "", []string{`"properties":{"properties":{"name"`, `"x-ogc-role":"primary-geometry"`}, []string{"secret"}},
	} {
		r := call(s, "GET", tc.path, tc.token, "", "")
		if r.Status != 200 || r.Header.Get("Content-Type") != mediaJSONSchema || !json.Valid(r.Body) {
			t.Fatalf("%s: %d %s %s", tc.path, r.Status, r.Header.Get("Content-Type"), r.Body)
		}
		for _, w := range tc.want {
			if !strings.Contains(string(r.Body), w) {
				t.Errorf("%s: no %s in %s", tc.path, w, r.Body)
			}
		}
		for _, w := range tc.not {
			if strings.Contains(string(r.Body), w) {
				t.Errorf("%s: %s shown to %q", tc.path, w, tc.token)
			}
		}
	}
}
