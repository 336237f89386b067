package twin

import (
	"context"
	"encoding/binary"
	"errors"
	"slices"
	"strings"
	"time"

	"bando/store"
)

// ObjectState is one object's state at a time.
type ObjectState struct {
	ID     string    `json:"id"`
	Layer  string    `json:"layer"`
	T      time.Time `json:"t"`
	Lon    float64   `json:"lon"`
	Lat    float64   `json:"lat"`
	SOG    *float64  `json:"sog,omitempty"`
	COG    *float64  `json:"cog,omitempty"`
	Source string    `json:"source,omitempty"`
	Status string    `json:"status,omitempty"`
}

func stateOf(id, layer string, f fix) ObjectState {
	s := ObjectState{ID: id, Layer: layer, T: f.T, Lon: f.Lon, Lat: f.Lat, Source: f.Source, Status: f.Status}
	if f.SOG == f.SOG {
		s.SOG = ptr(f.SOG)
	}
	if f.COG == f.COG {
		s.COG = ptr(f.COG)
	}
	return s
}

// State returns every object's state at T — its last fix at or before T —
// in id order. Objects whose latest fix is after T are read from their
// tracks (one seek each).
func (t *Twin) State(ctx context.Context, at time.Time) ([]ObjectState, error) {
	type past struct{ id, layer string }
	var out []ObjectState
	var older []past
	t.mu.Lock()
	for _, o := range t.objects {
		switch {
		case !o.has:
		case !o.last.T.After(at):
			out = append(out, stateOf(o.id, o.layer, o.last))
		default:
			older = append(older, past{o.id, o.layer})
		}
	}
	t.mu.Unlock()
	if s := t.cfg.Store; s != nil {
		for _, p := range older {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
			prefix := store.TrackPrefix(p.layer, p.id)
			hi := store.TrackKey(p.layer, p.id, at.Add(time.Nanosecond))
			k, v, found, err := s.LastRawBefore(prefix, hi)
			if err != nil {
				return nil, err
			}
			if !found || len(k) != len(prefix)+8 {
				continue
			}
			tp, err := store.DecodeTrackPoint(trackKeyTime(k[len(prefix):]), v)
			if err != nil {
				return nil, err
			}
			out = append(out, stateOf(p.id, p.layer, fix{T: tp.T, Lon: tp.Lon, Lat: tp.Lat, SOG: tp.SOG,
				COG: tp.COG, Source: tp.Source, Status: tp.Status}))
		}
	}
	slices.SortFunc(out, func(a, b ObjectState) int { return strings.Compare(a.ID, b.ID) })
	return out, nil
}

func trackKeyTime(b []byte) time.Time {
	return time.Unix(0, int64(binary.BigEndian.Uint64(b)^(1<<63))).UTC()
}

// Known reports whether the twin holds an object with this id.
func (t *Twin) Known(id string) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	_, ok := t.objects[id]
	return ok
}

// ErrNoStore is returned for history asked of a twin without a store.
var ErrNoStore = errors.New("twin: no store: tracks are not kept")

// Track calls fn for every fix of object id with from <= T <= to.
func (t *Twin) Track(ctx context.Context, id string, from, to time.Time, fn func(store.TrackPoint) error) error {
	if t.cfg.Store == nil {
		return ErrNoStore
	}
	return t.cfg.Store.Track(ctx, t.cfg.Layer, id, from, to, fn)
}

// Alerts returns copies of the alerts the filter selects, newest first.
func (t *Twin) Alerts(f AlertFilter) []Alert {
	t.mu.Lock()
	defer t.mu.Unlock()
	var out []Alert
	for i := len(t.alerts.all) - 1; i >= 0; i-- {
		if a := t.alerts.all[i]; f.match(a) {
			out = append(out, cloneAlert(a))
		}
	}
	return out
}

// AllAlerts returns every alert in a deterministic order (opening time,
// kind, objects, zone): what a replay prints.
func (t *Twin) AllAlerts() []Alert {
	t.mu.Lock()
	as := slices.Clone(t.alerts.all)
	t.mu.Unlock()
	sortAlerts(as)
	out := make([]Alert, len(as))
	for i, a := range as {
		out[i] = cloneAlert(a)
	}
	return out
}

func cloneAlert(a *Alert) Alert {
	c := *a
	c.Objects = slices.Clone(a.Objects)
	c.Evidence = slices.Clone(a.Evidence)
	if a.Ack != nil {
		ack := *a.Ack
		c.Ack = &ack
	}
	return c
}

// Alert errors.
var (
	ErrNoAlert  = errors.New("twin: no such alert")
	ErrResolved = errors.New("twin: the alert is already resolved")
)

// Ack acknowledges an open alert, durably, and returns it. With a relay
// the acknowledgement goes through the shared log, so that every replica
// applies it; the answer is the alert once this replica has.
func (t *Twin) Ack(ctx context.Context, id, by, note string) (Alert, error) {
	ack := Ack{By: by, At: t.cfg.Now().UTC(), Note: note}
	r := t.relay
	if r == nil {
		return t.ack(id, ack, 0)
	}
	t.mu.Lock()
	a := t.alerts.byID[id]
	var err error
	switch {
	case a == nil:
		err = ErrNoAlert
	case a.State == Resolved:
		err = ErrResolved
	}
	t.mu.Unlock()
	if err != nil {
		return Alert{}, err
	}
	if err := r.Ack(ctx, id, ack); err != nil {
		return Alert{}, err
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	c := cloneAlert(t.alerts.byID[id])
	if c.Ack == nil && c.State != Resolved { // not applied here yet: what it will be
		c.State, c.Ack = Acknowledged, &ack
	}
	return c, nil
}

// ack applies an acknowledgement; seq as in positions.
func (t *Twin) ack(id string, ack Ack, seq uint64) (Alert, error) {
	u := t.newUpdate()
	u.seq = seq
	t.mu.Lock()
	a := t.alerts.byID[id]
	switch {
	case a == nil:
		t.mu.Unlock()
		u.finish(t, ErrNoAlert)
		return Alert{}, ErrNoAlert
	case a.State == Resolved:
		t.mu.Unlock()
		u.finish(t, ErrResolved)
		return Alert{}, ErrResolved
	}
	a.State = Acknowledged
	a.Ack = &ack
	t.alerts.touch(a)
	c := cloneAlert(a)
	err := u.apply(t)
	t.mu.Unlock()
	return c, u.finish(t, err)
}
