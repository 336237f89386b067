package postgis

import (
	"context"
	"fmt"
	"strings"
	"time"

	"bando/ingest"
	"bando/layers"
	"bando/spatial"
	"bando/store"

	"github.com/jackc/pgx/v5"
	"github.com/paulmach/orb"
)

// assignedBase is where store-assigned feature numbers start, as in the
// embedded store (below 2^53, so JavaScript reads them exactly).
const assignedBase = 1 << 52

// copyMin is the batch size from which a Put of only new features goes
// through COPY instead of one INSERT … SELECT FROM unnest(…): below it the
// two cost the same round trips, above it COPY is cheaper per row.
const copyMin = 1000

// writeTx is one Put or Delete inside its transaction.
type writeTx struct {
	tx       pgx.Tx
	t        *table
	seq      uint64
	version  uint64
	assigned uint64
	now      time.Time
}

// beginCall starts one Put or Delete call inside a group's transaction
// tx (a savepoint): it draws the call's sequence and reads the layer's
// meta, which earlier calls of the group may have changed.
func beginCall(ctx context.Context, tx pgx.Tx, t *table, now time.Time) (*writeTx, error) {
	w := &writeTx{tx: tx, t: t, now: now}
	b := &pgx.Batch{}
	b.Queue("SELECT nextval('bando_commit_seq')").QueryRow(func(r pgx.Row) error { return r.Scan(&w.seq) })
	b.Queue("INSERT INTO bando_layers (layer) VALUES ($1) ON CONFLICT (layer) DO NOTHING", t.l.ID)
	b.Queue("SELECT version, assigned FROM bando_layers WHERE layer = $1", t.l.ID).QueryRow(func(r pgx.Row) error {
		return r.Scan(&w.version, &w.assigned)
	})
	if err := tx.SendBatch(ctx, b).Close(); err != nil {
		return nil, fmt.Errorf("postgis: begin write to %s: %w", t.l.ID, err)
	}
	w.version++
	return w, nil
}

// oldRow is what a write needs of a stored feature.
type oldRow struct {
	num   uint64
	bound orb.Bound
}

// old locks and returns the stored rows among ids. The bounds come from
// the geometry (ST_XMin… compute them in double precision), not from the
// GiST index's float boxes.
func (w *writeTx) old(ctx context.Context, ids []string) (map[string]oldRow, error) {
	rows, err := w.tx.Query(ctx, fmt.Sprintf(`SELECT id, num, ST_XMin(geom), ST_YMin(geom), ST_XMax(geom), ST_YMax(geom)
		FROM %s WHERE id = ANY($1) FOR UPDATE`, w.t.name), ids)
	if err != nil {
		return nil, fmt.Errorf("postgis: read %s: %w", w.t.l.ID, err)
	}
	defer rows.Close()
	old := make(map[string]oldRow)
	for rows.Next() {
		var id string
		var num int64
		var b orb.Bound
		if err := rows.Scan(&id, &num, &b.Min[0], &b.Min[1], &b.Max[0], &b.Max[1]); err != nil {
			return nil, fmt.Errorf("postgis: read %s: %w", w.t.l.ID, err)
		}
		old[id] = oldRow{num: uint64(num), bound: b}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("postgis: read %s: %w", w.t.l.ID, err)
	}
	return old, nil
}

// record writes the call's changes to bando_changes and the layer's new
// meta.
func (w *writeTx) record(ctx context.Context, cs []store.Change) error {
	rows := make([][]any, len(cs))
	for i, c := range cs {
		rows[i] = []any{int64(w.seq), int32(i), c.Layer, c.ID, string(c.Kind), int64(w.version), w.now, box(c.Old), box(c.New)}
	}
	if _, err := w.tx.CopyFrom(ctx, pgx.Identifier{"bando_changes"},
		[]string{"seq", "ord", "layer", "id", "kind", "version", "at", "old_box", "new_box"}, pgx.CopyFromRows(rows)); err != nil {
		return fmt.Errorf("postgis: record changes of %s: %w", w.t.l.ID, err)
	}
	if _, err := w.tx.Exec(ctx, "UPDATE bando_layers SET version = $2, assigned = $3 WHERE layer = $1",
		w.t.l.ID, int64(w.version), int64(w.assigned)); err != nil {
		return fmt.Errorf("postgis: write %s: %w", w.t.l.ID, err)
	}
	return nil
}

