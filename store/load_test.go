package store

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"
	"time"

	"bando/layers"
	"bando/spatial"

	"github.com/cockroachdb/pebble"
)

// corruptStore stores n features of l and overwrites every second one with
// bytes that do not decode, returning the corrupted ids.
func corruptStore(t *testing.T, s *Pebble, l *layers.Layer, n int) map[string]bool {
	t.Helper()
	var fs []*spatial.Feature
	for i := range n {
		fs = append(fs, square(fmt.Sprint(i), float64(i%50), float64(i/50)))
	}
	if _, err := s.Put(context.Background(), l, fs); err != nil {
		t.Fatal(err)
	}
	bad := map[string]bool{}
	for i := 0; i < n; i += 2 {
		id := fmt.Sprint(i)
		junk := []byte{9, byte(i)} // unknown record version
		if i%4 == 2 {
			junk = []byte{recordV2, 1, 1} // truncated header
		}
		if err := s.db.Set(featureKey(l.ID, id), junk, pebble.Sync); err != nil {
			t.Fatal(err)
		}
		bad[id] = true
	}
	return bad
}

// loadWithin runs LoadWith and fails the test if it does not return in
// time: a load that hangs is the defect this guards against.
func loadWithin(t *testing.T, s *Pebble, cat *layers.Catalog, idx *spatial.Index, o LoadOptions) (LoadStats, error) {
	t.Helper()
	type result struct {
		st  LoadStats
		err error
	}
	done := make(chan result, 1)
	go func() {
		st, err := LoadWith(context.Background(), s, cat, idx, o)
		done <- result{st, err}
	}()
	select {
	case r := <-done:
		return r.st, r.err
	case <-time.After(20 * time.Second):
		t.Fatal("load hangs")
		return LoadStats{}, nil
	}
}

func TestLoadCorruptRecords(t *testing.T) {
	l := testLayer(t)
	s := open(t, t.TempDir())
	defer s.Close()
	const n = 3 * loadBatch // several batches, each with many corrupt records
	bad := corruptStore(t, s, l, n)
	cat, _ := layers.NewCatalog([]*layers.Layer{l})

	for _, workers := range []int{1, 2, 8} {
		t.Run(fmt.Sprint("fail-workers=", workers), func(t *testing.T) {
			_, err := loadWithin(t, s, cat, spatial.NewIndex(), LoadOptions{Workers: workers})
			var ce *CorruptError
			if !errors.As(err, &ce) || !errors.Is(err, ErrCorrupt) {
				t.Fatalf("err = %v, want a CorruptError", err)
			}
			if ce.Layer != l.ID || !bad[ce.ID] || !strings.Contains(err.Error(), fmt.Sprintf("%q", ce.ID)) {
				t.Fatalf("error names layer %q key %q: %v", ce.Layer, ce.ID, err)
			}
		})
	}

	t.Run("skip", func(t *testing.T) {
		var logs bytes.Buffer
		idx := spatial.NewIndex()
		st, err := loadWithin(t, s, cat, idx, LoadOptions{SkipCorrupt: true, Workers: 2,
			Logger: slog.New(slog.NewTextHandler(&logs, nil))})
		if err != nil {
			t.Fatal(err)
		}
		if st.Corrupt != len(bad) || st.Features != n-len(bad) || idx.Count(l.ID) != n-len(bad) {
			t.Fatalf("stats %+v, indexed %d; want %d corrupt of %d", st, idx.Count(l.ID), len(bad), n)
		}
		if len(st.CorruptKeys) != maxCorruptKeys {
			t.Fatalf("named %d keys, want %d", len(st.CorruptKeys), maxCorruptKeys)
		}
		for _, k := range st.CorruptKeys {
			if !bad[strings.TrimPrefix(k, l.ID+"/")] {
				t.Fatalf("named key %q was not corrupted", k)
			}
		}
		if out := logs.String(); !strings.Contains(out, "level=WARN") || !strings.Contains(out, fmt.Sprintf("count=%d", len(bad))) ||
			!strings.Contains(out, st.CorruptKeys[0]) {
			t.Fatalf("warning = %q", out)
		}
		for id := range bad {
			if _, ok := idx.Get(l.ID, id); ok {
				t.Fatalf("corrupt %s indexed", id)
			}
		}
	})

	t.Run("cancelled", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		if _, err := LoadWith(ctx, s, cat, spatial.NewIndex(), LoadOptions{SkipCorrupt: true}); !errors.Is(err, context.Canceled) {
			t.Fatalf("err = %v, want context.Canceled", err)
		}
	})
}

// TestLoadDuringWrites writes (new features, replacements, deletes)
// concurrently with a Load of a large store into an index that already
// follows the feed, as the server does: the index must end with exactly
// the store's final state, whatever interleaving the scan met.
func TestLoadDuringWrites(t *testing.T) {
	if testing.Short() {
		t.Skip("large store")
	}
	ctx := context.Background()
	dir := t.TempDir()
	l := testLayer(t)
	const stored = 60000
	s := open(t, dir)
	for start := 0; start < stored; start += 10000 {
		var fs []*spatial.Feature
		for i := start; i < start+10000; i++ {
			fs = append(fs, square(fmt.Sprint(i), float64(i%300), float64(i/300)))
		}
		if _, err := s.Put(ctx, l, fs); err != nil {
			t.Fatal(err)
		}
	}
	s.Close()

	for round := range 3 {
		s := open(t, dir)
		cat, _ := layers.NewCatalog([]*layers.Layer{l})
		idx := spatial.NewIndex()
		s.Feed().Subscribe(IndexChanges(idx))
		loaded := make(chan error, 1)
		var wg sync.WaitGroup
		var writes sync.Map
		stop := make(chan struct{})
		for w := range 16 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				rng := rand.New(rand.NewPCG(uint64(round), uint64(w)))
				for i := 0; ; i++ {
					select {
					case <-stop:
						return
					default:
					}
					if err := randomWrite(ctx, s, l, rng, stored); err != nil {
						t.Error(err)
						return
					}
					writes.Store(w, i+1)
				}
			}()
		}
		time.Sleep(5 * time.Millisecond) // writes are under way when the load starts
		go func() {
			_, err := Load(ctx, s, cat, idx)
			loaded <- err
		}()
		if err := <-loaded; err != nil {
			t.Fatal(err)
		}
		time.Sleep(5 * time.Millisecond)
		close(stop)
		wg.Wait()
		total := 0
		writes.Range(func(_, v any) bool { total += v.(int); return true })
		t.Logf("round %d: %d writes during the load", round, total)
		assertIndexMatchesStore(t, s, l, idx)
		s.Close()
	}
}

// randomWrite puts a few features (new ids or replacements, moved) or
// deletes a few ids, over the whole key range so the scan meets them.
func randomWrite(ctx context.Context, s *Pebble, l *layers.Layer, rng *rand.Rand, stored int) error {
	n := 1 + rng.IntN(4)
	seen := map[string]bool{}
	var ids []string
	for len(ids) < n {
		id := fmt.Sprint(rng.IntN(stored + stored/10))
		if !seen[id] {
			seen[id] = true
			ids = append(ids, id)
		}
	}
	if rng.IntN(3) == 0 {
		_, err := s.Delete(ctx, l, ids)
		return err
	}
	fs := make([]*spatial.Feature, len(ids))
	for i, id := range ids {
		fs[i] = square(id, 500+rng.Float64()*100, rng.Float64()*100)
	}
	_, err := s.Put(ctx, l, fs)
	return err
}
