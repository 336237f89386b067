package bus

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"bando/ingest/feeds"
	"bando/twin"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

var _ twin.Relay = (*Bus)(nil)

// publishTimeout bounds the wait for one PubAck.
const publishTimeout = 5 * time.Second

// Positions implements twin.Relay: durable in the stream on return, and
// shown by this replica unless it is more than WaitApplied behind.
func (b *Bus) Positions(ctx context.Context, ps []feeds.Position) error {
	now := time.Now().UTC()
	for i := range ps {
		if ps[i].Arrived.IsZero() {
			ps[i].Arrived = now // where it arrived, not where it is applied
		}
	}
	return publishChunks(ctx, b, b.subj.positions, ps)
}

// Observations implements twin.Relay.
func (b *Bus) Observations(ctx context.Context, os []feeds.Observation) error {
	now := time.Now().UTC()
	for i := range os {
		if os[i].Arrived.IsZero() {
			os[i].Arrived = now
		}
	}
	return publishChunks(ctx, b, b.subj.observations, os)
}

// Vessels implements twin.Relay.
func (b *Bus) Vessels(ctx context.Context, vs []feeds.Vessel) error {
	return publishChunks(ctx, b, b.subj.vessels, vs)
}

// Tick implements twin.Relay: the tick of now's 10 s bucket, once in the
// stream however many replicas send it (Nats-Msg-Id).
func (b *Bus) Tick(ctx context.Context, now time.Time) error {
	at := now.UTC().Truncate(tickBucket)
	body, err := encode(at)
	if err != nil {
		return err
	}
	_, err = b.publish(ctx, b.subj.ticks, body, "tick:"+strconv.FormatInt(at.Unix(), 10))
	return err
}

// tickBucket is the resolution of the shared clock.
const tickBucket = 10 * time.Second

// Ack implements twin.Relay.
func (b *Bus) Ack(ctx context.Context, id string, ack twin.Ack) error {
	body, err := encode(ackMsg{ID: id, Ack: ack})
	if err != nil {
		return err
	}
	seq, err := b.publish(ctx, b.subj.acks, body, "")
	if err != nil {
		return err
	}
	b.waitApplied(ctx, seq)
	return nil
}

func publishChunks[T any](ctx context.Context, b *Bus, subject string, vs []T) error {
	var last uint64
	for len(vs) > 0 {
		n := min(len(vs), maxBatch)
		body, err := encode(vs[:n])
		if err != nil {
			return err
		}
		if last, err = b.publish(ctx, subject, body, ""); err != nil {
			return err
		}
		vs = vs[n:]
	}
	b.waitApplied(ctx, last)
	return nil
}

// publish sends one message and returns its stream sequence once the
// stream holds it. A broker that is down refuses it at once.
func (b *Bus) publish(ctx context.Context, subject string, body []byte, msgID string) (uint64, error) {
	if st := b.nc.Status(); st != nats.CONNECTED {
		return 0, unavailableErr(fmt.Errorf("connection %s", st))
	}
	parent := ctx
	ctx, cancel := context.WithTimeout(ctx, publishTimeout)
	defer cancel()
	defer context.AfterFunc(b.connCtx(), cancel)()
	var opts []jetstream.PublishOpt
	if msgID != "" {
		opts = append(opts, jetstream.WithMsgID(msgID))
	}
	ack, err := b.js.Publish(ctx, subject, body, opts...)
	if err != nil {
		if parent.Err() != nil { // the client went away, or the server stops
			return 0, fmt.Errorf("bus: publish: %w", parent.Err())
		}
		return 0, unavailableErr(err)
	}
	return ack.Sequence, nil
}

// waitApplied waits, at most WaitApplied, until the local twin has
// applied the log up to seq.
func (b *Bus) waitApplied(ctx context.Context, seq uint64) {
	if !b.waitFor(ctx, seq, b.cfg.WaitApplied) && ctx.Err() == nil {
		b.log.Warn("bus: write durable in the stream but not yet applied here", "seq", seq)
	}
}

// waitFor waits until the local twin has applied the log up to seq, at
// most d; false if it has not.
func (b *Bus) waitFor(ctx context.Context, seq uint64, d time.Duration) bool {
	timer := time.NewTimer(d)
	defer timer.Stop()
	for {
		b.mu.Lock()
		done, ch := b.applied >= seq, b.advanced
		b.mu.Unlock()
		if done {
			return true
		}
		select {
		case <-ch:
		case <-timer.C:
			return false
		case <-ctx.Done():
			return false
		}
	}
}

func (b *Bus) appliedSeq() uint64 {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.applied
}

func (b *Bus) setApplied(seq uint64) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if seq > b.applied {
		b.applied = seq
		close(b.advanced)
		b.advanced = make(chan struct{})
	}
}
