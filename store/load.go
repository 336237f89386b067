package store

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime"
	"sync"

	"bando/layers"
	"bando/spatial"

	"golang.org/x/sync/errgroup"
)

// LoadOptions tune LoadWith.
type LoadOptions struct {
	// SkipCorrupt skips records that do not decode, counting them, where
	// by default the first one fails the load.
	SkipCorrupt bool
	// Logger receives the warning about skipped records (default slog.Default()).
	Logger *slog.Logger
	// Workers decode records in parallel (default GOMAXPROCS).
	Workers int
}

// LoadStats says what a load did.
type LoadStats struct {
	Features int
	// Corrupt counts skipped records; CorruptKeys names the first few as
	// "layer/id".
	Corrupt     int
	CorruptKeys []string
}

// maxCorruptKeys bounds how many skipped keys are named.
const maxCorruptKeys = 5

// Load fills idx with every stored feature of the catalog's layers and
// fails on the first corrupt record.
func Load(ctx context.Context, s *Pebble, cat *layers.Catalog, idx *spatial.Index) (int, error) {
	st, err := LoadWith(ctx, s, cat, idx, LoadOptions{})
	return st.Features, err
}

// LoadWith fills idx with every stored feature of the catalog's layers.
// Records are decoded on all cores; the index takes them in batches. Live
// writes may go on meanwhile: each layer is loaded between idx.BeginLoad and
// idx.EndLoad, so a scanned record never overrides a newer write.
func LoadWith(ctx context.Context, s *Pebble, cat *layers.Catalog, idx *spatial.Index, o LoadOptions) (LoadStats, error) {
	if o.Workers <= 0 {
		o.Workers = runtime.GOMAXPROCS(0)
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	var st LoadStats
	skipped := &corruptCount{}
	for _, l := range cat.All() {
		n, err := loadLayer(ctx, s, l, idx, o, skipped)
		st.Features += n
		if err != nil {
			return st, err
		}
	}
	st.Corrupt, st.CorruptKeys = skipped.n, skipped.keys
	if st.Corrupt > 0 {
		o.Logger.Warn("store: skipped corrupt records", "count", st.Corrupt, "first", st.CorruptKeys)
	}
	return st, nil
}

// corruptCount counts skipped records and keeps the first few keys.
type corruptCount struct {
	mu   sync.Mutex
	n    int
	keys []string
}

func (c *corruptCount) add(layer, id string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.n++
	if len(c.keys) < maxCorruptKeys {
		c.keys = append(c.keys, layer+"/"+id)
	}
}

// rawBatch is a run of scanned records; their bytes share one buffer.
type rawBatch struct {
	ids  []string
	ends []int
	buf  []byte
}

func (b *rawBatch) rec(i int) []byte {
	start := 0
	if i > 0 {
		start = b.ends[i-1]
	}
	return b.buf[start:b.ends[i]]
}

const loadBatch = 2048

func loadLayer(ctx context.Context, s *Pebble, l *layers.Layer, idx *spatial.Index, o LoadOptions, skipped *corruptCount) (int, error) {
	version, err := s.Version(l.ID)
	if err != nil {
		return 0, err
	}
	idx.BeginLoad(l.ID)
	defer idx.EndLoad(l.ID)
	g, gctx := errgroup.WithContext(ctx)
	in := make(chan *rawBatch, o.Workers)
	g.Go(func() error {
		defer close(in)
		return scanBatches(gctx, s, l.ID, in)
	})
	var mu sync.Mutex
	n := 0
	for range o.Workers {
		g.Go(func() error {
			for b := range in {
				if err := gctx.Err(); err != nil {
					return err
				}
				fs, err := decodeBatch(l, b, o.SkipCorrupt, skipped)
				if err != nil {
					return err
				}
				idx.Put(l.ID, version, fs)
				mu.Lock()
				n += len(fs)
				mu.Unlock()
			}
			return nil
		})
	}
	err = g.Wait()
	idx.Put(l.ID, version, nil) // the layer exists, at its version, even when empty
	if err != nil {
		var ce *CorruptError
		if !errors.As(err, &ce) {
			err = fmt.Errorf("store: load %s: %w", l.ID, err)
		}
		return n, err
	}
	return n, nil
}

// scanBatches sends the layer's records in batches until the scan ends or
// ctx is cancelled (a worker failed).
func scanBatches(ctx context.Context, s *Pebble, layer string, in chan<- *rawBatch) error {
	// Each batch's buffer is sized from the one before, so records are
	// copied once instead of into a growing slice.
	newBatch := func(bufSize int) *rawBatch {
		return &rawBatch{ids: make([]string, 0, loadBatch), ends: make([]int, 0, loadBatch), buf: make([]byte, 0, bufSize)}
	}
	b := newBatch(64 << 10)
	send := func() error {
		select {
		case in <- b:
			b = newBatch(len(b.buf) + len(b.buf)/8)
			return nil
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	err := s.ScanRaw(ctx, layer, func(id string, rec []byte) error {
		b.ids = append(b.ids, id)
		b.buf = append(b.buf, rec...)
		b.ends = append(b.ends, len(b.buf))
		if len(b.ids) == loadBatch {
			return send()
		}
		return nil
	})
	if err == nil && len(b.ids) > 0 {
		err = send()
	}
	return err
}

// decodeBatch decodes a batch; a corrupt record fails it unless skip.
func decodeBatch(l *layers.Layer, b *rawBatch, skip bool, skipped *corruptCount) ([]*spatial.Feature, error) {
	fs := make([]*spatial.Feature, 0, len(b.ids))
	for i, id := range b.ids {
		f, err := decodeFeature(id, b.rec(i), l)
		if err != nil {
			if !skip {
				return nil, &CorruptError{Layer: l.ID, ID: id, Err: err}
			}
			skipped.add(l.ID, id)
			continue
		}
		fs = append(fs, f)
	}
	return fs, nil
}
