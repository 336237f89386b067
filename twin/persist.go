package twin

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math"
	"time"

	"bando/ingest/feeds"
	"bando/spatial"
	"bando/store"
)

// Raw keys of the twin (besides the tracks, see store/track.go):
//
//	obj/<layer>/<id>            an object the twin has a track of
//	vessel/<id>                 a registry record (JSON)
//	alert/<8-byte seq>          an alert (JSON), rewritten on each change
//	obs/<layer>/<sensor>/<quantity>\x00<8-byte time>  an observation
//	outbox/<sink>/<8-byte seq>  an alert change owed to a sink
const (
	vesselPrefix = "vessel/"
	alertPrefix  = "alert/"
)

func objectPrefix(layer string) []byte { return []byte("obj/" + layer + "/") }

func objectKey(layer, id string) []byte { return append(objectPrefix(layer), id...) }

func alertKey(seq uint64) []byte { return binary.BigEndian.AppendUint64([]byte(alertPrefix), seq) }

func obsKey(layer, sensor, quantity string, t time.Time) []byte {
	k := []byte("obs/" + layer + "/" + sensor + "/" + quantity + "\x00")
	return binary.BigEndian.AppendUint64(k, uint64(t.UnixNano())^(1<<63))
}

// restore loads the registry, every object's last fix and every alert.
// Rule memory (pairs, groups, consecutive counts) starts afresh: it is
// rebuilt from the fixes that follow, and open alerts stay open.
func (t *Twin) restore(ctx context.Context) error {
	s := t.cfg.Store
	if s == nil {
		return nil
	}
	err := s.ScanRawPrefix(ctx, []byte(vesselPrefix), func(k, v []byte) error {
		var ve feeds.Vessel
		if err := json.Unmarshal(v, &ve); err != nil {
			return fmt.Errorf("twin: restore vessel %q: %w", k, err)
		}
		t.vessels[ve.ID] = &ve
		if ve.MMSI != 0 {
			t.byMMSI[ve.MMSI] = ve.ID
		}
		return nil
	})
	if err != nil {
		return err
	}
	if err := t.restoreObjects(ctx); err != nil {
		return err
	}
	err = s.ScanRawPrefix(ctx, []byte(alertPrefix), func(k, v []byte) error {
		a := &Alert{}
		if err := json.Unmarshal(v, a); err != nil {
			return fmt.Errorf("twin: restore alert %q: %w", k, err)
		}
		a.seq = binary.BigEndian.Uint64(k[len(alertPrefix):])
		t.alerts.add(a)
		return nil
	})
	return err
}

// restoreObjects gives every recorded object its latest fix: the end of
// its track (out-of-order fixes are in the track too, in time order).
func (t *Twin) restoreObjects(ctx context.Context) error {
	st := t.cfg.Store
	prefix := objectPrefix(t.cfg.Layer)
	var ids []string
	err := st.ScanRawPrefix(ctx, prefix, func(k, _ []byte) error {
		ids = append(ids, string(k[len(prefix):]))
		return nil
	})
	if err != nil {
		return err
	}
	var fs []*spatial.Feature
	for _, id := range ids {
		p, found, err := t.lastFix(ctx, id)
		if err != nil {
			return fmt.Errorf("twin: restore %q: %w", id, err)
		}
		if !found {
			continue
		}
		o := &object{id: id, layer: t.cfg.Layer, has: true, stored: true, vessel: t.vessels[id],
			last: fix{T: p.T, Arrived: p.Arrived, Lon: p.Lon, Lat: p.Lat, SOG: p.SOG, COG: p.COG,
				Source: p.Source, Status: p.Status}}
		o.portDist = t.portDistance(o.last.Lon, o.last.Lat)
		t.objects[id] = o
		t.grid.move(o)
		m := t.props.snapshot(o)
		fs = append(fs, t.props.feature(&m, nil))
		if p.T.After(t.clock) {
			t.clock = p.T
		}
	}
	if len(fs) > 0 {
		t.cfg.Index.Put(t.cfg.Layer, 0, fs)
	}
	return nil
}

// lastFix is the last fix of an object's track: one seek, or a scan when
// the seek lands on another id's key (an id that extends this one).
func (t *Twin) lastFix(ctx context.Context, id string) (store.TrackPoint, bool, error) {
	prefix := store.TrackPrefix(t.cfg.Layer, id)
	hi := append(bytes.Clone(prefix), 0xff)
	k, v, found, err := t.cfg.Store.LastRawBefore(prefix, hi)
	if err != nil || !found {
		return store.TrackPoint{}, false, err
	}
	if len(k) == len(prefix)+8 {
		p, err := store.DecodeTrackPoint(trackKeyTime(k[len(prefix):]), v)
		return p, err == nil, err
	}
	var last store.TrackPoint
	found = false
	err = t.cfg.Store.Track(ctx, t.cfg.Layer, id, time.Unix(0, math.MinInt64), time.Unix(0, math.MaxInt64),
		func(p store.TrackPoint) error { last, found = p, true; return nil })
	return last, found, err
}

func (t *Twin) portDistance(lon, lat float64) float64 {
	if t.maxPort <= 0 || math.IsNaN(lon) {
		return math.Inf(1)
	}
	return nearest(t.cfg.Index, t.cfg.Rules.Ports, lon, lat, t.maxPort)
}