func box(b *orb.Bound) []float64 {
	if b == nil {
		return nil
	}
	return []float64{b.Min[0], b.Min[1], b.Max[0], b.Max[1]}
}

// Put implements store.Store: one transaction; the features are upserted
// by id and the changes carry the bounds they replace.
func (s *Store) Put(ctx context.Context, l *layers.Layer, fs []*spatial.Feature) ([]store.Change, error) {
	return s.put(ctx, l, fs, false)
}

// CopyLayer stores features that are all new to the layer through COPY,
// in one transaction, whatever their number (Put does the same on its own
// for batches of new features from copyMin on). An id already stored
// fails the whole call and stores nothing.
func (s *Store) CopyLayer(ctx context.Context, l *layers.Layer, fs []*spatial.Feature) ([]store.Change, error) {
	return s.put(ctx, l, fs, true)
}

func (s *Store) put(ctx context.Context, l *layers.Layer, fs []*spatial.Feature, copyOnly bool) ([]store.Change, error) {
	if len(fs) == 0 {
		return nil, nil
	}
	t, err := s.table(l)
	if err != nil {
		return nil, err
	}
	ids := make([]string, len(fs))
	geoms := make([][]byte, len(fs))
	seen := make(map[string]struct{}, len(fs))
	for i, f := range fs {
		if _, dup := seen[f.ID]; dup {
			return nil, fmt.Errorf("store: feature id %q twice in one write", f.ID)
		}
		seen[f.ID] = struct{}{}
		ids[i] = f.ID
		if err := storable(l, i, f); err != nil {
			return nil, err
		}
		if geoms[i], err = encodeGeom(f.Geom); err != nil {
			return nil, fmt.Errorf("store: encode geometry of %q: %w", f.ID, err)
		}
	}
	return s.write(ctx, t, func(ctx context.Context, w *writeTx) ([]store.Change, error) {
		return w.put(ctx, fs, ids, geoms, copyOnly)
	})
}

func (w *writeTx) put(ctx context.Context, fs []*spatial.Feature, ids []string, geoms [][]byte, copyOnly bool) ([]store.Change, error) {
	var err error
	old := map[string]oldRow{}
	if !copyOnly {
		if old, err = w.old(ctx, ids); err != nil {
			return nil, err
		}
	}
	cs := make([]store.Change, len(fs))
	for i, f := range fs {
		o, found := old[f.ID]
		if n, ok := spatial.NumericID(f.ID); ok {
			f.Num = n
		} else if found {
			f.Num = o.num
		} else {
			w.assigned++
			f.Num = assignedBase + w.assigned
		}
		f.Seq = w.seq
		nb := f.Bound
		cs[i] = store.Change{Layer: w.t.l.ID, ID: f.ID, Kind: store.Upsert, New: &nb, Version: w.version,
			Seq: w.seq, Time: w.now, Feature: f, Schema: w.t.l}
		if found {
			cs[i].Old = &o.bound
		}
	}
	if copyOnly || len(old) == 0 && len(fs) >= copyMin {
		err = w.copyRows(ctx, fs, geoms)
	} else {
		err = w.upsert(ctx, ids, fs, geoms)
	}
	if err != nil {
		return nil, err
	}
	return cs, w.record(ctx, cs)
}

// storable refuses text PostgreSQL cannot hold (a NUL character, which
// JSON can carry as \u0000) as bad input, before anything is written.
func storable(l *layers.Layer, i int, f *spatial.Feature) error {
	bad := func(field string) error {
		return &ingest.Error{Problems: []ingest.Problem{{Index: i, ID: f.ID, Field: field, Rule: ingest.RuleEncoding,
			Message: "contains a NUL character (\\u0000), which the database cannot store"}}}
	}
	if strings.IndexByte(f.ID, 0) >= 0 {
		return bad("id")
	}
	for j, v := range f.Props {
		if s, ok := v.(string); ok && j < len(l.Fields) && strings.IndexByte(s, 0) >= 0 {
			return bad(l.Fields[j].Name)
		}
	}
	return nil
}

