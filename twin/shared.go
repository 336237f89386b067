package twin

import (
	"bytes"
	"context"
	"encoding/binary"
	"time"

	"bando/ingest/feeds"
)

// Relay carries the twin's writes through a shared, ordered log (the NATS
// bus of several replicas, see package bus) instead of applying them here.
// Each method returns once the write is durable in the log; the log's
// consumer then applies it to every replica's twin through the Apply
// methods, in log order, so all replicas hold the same state and raise
// the same alert changes.
type Relay interface {
	Positions(ctx context.Context, ps []feeds.Position) error
	Observations(ctx context.Context, os []feeds.Observation) error
	Vessels(ctx context.Context, vs []feeds.Vessel) error
	// Tick carries the clock of the silence rules: they then fire at the
	// same point of the log on every replica, not at each one's moment.
	Tick(ctx context.Context, now time.Time) error
	Ack(ctx context.Context, id string, ack Ack) error
}

// appliedKey holds the last log sequence the twin has applied, written
// with the state that sequence produced (see update.finish).
const appliedKey = "twin/applied"

// SetRelay routes the twin's writes (Positions, Observations, Vessels,
// Tick, Ack) through r, and names alerts by what they are (stableID) so
// that every replica names an alert alike. Call it before the twin takes
// any write.
func (t *Twin) SetRelay(r Relay) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.relay = r
	t.alerts.stable = r != nil
}

// Applied returns the last log sequence whose writes are durable in the
// twin's store (0: none): the consumer resumes after it.
func (t *Twin) Applied() (uint64, error) {
	if t.cfg.Store == nil {
		return 0, nil
	}
	k := []byte(appliedKey)
	key, v, found, err := t.cfg.Store.LastRawBefore(k, append(bytes.Clone(k), 0))
	if err != nil || !found || !bytes.Equal(key, k) || len(v) != 8 {
		return 0, err
	}
	return binary.BigEndian.Uint64(v), nil
}

// ApplyPositions applies fixes read from the log at seq.
func (t *Twin) ApplyPositions(ps []feeds.Position, seq uint64) error { return t.positions(ps, seq) }

// ApplyObservations applies observations read from the log at seq.
func (t *Twin) ApplyObservations(os []feeds.Observation, seq uint64) error {
	return t.observations(os, seq)
}

// ApplyVessels applies registry records read from the log at seq.
func (t *Twin) ApplyVessels(vs []feeds.Vessel, seq uint64) error { return t.vesselRecords(vs, seq) }

// ApplyTick runs the silence rules at now, read from the log at seq.
func (t *Twin) ApplyTick(now time.Time, seq uint64) error { return t.tick(now.UTC(), seq) }

// ApplyAck applies an acknowledgement read from the log at seq. An alert
// this replica does not hold, or holds resolved, is not an error of the
// log: it answers ErrNoAlert or ErrResolved and changes nothing.
func (t *Twin) ApplyAck(id string, ack Ack, seq uint64) error {
	_, err := t.ack(id, ack, seq)
	return err
}
