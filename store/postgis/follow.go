package postgis

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"bando/store"
)

// The follower is the one publisher of the store's feed. It reads
// bando_changes in sequence order from the last sequence it published:
// on every NOTIFY, on every local commit, after a reconnect and on a
// timer (a missed notification costs at most followPoll of lag, never a
// change). Sequence order is commit order (writers hold the feed lock from
// drawing the sequence to commit, see begin), so reading "seq > last"
// never skips a change that commits later with a smaller number.
//
// Local writes publish through the follower too, rather than on the
// writer's goroutine: the feed then carries this process's and the other
// processes' changes in one order, the sequence order, which is what the
// index, the tile cache and the indicators expect of it. The writer hands
// the follower its changes (with the features it already has, so nothing
// is reloaded) before it commits, and waits until they are published, so
// that, as with the embedded store, when a write returns the index
// already holds it. Changes of other processes carry features reloaded
// by id.

// followPoll is the timer that bounds the lag after a missed notification.
const followPoll = time.Second

// followBatch bounds how many writes one read of bando_changes takes.
const followBatch = 1000

type follower struct {
	s    *Store
	poke chan struct{}
	done sync.WaitGroup

	mu      sync.Mutex
	last    uint64
	local   map[uint64][]store.Change
	waiters map[uint64][]chan error
	err     error // set when the follower stopped
}

// startFollower starts following from the database's current sequence
// (what was committed before is the loader's to read), or from o.From.
func startFollower(ctx, run context.Context, s *Store, o Options) (*follower, error) {
	f := &follower{s: s, poke: make(chan struct{}, 1), local: map[uint64][]store.Change{}, waiters: map[uint64][]chan error{}}
	if o.Resume {
		f.last = o.From
	} else {
		var last int64
		if err := s.pool.QueryRow(ctx, "SELECT coalesce(max(seq), 0) FROM bando_changes").Scan(&last); err != nil {
			return nil, fmt.Errorf("postgis: feed position: %w", err)
		}
		f.last = uint64(last)
	}
	f.done.Add(2)
	go f.listen(run)
	go f.loop(run)
	return f, nil
}

// Seq returns the last sequence published on the feed.
func (f *follower) Seq() uint64 {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.last
}

func (f *follower) wait() { f.done.Wait() }

func (f *follower) wake() {
	select {
	case f.poke <- struct{}{}:
	default:
	}
}

// expect registers a local write's changes before its commit.
func (f *follower) expect(seq uint64, cs []store.Change) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.local[seq] = cs
}

// forget drops a write that did not commit (or may not have).
func (f *follower) forget(seq uint64) {
	f.mu.Lock()
	defer f.mu.Unlock()
	delete(f.local, seq)
}

// await returns once seq is published.
func (f *follower) await(ctx context.Context, seq uint64) error {
	f.mu.Lock()
	if f.last >= seq {
		f.mu.Unlock()
		return nil
	}
	if f.err != nil {
		err := f.err
		f.mu.Unlock()
		return err
	}
	ch := make(chan error, 1)
	f.waiters[seq] = append(f.waiters[seq], ch)
	f.mu.Unlock()
	f.wake()
	select {
	case err := <-ch:
		return err
	case <-ctx.Done():
		return fmt.Errorf("postgis: committed as sequence %d, but not yet published: %w", seq, ctx.Err())
	}
}

// listen holds a connection LISTENing on bando_changes and pokes the loop
// on each notification and after each (re)connect; it retries with backoff.
func (f *follower) listen(ctx context.Context) {
	defer f.done.Done()
	backoff := 100 * time.Millisecond
	for ctx.Err() == nil {
		err := f.listenOnce(ctx, func() { backoff = 100 * time.Millisecond })
		if ctx.Err() != nil {
			return
		}
		f.s.log.Warn("postgis: change feed listener lost; reconnecting", "err", err, "in", backoff)
		select {
		case <-ctx.Done():
			return
		case <-time.After(backoff):
		}
		backoff = min(2*backoff, 5*time.Second)
	}
}

func (f *follower) listenOnce(ctx context.Context, connected func()) error {
	conn, err := f.s.pool.Acquire(ctx)
	if err != nil {
		return err
	}
	// The connection is left in LISTEN state: take it out of the pool and
	// close it when done rather than give it back.
	c := conn.Hijack()
	defer c.Close(context.Background())
	if _, err := c.Exec(ctx, "LISTEN bando_changes"); err != nil {
		return err
	}
	connected()
	f.wake() // catch up on what was missed while not listening
	for {
		if _, err := c.WaitForNotification(ctx); err != nil {
			return err
		}
		f.wake()
	}
}

// loop catches up on every poke and tick until ctx ends.
func (f *follower) loop(ctx context.Context) {
	defer f.done.Done()
	defer f.stop(errors.New("postgis: store closed"))
	t := time.NewTicker(followPoll)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-f.poke:
		case <-t.C:
		}
		for {
			n, err := f.catchUp(ctx)
			if err != nil {
				if ctx.Err() == nil {
					f.s.log.Warn("postgis: change feed read failed; retrying", "err", err)
				}
				break
			}
			if n < followBatch {
				break
			}
		}
	}
}

func (f *follower) stop(err error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.err = err
	for seq, chs := range f.waiters {
		for _, ch := range chs {
			ch <- err
		}
		delete(f.waiters, seq)
	}
}