// upsert writes the features with one INSERT … SELECT FROM unnest of one
// typed array per column.
func (w *writeTx) upsert(ctx context.Context, ids []string, fs []*spatial.Feature, geoms [][]byte) error {
	t := w.t
	nums := make([]int64, len(fs))
	for i, f := range fs {
		nums[i] = int64(f.Num)
	}
	args := []any{ids, nums, geoms, int64(w.seq), int64(w.version)}
	casts := []string{"$1::text[]", "$2::bigint[]", "$3::bytea[]"}
	aliases := []string{"id", "num", "g"}
	sel := []string{"u.id", "u.num", "$4", "$5", "ST_GeomFromEWKB(u.g)"}
	set := []string{"num = EXCLUDED.num", "seq = EXCLUDED.seq", "version = EXCLUDED.version", "geom = EXCLUDED.geom"}
	for i, fld := range t.l.Fields {
		col, err := column(fld, i, fs)
		if err != nil {
			return err
		}
		args = append(args, col)
		casts = append(casts, fmt.Sprintf("$%d::%s[]", len(args), sqlType(fld.Type)))
		aliases = append(aliases, fmt.Sprintf("c%d", i))
		sel = append(sel, fmt.Sprintf("u.c%d", i))
		set = append(set, t.cols[i]+" = EXCLUDED."+t.cols[i])
	}
	q := fmt.Sprintf("INSERT INTO %s (%s) SELECT %s FROM unnest(%s) AS u(%s) ON CONFLICT (id) DO UPDATE SET %s",
		t.name, "id, num, seq, version, geom"+prefixed(t.cols), join(sel), join(casts), join(aliases), join(set))
	if _, err := w.tx.Exec(ctx, q, args...); err != nil {
		return fmt.Errorf("postgis: write %s: %w", t.l.ID, err)
	}
	return nil
}

// copyRows writes new features through COPY.
func (w *writeTx) copyRows(ctx context.Context, fs []*spatial.Feature, geoms [][]byte) error {
	t := w.t
	i := -1
	src := pgx.CopyFromFunc(func() ([]any, error) {
		if i++; i >= len(fs) {
			return nil, nil
		}
		f := fs[i]
		row := make([]any, 5, 5+len(t.l.Fields))
		row[0], row[1], row[2], row[3], row[4] = f.ID, int64(f.Num), int64(w.seq), int64(w.version), geoms[i]
		for j, fld := range t.l.Fields {
			v, err := value(fld, f, j)
			if err != nil {
				return nil, err
			}
			row = append(row, v)
		}
		return row, nil
	})
	cols := append([]string{"id", "num", "seq", "version", "geom"}, t.names...)
	if _, err := w.tx.CopyFrom(ctx, pgx.Identifier{t.raw}, cols, src); err != nil {
		return fmt.Errorf("postgis: copy into %s: %w", t.l.ID, err)
	}
	return nil
}

// Delete implements store.Store; ids not stored are skipped, and a call
// that deletes nothing writes nothing.
func (s *Store) Delete(ctx context.Context, l *layers.Layer, ids []string) ([]store.Change, error) {
	t, err := s.table(l)
	if err != nil {
		return nil, err
	}
	var uniq []string
	seen := make(map[string]struct{}, len(ids))
	for _, id := range ids {
		if _, dup := seen[id]; !dup {
			seen[id] = struct{}{}
			uniq = append(uniq, id)
		}
	}
	if len(uniq) == 0 {
		return nil, nil
	}
	return s.write(ctx, t, func(ctx context.Context, w *writeTx) ([]store.Change, error) {
		return w.delete(ctx, uniq)
	})
}

func (w *writeTx) delete(ctx context.Context, uniq []string) ([]store.Change, error) {
	l, t := w.t.l, w.t
	old, err := w.old(ctx, uniq)
	if err != nil || len(old) == 0 {
		return nil, err
	}
	var cs []store.Change
	var gone []string
	for _, id := range uniq {
		if o, ok := old[id]; ok {
			cs = append(cs, store.Change{Layer: l.ID, ID: id, Kind: store.Delete, Old: &o.bound,
				Version: w.version, Seq: w.seq, Time: w.now})
			gone = append(gone, id)
		}
	}
	if _, err := w.tx.Exec(ctx, fmt.Sprintf("DELETE FROM %s WHERE id = ANY($1)", t.name), gone); err != nil {
		return nil, fmt.Errorf("postgis: delete from %s: %w", l.ID, err)
	}
	return cs, w.record(ctx, cs)
}
