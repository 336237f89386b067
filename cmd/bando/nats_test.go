package main

import (
	"io"
	"os"
	"path/filepath"
	"testing"
)

// TestNATSConfig: the nats: section as a URL or a mapping, BANDO_NATS over
// the file and --nats over both.
func TestNATSConfig(t *testing.T) {
	cases := []struct {
		name, yaml, env string
		args            []string
		want            NATSConfig
	}{
		{"url alone", "nats: nats://10.0.0.5:4222\n", "", nil, NATSConfig{URL: "nats://10.0.0.5:4222"}},
		{"mapping", "nats:\n  url: nats://n:4222\n  prefix: hcm\n  replica: r2\n", "", nil,
			NATSConfig{URL: "nats://n:4222", Prefix: "hcm", Replica: "r2"}},
		{"env over file", "nats:\n  url: nats://n:4222\n  prefix: hcm\n", "nats://e:4222", nil,
			NATSConfig{URL: "nats://e:4222", Prefix: "hcm"}},
		{"flag over env", "nats: nats://n:4222\n", "nats://e:4222", []string{"--nats", "nats://f:4222"},
			NATSConfig{URL: "nats://f:4222"}},
		{"unknown key", "nats:\n  url: nats://n:4222\n  prefx: x\n", "", nil, NATSConfig{URL: "bad"}},
		{"none", "addr: \":9\"\n", "", nil, NATSConfig{}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "bando.yaml")
			if err := os.WriteFile(path, []byte(c.yaml), 0o644); err != nil {
				t.Fatal(err)
			}
			t.Setenv("BANDO_NATS", c.env)
			cfg, err := parseServeFlags(append([]string{"--config", path}, c.args...), io.Discard)
			if c.want.URL == "bad" {
				if err == nil {
					t.Fatalf("accepted %q", c.yaml)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if cfg.NATS != c.want {
				t.Fatalf("nats config %+v, want %+v", cfg.NATS, c.want)
			}
		})
	}
}
