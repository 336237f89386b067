package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestEdgeConfig(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	good := write("good.yaml", "public_url: https://maps.example.org/\ntrusted_proxies: [10.0.0.0/8, 127.0.0.1]\ncors_origins: [https://a.example]\n")
	off := write("off.yaml", "cors_origins: []\n")
	tests := []struct {
		name, file, errMatch string
		env                  map[string]string
		public               string
		proxies, cors        int
	}{
		{"defaults: any origin, no proxy", "", "", nil, "", 0, 1},
		{"file", good, "", nil, "https://maps.example.org", 2, 1},
		{"cors off", off, "", nil, "", 0, 0},
		{"env", "", "", map[string]string{"BANDO_TRUSTED_PROXIES": "::1,192.168.0.0/16", "BANDO_PUBLIC_URL": "http://x:8080"}, "http://x:8080", 2, 1},
		{"bad proxy", write("bad.yaml", "trusted_proxies: [not-an-ip]\n"), "trusted proxy", nil, "", 0, 0},
		{"bad url", write("badurl.yaml", "public_url: ftp://x\n"), "public_url", nil, "", 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, k := range []string{"BANDO_TRUSTED_PROXIES", "BANDO_PUBLIC_URL", "BANDO_CORS_ORIGINS", "BANDO_CONFIG"} {
				t.Setenv(k, tt.env[k])
			}
			var args []string
			if tt.file != "" {
				args = []string{"--config", tt.file}
			}
			cfg, err := parseServeFlags(args, os.Stderr)
			if err == nil {
				err = cfg.Validate()
			}
			if tt.errMatch != "" {
				if err == nil || !strings.Contains(err.Error(), tt.errMatch) {
					t.Fatalf("err = %v, want %q", err, tt.errMatch)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			e, err := edgeConfig(cfg)
			if err != nil {
				t.Fatal(err)
			}
			if e.PublicURL != tt.public || len(e.TrustedProxies) != tt.proxies || len(e.CORSOrigins) != tt.cors {
				t.Fatalf("got %q %v %v", e.PublicURL, e.TrustedProxies, e.CORSOrigins)
			}
		})
	}
}
