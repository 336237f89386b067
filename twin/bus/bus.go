// Package bus shares the live twin of several `bando serve` replicas
// through NATS JetStream, so that no replica holds live state the others
// do not: the broker carries durability and fan-out, bando stays a
// cache-and-compute layer over it.
//
// The design, and why:
//
//   - One ordered log of live writes. Every position, observation and
//     registry batch a replica receives (HTTP, MQTT, AIS — anything that
//     calls the twin as a feeds.Sink), every acknowledgement of an alert
//     and the clock of the silence rules are published to one file-backed
//     stream, <PREFIX>_LIVE. The feed is answered only after the stream's
//     PubAck: a 2xx means durable in the stream, as it meant durable on
//     disk without a bus. While NATS is down the write is refused with
//     ErrUnavailable (503, Retry-After) rather than half-taken.
//   - Each replica applies the log in order. An ordered consumer feeds the
//     local twin (its Pebble keeps tracks and alerts as before); the last
//     applied stream sequence is written in the same commit as the state
//     it produced (twin.Applied), so a restarted replica resumes exactly
//     after it — a sequence rather than a start time, which would be
//     ambiguous between messages of one instant and at the mercy of
//     clocks. Fixes are judged "in the future" against the time they
//     arrived at the replica that published them, not when applied, so a
//     replay judges alike. An ordered consumer, not a durable one,
//     because the replica's own disk already knows where it stands:
//     nothing on the server has to be named after, or cleaned up for, a
//     replica.
//   - Same log, same order, same rules ⇒ same alert changes on every
//     replica, with the same ids (twin names alerts by rule, subject and
//     opening time once a relay is set) and versions. Even the silence
//     rules fire at the same point: ticks go through the log, one per
//     10 s bucket, de-duplicated by Nats-Msg-Id however many replicas
//     send it.
//   - Alerts raised once. Every replica's outbox sends its alert changes
//     to <PREFIX>_ALERTS with Nats-Msg-Id = <alert id>:<version>; the
//     stream's de-duplication window keeps the first and drops the copies
//     of the other replicas. One durable consumer per sink (webhook, MQTT),
//     shared by all replicas, each pulling one change at a time
//     (MaxAckPending 1: in order), delivers it to that sink once; a replica
//     that dies mid-delivery leaves it unacknowledged, and another one
//     redelivers it with the same Idempotency-Key. A work queue rather
//     than a database lock: it needs no leader, survives any replica, and
//     the de-duplication is the broker's. The window is the streams'
//     retention (7 days): a replica that replays the log within it
//     re-publishes only changes the stream already holds.
package bus

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// Config configures a bus.
type Config struct {
	// URL is the NATS server, e.g. nats://127.0.0.1:4222.
	URL string
	// Prefix names the streams (<PREFIX>_LIVE, <PREFIX>_ALERTS) and
	// subjects (<prefix>.live.*, <prefix>.alerts) of one deployment;
	// default "bando". Letters, digits, - and _ only.
	Prefix string
	// Replica names this replica in the broker's connection list and the
	// logs (default: the host name).
	Replica string
	// Retention is how long the streams keep messages, and the alerts'
	// de-duplication window (default 7 days): a replica away for longer
	// cannot catch up from the stream.
	Retention time.Duration
	// WaitApplied bounds how long a write waits, after the PubAck, for
	// this replica to show it (read your writes; default 2 s). The write
	// is durable either way.
	WaitApplied time.Duration
	Logger      *slog.Logger
}

// Bus is one replica's connection to the shared live state.
type Bus struct {
	cfg    Config
	nc     *nats.Conn
	js     jetstream.JetStream
	live   string // stream names
	alerts string
	subj   subjects
	log    *slog.Logger

	mu        sync.Mutex
	applied   uint64        // the last log sequence the local twin applied
	advanced  chan struct{} // closed and replaced when applied moves
	lastError error         // the consumer's last failure, for the health check
	// conn is done when the connection drops: publishes waiting for their
	// PubAck then fail at once (their answer would never come) instead of
	// after publishTimeout.
	conn     context.Context
	connDrop context.CancelFunc

	stop      context.CancelFunc
	stopCtx   context.Context // done at Close
	wg        sync.WaitGroup
	closeOnce sync.Once
}

type subjects struct{ positions, observations, vessels, ticks, acks, alerts string }

// ErrUnavailable is a write refused because the broker cannot take it
// now; nothing of it was acknowledged. The API answers it 503 with
// Retry-After.
var ErrUnavailable = &unavailable{}

type unavailable struct{ cause error }

func (e *unavailable) Error() string {
	if e.cause == nil {
		return "bus: NATS is unavailable; retry shortly"
	}
	return "bus: NATS is unavailable (" + e.cause.Error() + "); retry shortly"
}

// RetryAfter tells the API when to ask the client to retry.
func (e *unavailable) RetryAfter() time.Duration { return 2 * time.Second }

func (e *unavailable) Is(target error) bool { return target == ErrUnavailable }

func unavailableErr(cause error) error { return &unavailable{cause: cause} }

func (c *Config) defaults() error {
	if c.Prefix == "" {
		c.Prefix = "bando"
	}
	for _, r := range c.Prefix {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_') {
			return fmt.Errorf("bus: prefix %q: use letters, digits, - and _ only", c.Prefix)
		}
	}
	if c.Retention <= 0 {
		c.Retention = 7 * 24 * time.Hour
	}
	if c.WaitApplied <= 0 {
		c.WaitApplied = 2 * time.Second
	}
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	return nil
}

