package store

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"sync"
	"time"

	"bando/layers"
	"bando/spatial"

	"github.com/cockroachdb/pebble"
	"github.com/cockroachdb/pebble/bloom"
	"github.com/paulmach/orb"
)

// assignedBase is where store-assigned integer ids start, far above any
// integer id a source is likely to carry yet below 2^53 so JavaScript
// decoders read it exactly.
const assignedBase = 1 << 52

// Pebble is the embedded store. Pebble was chosen over bbolt because its
// write-ahead log commits concurrent writers together (one fsync for many
// acknowledged batches) and its LSM absorbs the steady stream of small
// position updates the live twin brings, where bbolt would rewrite B-tree
// pages and fsync once per transaction.
type Pebble struct {
	db   *pebble.DB
	feed *Feed

	mu   sync.Mutex // serialises writers: versions and feed order follow commit order
	meta map[string]*layerMeta
}

type layerMeta struct {
	version uint64
	seq     uint64
}

// OpenPebble opens (or creates) a Pebble store in dir.
func OpenPebble(dir string, feed *Feed) (*Pebble, error) {
	// The whole key is the bloom-filter prefix: point lookups by feature
	// key skip every table whose filter says no. Same order and name as the
	// default comparer, so the on-disk format is unchanged.
	cmp := *pebble.DefaultComparer
	cmp.Split = func(k []byte) int { return len(k) }
	opts := &pebble.Options{
		Comparer:                    &cmp,
		MemTableSize:                64 << 20,
		L0CompactionThreshold:       4,
		L0StopWritesThreshold:       32,
		LBaseMaxBytes:               256 << 20,
		MaxConcurrentCompactions:    func() int { return 2 },
		Cache:                       pebble.NewCache(64 << 20),
		DisableWAL:                  false,
		MemTableStopWritesThreshold: 4,
	}
	// Bloom filters make the per-feature "is it stored already?" lookup of
	// an upsert cheap for the common case of a new id.
	opts.Levels = make([]pebble.LevelOptions, 7)
	for i := range opts.Levels {
		opts.Levels[i] = pebble.LevelOptions{FilterPolicy: bloom.FilterPolicy(10), BlockSize: 32 << 10}
		opts.Levels[i].EnsureDefaults()
	}
	defer opts.Cache.Unref()
	db, err := pebble.Open(dir, opts)
	if err != nil {
		return nil, fmt.Errorf("store: open %s: %w", dir, err)
	}
	if feed == nil {
		feed = &Feed{}
	}
	return &Pebble{db: db, feed: feed, meta: make(map[string]*layerMeta)}, nil
}

// Feed returns the change feed this store publishes to.
func (s *Pebble) Feed() *Feed { return s.feed }

func featurePrefix(layer string) []byte { return []byte("f\x00" + layer + "\x00") }
func featureKey(layer, id string) []byte {
	return append(featurePrefix(layer), id...)
}
func metaKey(layer string) []byte { return []byte("m\x00" + layer) }

func (s *Pebble) layerMeta(layer string) (*layerMeta, error) {
	if m, ok := s.meta[layer]; ok {
		return m, nil
	}
	m := &layerMeta{}
	v, closer, err := s.db.Get(metaKey(layer))
	switch {
	case errors.Is(err, pebble.ErrNotFound):
	case err != nil:
		return nil, fmt.Errorf("store: read meta of %q: %w", layer, err)
	default:
		var n1, n2 int
		m.version, n1 = binary.Uvarint(v)
		if n1 > 0 {
			m.seq, n2 = binary.Uvarint(v[n1:])
		}
		closer.Close()
		if n1 <= 0 || n2 <= 0 {
			return nil, fmt.Errorf("store: meta of %q: %w", layer, errCorrupt)
		}
	}
	s.meta[layer] = m
	return m, nil
}

func (m *layerMeta) encode() []byte {
	return binary.AppendUvarint(binary.AppendUvarint(nil, m.version), m.seq)
}

