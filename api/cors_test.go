package api

import (
	"context"
	"testing"
)

func TestCORS(t *testing.T) {
	s := newTestServer(t)
	s.cfg.CORSOrigins = []string{"*"}
	do := func(method, target string, h ...string) *Response {
		r := NewRequest(method, target, nil)
		for i := 0; i+1 < len(h); i += 2 {
			r.Header.Set(h[i], h[i+1])
		}
		return s.Handle(context.Background(), r)
	}
	const origin = "https://elsewhere.example"
	tests := []struct {
		name, method, target string
		header               []string
		status               int
		allow                string
	}{
		{"anonymous read", "GET", "/collections", []string{"Origin", origin}, 200, "*"},
		{"tilejson", "GET", "/tiles/pois.json", []string{"Origin", origin}, 200, "*"},
		{"error is readable too", "GET", "/collections/nope", []string{"Origin", origin}, 404, "*"},
		{"authenticated read", "GET", "/collections", []string{"Origin", origin, "Authorization", "Bearer s3cret"}, 200, ""},
		{"metrics", "GET", "/metrics", []string{"Origin", origin}, 200, ""},
		{"write", "DELETE", "/collections/pois/items/1", []string{"Origin", origin, "Authorization", "Bearer s3cret"}, 404, ""},
		{"preflight GET", "OPTIONS", "/collections/pois/items", []string{"Origin", origin,
			"Access-Control-Request-Method", "GET", "Access-Control-Request-Headers", "if-none-match"}, 204, "*"},
		{"preflight POST", "OPTIONS", "/collections/pois/items", []string{"Origin", origin,
			"Access-Control-Request-Method", "POST"}, 204, ""},
		{"preflight with Authorization", "OPTIONS", "/collections", []string{"Origin", origin,
			"Access-Control-Request-Method", "GET", "Access-Control-Request-Headers", "authorization"}, 204, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := do(tt.method, tt.target, tt.header...)
			if resp.Status != tt.status {
				t.Fatalf("status %d, want %d: %s", resp.Status, tt.status, resp.Body)
			}
			if got := resp.Header.Get("Access-Control-Allow-Origin"); got != tt.allow {
				t.Fatalf("Allow-Origin %q, want %q", got, tt.allow)
			}
			if resp.Header.Get("Access-Control-Allow-Credentials") != "" {
				t.Fatal("credentials allowed")
			}
		})
	}
	if resp := do("OPTIONS", "/collections", "Origin", origin, "Access-Control-Request-Method", "GET"); resp.Header.Get("Access-Control-Allow-Methods") != "GET, HEAD, OPTIONS" {
		t.Errorf("preflight methods %q", resp.Header.Get("Access-Control-Allow-Methods"))
	}

	// Configured origins: echoed when listed, with Vary: Origin.
	s.cfg.CORSOrigins = []string{"https://map.example.org"}
	if resp := do("GET", "/collections", "Origin", "https://map.example.org"); resp.Header.Get("Access-Control-Allow-Origin") != "https://map.example.org" || resp.Header.Get("Vary") == "" {
		t.Errorf("listed origin: %v", resp.Header)
	}
	if resp := do("GET", "/collections", "Origin", origin); resp.Header.Get("Access-Control-Allow-Origin") != "" {
		t.Errorf("unlisted origin allowed: %v", resp.Header)
	}
	s.cfg.CORSOrigins = nil
	if resp := do("GET", "/collections", "Origin", origin); resp.Header.Get("Access-Control-Allow-Origin") != "" {
		t.Errorf("CORS off but allowed: %v", resp.Header)
	}
}
