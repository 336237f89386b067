package store

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"time"

	"github.com/cockroachdb/pebble"
)

// Group commit. A write joins a queue. The writer at the head of the queue
// is the leader: under commitMu it takes everything queued (up to a bound),
// fills each call into its own batch, merges the successful ones into one
// batch and applies it (visible and in the WAL, not yet synced). It hands
// leadership to the first writer that queued meanwhile, which waits for
// this group's fsync and then builds the next group from every writer that
// arrived during it. Once its batch is synced, and the group before it has
// published, the leader publishes every call's changes in commit order and
// wakes the calls it committed. Each call stays atomic and gets its own
// commit sequence and layer version; no call returns before its write is
// durable and published.

// Bounds of one group: enough to amortise an fsync over many writers, small
// enough that one group's latency and memory stay modest.
const (
	maxGroupCalls = 512
	maxGroupBytes = 32 << 20
	// maxUnsynced is how many applied groups may wait for their sync
	// when the next group is built. One measured best (64 writers, 2
	// cores): the next leader is ready the moment the fsync ends and
	// publishing overlaps the next fsync, while a deeper pipeline only
	// splits the writers into smaller groups per fsync.
	maxUnsynced = 1
)

// request is one Put or Delete call waiting to be committed.
type request struct {
	ctx   context.Context
	layer string
	size  int
	fill  func(*txn) ([]Change, error)
	// wake is signalled once: the call is done, or it became the leader.
	wake chan struct{}
	lead bool // set by the leader that hands over, before wake

	// Set by the leader before wake.
	changes []Change
	err     error
}

// write runs fill as one atomic, durable write to a layer and returns once
// its changes are on disk and published.
func (s *Pebble) write(ctx context.Context, layer string, size int, fill func(*txn) ([]Change, error)) ([]Change, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	r := &request{ctx: ctx, layer: layer, size: size, fill: fill, wake: make(chan struct{}, 1)}
	s.qmu.Lock()
	s.queue = append(s.queue, r)
	s.arrivals++
	if s.wantCh != nil && s.arrivals >= s.want {
		close(s.wantCh)
		s.wantCh = nil
	}
	lead := !s.leading
	s.leading = true
	s.qmu.Unlock()
	if !lead {
		<-r.wake
		lead = r.lead // written before the wake
	}
	if lead {
		s.lead()
	}
	return r.changes, r.err
}

// lead commits the group at the head of the queue, which starts with the
// leader's own call.
func (s *Pebble) lead() {
	s.commitMu.Lock()
	// Keep at most maxUnsynced groups between apply and sync: the leader
	// waits (while writers keep queueing) for the older one, so each group
	// gathers the writers that arrived during an fsync instead of the
	// pipeline filling with groups of one.
	for len(s.unsynced) >= maxUnsynced {
		<-s.unsynced[0]
		s.unsynced = s.unsynced[1:]
	}
	if !s.serial && s.published != nil {
		s.gather()
	}
	g, rs := s.build()
	prev := s.published
	published, synced := make(chan struct{}), make(chan struct{})
	s.published = published
	s.unsynced = append(s.unsynced, synced)
	if s.serial {
		g.syncErr = g.syncWait() // the old path: nothing overlaps an fsync
	}
	s.commitMu.Unlock()
	s.handOff()
	if !s.serial {
		g.syncErr = g.syncWait()
	}
	close(synced)
	<-prev // commit order: the group before publishes first
	s.finish(g)
	s.qmu.Lock()
	s.wokeAt, s.woken = s.arrivals, len(rs)
	s.qmu.Unlock()
	close(published)
	for _, r := range rs[1:] {
		r.wake <- struct{}{}
	}
}

// Bounds of the rejoin wait: a fraction of the last fsync, so a writer
// that does not come back costs a group little.
const (
	gatherFraction = 4 // wait at most lastSync / gatherFraction
	gatherMax      = 2 * time.Millisecond
)

// gather lets the writers of the group just published queue again before
// the next group is built. Without it a group is built the moment the
// fsync before it ends, while the writers that fsync released are still on
// their way back; they wait a whole further fsync, and 64 writers split
// into two alternating groups of 32: half the writes per fsync. It waits
// until as many calls arrived since that group's wake as it had, or a
// fraction of an fsync, whichever comes first.
func (s *Pebble) gather() {
	<-s.published
	limit := min(time.Duration(s.lastSync.Load())/gatherFraction, gatherMax)
	s.qmu.Lock()
	want := s.wokeAt + uint64(s.woken)
	if s.arrivals >= want || limit <= 0 {
		s.qmu.Unlock()
		return
	}
	ch := make(chan struct{})
	s.want, s.wantCh = want, ch
	s.qmu.Unlock()
	t := time.NewTimer(limit)
	select {
	case <-ch:
	case <-t.C:
	}
	t.Stop()
	s.qmu.Lock()
	if s.wantCh == ch {
		s.wantCh = nil
	}
	s.qmu.Unlock()
}

