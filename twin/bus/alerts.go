package bus

import (
	"context"
	"errors"
	"fmt"
	"time"

	"bando/twin"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// AlertTarget is the one sink of every replica's outbox with a bus: it
// publishes each alert change to the alerts stream under its delivery key
// (<alert id>:<version>) as Nats-Msg-Id, so the copies the other replicas
// publish of the same change are dropped by the stream. The outbox keeps
// a change until the stream took it, so a replica that crashes between
// raising and publishing publishes after its restart.
func (b *Bus) AlertTarget() twin.SinkTarget { return alertTarget{b} }

type alertTarget struct{ b *Bus }

func (t alertTarget) Name() string { return "nats" }

func (t alertTarget) Deliver(ctx context.Context, key string, body []byte) error {
	_, err := t.b.publish(ctx, t.b.subj.alerts, body, key)
	return err
}

// sinkAckWait is how long a replica may take over one delivery before the
// broker gives it to another replica (the first one died, say).
const sinkAckWait = 30 * time.Second

// Deliver delivers the alerts stream to the sinks until Close: one durable
// consumer per sink, named after it and shared by every replica, one
// change in flight at a time (in order). A change a sink refuses is
// retried, with backoff, by whichever replica pulls it next.
func (b *Bus) Deliver(ctx context.Context, sinks []twin.SinkTarget) error {
	if b.stop == nil {
		return fmt.Errorf("bus: Deliver before Start")
	}
	for _, s := range sinks {
		name := b.live[:len(b.live)-len("_LIVE")] + "_sink_" + s.Name()
		cctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		cons, err := b.js.CreateOrUpdateConsumer(cctx, b.alerts, jetstream.ConsumerConfig{Durable: name,
			AckPolicy: jetstream.AckExplicitPolicy, AckWait: sinkAckWait, MaxAckPending: 1,
			DeliverPolicy: jetstream.DeliverAllPolicy, Description: "bando alert changes for sink " + s.Name()})
		cancel()
		if err != nil {
			return fmt.Errorf("bus: consumer %s: %w", name, err)
		}
		b.wg.Add(1)
		go func() { defer b.wg.Done(); b.deliverLoop(b.stopCtx, cons, s) }()
	}
	return nil
}

func (b *Bus) deliverLoop(ctx context.Context, cons jetstream.Consumer, s twin.SinkTarget) {
	// One message at a time: nothing waits in a replica's buffer that
	// another replica could deliver.
	it, err := cons.Messages(jetstream.PullMaxMessages(1))
	if err != nil {
		b.log.Error("bus: alert sink consumer", "sink", s.Name(), "err", err)
		return
	}
	stopped := make(chan struct{})
	defer close(stopped)
	go func() {
		select {
		case <-ctx.Done():
		case <-stopped:
		}
		it.Stop()
	}()
	for {
		msg, err := it.Next()
		if err != nil {
			if errors.Is(err, jetstream.ErrMsgIteratorClosed) || ctx.Err() != nil {
				return
			}
			b.log.Debug("bus: alert sink", "sink", s.Name(), "err", err)
			b.sleep(ctx, 100*time.Millisecond)
			continue
		}
		b.deliverOne(ctx, msg, s)
	}
}

func (b *Bus) deliverOne(ctx context.Context, msg jetstream.Msg, s twin.SinkTarget) {
	key := msg.Headers().Get(nats.MsgIdHdr)
	attempts := uint64(1)
	if md, err := msg.Metadata(); err == nil {
		attempts = md.NumDelivered
	}
	// Keep the broker from handing it to another replica while the sink
	// is slow but working.
	done := make(chan struct{})
	go func() {
		t := time.NewTicker(sinkAckWait / 3)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				_ = msg.InProgress()
			}
		}
	}()
	err := s.Deliver(ctx, key, msg.Data())
	close(done)
	if err != nil {
		wait := backoff(int(attempts) + 3)
		b.log.Warn("bus: alert sink down, will retry", "sink", s.Name(), "key", key, "in", wait, "err", err)
		_ = msg.NakWithDelay(wait)
		return
	}
	if err := msg.DoubleAck(ctx); err != nil {
		b.log.Warn("bus: alert delivered but its acknowledgement was not confirmed", "sink", s.Name(),
			"key", key, "err", err)
	}
}

func (b *Bus) sleep(ctx context.Context, d time.Duration) {
	select {
	case <-ctx.Done():
	case <-time.After(d):
	}
}
