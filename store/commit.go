package store

import (
	"context"
	"encoding/binary"
	"fmt"
	"time"

	"github.com/cockroachdb/pebble"
)

// Group commit. A write joins a queue, then waits for commitMu. Whoever
// holds commitMu takes everything queued (up to a bound), fills each call
// into its own batch, merges the successful ones into one batch, syncs it
// once, publishes every call's changes in commit order and marks them done.
// Writers that arrived during that fsync form the next group, so under
// concurrency one fsync serves many writers while each call stays atomic and
// gets its own commit sequence and layer version.

// Bounds of one group: enough to amortise an fsync over many writers, small
// enough that one group's latency and memory stay modest.
const (
	maxGroupCalls = 512
	maxGroupBytes = 32 << 20
)

// request is one Put or Delete call waiting to be committed.
type request struct {
	ctx   context.Context
	layer string
	size  int
	fill  func(*txn) ([]Change, error)

	// Set by the committer under commitMu.
	changes []Change
	err     error
	done    bool
}

// write runs fill as one atomic, durable write to a layer and returns once
// its changes are on disk and published.
func (s *Pebble) write(ctx context.Context, layer string, size int, fill func(*txn) ([]Change, error)) ([]Change, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	r := &request{ctx: ctx, layer: layer, size: size, fill: fill}
	s.qmu.Lock()
	s.queue = append(s.queue, r)
	s.qmu.Unlock()

	s.commitMu.Lock()
	defer s.commitMu.Unlock()
	for !r.done {
		s.commitGroup(s.takeGroup())
	}
	return r.changes, r.err
}

// takeGroup removes the next group from the queue: every waiting call up to
// the bounds (always at least one), or exactly one in serial mode.
func (s *Pebble) takeGroup() []*request {
	s.qmu.Lock()
	defer s.qmu.Unlock()
	n, bytes := 0, 0
	for n < len(s.queue) && n < maxGroupCalls {
		if n > 0 && (s.serial || bytes+s.queue[n].size > maxGroupBytes) {
			break
		}
		bytes += s.queue[n].size
		n++
	}
	rs := s.queue[:n:n]
	s.queue = append([]*request(nil), s.queue[n:]...)
	return rs
}

// group is the state of one commit being built.
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
}

func (s *Pebble) commitGroup(rs []*request) {
	g := &group{s: s, now: time.Now().UTC(), seq: s.seq.Load(), metas: map[string]*layerMeta{},
		lookups: map[string]*lookup{}, written: map[string][][]Change{}}
	defer g.close()
	for _, r := range rs {
		r.err = g.add(r)
	}
	if err := g.commit(); err != nil {
		for _, r := range g.ok {
			r.changes, r.err = nil, err
		}
	} else if len(g.ok) > 0 {
		s.setMeta(g.metas)
		s.seq.Store(g.seq)
		for _, r := range g.ok {
			s.feed.Publish(r.changes)
		}
	}
	for _, r := range rs {
		r.done = true
	}
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
	g.seq = t.seq
	r.changes = changes
	g.ok = append(g.ok, r)
	g.written[r.layer] = append(g.written[r.layer], changes)
	return nil
}

// meta returns the group's working meta of a layer.
func (g *group) meta(layer string) (*layerMeta, error) {
	if m, ok := g.metas[layer]; ok {
		return m, nil
	}
	m, err := g.s.layerMeta(layer)
	if err != nil {
		return nil, err
	}
	g.metas[layer] = &m
	return &m, nil
}

// lookup returns the group's lookup of a layer. Every call of the group
// sees the same committed state; the overlay adds the group's own writes.
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

// commit adds the metas and the sequence to the batch and syncs it: no call
// of the group is acknowledged before the batch is on disk.
func (g *group) commit() error {
	if len(g.ok) == 0 {
		return nil
	}
	for layer, m := range g.metas {
		if err := g.batch.Set(metaKey(layer), m.encode(), nil); err != nil {
			return fmt.Errorf("store: batch: %w", err)
		}
	}
	if err := g.batch.Set(seqKey, binary.AppendUvarint(nil, g.seq), nil); err != nil {
		return fmt.Errorf("store: batch: %w", err)
	}
	if err := g.batch.Commit(pebble.Sync); err != nil {
		return fmt.Errorf("store: commit of %d writes: %w", len(g.ok), err)
	}
	return nil
}

func (g *group) close() {
	for _, lk := range g.lookups {
		lk.close()
	}
	if g.batch != nil {
		g.batch.Close()
	}
}
