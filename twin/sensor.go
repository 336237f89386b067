package twin

import (
	"context"
	"encoding/binary"
	"math"
	"time"

	"bando/ingest/feeds"
	"bando/spatial"
)

// Observations implements feeds.Sink: every observation is stored; those
// newer than the sensor's last value of the quantity drive the rules.
func (t *Twin) Observations(ctx context.Context, os []feeds.Observation) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if r := t.relay; r != nil {
		return r.Observations(ctx, os)
	}
	return t.observations(os, 0)
}

func (t *Twin) observations(os []feeds.Observation, seq uint64) error {
	now := t.cfg.Now().UTC()
	u := t.newUpdate()
	u.seq = seq
	t.mu.Lock()
	for i := range os {
		at := now
		if seq != 0 && !os[i].Arrived.IsZero() {
			at = os[i].Arrived // as in positions
		}
		t.observation(u, &os[i], at)
	}
	err := u.apply(t)
	t.mu.Unlock()
	return u.finish(t, err)
}

// ObservationEvent is the stream's observation message.
type ObservationEvent struct {
	Sensor   string    `json:"sensor"`
	Layer    string    `json:"layer"`
	Quantity string    `json:"quantity"`
	T        time.Time `json:"t"`
	Value    float64   `json:"value"`
	Unit     string    `json:"unit,omitempty"`
}

func (t *Twin) observation(u *update, ob *feeds.Observation, now time.Time) {
	if ob.Arrived.IsZero() {
		ob.Arrived = now
	}
	ob.T = ob.T.UTC()
	s := t.sensors[ob.Sensor]
	if s == nil {
		s = &sensor{id: ob.Sensor, layer: t.cfg.SensorLayer, values: map[string]reading{}}
		t.sensors[ob.Sensor] = s
	}
	oc := accepted
	prev, seen := s.values[ob.Quantity]
	switch {
	case t.cfg.MaxAhead > 0 && ob.T.After(now.Add(t.cfg.MaxAhead)):
		oc = implausibleFuture
	case seen && ob.T.Equal(prev.T):
		oc = duplicate
	case seen && ob.T.Before(prev.T):
		oc = outOfOrder
	}
	c := t.obsCount[ob.Source]
	if c == nil {
		c = new([nOutcomes]uint64)
		t.obsCount[ob.Source] = c
	}
	c[oc]++
	if oc == duplicate || oc == implausibleFuture {
		return
	}
	if u.batch != nil {
		v := binary.LittleEndian.AppendUint64(u.buf[:0], math.Float64bits(ob.Value))
		v = binary.AppendVarint(v, ob.Arrived.UnixNano())
		u.buf = append(v, ob.Unit...)
		u.set(obsKey(s.layer, s.id, ob.Quantity, ob.T), u.buf)
	}
	if oc == outOfOrder {
		return
	}
	s.values[ob.Quantity] = reading{T: ob.T, Value: ob.Value, Unit: ob.Unit}
	t.advance(ob.T)
	if ob.T.After(s.last) {
		s.last = ob.T
	}
	t.alerts.resolve(KindStale, s.id, ob.T)
	t.threshold(s, ob)
	u.events = append(u.events, Event{Topic: TopicObservations, Layer: s.layer, Data: ObservationEvent{
		Sensor: s.id, Layer: s.layer, Quantity: ob.Quantity, T: ob.T, Value: ob.Value, Unit: ob.Unit}})
	t.sensorFeature(s, ob)
}

// threshold raises when a quantity reaches its rule's Raise and resolves
// only once it is back at Clear.
func (t *Twin) threshold(s *sensor, ob *feeds.Observation) {
	for _, r := range t.cfg.Rules.Thresholds {
		if r.Quantity != ob.Quantity {
			continue
		}
		subj := s.id + "|" + r.Quantity
		switch {
		case ob.Value >= r.Raise:
			level := r.Level
			if level == "" {
				level = "red"
			}
			t.alerts.raise(&Alert{Kind: KindThreshold, Level: level, Objects: []string{s.id}, Layer: s.layer,
				OpenedAt: ob.T, Zone: r.Quantity, Subject: subj, Evidence: []Evidence{{ID: s.id, T: ob.T,
					Quantity: ob.Quantity, Value: ptr(ob.Value)}}})
		case ob.Value <= r.Clear:
			t.alerts.resolve(KindThreshold, subj, ob.T)
		}
	}
}

// sensorFeature puts the sensor's latest value into its index feature, if
// the sensor layer holds it (sensors are placed by the catalog, not by
// their observations).
func (t *Twin) sensorFeature(s *sensor, ob *feeds.Observation) {
	f, ok := t.cfg.Index.Get(s.layer, s.id)
	if !ok || t.cfg.Catalog == nil {
		return
	}
	l, err := t.cfg.Catalog.Get(s.layer)
	if err != nil {
		return
	}
	nf := *f
	nf.Props = append([]any(nil), f.Props...)
	for len(nf.Props) < len(l.Fields) {
		nf.Props = append(nf.Props, nil)
	}
	set := func(name string, v any) {
		if i := l.FieldIndex(name); i >= 0 && l.Fields[i].Type.Accepts(v) {
			nf.Props[i] = v
		}
	}
	set("quantity", ob.Quantity)
	set("value", ob.Value)
	set("unit", ob.Unit)
	set("t", ob.T)
	t.cfg.Index.Put(s.layer, 0, []*spatial.Feature{&nf})
}
