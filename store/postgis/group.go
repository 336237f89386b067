package postgis

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"syscall"
	"time"

	"bando/store"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// Group commit. Writers hold the feed lock from drawing their sequence to
// their commit (see follow.go), so one write per transaction would pay a
// whole commit (WAL flush and round trips) per write while every other
// writer waits: about 200 writes/s. Instead concurrent calls of this
// process share one transaction: the writer that finds no group being
// committed leads; it takes every call queued, runs each in its own
// savepoint (a failing call is rolled back alone and gets its error),
// commits once and waits until the follower has published them all. Each
// call keeps its own sequence, layer version and changes, as with the
// embedded store's group commit. Calls that queue meanwhile form the next
// group, led by the first of them.

// maxGroupCalls bounds one group, so that its latency stays modest.
const maxGroupCalls = 256

// publishTimeout bounds the wait for the follower after a commit; past it
// the write is reported as committed but not yet visible.
const publishTimeout = 30 * time.Second

// call is one Put or Delete waiting to be committed.
type call struct {
	ctx  context.Context
	t    *table
	run  func(context.Context, *writeTx) ([]store.Change, error)
	wake chan bool // true: lead the next group; false: done
	cs   []store.Change
	err  error
}

// write runs fn as one atomic write and returns once it is committed and
// published on the feed.
func (s *Store) write(ctx context.Context, t *table, fn func(context.Context, *writeTx) ([]store.Change, error)) ([]store.Change, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	c := &call{ctx: ctx, t: t, run: fn, wake: make(chan bool, 1)}
	s.qmu.Lock()
	s.queue = append(s.queue, c)
	lead := !s.leading
	s.leading = true
	s.qmu.Unlock()
	if !lead {
		lead = <-c.wake
	}
	if lead {
		s.lead()
	}
	return c.cs, c.err
}

// lead commits one group, which starts with the leader's call, and hands
// leadership to the first call queued meanwhile.
func (s *Store) lead() {
	s.qmu.Lock()
	n := min(len(s.queue), maxGroupCalls)
	group := s.queue[:n:n]
	s.queue = append([]*call(nil), s.queue[n:]...)
	s.qmu.Unlock()

	s.commitGroup(group)

	s.qmu.Lock()
	var next *call
	if len(s.queue) > 0 {
		next = s.queue[0]
	} else {
		s.leading = false
	}
	s.qmu.Unlock()
	for _, c := range group[1:] {
		c.wake <- false
	}
	if next != nil {
		next.wake <- true
	}
}

// commitGroup runs the calls in one transaction and sets their results.
func (s *Store) commitGroup(group []*call) {
	fail := func(err error) {
		err = unavailable(err)
		for _, c := range group {
			if c.err == nil {
				c.cs, c.err = nil, err
			}
		}
	}
	// The group's transaction is not any one caller's: a caller that goes
	// away only loses its own call.
	ctx := context.Background()
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		fail(fmt.Errorf("postgis: begin: %w", err))
		return
	}
	defer tx.Rollback(ctx)
	if _, err := tx.Exec(ctx, "SELECT pg_advisory_xact_lock(hashtext('bando:feed:' || current_schema()))"); err != nil {
		fail(fmt.Errorf("postgis: feed lock: %w", err))
		return
	}
	now := time.Now().UTC().Truncate(time.Microsecond)
	var seqs []uint64
	for _, c := range group {
		seq, err := s.runCall(ctx, tx, c, now)
		if err != nil {
			if !errors.Is(err, errTxBroken) {
				c.err = unavailable(err)
				continue
			}
			fail(err)
			return
		}
		if seq > 0 {
			seqs = append(seqs, seq)
		}
	}
	if len(seqs) == 0 {
		return
	}
	last := seqs[len(seqs)-1]
	if _, err := tx.Exec(ctx, "SELECT pg_notify('bando_changes', $1)", fmt.Sprint(last)); err != nil {
		fail(fmt.Errorf("postgis: notify: %w", err))
		return
	}
	for _, c := range group {
		if c.err == nil && c.cs != nil {
			s.fol.expect(c.cs[0].Seq, c.cs)
		}
	}
	if err := tx.Commit(ctx); err != nil {
		// The commit may still have happened (a lost connection): the
		// follower then reloads the changes from the database.
		for _, seq := range seqs {
			s.fol.forget(seq)
		}
		fail(fmt.Errorf("postgis: commit: %w", err))
		return
	}
	wctx, cancel := context.WithTimeout(ctx, publishTimeout)
	defer cancel()
	if err := s.fol.await(wctx, last); err != nil {
		fail(err)
	}
}

// errTxBroken marks a failure that leaves the group's transaction unusable.
var errTxBroken = errors.New("postgis: transaction broken")

// runCall runs one call in a savepoint of tx and returns its sequence (0
// when it changed nothing). A failing call is rolled back to its savepoint
// and returns its error; if even that fails, the error wraps errTxBroken.
func (s *Store) runCall(ctx context.Context, tx pgx.Tx, c *call, now time.Time) (uint64, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	sp, err := tx.Begin(ctx)
	if err != nil {
		return 0, fmt.Errorf("%w: savepoint: %w", errTxBroken, err)
	}
	w, err := beginCall(ctx, sp, c.t, now)
	var cs []store.Change
	if err == nil {
		cs, err = c.run(ctx, w)
	}
	if err != nil || len(cs) == 0 {
		if rerr := sp.Rollback(ctx); rerr != nil {
			return 0, fmt.Errorf("%w: %w", errTxBroken, errors.Join(err, rerr))
		}
		return 0, err
	}
	if err := sp.Commit(ctx); err != nil {
		return 0, fmt.Errorf("%w: release savepoint: %w", errTxBroken, err)
	}
	c.cs = cs
	return w.seq, nil
}

// unavailable wraps store.ErrUnavailable around an error that says the
// database could not be reached or went away (as opposed to one about the
// data), so that the API answers 503 with Retry-After.
func unavailable(err error) error {
	if err == nil || errors.Is(err, store.ErrUnavailable) || !connectionError(err) {
		return err
	}
	return fmt.Errorf("%w: %w", store.ErrUnavailable, err)
}

func connectionError(err error) bool {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		// Class 08: connection exception; 57P01-03: the server is shutting
		// down or starting; 53300: too many connections.
		return strings.HasPrefix(pe.Code, "08") || pe.Code == "57P01" || pe.Code == "57P02" ||
			pe.Code == "57P03" || pe.Code == "53300"
	}
	var ce *pgconn.ConnectError
	var ne net.Error
	return errors.As(err, &ce) || errors.As(err, &ne) || pgconn.Timeout(err) ||
		errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, syscall.ECONNRESET) ||
		errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, net.ErrClosed)
}
