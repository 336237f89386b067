package postgis

import (
	"context"
	"fmt"
	"time"

	"bando/store"

	"github.com/jackc/pgx/v5"
	"github.com/paulmach/orb"
)

// Reading the feed back from bando_changes (see follow.go for the loop).

// changeRow is one row of bando_changes.
type changeRow struct {
	seq, version int64
	ord          int32
	layer, id    string
	kind         string
	at           time.Time
	oldBox       []float64
	newBox       []float64
}

// catchUp publishes the writes after the last published sequence, up to
// followBatch of them, and returns how many it published.
func (f *follower) catchUp(ctx context.Context) (int, error) {
	last := f.Seq()
	rows, err := f.s.pool.Query(ctx, `SELECT seq, ord, layer, id, kind, version, at, old_box, new_box FROM bando_changes
		WHERE seq > $1 AND seq <= (SELECT max(seq) FROM (SELECT DISTINCT seq FROM bando_changes WHERE seq > $1 ORDER BY seq LIMIT $2) s)
		ORDER BY seq, ord`, int64(last), followBatch)
	if err != nil {
		return 0, fmt.Errorf("postgis: read changes: %w", err)
	}
	crs, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (changeRow, error) {
		var c changeRow
		return c, r.Scan(&c.seq, &c.ord, &c.layer, &c.id, &c.kind, &c.version, &c.at, &c.oldBox, &c.newBox)
	})
	if err != nil {
		return 0, fmt.Errorf("postgis: read changes: %w", err)
	}
	loaded, err := f.reload(ctx, crs)
	if err != nil {
		return 0, err
	}
	n := 0
	for len(crs) > 0 {
		end := 1
		for end < len(crs) && crs[end].seq == crs[0].seq {
			end++
		}
		f.publish(crs[:end], loaded)
		crs = crs[end:]
		n++
	}
	return n, nil
}

// reload reads, in one query per layer, the features upserted by the
// writes of other processes among crs, as they are stored now.
func (f *follower) reload(ctx context.Context, crs []changeRow) (map[string]map[string]row, error) {
	ids := map[string][]string{}
	f.mu.Lock()
	for _, c := range crs {
		if _, local := f.local[uint64(c.seq)]; !local && c.kind == string(store.Upsert) {
			ids[c.layer] = append(ids[c.layer], c.id)
		}
	}
	f.mu.Unlock()
	loaded := map[string]map[string]row{}
	for layer, ids := range ids {
		t, known := f.s.tables[layer]
		if !known {
			continue
		}
		m := map[string]row{}
		err := f.s.scanRows(ctx, t, "WHERE id = ANY($1)", []any{ids}, func(r row) error {
			m[r.id] = r
			return nil
		})
		if err != nil {
			return nil, err
		}
		loaded[layer] = m
	}
	return loaded, nil
}

// publish publishes one write (the rows of one sequence) and wakes its
// waiters.
func (f *follower) publish(crs []changeRow, loaded map[string]map[string]row) {
	seq := uint64(crs[0].seq)
	f.mu.Lock()
	cs, local := f.local[seq]
	f.mu.Unlock()
	if !local {
		cs = f.remote(crs, loaded[crs[0].layer])
	}
	f.s.feed.Publish(cs)
	f.mu.Lock()
	defer f.mu.Unlock()
	delete(f.local, seq)
	f.last = seq
	for s, chs := range f.waiters {
		if s <= seq {
			for _, ch := range chs {
				ch <- nil
			}
			delete(f.waiters, s)
		}
	}
}

// remote turns another process's write into changes, with the upserted
// features reloaded by id (see reload). Every change is published; a feature replaced
// since comes as it is now (a higher Seq; the index keeps the newest), one
// deleted since comes without a feature (the delete follows in the feed).
// A layer this process does not serve is skipped.
func (f *follower) remote(crs []changeRow, loaded map[string]row) []store.Change {
	layer := crs[0].layer
	t, known := f.s.tables[layer]
	if !known {
		return nil
	}
	cs := make([]store.Change, 0, len(crs))
	for _, c := range crs {
		ch := store.Change{Layer: c.layer, ID: c.id, Kind: store.ChangeKind(c.kind), Old: bound(c.oldBox),
			New: bound(c.newBox), Version: uint64(c.version), Seq: uint64(c.seq), Time: c.at.UTC()}
		if r, ok := loaded[c.id]; ok && ch.Kind == store.Upsert {
			feat, err := r.feature()
			if err != nil {
				f.s.log.Error("postgis: changed feature does not decode", "layer", layer, "id", c.id, "err", err)
			}
			ch.Feature, ch.Schema = feat, t.l
		}
		cs = append(cs, ch)
	}
	return cs
}

func bound(b []float64) *orb.Bound {
	if len(b) != 4 {
		return nil
	}
	return &orb.Bound{Min: orb.Point{b[0], b[1]}, Max: orb.Point{b[2], b[3]}}
}
