package api

import (
	"bando/ingest"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"

	"bando/layers"
	"bando/spatial"

	"github.com/paulmach/orb"
)

// Ids and values that Go's strconv quoting would write as invalid JSON.
var awkwardStrings = []string{
	"a\u0007b", "\x00", "tab\there", "quote\"back\\slash", "\u2028\u2029",
	"emoji 😀", "\xff\xfeinvalid", "vi: Điểm", "</script>", strings.Repeat("x", 300),
}

func TestItemsWithAwkwardIDsAreJSON(t *testing.T) {
	s := newTestServer(t)
	l, _ := s.cfg.Catalog.Get("pois")
	var feats []*spatial.Feature
	for i, id := range awkwardStrings {
		feats = append(feats, &spatial.Feature{ID: id, Geom: orb.Point{106, 10},
			Bound: orb.Point{106, 10}.Bound(), Props: []any{id, int64(i)}})
	}
	if _, err := s.cfg.Store.Put(context.Background(), l, feats); err != nil {
		t.Fatal(err)
	}
	for _, target := range []string{
		"/collections/pois/items?limit=100",
		"/collections/pois/items?limit=1&q=%07%22",
		"/collections/pois/items/a%07b",
		"/collections/pois/items/nope%07%FF",
		"/collections/nope%07",
	} {
		r := call(s, "GET", target, "", "", "")
		if !json.Valid(r.Body) {
			t.Fatalf("%s: %d, body is not JSON: %q", target, r.Status, r.Body)
		}
	}
	var fc struct {
		Features []struct {
			ID         string         `json:"id"`
			Properties map[string]any `json:"properties"`
		} `json:"features"`
	}
	r := call(s, "GET", "/collections/pois/items?limit=100", "", "", "")
	if err := json.Unmarshal(r.Body, &fc); err != nil {
		t.Fatal(err)
	}
	got := map[string]bool{}
	for _, f := range fc.Features {
		got[f.ID] = true
		if f.Properties["name"] != f.ID {
			t.Errorf("name %q does not round-trip as %q", f.Properties["name"], f.ID)
		}
	}
	for _, id := range awkwardStrings {
		if utf8.ValidString(id) && !got[id] {
			t.Errorf("id %q missing or altered in the page", id)
		}
	}
}

func TestUnknownFormatIs400(t *testing.T) {
	s := newTestServer(t)
	body := `{"type":"Feature","id":1,"geometry":{"type":"Point","coordinates":[1,2]},"properties":{}}`
	r := call(s, "POST", "/collections/pois/items?format=bogus", "s3cret", "application/geo+json", body)
	if r.Status != 400 || !json.Valid(r.Body) || !strings.Contains(string(r.Body), "unknown_format") {
		t.Fatalf("format=bogus: %d %s", r.Status, r.Body)
	}
	tests := []struct {
		err    error
		status int
	}{
		{fmt.Errorf("%w \"x\"", ingest.ErrUnknownFormat), 400},
		{fmt.Errorf("write: %w", fmt.Errorf("%w \"x\"", ingest.ErrUnknownFormat)), 400},
		{fmt.Errorf("%w \"a/b\"", ingest.ErrUnsupportedType), 415},
		{errors.New("ingest: unknown format \"x\""), 500}, // only the sentinel counts, not the text
		{errors.New("disk on fire"), 500},
		{fmt.Errorf("tiles: render: %w", context.Canceled), 499},
		{context.DeadlineExceeded, 503},
	}
	for _, tt := range tests {
		if got := asAPIError(tt.err).Status; got != tt.status {
			t.Errorf("%v: %d, want %d", tt.err, got, tt.status)
		}
	}
}

func TestQuoteIsShortJSON(t *testing.T) {
	for _, s := range append(awkwardStrings, strings.Repeat("é", 1000)) {
		q := quote(s)
		if !utf8.ValidString(q) || len(q) > 2*maxQuoted+40 {
			t.Errorf("quote(%q) = %q", s, q)
		}
		body := errorResponse(notFound("no feature " + q)).Body
		if !json.Valid(body) {
			t.Errorf("error body not JSON: %q", body)
		}
	}
}

// FuzzJSONWriters pushes arbitrary ids, field names and values through the
// hand-written GeoJSON and error writers: the output must always parse, and
// valid UTF-8 must come back unchanged.
func FuzzJSONWriters(f *testing.F) {
	for _, s := range awkwardStrings {
		f.Add(s, "name", s)
	}
	f.Add("12", "n\x01", "")
	f.Fuzz(func(t *testing.T, id, field, value string) {
		l := &layers.Layer{ID: "x", Fields: []layers.Field{{Name: field, Type: "string"}, {Name: "t", Type: "float"}}}
		feat := &spatial.Feature{ID: id, Geom: orb.Point{1, 2}, Props: []any{value, float64(len(value))}}
		buf, err := appendFeature(nil, feat, l, []int{0, 1}, output{crs: crs84Choice})
		if err != nil {
			t.Fatal(err)
		}
		if !json.Valid(buf) {
			t.Fatalf("feature not JSON: %q", buf)
		}
		var out struct {
			ID         any            `json:"id"`
			Properties map[string]any `json:"properties"`
		}
		if err := json.Unmarshal(buf, &out); err != nil {
			t.Fatal(err)
		}
		if utf8.ValidString(id) {
			if _, numeric := spatial.NumericID(id); !numeric && out.ID != id {
				t.Fatalf("id %q came back as %q", id, out.ID)
			}
		}
		if utf8.ValidString(field) && utf8.ValidString(value) && field != "t" && out.Properties[field] != value {
			t.Fatalf("property %q=%q came back as %v", field, value, out.Properties[field])
		}
		if b := errorResponse(badRequest("bad " + quote(id) + quote(value))).Body; !json.Valid(b) {
			t.Fatalf("error not JSON: %q", b)
		}
		if got := jsonQuote(value); !json.Valid([]byte(got)) {
			t.Fatalf("jsonQuote(%q) = %s", value, got)
		}
	})
}
