package main

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"bando/data"
	"bando/spatial"
	"bando/store"

	"github.com/cockroachdb/pebble"
	"github.com/paulmach/orb"
)

// corruptDataDir stores two parcels and overwrites one record with bytes
// that do not decode, as a damaged disk would.
func corruptDataDir(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	cat, err := data.DemoCatalog()
	if err != nil {
		t.Fatal(err)
	}
	l, _ := cat.Get("parcels")
	st, err := store.OpenPebble(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	var fs []*spatial.Feature
	for _, id := range []string{"good", "bad"} {
		p := orb.Polygon{{{106.7, 10.7}, {106.71, 10.7}, {106.71, 10.71}, {106.7, 10.7}}}
		fs = append(fs, &spatial.Feature{ID: id, Geom: p, Bound: p.Bound(), Props: make([]any, len(l.Fields))})
	}
	if _, err := st.Put(context.Background(), l, fs); err != nil {
		t.Fatal(err)
	}
	st.Close()
	// The record key is the store's layout: "f", layer, id.
	db, err := pebble.Open(dir, &pebble.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Set([]byte("f\x00parcels\x00bad"), []byte{0xff, 1, 2}, pebble.Sync); err != nil {
		t.Fatal(err)
	}
	db.Close()
	return dir
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (w *syncBuffer) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.b.Write(p)
}

func (w *syncBuffer) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.b.String()
}

func TestServeCorruptStore(t *testing.T) {
	dir := corruptDataDir(t)
	cfg := defaultConfig()
	cfg.Data, cfg.Addr, cfg.Demo = dir, "127.0.0.1:0", false

	t.Run("refuses to start", func(t *testing.T) {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		err := run(ctx, cfg, slog.New(slog.NewTextHandler(io.Discard, nil)), io.Discard)
		if err == nil || ctx.Err() != nil {
			t.Fatalf("run = %v (ctx %v), want a load error", err, ctx.Err())
		}
		for _, want := range []string{`"parcels"`, `"bad"`, "corrupt record", "--skip-corrupt", dir} {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("error %q does not mention %s", err, want)
			}
		}
	})

	t.Run("skips with the flag", func(t *testing.T) {
		skip, err := parseServeFlags([]string{"--data", dir, "--skip-corrupt"}, io.Discard)
		if err != nil || !skip.SkipCorrupt {
			t.Fatalf("flag: %+v %v", skip.SkipCorrupt, err)
		}
		skip.Addr, skip.Demo = "127.0.0.1:0", false
		var logs syncBuffer
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() { done <- run(ctx, skip, slog.New(slog.NewTextHandler(&logs, nil)), io.Discard) }()
		deadline := time.Now().Add(30 * time.Second)
		for !strings.Contains(logs.String(), "msg=ready") {
			if time.Now().After(deadline) {
				cancel()
				t.Fatalf("not ready; logs:\n%s", logs.String())
			}
			time.Sleep(10 * time.Millisecond)
		}
		cancel()
		if err := <-done; err != nil {
			t.Fatal(err)
		}
		out := logs.String()
		if !strings.Contains(out, "level=WARN") || !strings.Contains(out, "count=1") || !strings.Contains(out, "parcels/bad") ||
			!strings.Contains(out, "features=1") {
			t.Fatalf("logs:\n%s", out)
		}
	})
}

func TestSkipCorruptConfigKey(t *testing.T) {
	t.Setenv("BANDO_CONFIG", "")
	file := filepath.Join(t.TempDir(), "bando.yaml")
	if err := os.WriteFile(file, []byte("skip_corrupt: true\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg, err := parseServeFlags([]string{"--config", file}, io.Discard)
	if err != nil || !cfg.SkipCorrupt {
		t.Fatalf("skip_corrupt from file: %v %v", cfg.SkipCorrupt, err)
	}
	cfg, err = parseServeFlags([]string{"--config", file, "--skip-corrupt=false"}, io.Discard)
	if err != nil || cfg.SkipCorrupt {
		t.Fatalf("flag over file: %v %v", cfg.SkipCorrupt, err)
	}
}
