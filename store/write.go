package store

import (
	"context"
	"fmt"
	"time"

	"bando/layers"
	"bando/spatial"

	"github.com/cockroachdb/pebble"
)

// txn is one Put or Delete call being filled into its own batch: the
// layer's next meta, the call's commit sequence, and a view of what is
// stored, including what earlier calls of the same group wrote.
type txn struct {
	layer string
	seq   uint64
	next  layerMeta
	now   time.Time
	lk    *lookup
	// overlay holds the headers written by earlier calls of the group to
	// this layer (found false for a delete): the lookup cannot see them
	// because the group's batch is not committed yet.
	overlay map[string]overlayEntry
	batch   *pebble.Batch
}

type overlayEntry struct {
	h     recHeader
	found bool
}

// header returns what is stored for id as of this call.
func (t *txn) header(id string) (recHeader, bool, error) {
	if e, ok := t.overlay[id]; ok {
		return e.h, e.found, nil
	}
	return t.lk.header(featureKey(t.layer, id))
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
			old, found, err := t.header(f.ID)
			if err != nil {
				return nil, fmt.Errorf("store: layer %q key %q: %w", l.ID, f.ID, err)
			}
			if n, ok := spatial.NumericID(f.ID); ok {
				f.Num = n
			} else if found {
				f.Num = old.num
			} else {
				t.next.assigned++
				f.Num = assignedBase + t.next.assigned
			}
			f.Seq = t.seq
			if buf, err = encodeFeature(buf[:0], l, f); err != nil {
				return nil, err
			}
			if err := t.batch.Set(featureKey(l.ID, f.ID), buf, nil); err != nil {
				return nil, fmt.Errorf("store: batch: %w", err)
			}
			nb := f.Bound
			changes[i] = Change{Layer: l.ID, ID: f.ID, Kind: Upsert, New: &nb, Version: t.next.version,
				Seq: t.seq, Time: t.now, Feature: f, Schema: l}
			if found {
				changes[i].Old = &old.bound
			}
		}
		return changes, nil
	})
}

// Delete implements Store.
func (s *Pebble) Delete(ctx context.Context, l *layers.Layer, ids []string) ([]Change, error) {
	return s.write(ctx, l.ID, len(ids)*64, func(t *txn) ([]Change, error) {
		var changes []Change
		seen := make(map[string]struct{}, len(ids))
		for _, id := range ids {
			if _, dup := seen[id]; dup {
				continue
			}
			seen[id] = struct{}{}
			old, found, err := t.header(id)
			if err != nil {
				return nil, fmt.Errorf("store: layer %q key %q: %w", l.ID, id, err)
			}
			if !found {
				continue
			}
			if err := t.batch.Delete(featureKey(l.ID, id), nil); err != nil {
				return nil, fmt.Errorf("store: batch: %w", err)
			}
			changes = append(changes, Change{Layer: l.ID, ID: id, Kind: Delete, Old: &old.bound,
				Version: t.next.version, Seq: t.seq, Time: t.now})
		}
		return changes, nil
	})
}