// Connect connects to NATS (retrying with backoff for up to a start
// timeout: a replica without its broker cannot take writes) and makes
// sure both streams exist. Once connected, the client reconnects forever
// with backoff.
func Connect(ctx context.Context, cfg Config) (*Bus, error) {
	if err := cfg.defaults(); err != nil {
		return nil, err
	}
	b := &Bus{cfg: cfg, log: cfg.Logger, advanced: make(chan struct{})}
	b.connUp()
	p := cfg.Prefix
	b.subj = subjects{positions: p + ".live.positions", observations: p + ".live.observations",
		vessels: p + ".live.vessels", ticks: p + ".live.ticks", acks: p + ".live.acks", alerts: p + ".alerts"}
	up := strings.ToUpper(strings.ReplaceAll(p, "-", "_"))
	b.live, b.alerts = up+"_LIVE", up+"_ALERTS"
	opts := []nats.Option{nats.Name("bando " + cfg.Replica), nats.MaxReconnects(-1),
		nats.CustomReconnectDelay(backoff),
		// No buffering while reconnecting: a write either reaches the
		// stream now or is refused now.
		nats.ReconnectBufSize(-1),
		nats.DisconnectErrHandler(func(_ *nats.Conn, err error) {
			b.connLost()
			if err == nil {
				return // closed by Close
			}
			b.log.Warn("bus: NATS disconnected; reconnecting", "err", err)
		}),
		nats.ReconnectHandler(func(nc *nats.Conn) {
			b.connUp()
			b.log.Info("bus: NATS reconnected", "url", nc.ConnectedUrl())
		}),
	}
	var err error
	deadline := time.Now().Add(15 * time.Second)
	for attempt := 0; ; attempt++ {
		if b.nc, err = nats.Connect(cfg.URL, opts...); err == nil {
			break
		}
		if time.Now().After(deadline) {
			return nil, fmt.Errorf("bus: connect to NATS at %s: %w", cfg.URL, err)
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(backoff(attempt)):
		}
	}
	if b.js, err = jetstream.New(b.nc); err != nil {
		b.nc.Close()
		return nil, fmt.Errorf("bus: jetstream: %w", err)
	}
	if err := b.ensureStreams(ctx); err != nil {
		b.nc.Close()
		return nil, err
	}
	return b, nil
}

// backoff is the wait before reconnect attempt n: 100 ms doubling to 5 s.
func backoff(n int) time.Duration {
	d := 100 * time.Millisecond << min(n, 6)
	return min(d, 5*time.Second)
}

func (b *Bus) ensureStreams(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	_, err := b.js.CreateOrUpdateStream(ctx, jetstream.StreamConfig{Name: b.live,
		Subjects: []string{b.cfg.Prefix + ".live.>"}, Storage: jetstream.FileStorage,
		Retention: jetstream.LimitsPolicy, MaxAge: b.cfg.Retention, Duplicates: 2 * time.Minute,
		Description: "bando live writes: positions, observations, registry, ticks, acknowledgements"})
	if err != nil {
		return fmt.Errorf("bus: stream %s: %w", b.live, err)
	}
	_, err = b.js.CreateOrUpdateStream(ctx, jetstream.StreamConfig{Name: b.alerts,
		Subjects: []string{b.subj.alerts}, Storage: jetstream.FileStorage, Retention: jetstream.LimitsPolicy,
		MaxAge: b.cfg.Retention, Duplicates: b.cfg.Retention,
		Description: "bando alert changes, once each (Nats-Msg-Id = alert id:version)"})
	if err != nil {
		return fmt.Errorf("bus: stream %s: %w", b.alerts, err)
	}
	return nil
}

func (b *Bus) connUp() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.conn, b.connDrop = context.WithCancel(context.Background())
}

func (b *Bus) connLost() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.connDrop()
}

func (b *Bus) connCtx() context.Context {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.conn
}

// Health reports the connection: nil when connected, else why not.
func (b *Bus) Health() (map[string]any, error) {
	st := b.nc.Status()
	b.mu.Lock()
	d := map[string]any{"status": strings.ToLower(st.String()), "url": b.cfg.URL, "stream": b.live,
		"applied_seq": b.applied}
	lastErr := b.lastError
	b.mu.Unlock()
	if lastErr != nil {
		d["consumer_error"] = lastErr.Error()
	}
	if st != nats.CONNECTED {
		return d, errors.New("bus: NATS " + strings.ToLower(st.String()))
	}
	// How far behind the stream this replica is (messages not yet applied).
	ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
	defer cancel()
	if s, err := b.js.Stream(ctx, b.live); err == nil {
		last := s.CachedInfo().State.LastSeq
		d["stream_last_seq"] = last
		if applied := d["applied_seq"].(uint64); last > applied {
			d["lag"] = last - applied
		} else {
			d["lag"] = uint64(0)
		}
	}
	return d, nil
}

// Close stops the consumers and closes the connection.
func (b *Bus) Close() {
	if b == nil {
		return
	}
	b.closeOnce.Do(func() {
		if b.stop != nil {
			b.stop()
		}
		b.wg.Wait()
		b.nc.Close()
	})
}
