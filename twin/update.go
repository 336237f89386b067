package twin

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"time"

	"bando/ingest/feeds"
	"bando/spatial"
	"bando/store"

	"github.com/paulmach/orb"
)

// update is one call's worth of changes: the raw batch for the store, the
// index features, the moved bounds and the stream events. It is filled
// under the twin's mutex, applied to the store under it (so commit order
// is update order), and finished (fsync, index, events) outside it.
type update struct {
	// batch holds what must be applied in update order (alerts, outbox,
	// registry, new objects): it is applied under the twin's mutex.
	// tracks holds the fixes, whose keys are their times: order does not
	// matter, so it is applied outside the mutex.
	batch  *store.RawBatch
	tracks *store.RawBatch
	buf    []byte
	feats  []*spatial.Feature
	bounds []orb.Bound
	events []Event
	pevs   []PositionEvent // the position events' data, one allocation
	moves  []moved         // objects whose features finish builds
	fixes  []moved         // fixes for the track, encoded by finish
	slab   *slab
	alerts []*Alert
	err    error // the first encoding error
	// seq, when not 0, is the shared log's sequence the update ends at:
	// written with its last commit (see shared.go).
	seq uint64
}

func (t *Twin) newUpdate() *update {
	u := &update{}
	if t.cfg.Store != nil {
		u.batch = t.cfg.Store.NewRawBatch()
		u.tracks = t.cfg.Store.NewRawBatch()
	}
	return u
}

func (u *update) set(k, v []byte) {
	if u.batch != nil && u.err == nil {
		u.err = u.batch.Set(k, v)
	}
}

// track stores one fix of o under its time; the first fix of an object
// also records the object, so a restart finds it (and its last fix at the
// end of its track) without scanning every track.
func (u *update) track(t *Twin, o *object, f fix) {
	if u.tracks == nil {
		return
	}
	if !o.stored {
		o.stored = true
		u.set(objectKey(o.layer, o.id), nil)
	}
	u.fixes = append(u.fixes, moved{id: o.id, layer: o.layer, f: f})
}

// writeTracks encodes the update's fixes into the tracks batch, outside
// the twin's mutex.
func (u *update) writeTracks() error {
	var key []byte
	for i := range u.fixes {
		m := &u.fixes[i]
		u.buf = store.EncodeTrackPoint(u.buf[:0], trackPoint(m.f))
		key = append(append(append(append(key[:0], "track/"...), m.layer...), '/'), m.id...)
		key = binary.BigEndian.AppendUint64(append(key, '/'), uint64(m.f.T.UnixNano())^(1<<63))
		if err := u.tracks.Set(key, u.buf); err != nil {
			return err
		}
	}
	return nil
}

// moved queues o's new feature for the index and its position event.
func (u *update) moved(t *Twin, o *object) {
	u.moves = append(u.moves, t.props.snapshot(o))
}

func (u *update) vessel(v *feeds.Vessel) {
	b, err := json.Marshal(v)
	if err != nil {
		u.err = fmt.Errorf("twin: encode vessel %s: %w", v.ID, err)
		return
	}
	u.set(append([]byte(vesselPrefix), v.ID...), b)
}

// apply persists the alerts the update changed (and their outbox entries)
// and applies the batch. It runs under the twin's mutex.
func (u *update) apply(t *Twin) error {
	u.alerts = t.alerts.takeChanged()
	for _, a := range u.alerts {
		b, err := encodeAlert(a)
		if err != nil {
			return err
		}
		u.set(alertKey(a.seq), b)
		if t.cfg.Outbox != nil && u.batch != nil {
			if err := t.cfg.Outbox.enqueue(u.batch, a, b); err != nil {
				return err
			}
		}
		u.events = append(u.events, Event{Topic: TopicAlerts, Layer: a.Layer, Data: b})
	}
	if u.err != nil || u.batch == nil {
		return u.err
	}
	if u.batch.Len() == 0 {
		u.batch.Close()
		u.batch = nil
		return nil
	}
	return u.batch.Apply()
}

