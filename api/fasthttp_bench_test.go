package api

import (
	"context"
	"net"
	"net/http"
	"testing"

	"github.com/valyala/fasthttp"
)

// BenchmarkAdapter measures the fasthttp adapter around a handler that reads
// a header and a query parameter, with browser-like headers: the cost every
// request pays before bando's own work.
func BenchmarkAdapter(b *testing.B) {
	s := &Server{cfg: Config{}}
	var fc fasthttp.RequestCtx
	var req fasthttp.Request
	req.SetRequestURI("/tiles/communes/12/3263/1857.mvt?v=3&f=mvt")
	req.Header.Set("Host", "map.example.org")
	for _, kv := range [][2]string{{"User-Agent", "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/126"},
		{"Accept", "*/*"}, {"Accept-Encoding", "gzip, deflate, br, zstd"}, {"Accept-Language", "vi-VN,vi;q=0.9,en;q=0.8"},
		{"Referer", "https://map.example.org/"}, {"Origin", "https://map.example.org"}, {"Sec-Fetch-Mode", "cors"}} {
		req.Header.Set(kv[0], kv[1])
	}
	fc.Init(&req, &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 1234}, nil)
	body := []byte("tile")
	h := func(ctx context.Context, r *Request) *Response {
		if !acceptsEncoding(r, "gzip") || r.Query.Get("v") != "3" {
			b.Fatal("adapter lost the request")
		}
		return &Response{Status: 200, Header: http.Header{}, Body: body}
	}
	b.ReportAllocs()
	for b.Loop() {
		s.serveFast(&fc, h)
		fc.Response.Reset()
	}
}
