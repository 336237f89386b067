package api

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"io"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"

	"bando/spatial"

	"github.com/paulmach/orb"
	"github.com/valyala/fasthttp"
)

// seedPoints stores n points in the test layer, straight through the store.
func seedPoints(t testing.TB, s *Server, n int) {
	t.Helper()
	l, _ := s.cfg.Catalog.Get("pois")
	var feats []*spatial.Feature
	for i := range n {
		p := orb.Point{106 + float64(i)/1000, 10.5}
		feats = append(feats, &spatial.Feature{ID: strconv.Itoa(i + 1), Geom: p, Bound: p.Bound(),
			Props: []any{"Điểm số " + strconv.Itoa(i), int64(i)}})
	}
	if _, err := s.cfg.Store.Put(context.Background(), l, feats); err != nil {
		t.Fatal(err)
	}
}

func get(s *Server, target string, header ...string) *Response {
	r := NewRequest("GET", target, nil)
	for i := 0; i+1 < len(header); i += 2 {
		r.Header.Set(header[i], header[i+1])
	}
	return s.Handle(context.Background(), r)
}

func decode(t *testing.T, resp *Response) []byte {
	t.Helper()
	switch resp.Header.Get("Content-Encoding") {
	case "":
		return resp.Body
	case "gzip":
		zr, err := gzip.NewReader(bytes.NewReader(resp.Body))
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(zr)
		if err != nil {
			t.Fatal(err)
		}
		return b
	case "br":
		b, err := fasthttp.AppendUnbrotliBytes(nil, resp.Body)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	t.Fatalf("unknown coding %q", resp.Header.Get("Content-Encoding"))
	return nil
}

func TestCompressJSON(t *testing.T) {
	s := newTestServer(t)
	seedPoints(t, s, 300)
	plain := get(s, "/collections/pois/items?limit=300")
	if plain.Header.Get("Content-Encoding") != "" || !json.Valid(plain.Body) {
		t.Fatalf("no Accept-Encoding: coded %q", plain.Header.Get("Content-Encoding"))
	}
	tests := []struct{ accept, want string }{
		{"gzip", "gzip"},
		{"gzip;q=0", ""},
		{"gzip, deflate, br", "br"},
		{"br;q=0.1, gzip", "gzip"},
		{"br", "br"},
		{"identity", ""},
		{"*", "br"},
	}
	for _, tt := range tests {
		resp := get(s, "/collections/pois/items?limit=300", "Accept-Encoding", tt.accept)
		if got := resp.Header.Get("Content-Encoding"); got != tt.want {
			t.Errorf("%q: coding %q, want %q", tt.accept, got, tt.want)
		}
		if !strings.Contains(resp.Header.Get("Vary"), "Accept-Encoding") {
			t.Errorf("%q: Vary %q", tt.accept, resp.Header.Get("Vary"))
		}
		body := decode(t, resp)
		if !json.Valid(body) || len(body) < len(plain.Body)-100 {
			t.Errorf("%q: decoded body is not the page (%d bytes of %d)", tt.accept, len(body), len(plain.Body))
		}
		if tt.want != "" && len(resp.Body) >= len(body)/2 {
			t.Errorf("%q: %d bytes from %d: hardly compressed", tt.accept, len(resp.Body), len(body))
		}
	}
	// A page over smallCompress prefers gzip at equal q.
	seedPoints(t, s, 2000)
	if resp := get(s, "/collections/pois/items?limit=2000", "Accept-Encoding", "br, gzip"); resp.Header.Get("Content-Encoding") != "gzip" || !json.Valid(decode(t, resp)) {
		t.Errorf("big page: coding %q", resp.Header.Get("Content-Encoding"))
	}
	if resp := get(s, "/collections/pois/items?limit=2000", "Accept-Encoding", "br"); resp.Header.Get("Content-Encoding") != "br" || !json.Valid(decode(t, resp)) {
		t.Errorf("big page, br only: coding %q", resp.Header.Get("Content-Encoding"))
	}
	// Small bodies and errors stay as they are.
	for _, target := range []string{"/healthz", "/collections/pois/items/999"} {
		if resp := get(s, target, "Accept-Encoding", "gzip"); resp.Header.Get("Content-Encoding") != "" {
			t.Errorf("%s: small body compressed", target)
		}
	}
}

func TestCompressLeavesCodedAndOpaqueBodies(t *testing.T) {
	big := bytes.Repeat([]byte("a"), 4096)
	r := NewRequest("GET", "/", nil)
	r.Header.Set("Accept-Encoding", "br, gzip")
	for _, ct := range []string{"application/vnd.mapbox-vector-tile", "image/png"} {
		resp := &Response{Status: 200, Header: map[string][]string{"Content-Type": {ct}}, Body: big}
		compress(r, resp)
		if resp.Header.Get("Content-Encoding") != "" {
			t.Errorf("%s compressed", ct)
		}
	}
	pre := &Response{Status: 200, Header: map[string][]string{"Content-Type": {"application/json"},
		"Content-Encoding": {"gzip"}, "Etag": {`"x"`}}, Body: big}
	compress(r, pre)
	if !bytes.Equal(pre.Body, big) {
		t.Error("already-coded body coded twice")
	}
	js := &Response{Status: 200, Header: map[string][]string{"Content-Type": {"application/json"},
		"Etag": {`"v1"`}}, Body: big}
	compress(r, js)
	if js.Header.Get("ETag") != `W/"v1"` || js.Header.Get("Content-Encoding") != "br" {
		t.Errorf("ETag %q coding %q", js.Header.Get("ETag"), js.Header.Get("Content-Encoding"))
	}
}

// itemsPage is a 200-feature page of polygons the shape of the communes
// page: rings of 1,000 vertices as a random walk, 7 decimals.
func itemsPage() []byte {
	rng := rand.New(rand.NewPCG(1, 2))
	body := []byte(`{"type":"FeatureCollection","features":[`)
	for i := range 200 {
		body = append(body, `{"type":"Feature","id":`+strconv.Itoa(i)+`,"geometry":{"type":"Polygon","coordinates":[[`...)
		x, y := 105+rng.Float64(), 10+rng.Float64()
		for range 1000 {
			x, y = x+(rng.Float64()-0.5)/500, y+(rng.Float64()-0.5)/500
			body = strconv.AppendFloat(append(body, '['), x, 'f', 7, 64)
			body = strconv.AppendFloat(append(body, ','), y, 'f', 7, 64)
			body = append(body, "],"...)
		}
		body = append(body, `[0,0]]]},"properties":{"ten":"Phường `+strconv.Itoa(i)+`"}},`...)
	}
	return append(body[:len(body)-1], "]}"...)
}

func BenchmarkCompressItemsPage(b *testing.B) {
	body := itemsPage()
	for _, enc := range []string{encGzip, encBrotli} {
		b.Run(enc, func(b *testing.B) {
			b.SetBytes(int64(len(body)))
			var n int
			for b.Loop() {
				n = len(encodeBody(enc, body))
			}
			b.ReportMetric(float64(n)/float64(len(body)), "ratio")
		})
	}
}
