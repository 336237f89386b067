package api

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
)

// TestHTMLPages: the OGC resources answer HTML to f=html and to a
// browser's Accept, with the features in a table and on an SVG map, text
// escaped; JSON stays the default, and an unknown f is a 400.
func TestHTMLPages(t *testing.T) {
	s := newTestServer(t)
	body := `{"type":"FeatureCollection","features":[
{"type":"Feature","id":"a1","properties":{"name":"<script>alert(1)</script>","secret":7},"geometry":{"type":"Point","coordinates":[106.7,10.77]}},
{"type":"Feature","id":"a2","properties":{"name":"Chợ Lớn"},"geometry":{"type":"Point","coordinates":[106.66,10.75]}}]}`
	if r := call(s, "POST", "/collections/pois/items", "s3cret", "application/geo+json", body); r.Status != 201 {
		t.Fatalf("POST: %d %s", r.Status, r.Body)
	}
	for _, c := range []struct {
		path, accept string
		want, not    []string
	}{
		{"/collections?f=html", "", []string{"Lớp dữ liệu", "/collections/pois/items?f=html"}, nil},
		{"/collections/pois?f=html", "", []string{"<td>name</td>", "<svg"}, []string{"<td>secret</td>"}},
		{"/collections/pois/items?f=html", "", []string{"Chợ Lớn", "&lt;script&gt;", "<circle", "/collections/pois/items/a1?f=html"},
			[]string{"<script>alert", ">7<"}},
		{"/collections/pois/items/a2", "text/html,application/xhtml+xml", []string{"Chợ Lớn", "<svg"}, []string{"a1"}},
	} {
		r := NewRequest("GET", c.path, nil)
		if c.accept != "" {
			r.Header.Set("Accept", c.accept)
		}
		resp := s.Handle(context.Background(), r)
		if resp.Status != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
			t.Errorf("%s: %d %s", c.path, resp.Status, resp.Header.Get("Content-Type"))
			continue
		}
		for _, w := range c.want {
			if !strings.Contains(string(resp.Body), w) {
				t.Errorf("%s lacks %q", c.path, w)
			}
		}
		for _, n := range c.not {
			if strings.Contains(string(resp.Body), n) {
				t.Errorf("%s has %q", c.path, n)
			}
		}
	}
	if r := call(s, "GET", "/collections/pois/items", "", "", ""); !strings.HasPrefix(r.Header.Get("Content-Type"), "application/geo+json") {
		t.Errorf("default: %s", r.Header.Get("Content-Type"))
	}
	if r := call(s, "GET", "/collections/pois/items?f=xml", "", "", ""); r.Status != 400 {
		t.Errorf("f=xml: %d", r.Status)
	}
}

// TestFeatureLinks: a single feature links itself and its collection
// (/req/core/f-links), and stays valid JSON.
func TestFeatureLinks(t *testing.T) {
	s := newTestServer(t)
	body := `{"type":"Feature","id":"a b","properties":{"name":"x"},"geometry":{"type":"Point","coordinates":[106.7,10.77]}}`
	if r := call(s, "POST", "/collections/pois/items", "s3cret", "application/geo+json", body); r.Status != 201 {
		t.Fatalf("POST: %d %s", r.Status, r.Body)
	}
	r := call(s, "GET", "/collections/pois/items/a%20b", "", "", "")
	var f struct {
		Type  string `json:"type"`
		Links []struct{ Rel, Type, Href string }
	}
	if err := json.Unmarshal(r.Body, &f); err != nil || f.Type != "Feature" {
		t.Fatalf("%v: %s", err, r.Body)
	}
	rels := map[string]string{}
	for _, l := range f.Links {
		rels[l.Rel] = l.Href
	}
	if rels["self"] != "http://test/collections/pois/items/a%20b" || rels["collection"] != "http://test/collections/pois" {
		t.Errorf("links %+v", f.Links)
	}
}