// finish waits for the batch to be durable, then shows the update: index,
// tiles, stream, outbox.
func (u *update) finish(t *Twin, err error) error {
	if err != nil {
		if u.batch != nil {
			u.batch.Close()
		}
		if u.tracks != nil {
			u.tracks.Close()
		}
		return err
	}
	if u.tracks != nil {
		if u.seq != 0 {
			// In the batch committed last: once it is durable, so is
			// everything the update wrote before it.
			u.err = u.tracks.Set([]byte(appliedKey), binary.BigEndian.AppendUint64(nil, u.seq))
		}
		if u.err != nil {
			u.tracks.Close()
			if u.batch != nil {
				u.batch.Wait()
			}
			return u.err
		}
		if err := u.writeTracks(); err != nil {
			u.tracks.Close()
			if u.batch != nil {
				u.batch.Wait()
			}
			return err
		}
		if u.tracks.Len() == 0 {
			u.tracks.Close()
		} else if err := u.tracks.Commit(); err != nil {
			if u.batch != nil {
				u.batch.Wait()
			}
			return err
		}
	}
	if u.batch != nil {
		if err := u.batch.Wait(); err != nil {
			return err
		}
	}
	u.build(t)
	if len(u.feats) > 0 {
		t.cfg.Index.Put(t.cfg.Layer, 0, u.feats)
		if t.cfg.OnMove != nil {
			t.cfg.OnMove(t.cfg.Layer, u.bounds)
		}
	}
	t.cfg.Hub.Publish(u.events...)
	if len(u.alerts) > 0 && t.cfg.Outbox != nil {
		t.cfg.Outbox.wake()
	}
	return nil
}

// build makes the features and position events of the update's moves,
// outside the twin's mutex.
func (u *update) build(t *Twin) {
	if len(u.moves) == 0 {
		return
	}
	if u.slab == nil {
		u.slab = newSlab(len(u.moves), t.props.n)
	}
	if cap(u.pevs) < len(u.moves) {
		u.pevs = make([]PositionEvent, 0, len(u.moves))
	}
	pos := make([]Event, 0, len(u.moves)+len(u.events))
	for i := range u.moves {
		m := &u.moves[i]
		f := t.props.feature(m, u.slab)
		u.feats = append(u.feats, f)
		u.bounds = append(u.bounds, f.Bound)
		u.pevs = append(u.pevs, positionEvent(m))
		pos = append(pos, Event{Topic: TopicPositions, Layer: m.layer, Data: &u.pevs[len(u.pevs)-1]})
	}
	u.events = append(pos, u.events...)
}

func trackPoint(f fix) store.TrackPoint {
	return store.TrackPoint{T: f.T, Arrived: f.Arrived, Lon: f.Lon, Lat: f.Lat, SOG: f.SOG, COG: f.COG,
		Source: f.Source, Status: f.Status}
}

// PositionEvent is the stream's position message.
type PositionEvent struct {
	ID     string    `json:"id"`
	Layer  string    `json:"layer"`
	T      time.Time `json:"t"`
	Lon    float64   `json:"lon"`
	Lat    float64   `json:"lat"`
	SOG    *float64  `json:"sog,omitempty"`
	COG    *float64  `json:"cog,omitempty"`
	Source string    `json:"source,omitempty"`
}

func positionEvent(m *moved) PositionEvent {
	e := PositionEvent{ID: m.id, Layer: m.layer, T: m.f.T, Lon: m.f.Lon, Lat: m.f.Lat, Source: m.f.Source}
	if m.f.SOG == m.f.SOG {
		e.SOG = ptr(m.f.SOG)
	}
	if m.f.COG == m.f.COG {
		e.COG = ptr(m.f.COG)
	}
	return e
}