// lookup finds stored headers for many keys of one layer through a single
// iterator: a Get per key would open (and decode the index of) every table
// for every key, which dominated bulk ingest.
type lookup struct {
	it *pebble.Iterator
}

func (s *Pebble) newLookup(layer string) (*lookup, error) {
	prefix := featurePrefix(layer)
	it, err := s.db.NewIter(&pebble.IterOptions{LowerBound: prefix, UpperBound: prefixEnd(prefix)})
	if err != nil {
		return nil, fmt.Errorf("store: lookup %s: %w", layer, err)
	}
	return &lookup{it: it}, nil
}

// header returns the stored Num and bound of a feature, if stored. The
// prefix seek consults each table's bloom filter before reading it.
func (lk *lookup) header(key []byte) (num uint64, b orb.Bound, found bool, err error) {
	if !lk.it.SeekPrefixGE(key) || !bytes.Equal(lk.it.Key(), key) {
		return 0, b, false, lk.it.Error()
	}
	num, b, _, err = decodeHeader(lk.it.Value())
	return num, b, err == nil, err
}

func (lk *lookup) close() { lk.it.Close() }

// txn is one write in progress: the layer's next meta, a lookup of stored
// headers, and the batch that carries the write.
type txn struct {
	next  layerMeta
	now   time.Time
	lk    *lookup
	batch *pebble.Batch
}

// write runs fill as one atomic, durable write to a layer. Writers are
// serialised, so layer versions and the feed follow commit order; the
// changes are published only once the batch is on disk.
func (s *Pebble) write(ctx context.Context, layer string, size int, fill func(*txn) ([]Change, error)) ([]Change, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	m, err := s.layerMeta(layer)
	if err != nil {
		return nil, err
	}
	lk, err := s.newLookup(layer)
	if err != nil {
		return nil, err
	}
	defer lk.close()
	t := &txn{next: *m, now: time.Now().UTC(), lk: lk, batch: s.db.NewBatchWithSize(size)}
	defer t.batch.Close()
	t.next.version++
	changes, err := fill(t)
	if err != nil || len(changes) == 0 {
		return nil, err
	}
	if err := s.commit(t.batch, layer, &t.next); err != nil {
		return nil, err
	}
	*m = t.next
	s.feed.Publish(changes)
	return changes, nil
}

// Put implements Store.
func (s *Pebble) Put(ctx context.Context, l *layers.Layer, fs []*spatial.Feature) ([]Change, error) {
	return s.write(ctx, l.ID, len(fs)*320, func(t *txn) ([]Change, error) {
		changes := make([]Change, len(fs))
		seen := make(map[string]struct{}, len(fs))
		var buf []byte
		for i, f := range fs {
			if _, dup := seen[f.ID]; dup {
				return nil, fmt.Errorf("store: feature id %q twice in one write", f.ID)
			}
			seen[f.ID] = struct{}{}
			key := featureKey(l.ID, f.ID)
			oldNum, oldBound, found, err := t.lk.header(key)
			if err != nil {
				return nil, err
			}
			if n, ok := spatial.NumericID(f.ID); ok {
				f.Num = n
			} else if found {
				f.Num = oldNum
			} else {
				t.next.seq++
				f.Num = assignedBase + t.next.seq
			}
			if buf, err = encodeFeature(buf[:0], l, f); err != nil {
				return nil, err
			}
			if err := t.batch.Set(key, buf, nil); err != nil {
				return nil, fmt.Errorf("store: batch: %w", err)
			}
			nb := f.Bound
			changes[i] = Change{Layer: l.ID, ID: f.ID, Kind: Upsert, New: &nb, Version: t.next.version, Time: t.now, Feature: f}
			if found {
				changes[i].Old = &oldBound
			}
		}
		return changes, nil
	})
}

