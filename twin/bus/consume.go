package bus

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"bando/twin"

	"github.com/nats-io/nats.go/jetstream"
)

// Start applies the live stream to tw, from just after what tw has
// applied (twin.Applied, stored with its state), until Close. The
// ordered consumer re-creates itself from the last message it delivered
// when the connection comes back, so a NATS restart loses nothing.
func (b *Bus) Start(ctx context.Context, tw *twin.Twin) error {
	from, err := tw.Applied()
	if err != nil {
		return fmt.Errorf("bus: where the twin left off: %w", err)
	}
	from, last, err := b.resumeFrom(ctx, from)
	if err != nil {
		return err
	}
	b.setApplied(from)
	it, err := b.subscribe(ctx, from)
	if err != nil {
		return err
	}
	b.log.Info("bus: applying the live stream", "stream", b.live, "after_seq", from)
	ctx, b.stop = context.WithCancel(ctx)
	b.stopCtx = ctx
	msgs := make(chan message, 1024)
	b.wg.Add(2)
	go func() {
		defer b.wg.Done()
		b.applyLoop(ctx, tw, msgs)
	}()
	go func() {
		defer b.wg.Done()
		defer close(msgs)
		b.readLoop(ctx, it, from, msgs)
	}()
	// Ready only once caught up: a replica that came back after a while
	// would otherwise answer from the state it had when it stopped.
	if last > from {
		start := time.Now()
		if !b.waitFor(ctx, last, catchUpWait) {
			b.log.Warn("bus: still catching up with the live stream; serving meanwhile",
				"applied_seq", b.appliedSeq(), "stream_last_seq", last)
		} else {
			b.log.Info("bus: caught up with the live stream", "messages", last-from,
				"took", time.Since(start).Round(time.Millisecond))
		}
	}
	return nil
}

// catchUpWait bounds how long Start waits to catch up with the stream.
const catchUpWait = 2 * time.Minute

// resumeFrom checks the twin's applied sequence against the stream: a
// stream younger than the twin's state (deleted and made again) is
// applied from its start, and a gap (messages aged out while the replica
// was away) is said loudly.
//
// It returns where to resume and the stream's last sequence.
func (b *Bus) resumeFrom(ctx context.Context, from uint64) (resume, last uint64, err error) {
	s, err := b.js.Stream(ctx, b.live)
	if err != nil {
		return 0, 0, fmt.Errorf("bus: stream %s: %w", b.live, err)
	}
	st := s.CachedInfo().State
	switch {
	case from > st.LastSeq:
		b.log.Warn("bus: the live stream is behind this replica's state (made again?): applying it from its start",
			"stream", b.live, "applied_seq", from, "stream_last_seq", st.LastSeq)
		return 0, st.LastSeq, nil
	case from > 0 && st.Msgs > 0 && from+1 < st.FirstSeq:
		b.log.Error("bus: messages this replica never applied have aged out of the stream",
			"stream", b.live, "applied_seq", from, "stream_first_seq", st.FirstSeq)
	}
	return from, st.LastSeq, nil
}

// subscribe opens an ordered consumer of the live stream after seq.
func (b *Bus) subscribe(ctx context.Context, after uint64) (jetstream.MessagesContext, error) {
	cc := jetstream.OrderedConsumerConfig{DeliverPolicy: jetstream.DeliverAllPolicy}
	if after > 0 {
		cc.DeliverPolicy, cc.OptStartSeq = jetstream.DeliverByStartSequencePolicy, after+1
	}
	cons, err := b.js.OrderedConsumer(ctx, b.live, cc)
	if err != nil {
		return nil, fmt.Errorf("bus: consumer of %s: %w", b.live, err)
	}
	it, err := cons.Messages()
	if err != nil {
		return nil, fmt.Errorf("bus: consume %s: %w", b.live, err)
	}
	return it, nil
}

