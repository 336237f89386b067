package store

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"bando/layers"
	"bando/spatial"

	"github.com/cockroachdb/pebble"
)

// ReloadLayer rebuilds layer l of idx from the store, under l's schema:
// after a catalog change to a layer's fields, the properties held in
// memory must follow the new field order and types. The layer is loaded
// into an index aside while the old one goes on serving, then swapped in;
// the writes to it that commit meanwhile are replayed onto the new one
// before the swap, with the feed held so that none falls between the two.
// swapped, when not nil, runs right after the swap, in the same exclusion
// from writes: the catalog change that brings l is made there, so that the
// schema and the features laid out by it take effect together. On error
// nothing is swapped and swapped is not called. It returns the number of
// features loaded.
func (s *Pebble) ReloadLayer(ctx context.Context, l *layers.Layer, idx *spatial.Index, swapped func()) (int, error) {
	var mu sync.Mutex
	var missed []Change
	release := s.feed.Hold(func(cs []Change) {
		if cs[0].Layer != l.ID { // a batch is one layer
			return
		}
		mu.Lock()
		missed = append(missed, cs...)
		mu.Unlock()
	})
	aside := spatial.NewIndex()
	n, err := loadLayer(ctx, s, l, aside, LoadOptions{Workers: 2}, &corruptCount{})
	if err != nil {
		release(nil)
		return n, err
	}
	var replayErr error
	release(func() {
		mu.Lock()
		defer mu.Unlock()
		if replayErr = s.replay(l, aside, missed); replayErr == nil {
			idx.AdoptLayer(l.ID, aside)
			if swapped != nil {
				swapped()
			}
		}
	})
	return n, replayErr
}

// replay applies changes that committed during a reload. An upsert's
// feature is read back from the store under l, rather than taken from the
// change: its writer may have laid its properties out by the old schema.
func (s *Pebble) replay(l *layers.Layer, idx *spatial.Index, cs []Change) error {
	for _, c := range cs {
		switch c.Kind {
		case Upsert:
			f, err := s.getFeature(l, c.ID)
			if errors.Is(err, ErrNotFound) {
				continue // deleted since; its delete follows
			}
			if err != nil {
				return err
			}
			idx.Put(l.ID, c.Version, []*spatial.Feature{f})
		case Delete:
			idx.DeleteSeq(l.ID, c.Version, c.Seq, []string{c.ID})
		}
	}
	return nil
}

// getFeature reads one stored feature under layer l.
func (s *Pebble) getFeature(l *layers.Layer, id string) (*spatial.Feature, error) {
	v, closer, err := s.db.Get(featureKey(l.ID, id))
	if errors.Is(err, pebble.ErrNotFound) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("store: read %s/%s: %w", l.ID, id, err)
	}
	defer closer.Close()
	f, err := decodeFeature(id, v, l)
	if err != nil {
		return nil, &CorruptError{Layer: l.ID, ID: id, Err: err}
	}
	return f, nil
}
