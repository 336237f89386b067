package api

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/paulmach/orb"

	"bando/layers"
	"bando/spatial"
	"bando/tiles"
)

func TestETagMatch(t *testing.T) {
	tag := `"0123456789abcdef"`
	tests := []struct {
		header string
		want   bool
	}{
		{"", false},
		{tag, true},
		{"*", true},
		{"W/" + tag, true},
		{`"other", ` + tag, true},
		{`"other" ,W/` + tag + ` , "x"`, true},
		{`"other"`, false},
		{`"0123456789abcdef-gz"`, false},
		{`0123456789abcdef`, false},
		{`,,,`, false},
	}
	for _, tc := range tests {
		if got := etagMatch(tc.header, tag); got != tc.want {
			t.Errorf("etagMatch(%q) = %v, want %v", tc.header, got, tc.want)
		}
	}
}

func FuzzETagMatch(f *testing.F) {
	for _, s := range []string{"", "*", `"a"`, `W/"a", "b"`, ` , ,"a`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, header string) {
		tag := `"a1"`
		got := etagMatch(header, tag)
		if got && !strings.Contains(header, tag) && !strings.Contains(header, "*") {
			t.Errorf("%q matched %s without naming it", header, tag)
		}
		if etagMatch(header+", "+tag, tag) != true {
			t.Errorf("%q followed by the tag did not match", header)
		}
	})
}

// TestTileETag goes through the core handler with a real store whose feed
// invalidates tiles: ETag on 200 and 204, 304 on a matching If-None-Match
// (raw and gzip tags differ), and a write changing the ETag of the tile
// that holds it only.
func TestTileETag(t *testing.T) {
	s := newInvalidatingServer(t)
	put := func(id string, p orb.Point) { putPOI(t, s, id, p) }
	here, far := orb.Point{106.7, 10.8}, orb.Point{-70, -30}
	put("1", here)
	put("2", far)
	a, b := tiles.CoordOf(here, 12), tiles.CoordOf(far, 12)
	path := func(c tiles.Coord) string { return "/tiles/pois/" + c.String() + ".mvt" }
	get := func(target, inm, enc string) *Response {
		u := &Request{Method: "GET", Path: target, RawPath: target, Header: HeaderOf(http.Header{}), BaseURL: "http://test"}
		if inm != "" {
			u.Header.Set("If-None-Match", inm)
		}
		if enc != "" {
			u.Header.Set("Accept-Encoding", enc)
		}
		return s.Handle(context.Background(), u)
	}

	r := get(path(a), "", "")
	tagA := r.Header.Get("ETag")
	if r.Status != 200 || len(r.Body) == 0 || !strings.HasPrefix(tagA, `"`) {
		t.Fatalf("first GET: %d, ETag %q", r.Status, tagA)
	}
	gz := get(path(a), "", "gzip")
	if gz.Header.Get("ETag") == tagA || gz.Header.Get("Content-Encoding") != "gzip" {
		t.Errorf("gzip body has ETag %q, raw %q: must differ", gz.Header.Get("ETag"), tagA)
	}
	if r := get(path(a), tagA, ""); r.Status != 304 || len(r.Body) != 0 || r.Header.Get("ETag") != tagA || r.Header.Get("Cache-Control") == "" {
		t.Errorf("conditional GET: %d, body %d bytes, ETag %q, Cache-Control %q", r.Status, len(r.Body), r.Header.Get("ETag"), r.Header.Get("Cache-Control"))
	}
	if r := get(path(a), tagA, "gzip"); r.Status != 200 {
		t.Errorf("raw tag on a gzip request: %d, want 200", r.Status)
	}
	empty := tiles.Coord{Z: 12, X: 0, Y: 0}
	e := get(path(empty), "", "")
	if e.Status != 204 || e.Header.Get("ETag") == "" {
		t.Fatalf("empty tile: %d, ETag %q", e.Status, e.Header.Get("ETag"))
	}
	if r := get(path(empty), e.Header.Get("ETag"), ""); r.Status != 304 {
		t.Errorf("conditional GET of an empty tile: %d, want 304", r.Status)
	}

	tagB := get(path(b), "", "").Header.Get("ETag")
	put("3", orb.Point{here[0] + 0.001, here[1]})
	if got := get(path(a), tagA, ""); got.Status != 200 || got.Header.Get("ETag") == tagA {
		t.Errorf("after a write in A: %d, ETag %q (was %q)", got.Status, got.Header.Get("ETag"), tagA)
	}
	if got := get(path(b), tagB, ""); got.Status != 304 {
		t.Errorf("after a write far from B: %d, want 304", got.Status)
	}
	if st := s.cfg.Tiles.CacheStats(); st.Invalidated == 0 {
		t.Errorf("no entry invalidated: %+v", st)
	}
}

// BenchmarkTileHandlerCached is the core handler answering a warm cached
// tile (no network): routing, access, cache hit and headers, the part of a
// cached tile that nginx serving the same bytes is compared with.
func BenchmarkTileHandlerCached(b *testing.B) {
	for _, tc := range []struct{ name, enc, inm string }{
		{"raw", "", ""}, {"gzip", "gzip", ""}, {"304", "gzip", "match"},
	} {
		b.Run(tc.name, func(b *testing.B) {
			s := newBenchServer(b)
			r := &Request{Method: "GET", Path: "/tiles/pois/12/3263/1922.mvt", Header: HeaderOf(http.Header{}), BaseURL: "http://test"}
			r.RawPath = r.Path
			if tc.enc != "" {
				r.Header.Set("Accept-Encoding", tc.enc)
			}
			first := s.Handle(context.Background(), r)
			if first.Status != 200 {
				b.Fatalf("warm-up: %d %s", first.Status, first.Body)
			}
			want := 200
			if tc.inm != "" {
				r.Header.Set("If-None-Match", first.Header.Get("ETag"))
				want = 304
			}
			b.ReportAllocs()
			for b.Loop() {
				if resp := s.Handle(context.Background(), r); resp.Status != want {
					b.Fatalf("status %d", resp.Status)
				}
			}
		})
	}
}

func newBenchServer(b *testing.B) *Server {
	cat, err := layers.Parse([]byte(`layers:
  - id: pois
    title: {vi: "Điểm", en: "Points"}
    kind: poi
    geometry: Point
    access: public
    zoom: {min: 0, max: 18}
    attribution: test
    fields:
      - {name: name, type: string}
`))
	if err != nil {
		b.Fatal(err)
	}
	idx := spatial.NewIndex()
	var fs []*spatial.Feature
	c := tiles.Coord{Z: 12, X: 3263, Y: 1922}
	bb := c.Bound()
	for i := range 500 {
		p := orb.Point{bb.Min[0] + float64(i%23)/23*(bb.Max[0]-bb.Min[0]), bb.Min[1] + float64(i/23)/23*(bb.Max[1]-bb.Min[1])}
		fs = append(fs, &spatial.Feature{ID: strconv.Itoa(i + 1), Num: uint64(i + 1), Geom: p, Bound: p.Bound(), Props: []any{"điểm"}})
	}
	idx.Put("pois", 1, fs)
	s := New(Config{Catalog: cat, Index: idx, Tiles: tiles.New(tiles.Config{Index: idx, Catalog: cat})})
	s.SetReady(true)
	return s
}