// readLoop decodes the stream's messages in order into msgs. The ordered
// consumer re-creates itself across reconnects; should its iterator end
// anyway, a new one is opened after the last message read.
func (b *Bus) readLoop(ctx context.Context, it jetstream.MessagesContext, last uint64, msgs chan<- message) {
	stopped := make(chan struct{})
	defer func() { close(stopped) }()
	var mu sync.Mutex
	cur := it
	go func() { // Stop unblocks Next at Close
		select {
		case <-ctx.Done():
		case <-stopped:
		}
		mu.Lock()
		cur.Stop()
		mu.Unlock()
	}()
	for attempt := 0; ctx.Err() == nil; {
		msg, err := it.Next()
		if err != nil {
			if ctx.Err() != nil {
				return
			}
			if errors.Is(err, jetstream.ErrMsgIteratorClosed) {
				b.log.Warn("bus: live stream iterator ended; opening it again", "after_seq", last)
				b.sleep(ctx, backoff(attempt))
				attempt++
				next, err := b.subscribe(ctx, last)
				if err != nil {
					continue
				}
				mu.Lock()
				it, cur = next, next
				mu.Unlock()
				if ctx.Err() != nil {
					next.Stop()
				}
				continue
			}
			b.log.Debug("bus: live stream", "err", err)
			b.sleep(ctx, 100*time.Millisecond)
			continue
		}
		attempt = 0
		md, err := msg.Metadata()
		if err != nil {
			b.log.Error("bus: message without metadata, skipped", "subject", msg.Subject(), "err", err)
			continue
		}
		kind := msg.Subject()[strings.LastIndexByte(msg.Subject(), '.')+1:]
		m, err := decodeMessage(kind, msg.Data())
		m.seq = md.Sequence.Stream
		last = m.seq
		if err != nil {
			// No replica can ever apply it: skip it rather than stop.
			b.log.Error("bus: undecodable message skipped", "seq", m.seq, "subject", msg.Subject(), "err", err)
			m.kind = "skip"
		}
		select {
		case msgs <- m:
		case <-ctx.Done():
			return
		}
	}
}

// applyLoop applies messages in stream order. Messages already waiting
// are taken together and consecutive ones of a kind applied as one batch
// (one commit, one fsync): under load the replica keeps up.
func (b *Bus) applyLoop(ctx context.Context, tw *twin.Twin, msgs <-chan message) {
	var batch []message
	for m := range msgs {
		batch = append(batch[:0], m)
	more:
		for len(batch) < 256 {
			select {
			case m, ok := <-msgs:
				if !ok {
					break more
				}
				batch = append(batch, m)
			default:
				break more
			}
		}
		for len(batch) > 0 {
			n := 1
			for n < len(batch) && batch[n].kind == batch[0].kind && mergeable(batch[0].kind) {
				n++
			}
			if !b.applyRetrying(ctx, tw, merge(batch[:n])) {
				return
			}
			batch = batch[n:]
		}
	}
}

func mergeable(kind string) bool {
	return kind == "positions" || kind == "observations" || kind == "vessels"
}

// merge joins messages of one kind into one, at the last one's sequence.
func merge(ms []message) message {
	if len(ms) == 1 {
		return ms[0]
	}
	m := message{kind: ms[0].kind, seq: ms[len(ms)-1].seq}
	for _, x := range ms {
		m.ps = append(m.ps, x.ps...)
		m.os = append(m.os, x.os...)
		m.vs = append(m.vs, x.vs...)
	}
	return m
}

// applyRetrying applies m, retrying with backoff while the local store
// fails (the replica falls behind but skips nothing); false once ctx is
// done.
func (b *Bus) applyRetrying(ctx context.Context, tw *twin.Twin, m message) bool {
	for attempt := 0; ; attempt++ {
		err := apply(tw, m)
		b.mu.Lock()
		b.lastError = err
		b.mu.Unlock()
		if err == nil {
			b.setApplied(m.seq)
			return true
		}
		b.log.Error("bus: applying the live stream failed; retrying", "seq", m.seq, "kind", m.kind, "err", err)
		select {
		case <-ctx.Done():
			return false
		case <-time.After(backoff(attempt)):
		}
	}
}

func apply(tw *twin.Twin, m message) error {
	switch m.kind {
	case "positions":
		return tw.ApplyPositions(m.ps, m.seq)
	case "observations":
		return tw.ApplyObservations(m.os, m.seq)
	case "vessels":
		return tw.ApplyVessels(m.vs, m.seq)
	case "ticks":
		return tw.ApplyTick(m.tick, m.seq)
	case "acks":
		err := tw.ApplyAck(m.ack.ID, m.ack.Ack, m.seq)
		if errors.Is(err, twin.ErrNoAlert) || errors.Is(err, twin.ErrResolved) {
			return nil // nothing to acknowledge here: the log is fine
		}
		return err
	}
	return nil // skipped
}
