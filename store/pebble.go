package store

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"bando/layers"
	"bando/spatial"

	"github.com/cockroachdb/pebble"
	"github.com/cockroachdb/pebble/bloom"
)

// assignedBase is where store-assigned integer ids start, far above any
// integer id a source is likely to carry yet below 2^53 so JavaScript
// decoders read it exactly.
const assignedBase = 1 << 52

// Pebble is the embedded store. Pebble was chosen over bbolt because its
// LSM absorbs the steady stream of small position updates the live twin
// brings, where bbolt would rewrite B-tree pages and fsync once per
// transaction. Concurrent writes share one synced batch (group commit, see
// commit.go).
type Pebble struct {
	db     *pebble.DB
	feed   *Feed
	serial bool

	// qmu guards the queue of writes waiting for the next group and who
	// leads. commitMu is held by a leader while it builds and applies a
	// group; the fields below it are the state of the last applied group.
	qmu       sync.Mutex
	queue     []*request
	leading   bool
	commitMu  sync.Mutex
	buildSeq  uint64
	buildMeta map[string]*layerMeta
	published chan struct{}   // closed once the last applied group published
	unsynced  []chan struct{} // closed as each applied group is synced

	// The rejoin wait (see gather in commit.go), under qmu: arrivals
	// counts queued calls; the last published group woke `woken` calls
	// when arrivals was `wokeAt`; a gathering leader waits on wantCh until
	// arrivals reaches want.
	arrivals uint64
	wokeAt   uint64
	woken    int
	want     uint64
	wantCh   chan struct{}
	lastSync atomic.Int64 // nanoseconds of the last group's fsync

	brokenMu sync.Mutex
	broken   error // set when a commit failed half-way

	seq     atomic.Uint64 // last published commit sequence, durable
	commits atomic.Uint64 // synced groups, for tests and benchmarks

	metaMu sync.Mutex
	meta   map[string]*layerMeta
}

type layerMeta struct {
	version  uint64
	assigned uint64 // the last Num assigned above assignedBase
	updated  int64  // time of the last write, Unix nanoseconds (0: unknown)
}

// Options configure OpenPebbleWith.
type Options struct {
	// Feed receives the changes of every write; nil makes a new one.
	Feed *Feed
	// Serial commits every write on its own, with its own fsync, as the
	// store did before group commit. It exists to measure the difference.
	Serial bool
}

// OpenPebble opens (or creates) a Pebble store in dir.
func OpenPebble(dir string, feed *Feed) (*Pebble, error) {
	return OpenPebbleWith(dir, Options{Feed: feed})
}

// OpenPebbleWith opens (or creates) a Pebble store in dir with options.
func OpenPebbleWith(dir string, o Options) (*Pebble, error) {
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
		Logger:                      pebbleLogger{},
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
	s := &Pebble{db: db, feed: o.Feed, serial: o.Serial, meta: make(map[string]*layerMeta)}
	if s.feed == nil {
		s.feed = &Feed{}
	}
	seq, err := s.readSeq()
	if err != nil {
		db.Close()
		return nil, err
	}
	s.seq.Store(seq)
	s.buildSeq = seq
	s.buildMeta = make(map[string]*layerMeta)
	s.published = make(chan struct{})
	close(s.published)
	return s, nil
}

// Feed returns the change feed this store publishes to.
func (s *Pebble) Feed() *Feed { return s.feed }

func featurePrefix(layer string) []byte { return []byte("f\x00" + layer + "\x00") }
func featureKey(layer, id string) []byte {
	return append(featurePrefix(layer), id...)
}
func metaKey(layer string) []byte { return []byte("m\x00" + layer) }

// seqKey holds the last commit sequence, written with every commit.
var seqKey = []byte("g\x00seq")

func (s *Pebble) readSeq() (uint64, error) {
	v, closer, err := s.db.Get(seqKey)
	if errors.Is(err, pebble.ErrNotFound) {
		return 0, nil // a new store, or one written before sequences
	}
	if err != nil {
		return 0, fmt.Errorf("store: read sequence: %w", err)
	}
	defer closer.Close()
	seq, n := binary.Uvarint(v)
	if n <= 0 {
		return 0, fmt.Errorf("store: sequence: %w", errCorrupt)
	}
	return seq, nil
}

// Seq returns the sequence of the last durable commit.
func (s *Pebble) Seq() uint64 { return s.seq.Load() }

// layerMeta returns a copy of the committed meta of a layer.
func (s *Pebble) layerMeta(layer string) (layerMeta, error) {
	s.metaMu.Lock()
	defer s.metaMu.Unlock()
	if m, ok := s.meta[layer]; ok {
		return *m, nil
	}
	m := &layerMeta{}
	v, closer, err := s.db.Get(metaKey(layer))
	switch {
	case errors.Is(err, pebble.ErrNotFound):
	case err != nil:
		return layerMeta{}, fmt.Errorf("store: read meta of %q: %w", layer, err)
	default:
		var n1, n2 int
		m.version, n1 = binary.Uvarint(v)
		if n1 > 0 {
			m.assigned, n2 = binary.Uvarint(v[n1:])
		}
		if n1 > 0 && n2 > 0 && len(v) > n1+n2 {
			// Metas written before the write time was kept end here.
			var n3 int
			m.updated, n3 = binary.Varint(v[n1+n2:])
			if n3 <= 0 {
				n2 = 0
			}
		}
		closer.Close()
		if n1 <= 0 || n2 <= 0 {
			return layerMeta{}, fmt.Errorf("store: meta of %q: %w", layer, errCorrupt)
		}
	}
	s.meta[layer] = m
	return *m, nil
}

// setMeta records committed metas.
func (s *Pebble) setMeta(ms map[string]*layerMeta) {
	s.metaMu.Lock()
	defer s.metaMu.Unlock()
	for layer, m := range ms {
		c := *m
		s.meta[layer] = &c
	}
}

func (m *layerMeta) encode() []byte {
	return binary.AppendVarint(binary.AppendUvarint(binary.AppendUvarint(nil, m.version), m.assigned), m.updated)
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

// header returns the stored header of a feature, if stored. The prefix
// seek consults each table's bloom filter before reading it.
func (lk *lookup) header(key []byte) (h recHeader, found bool, err error) {
	if !lk.it.SeekPrefixGE(key) || !bytes.Equal(lk.it.Key(), key) {
		return h, false, lk.it.Error()
	}
	h, _, err = decodeHeader(lk.it.Value())
	return h, err == nil, err
}

func (lk *lookup) close() { lk.it.Close() }

// Scan implements Store.
func (s *Pebble) Scan(ctx context.Context, l *layers.Layer, fn func(*spatial.Feature) error) error {
	return s.ScanRaw(ctx, l.ID, func(id string, rec []byte) error {
		f, err := decodeFeature(id, rec, l)
		if err != nil {
			return &CorruptError{Layer: l.ID, ID: id, Err: err}
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
	m, err := s.layerMeta(layer)
	if err != nil {
		return 0, err
	}
	return m.version, nil
}

// Updated returns the time of the last write to the layer, and false when
// it is unknown (never written, or last written by a version of bando that
// did not keep it). Data quality measures a layer's liveness by it.
func (s *Pebble) Updated(layer string) (time.Time, bool, error) {
	m, err := s.layerMeta(layer)
	if err != nil || m.updated == 0 {
		return time.Time{}, false, err
	}
	return time.Unix(0, m.updated).UTC(), true, nil
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