// takeGroup moves waiting calls from the queue into the group rs, up to
// the bounds; a group starts with at least one call, and holds exactly one
// in serial mode.
func (s *Pebble) takeGroup(rs []*request, bytes int) ([]*request, int) {
	s.qmu.Lock()
	defer s.qmu.Unlock()
	n := 0
	for n < len(s.queue) && len(rs) < maxGroupCalls {
		if len(rs) > 0 && (s.serial || bytes+s.queue[n].size > maxGroupBytes) {
			break
		}
		bytes += s.queue[n].size
		rs = append(rs, s.queue[n])
		n++
	}
	s.queue = append(s.queue[:0:0], s.queue[n:]...)
	return rs, bytes
}

// handOff makes the first queued writer the leader, or ends leadership.
func (s *Pebble) handOff() {
	s.qmu.Lock()
	var next *request
	if len(s.queue) > 0 {
		next = s.queue[0]
		next.lead = true
	} else {
		s.leading = false
	}
	s.qmu.Unlock()
	if next != nil {
		next.wake <- struct{}{}
	}
}

// build takes the group from the queue, fills its calls and applies the
// merged batch. Writers that queue while it fills join the group too (they
// would otherwise wait a whole fsync). It runs under commitMu; what it
// applies is visible to the next group's lookups.
func (s *Pebble) build() (*group, []*request) {
	g := &group{s: s, now: time.Now().UTC(), seq: s.buildSeq, metas: map[string]*layerMeta{},
		lookups: map[string]*lookup{}, written: map[string][][]Change{}}
	defer g.closeLookups()
	broken := s.brokenErr()
	var rs []*request
	for filled, bytes := 0, 0; ; {
		rs, bytes = s.takeGroup(rs, bytes)
		if filled == len(rs) {
			break
		}
		for _, r := range rs[filled:] {
			if r.err = broken; r.err == nil {
				r.err = g.add(r)
			}
		}
		filled = len(rs)
	}
	if err := g.apply(); err != nil {
		g.fail(err)
		return g, rs
	}
	for layer, m := range g.metas {
		s.buildMeta[layer] = m
	}
	s.buildSeq = g.seq
	return g, rs
}

// syncWait waits until the group's batch is on disk. A failed sync leaves
// applied but undurable data behind, so the store refuses further writes.
func (g *group) syncWait() error {
	if g.batch == nil || len(g.ok) == 0 {
		return nil
	}
	start := time.Now()
	defer func() { g.s.lastSync.Store(int64(time.Since(start))) }()
	if err := g.batch.SyncWait(); err != nil {
		err = fmt.Errorf("store: sync of %d writes: %w", len(g.ok), err)
		g.s.setBroken(errors.Join(errors.New("store: an earlier sync failed; restart the server"), err))
		return err
	}
	g.s.commits.Add(1)
	return nil
}

// finish publishes a synced group in commit order and releases its batch.
func (s *Pebble) finish(g *group) {
	if g.batch != nil {
		defer g.batch.Close()
	}
	if g.syncErr != nil {
		g.fail(g.syncErr)
		return
	}
	if len(g.ok) == 0 {
		return
	}
	s.setMeta(g.metas)
	s.seq.Store(g.seq)
	for _, r := range g.ok {
		s.feed.Publish(r.changes)
	}
}

// apply adds the metas and the sequence to the batch and hands it to the
// WAL and the memtable without waiting for the sync.
func (g *group) apply() error {
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
	// ApplyNoSyncWait is marked experimental in Pebble; it is the commit
	// pipeline's own split of Commit(Sync) into apply and SyncWait.
	// A failed apply may leave the WAL or memtable with part of it, and the
	// batch must not be closed before a SyncWait that may never end: drop
	// it and refuse further writes.
	if err := g.s.db.ApplyNoSyncWait(g.batch, pebble.Sync); err != nil {
		g.batch = nil
		err = fmt.Errorf("store: commit of %d writes: %w", len(g.ok), err)
		g.s.setBroken(errors.Join(errors.New("store: an earlier commit failed; restart the server"), err))
		return err
	}
	return nil
}

// setBroken makes every later write fail with err.
func (s *Pebble) setBroken(err error) {
	s.brokenMu.Lock()
	defer s.brokenMu.Unlock()
	if s.broken == nil {
		s.broken = err
	}
}

func (s *Pebble) brokenErr() error {
	s.brokenMu.Lock()
	defer s.brokenMu.Unlock()
	return s.broken
}
