package api

import (
	"net"
	"testing"

	"github.com/valyala/fasthttp"
)

// BenchmarkFastHTTPEmptyTile is a whole request through the adapter and the
// core for a tile with nothing in it (204), with browser-like headers.
func BenchmarkFastHTTPEmptyTile(b *testing.B) {
	s := newTestServer(b)
	var fc fasthttp.RequestCtx
	var req fasthttp.Request
	req.SetRequestURI("/tiles/pois/3/1/1.mvt?v=3")
	req.Header.Set("Host", "map.example.org")
	for _, kv := range [][2]string{{"User-Agent", "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/126"},
		{"Accept", "*/*"}, {"Accept-Encoding", "gzip, deflate, br, zstd"}, {"Accept-Language", "vi-VN,vi;q=0.9,en;q=0.8"},
		{"Referer", "https://map.example.org/"}, {"Origin", "https://map.example.org"}, {"Sec-Fetch-Mode", "cors"}} {
		req.Header.Set(kv[0], kv[1])
	}
	fc.Init(&req, &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 1234}, nil)
	b.ReportAllocs()
	for b.Loop() {
		s.FastHTTP(&fc)
		if fc.Response.StatusCode() != 204 {
			b.Fatal(fc.Response.StatusCode())
		}
		fc.Response.Reset()
	}
}
