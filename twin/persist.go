package twin

import (
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
//	last/<layer>/<id>\x00       the latest accepted fix, with its time
//	vessel/<id>                 a registry record (JSON)
//	alert/<8-byte seq>          an alert (JSON), rewritten on each change
//	obs/<layer>/<sensor>/<quantity>\x00<8-byte time>  an observation
//	outbox/<sink>/<8-byte seq>  an alert change owed to a sink
const (
	vesselPrefix = "vessel/"
	alertPrefix  = "alert/"
)

func lastPrefix(layer string) []byte { return []byte("last/" + layer + "/") }

func alertKey(seq uint64) []byte { return binary.BigEndian.AppendUint64([]byte(alertPrefix), seq) }

func timeBytes(t time.Time) []byte { return binary.BigEndian.AppendUint64(nil, uint64(t.UnixNano())) }

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
	prefix := lastPrefix(t.cfg.Layer)
	if err := t.restoreFeatures(ctx, prefix); err != nil {
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

func (t *Twin) restoreFeatures(ctx context.Context, prefix []byte) error {
	var fs []*spatial.Feature
	err := t.cfg.Store.ScanRawPrefix(ctx, prefix, func(k, v []byte) error {
		if len(k) < len(prefix)+1 || len(v) < 8 {
			return fmt.Errorf("twin: restore state %q: short record", k)
		}
		id := string(k[len(prefix) : len(k)-1])
		tm := time.Unix(0, int64(binary.BigEndian.Uint64(v[len(v)-8:]))).UTC()
		p, err := store.DecodeTrackPoint(tm, v[:len(v)-8])
		if err != nil {
			return fmt.Errorf("twin: restore state %q: %w", id, err)
		}
		o := &object{id: id, layer: t.cfg.Layer, has: true, vessel: t.vessels[id],
			last: fix{T: p.T, Arrived: p.Arrived, Lon: p.Lon, Lat: p.Lat, SOG: p.SOG, COG: p.COG,
				Source: p.Source, Status: p.Status}}
		o.portDist = t.portDistance(o.last.Lon, o.last.Lat)
		t.objects[id] = o
		t.grid.move(o)
		o.feat = t.props.feature(o, nil)
		fs = append(fs, o.feat)
		if p.T.After(t.clock) {
			t.clock = p.T
		}
		return nil
	})
	if err != nil {
		return err
	}
	if len(fs) > 0 {
		t.cfg.Index.Put(t.cfg.Layer, 0, fs)
	}
	return nil
}

func (t *Twin) portDistance(lon, lat float64) float64 {
	if t.maxPort <= 0 || math.IsNaN(lon) {
		return math.Inf(1)
	}
	return nearest(t.cfg.Index, t.cfg.Rules.Ports, lon, lat, t.maxPort)
}
