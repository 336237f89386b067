package twin

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"bando/store"
)

// SinkTarget is where alerts are delivered (a webhook, an MQTT topic).
// Deliver must be idempotent under key: the outbox delivers at least once
// and repeats a delivery, with the same key, when it is not sure it
// arrived.
type SinkTarget interface {
	Name() string
	Deliver(ctx context.Context, key string, body []byte) error
}

// Outbox is the durable queue of alert changes owed to each sink. Entries
// are written in the same batch as the alert itself, so an alert is never
// stored without its deliveries, and deleted only after the sink took them.
type Outbox struct {
	store  *store.Pebble
	sinks  []SinkTarget
	logger *slog.Logger
	seq    atomic.Uint64
	wakeCh chan struct{}

	mu        sync.Mutex
	delivered map[string]uint64
	failed    map[string]uint64
}

func outboxPrefix(sink string) []byte { return []byte("outbox/" + sink + "/") }

// NewOutbox returns an outbox over the store, resuming its sequence.
func NewOutbox(ctx context.Context, st *store.Pebble, sinks []SinkTarget, logger *slog.Logger) (*Outbox, error) {
	if logger == nil {
		logger = slog.Default()
	}
	ob := &Outbox{store: st, sinks: sinks, logger: logger, wakeCh: make(chan struct{}, 1),
		delivered: map[string]uint64{}, failed: map[string]uint64{}}
	for _, s := range sinks {
		p := outboxPrefix(s.Name())
		k, _, found, err := st.LastRawBefore(p, append(bytes.Clone(p), 0xff))
		if err != nil {
			return nil, fmt.Errorf("twin: outbox %s: %w", s.Name(), err)
		}
		if found && len(k) == len(p)+8 {
			if n := binary.BigEndian.Uint64(k[len(p):]); n > ob.seq.Load() {
				ob.seq.Store(n)
			}
		}
	}
	return ob, nil
}

// enqueue adds the delivery of one alert change to every sink.
func (ob *Outbox) enqueue(b *store.RawBatch, a *Alert, body []byte) error {
	key := a.ID + ":" + strconv.Itoa(a.Version)
	v := append(append([]byte(key), '\n'), body...)
	for _, s := range ob.sinks {
		k := binary.BigEndian.AppendUint64(outboxPrefix(s.Name()), ob.seq.Add(1))
		if err := b.Set(k, v); err != nil {
			return err
		}
	}
	return nil
}

func (ob *Outbox) wake() {
	select {
	case ob.wakeCh <- struct{}{}:
	default:
	}
}

// Run delivers until ctx is done: each sink in order, retrying with
// backoff while it is down.
func (ob *Outbox) Run(ctx context.Context) {
	var wg sync.WaitGroup
	wakes := make([]chan struct{}, len(ob.sinks))
	for i, s := range ob.sinks {
		wakes[i] = make(chan struct{}, 1)
		wg.Add(1)
		go func() { defer wg.Done(); ob.runSink(ctx, s, wakes[i]) }()
	}
	for {
		select {
		case <-ctx.Done():
			wg.Wait()
			return
		case <-ob.wakeCh:
			for _, w := range wakes {
				select {
				case w <- struct{}{}:
				default:
				}
			}
		}
	}
}

func (ob *Outbox) runSink(ctx context.Context, s SinkTarget, wake <-chan struct{}) {
	backoff := time.Second
	for {
		err := ob.drain(ctx, s)
		wait := 30 * time.Second // a periodic sweep, in case a wake was missed
		if err != nil {
			ob.logger.Warn("outbox: sink down, will retry", "sink", s.Name(), "in", backoff, "err", err)
			wait, backoff = backoff, min(backoff*2, 30*time.Second)
		} else {
			backoff = time.Second
		}
		select {
		case <-ctx.Done():
			return
		case <-wake:
		case <-time.After(wait):
		}
	}
}

// drain delivers every entry owed to s, oldest first, deleting each once
// delivered.
func (ob *Outbox) drain(ctx context.Context, s SinkTarget) error {
	type entry struct{ k, v []byte }
	var es []entry
	err := ob.store.ScanRawPrefix(ctx, outboxPrefix(s.Name()), func(k, v []byte) error {
		es = append(es, entry{bytes.Clone(k), bytes.Clone(v)})
		if len(es) >= 256 {
			return errEnough
		}
		return nil
	})
	if err != nil && err != errEnough {
		return err
	}
	for _, e := range es {
		key, body, _ := bytes.Cut(e.v, []byte{'\n'})
		if err := s.Deliver(ctx, string(key), body); err != nil {
			ob.count(s.Name(), false)
			return err
		}
		ob.count(s.Name(), true)
		b := ob.store.NewRawBatch()
		if err := b.Delete(e.k); err != nil {
			b.Close()
			return err
		}
		if err := b.Commit(); err != nil {
			return err
		}
	}
	if len(es) == 256 {
		return ob.drain(ctx, s)
	}
	return nil
}

var errEnough = fmt.Errorf("twin: enough")

func (ob *Outbox) count(sink string, ok bool) {
	ob.mu.Lock()
	defer ob.mu.Unlock()
	if ok {
		ob.delivered[sink]++
	} else {
		ob.failed[sink]++
	}
}

// Pending returns how many deliveries each sink is owed.
func (ob *Outbox) Pending(ctx context.Context) map[string]int {
	out := map[string]int{}
	for _, s := range ob.sinks {
		n := 0
		_ = ob.store.ScanRawPrefix(ctx, outboxPrefix(s.Name()), func(_, _ []byte) error { n++; return nil })
		out[s.Name()] = n
	}
	return out
}

// Webhook delivers alert changes as JSON POSTs with an Idempotency-Key.
type Webhook struct {
	URL    string
	Client *http.Client
}

// Name implements SinkTarget.
func (w *Webhook) Name() string { return "webhook" }

// Deliver implements SinkTarget: any 2xx is delivered.
func (w *Webhook) Deliver(ctx context.Context, key string, body []byte) error {
	c := w.Client
	if c == nil {
		c = &http.Client{Timeout: 10 * time.Second}
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, w.URL, bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("twin: webhook: %w", err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Idempotency-Key", key)
	resp, err := c.Do(req)
	if err != nil {
		return fmt.Errorf("twin: webhook: %w", err)
	}
	resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("twin: webhook: status %d", resp.StatusCode)
	}
	return nil
}
