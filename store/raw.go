package store

import (
	"bytes"
	"context"
	"errors"
	"fmt"

	"github.com/cockroachdb/pebble"
)

// Raw keyspaces outside the feature layers hold the live twin: tracks,
// last states, alerts and the outbox. Their writes do not bump a layer
// version and publish nothing on the change feed; the twin publishes its
// own events.

// RawBatch is one atomic, durable write of raw keys.
type RawBatch struct {
	s *Pebble
	b *pebble.Batch
}

// NewRawBatch starts a raw write.
func (s *Pebble) NewRawBatch() *RawBatch { return &RawBatch{s: s, b: s.db.NewBatch()} }

// Set adds key = value to the batch; both are copied.
func (b *RawBatch) Set(key, value []byte) error {
	if err := b.b.Set(key, value, nil); err != nil {
		return fmt.Errorf("store: raw batch: %w", err)
	}
	return nil
}

// Delete adds the deletion of key to the batch.
func (b *RawBatch) Delete(key []byte) error {
	if err := b.b.Delete(key, nil); err != nil {
		return fmt.Errorf("store: raw batch: %w", err)
	}
	return nil
}

// Len is the number of operations in the batch.
func (b *RawBatch) Len() int { return int(b.b.Count()) }

// Apply makes the batch visible and orders it after every batch applied
// before, without waiting for the fsync: a caller holding its own lock
// applies under it (commit order = lock order) and waits outside it, so
// concurrent writers share one fsync (Pebble's commit pipeline groups them).
func (b *RawBatch) Apply() error {
	if err := b.s.brokenErr(); err != nil {
		b.b.Close()
		b.b = nil
		return err
	}
	if err := b.s.db.ApplyNoSyncWait(b.b, pebble.Sync); err != nil {
		// As in group.apply: the batch may be half in the WAL; never close
		// it before a SyncWait that may not come, and refuse later writes.
		b.b = nil
		err = fmt.Errorf("store: raw commit: %w", err)
		b.s.setBroken(errors.Join(errors.New("store: an earlier commit failed; restart the server"), err))
		return err
	}
	return nil
}

// Wait returns once an applied batch is on disk, and releases it.
func (b *RawBatch) Wait() error {
	if b.b == nil {
		return errors.New("store: raw batch was not applied")
	}
	defer b.b.Close()
	if err := b.b.SyncWait(); err != nil {
		err = fmt.Errorf("store: raw sync: %w", err)
		b.s.setBroken(errors.Join(errors.New("store: an earlier sync failed; restart the server"), err))
		return err
	}
	return nil
}

// Commit applies the batch and waits for it to be durable.
func (b *RawBatch) Commit() error {
	if err := b.Apply(); err != nil {
		return err
	}
	return b.Wait()
}

// Close drops a batch that was never applied.
func (b *RawBatch) Close() {
	if b.b != nil {
		b.b.Close()
		b.b = nil
	}
}

// ScanRawRange calls fn for every raw key in [lo, hi), in key order. key
// and value are only valid during the call.
func (s *Pebble) ScanRawRange(ctx context.Context, lo, hi []byte, fn func(key, value []byte) error) error {
	it, err := s.db.NewIter(&pebble.IterOptions{LowerBound: lo, UpperBound: hi})
	if err != nil {
		return fmt.Errorf("store: raw scan: %w", err)
	}
	defer it.Close()
	n := 0
	for it.First(); it.Valid(); it.Next() {
		if n++; n%4096 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		if err := fn(it.Key(), it.Value()); err != nil {
			return err
		}
	}
	if err := it.Error(); err != nil {
		return fmt.Errorf("store: raw scan: %w", err)
	}
	return nil
}

// ScanRawPrefix calls fn for every raw key starting with prefix.
func (s *Pebble) ScanRawPrefix(ctx context.Context, prefix []byte, fn func(key, value []byte) error) error {
	return s.ScanRawRange(ctx, prefix, prefixEnd(prefix), fn)
}

// LastRawBefore returns the greatest key in [lo, hi) and its value (copied),
// or found false.
func (s *Pebble) LastRawBefore(lo, hi []byte) (key, value []byte, found bool, err error) {
	it, err := s.db.NewIter(&pebble.IterOptions{LowerBound: lo, UpperBound: hi})
	if err != nil {
		return nil, nil, false, fmt.Errorf("store: raw seek: %w", err)
	}
	defer it.Close()
	if !it.Last() {
		return nil, nil, false, it.Error()
	}
	return bytes.Clone(it.Key()), bytes.Clone(it.Value()), true, nil
}
