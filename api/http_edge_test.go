package api

import (
	"bufio"
	"compress/gzip"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
)

// rawHTTP sends one raw request to addr and reads the response.
func rawHTTP(t *testing.T, addr, req string) (*http.Response, []byte) {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, err := io.WriteString(c, req); err != nil {
		t.Fatal(err)
	}
	method, _, _ := strings.Cut(req, " ")
	resp, err := http.ReadResponse(bufio.NewReader(c), &http.Request{Method: method})
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, body
}

func edgeServer(t *testing.T) (*Server, string) {
	s := newTestServer(t)
	s.cfg.CORSOrigins = []string{"*"}
	return s, serveLoopback(t, s.HTTPServer(s.cfg.Logger))
}

func TestHTTPSizesOverTheReadBuffer(t *testing.T) {
	_, addr := edgeServer(t)
	long := "/collections?" + strings.Repeat("a", readBufferSize+100)
	mid := "/collections?" + strings.Repeat("a", maxURILength+10)
	tests := []struct {
		name, req string
		status    int
	}{
		{"request line over the buffer", "GET " + long + " HTTP/1.1\r\nHost: x\r\n\r\n", 414},
		{"request line over the URI limit", "GET " + mid + " HTTP/1.1\r\nHost: x\r\n\r\n", 414},
		{"headers over the buffer", "GET /collections HTTP/1.1\r\nHost: x\r\nX-Big: " + strings.Repeat("b", readBufferSize+100) + "\r\n\r\n", 431},
		{"many headers over the buffer", "GET /collections HTTP/1.1\r\nHost: x\r\n" + strings.Repeat("X-H: 0123456789012345678901234567890123456789\r\n", 500) + "\r\n", 431},
		{"garbage", "NOT HTTP\r\n\r\n", 400},
		{"fits", "GET /collections?" + strings.Repeat("a", 1000) + " HTTP/1.1\r\nHost: x\r\n\r\n", 200},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, body := rawHTTP(t, addr, tt.req)
			if resp.StatusCode != tt.status {
				t.Fatalf("status %d, want %d: %s", resp.StatusCode, tt.status, body)
			}
			if !json.Valid(body) || !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
				t.Fatalf("not bando's JSON shape: %q %s", resp.Header.Get("Content-Type"), body)
			}
			if tt.status != 200 && !strings.Contains(string(body), `"error"`) {
				t.Fatalf("no error object: %s", body)
			}
		})
	}
}

func TestHTTPEdgeEndToEnd(t *testing.T) {
	s, addr := edgeServer(t)
	seedPoints(t, s, 200)

	// Compressed items page, as a browser asks for it.
	resp, body := rawHTTP(t, addr, "GET /collections/pois/items?limit=200&bbox=100,0,120,20 HTTP/1.1\r\nHost: map.example.org\r\n"+
		"Accept-Encoding: gzip;q=1, br;q=0\r\nOrigin: https://x.example\r\n\r\n")
	if resp.StatusCode != 200 || resp.Header.Get("Content-Encoding") != "gzip" || resp.Header.Get("Access-Control-Allow-Origin") != "*" {
		t.Fatalf("%d %v", resp.StatusCode, resp.Header)
	}
	zr, err := gzip.NewReader(strings.NewReader(string(body)))
	if err != nil {
		t.Fatal(err)
	}
	plain, _ := io.ReadAll(zr)
	var fc struct {
		Features []any                   `json:"features"`
		Links    []struct{ Href string } `json:"links"`
	}
	if err := json.Unmarshal(plain, &fc); err != nil || len(fc.Features) != 200 {
		t.Fatalf("%v, %d features", err, len(fc.Features))
	}
	if !strings.HasPrefix(fc.Links[0].Href, "http://map.example.org/collections/pois/items?") || !strings.Contains(fc.Links[0].Href, "bbox=100%2C0%2C120%2C20") {
		t.Fatalf("self link %q", fc.Links[0].Href)
	}

	// Forwarded headers from an untrusted peer (loopback is not configured)
	// do not reach TileJSON.
	_, body = rawHTTP(t, addr, "GET /tiles/pois.json HTTP/1.1\r\nHost: map.example.org\r\nX-Forwarded-Host: evil.example\r\nX-Forwarded-Proto: https\r\n\r\n")
	if strings.Contains(string(body), "evil") || !strings.Contains(string(body), "http://map.example.org/tiles/pois/") {
		t.Fatalf("tilejson %s", body)
	}
	// Trusted, they do.
	s.cfg.TrustedProxies, _ = ParseTrustedProxies([]string{"127.0.0.0/8", "::1"})
	_, body = rawHTTP(t, addr, "GET /tiles/pois.json HTTP/1.1\r\nHost: internal\r\nX-Forwarded-Host: map.example.org\r\nX-Forwarded-Proto: https\r\n\r\n")
	if !strings.Contains(string(body), "https://map.example.org/tiles/pois/") {
		t.Fatalf("tilejson behind a trusted proxy %s", body)
	}

	// A CORS preflight over HTTP.
	resp, _ = rawHTTP(t, addr, "OPTIONS /collections/pois/items HTTP/1.1\r\nHost: x\r\nOrigin: https://x.example\r\n"+
		"Access-Control-Request-Method: GET\r\n\r\n")
	if resp.StatusCode != 204 || resp.Header.Get("Access-Control-Allow-Origin") != "*" || resp.Header.Get("Access-Control-Allow-Methods") == "" {
		t.Fatalf("preflight %d %v", resp.StatusCode, resp.Header)
	}

	// Headers and query are read in place: auth and paging work over HTTP.
	resp, body = rawHTTP(t, addr, "GET /collections/pois/items?limit=2&offset=5 HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer s3cret\r\n\r\n")
	if resp.StatusCode != 200 || !strings.Contains(string(body), `"secret"`) || !strings.Contains(string(body), `"numberReturned":2`) {
		t.Fatalf("authenticated page %d %s", resp.StatusCode, body)
	}
	resp, _ = rawHTTP(t, addr, "GET /collections/pois/items HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer wrong\r\n\r\n")
	if resp.StatusCode != 401 {
		t.Fatalf("wrong token over HTTP: %d", resp.StatusCode)
	}
}

func TestHTTPHeadMatchesGet(t *testing.T) {
	s, addr := edgeServer(t)
	seedPoints(t, s, 50)
	for _, ae := range []string{"", "Accept-Encoding: br\r\n"} {
		get, body := rawHTTP(t, addr, "GET /collections/pois/items?limit=50 HTTP/1.1\r\nHost: x\r\n"+ae+"\r\n")
		head, hbody := rawHTTP(t, addr, "HEAD /collections/pois/items?limit=50 HTTP/1.1\r\nHost: x\r\n"+ae+"\r\n")
		if len(hbody) != 0 {
			t.Fatalf("HEAD has a body of %d bytes", len(hbody))
		}
		if head.StatusCode != 200 || head.Header.Get("Content-Encoding") != get.Header.Get("Content-Encoding") {
			t.Fatalf("%q: HEAD %d %v, GET %v", ae, head.StatusCode, head.Header, get.Header)
		}
		// Page bodies differ in timeStamp only; sizes match within a few bytes.
		if d := int(head.ContentLength) - len(body); ae == "" && (d < -2 || d > 2) {
			t.Fatalf("HEAD Content-Length %d, GET body %d", head.ContentLength, len(body))
		}
	}
}
