package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestConfigLayering(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "bando.yaml")
	os.WriteFile(file, []byte("address: 127.0.0.1:9000\ndata_dir: /srv/bando\nmax_body_mb: 8\n"), 0o644)
	tests := []struct {
		name     string
		args     []string
		env      map[string]string
		addr     string
		data     string
		demo     bool
		errMatch string
	}{
		{"defaults", nil, nil, ":8080", "./var", true, ""},
		{"file", []string{"--config", file}, nil, "127.0.0.1:9000", "/srv/bando", true, ""},
		{"env over file", []string{"--config", file}, map[string]string{"BANDO_ADDR": ":7000", "BANDO_DEMO": "false"}, ":7000", "/srv/bando", false, ""},
		{"flags over env", []string{"--config", file, "--addr", ":6000", "--data", "d", "--demo=true"}, map[string]string{"BANDO_ADDR": ":7000", "BANDO_DEMO": "false"}, ":6000", "d", true, ""},
		{"bad env", nil, map[string]string{"BANDO_DEMO": "maybe"}, "", "", false, "BANDO_DEMO"},
		{"bad log level", nil, map[string]string{"BANDO_LOG_LEVEL": "loud"}, "", "", false, "log_level"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, k := range []string{"BANDO_ADDR", "BANDO_DEMO", "BANDO_LOG_LEVEL", "BANDO_CONFIG", "BANDO_DATA"} {
				t.Setenv(k, tt.env[k])
			}
			cfg, err := parseServeFlags(tt.args, os.Stderr)
			if tt.errMatch != "" {
				if err == nil || !strings.Contains(err.Error(), tt.errMatch) {
					t.Fatalf("err = %v, want %q", err, tt.errMatch)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if cfg.Addr != tt.addr || cfg.Data != tt.data || cfg.Demo != tt.demo {
				t.Fatalf("got addr %q data %q demo %v", cfg.Addr, cfg.Data, cfg.Demo)
			}
		})
	}
}

func TestTileCacheKnob(t *testing.T) {
	tests := []struct {
		env      string
		want     int64
		errMatch string
	}{
		{"", 0, ""},
		{"-1", -1, ""},
		{"16", 16 << 20, ""},
		{"lots", 0, "BANDO_TILE_CACHE_MB"},
		{"9999999", 0, "tile_cache_mb"},
	}
	for _, tt := range tests {
		t.Run(tt.env, func(t *testing.T) {
			t.Setenv("BANDO_CONFIG", "")
			t.Setenv("BANDO_TILE_CACHE_MB", tt.env)
			cfg, err := parseServeFlags(nil, os.Stderr)
			if tt.errMatch != "" {
				if err == nil || !strings.Contains(err.Error(), tt.errMatch) {
					t.Fatalf("err = %v, want %q", err, tt.errMatch)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := cfg.tileCacheBytes(); got != tt.want {
				t.Fatalf("tileCacheBytes = %d, want %d", got, tt.want)
			}
		})
	}
}

func TestTileBudgetKnobs(t *testing.T) {
	tests := []struct {
		kb, features int
		want         int
		errMatch     string
	}{
		{0, 0, 0, ""}, // tiles.DefaultTileBytes
		{-1, 0, -1, ""},
		{200, 5000, 200_000, ""},
		{2 << 20, 0, 0, "tile_max_kb"},
		{0, -3, 0, "tile_max_features"},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.kb, "/", tt.features), func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "bando.yaml")
			body := fmt.Sprintf("data: %s\ntile_max_kb: %d\ntile_max_features: %d\n", dir, tt.kb, tt.features)
			if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
				t.Fatal(err)
			}
			t.Setenv("BANDO_CONFIG", "")
			cfg, err := parseServeFlags([]string{"--config", path}, os.Stderr)
			if tt.errMatch != "" {
				if err == nil || !strings.Contains(err.Error(), tt.errMatch) {
					t.Fatalf("err = %v, want %q", err, tt.errMatch)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := cfg.tileBytes(); got != tt.want || cfg.TileMaxFeatures != tt.features {
				t.Fatalf("tileBytes = %d, features %d; want %d, %d", got, cfg.TileMaxFeatures, tt.want, tt.features)
			}
		})
	}
}

func TestQualityConfig(t *testing.T) {
	dir := t.TempDir()
	for _, tt := range []struct {
		yaml    string
		want    float64
		errWant string
	}{
		{"quality: {overlap_tolerance_m2: 2.5}\n", 2.5, ""},
		{"demo: false\n", 0, ""},
		{"quality: {overlap_tolerance_m2: -1}\n", 0, "overlap_tolerance_m2"},
	} {
		file := filepath.Join(dir, "bando.yaml")
		os.WriteFile(file, []byte(tt.yaml), 0o644)
		cfg, err := parseServeFlags([]string{"--config", file}, os.Stderr)
		if tt.errWant != "" {
			if err == nil || !strings.Contains(err.Error(), tt.errWant) {
				t.Errorf("%q: err %v, want %q", tt.yaml, err, tt.errWant)
			}
			continue
		}
		if err != nil || cfg.Quality.OverlapToleranceM2 != tt.want {
			t.Errorf("%q: %v %v", tt.yaml, cfg.Quality.OverlapToleranceM2, err)
		}
	}
}