// Delete implements Store.
func (s *Pebble) Delete(ctx context.Context, l *layers.Layer, ids []string) ([]Change, error) {
	return s.write(ctx, l.ID, 0, func(t *txn) ([]Change, error) {
		var changes []Change
		for _, id := range ids {
			key := featureKey(l.ID, id)
			_, oldBound, found, err := t.lk.header(key)
			if err != nil {
				return nil, err
			}
			if !found {
				continue
			}
			if err := t.batch.Delete(key, nil); err != nil {
				return nil, fmt.Errorf("store: batch: %w", err)
			}
			changes = append(changes, Change{Layer: l.ID, ID: id, Kind: Delete, Old: &oldBound, Version: t.next.version, Time: t.now})
		}
		return changes, nil
	})
}

// commit writes the layer meta with the batch and syncs the WAL: the batch
// is acknowledged only once it is on disk.
func (s *Pebble) commit(batch *pebble.Batch, layer string, m *layerMeta) error {
	if err := batch.Set(metaKey(layer), m.encode(), nil); err != nil {
		return fmt.Errorf("store: batch: %w", err)
	}
	if err := batch.Commit(pebble.Sync); err != nil {
		return fmt.Errorf("store: commit %s: %w", layer, err)
	}
	return nil
}

// Scan implements Store.
func (s *Pebble) Scan(ctx context.Context, l *layers.Layer, fn func(*spatial.Feature) error) error {
	return s.ScanRaw(ctx, l.ID, func(id string, rec []byte) error {
		f, err := decodeFeature(id, rec, l)
		if err != nil {
			return fmt.Errorf("store: layer %s feature %q: %w", l.ID, id, err)
		}
		return fn(f)
	})
}

// ScanRaw calls fn with the id and encoded record of every feature of the
// layer. rec is only valid during the call. Use Decode to turn it into a
// Feature, possibly on another goroutine after copying rec.
func (s *Pebble) ScanRaw(ctx context.Context, layer string, fn func(id string, rec []byte) error) error {
	prefix := featurePrefix(layer)
	it, err := s.db.NewIter(&pebble.IterOptions{LowerBound: prefix, UpperBound: prefixEnd(prefix)})
	if err != nil {
		return fmt.Errorf("store: scan %s: %w", layer, err)
	}
	defer it.Close()
	n := 0
	for it.First(); it.Valid(); it.Next() {
		if n++; n%4096 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		id := string(bytes.TrimPrefix(it.Key(), prefix))
		if err := fn(id, it.Value()); err != nil {
			return err
		}
	}
	if err := it.Error(); err != nil {
		return fmt.Errorf("store: scan %s: %w", layer, err)
	}
	return nil
}

// Decode turns a record from ScanRaw into a feature of layer l.
func Decode(l *layers.Layer, id string, rec []byte) (*spatial.Feature, error) {
	return decodeFeature(id, rec, l)
}

func prefixEnd(p []byte) []byte {
	end := bytes.Clone(p)
	end[len(end)-1]++
	return end
}

// Version implements Store.
func (s *Pebble) Version(layer string) (uint64, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	m, err := s.layerMeta(layer)
	if err != nil {
		return 0, err
	}
	return m.version, nil
}

// Empty implements Store.
func (s *Pebble) Empty() (bool, error) {
	it, err := s.db.NewIter(nil)
	if err != nil {
		return false, fmt.Errorf("store: %w", err)
	}
	defer it.Close()
	return !it.First(), nil
}

// Close implements Store.
func (s *Pebble) Close() error {
	if err := s.db.Close(); err != nil {
		return fmt.Errorf("store: close: %w", err)
	}
	return nil
}

func markerKey(name string) []byte { return []byte("s\x00" + name) }

// SetMarker durably records a small named state value (for example that
// the demo finished loading), outside any layer.
func (s *Pebble) SetMarker(name, value string) error {
	if err := s.db.Set(markerKey(name), []byte(value), pebble.Sync); err != nil {
		return fmt.Errorf("store: set marker %s: %w", name, err)
	}
	return nil
}

// Marker returns a marker's value, or "" if it was never set.
func (s *Pebble) Marker(name string) (string, error) {
	v, closer, err := s.db.Get(markerKey(name))
	if errors.Is(err, pebble.ErrNotFound) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("store: marker %s: %w", name, err)
	}
	defer closer.Close()
	return string(v), nil
}
