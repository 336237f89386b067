package store

import (
	"fmt"
	"time"

	"github.com/cockroachdb/pebble"
)

// group is one commit being built, synced and published.
type group struct {
	s       *Pebble
	now     time.Time
	seq     uint64 // the last sequence handed out in this group
	metas   map[string]*layerMeta
	lookups map[string]*lookup
	// written holds, per layer, the changes of calls not yet folded into
	// overlays; overlays are built only when a later call of the group
	// writes the same layer, so single-call groups (bulk ingest) pay nothing.
	written  map[string][][]Change
	overlays map[string]map[string]overlayEntry
	batch    *pebble.Batch
	ok       []*request
	syncErr  error
}

// add fills one call into the group. An error fails only this call: its
// batch, sequence and meta changes are dropped.
func (g *group) add(r *request) error {
	if err := r.ctx.Err(); err != nil {
		return err
	}
	m, err := g.meta(r.layer)
	if err != nil {
		return err
	}
	lk, err := g.lookup(r.layer)
	if err != nil {
		return err
	}
	t := &txn{layer: r.layer, seq: g.seq + 1, next: *m, now: g.now, lk: lk,
		overlay: g.overlay(r.layer), batch: g.s.db.NewBatchWithSize(r.size)}
	t.next.version++
	changes, err := r.fill(t)
	if err != nil || len(changes) == 0 {
		t.batch.Close()
		return err
	}
	if g.batch == nil {
		g.batch = t.batch
	} else {
		err := g.batch.Apply(t.batch, nil)
		t.batch.Close()
		if err != nil {
			return fmt.Errorf("store: batch: %w", err)
		}
	}
	*m = t.next
	m.updated = g.now.UnixNano()
	g.seq = t.seq
	r.changes = changes
	g.ok = append(g.ok, r)
	g.written[r.layer] = append(g.written[r.layer], changes)
	return nil
}

// fail fails every call the group had accepted.
func (g *group) fail(err error) {
	for _, r := range g.ok {
		r.changes, r.err = nil, err
	}
	g.ok = nil
}

// meta returns the group's working meta of a layer, starting from what the
// groups before it left.
func (g *group) meta(layer string) (*layerMeta, error) {
	if m, ok := g.metas[layer]; ok {
		return m, nil
	}
	m, ok := g.s.buildMeta[layer]
	if !ok {
		stored, err := g.s.layerMeta(layer)
		if err != nil {
			return nil, err
		}
		m = &stored
	}
	c := *m
	g.metas[layer] = &c
	return &c, nil
}

// lookup returns the group's lookup of a layer. It sees every group applied
// before this one; the overlay adds this group's own earlier calls.
func (g *group) lookup(layer string) (*lookup, error) {
	if lk, ok := g.lookups[layer]; ok {
		return lk, nil
	}
	lk, err := g.s.newLookup(layer)
	if err != nil {
		return nil, err
	}
	g.lookups[layer] = lk
	return lk, nil
}

func (g *group) closeLookups() {
	for _, lk := range g.lookups {
		lk.close()
	}
}

// overlay folds the earlier calls' changes to layer into its overlay.
func (g *group) overlay(layer string) map[string]overlayEntry {
	pending := g.written[layer]
	if len(pending) == 0 {
		return g.overlays[layer]
	}
	if g.overlays == nil {
		g.overlays = map[string]map[string]overlayEntry{}
	}
	ov := g.overlays[layer]
	if ov == nil {
		ov = map[string]overlayEntry{}
		g.overlays[layer] = ov
	}
	for _, cs := range pending {
		for _, c := range cs {
			if c.Kind == Delete {
				ov[c.ID] = overlayEntry{}
				continue
			}
			ov[c.ID] = overlayEntry{h: recHeader{num: c.Feature.Num, seq: c.Seq, bound: *c.New}, found: true}
		}
	}
	g.written[layer] = nil
	return ov
}
