package postgis

import (
	"context"
	"fmt"
	"log/slog"
	"runtime"
	"sync"

	"bando/layers"
	"bando/spatial"
	"bando/store"

	"github.com/jackc/pgx/v5"
	"golang.org/x/sync/errgroup"
)

// row is one scanned feature before its geometry is decoded.
type row struct {
	id    string
	num   int64
	seq   int64
	geom  []byte
	props []any
}

// rowReader scans feature rows of one table into rows.
type rowReader struct {
	t     *table
	dests []any
	vals  []func() any
	r     row
}

func newRowReader(t *table) *rowReader {
	rr := &rowReader{t: t}
	rr.dests = []any{&rr.r.id, &rr.r.num, &rr.r.seq, &rr.r.geom}
	for _, f := range t.l.Fields {
		d, v := scanDest(f.Type)
		rr.dests = append(rr.dests, d)
		rr.vals = append(rr.vals, v)
	}
	return rr
}

// next scans the current row; geom is a fresh slice (pgx copies into a
// []byte destination), so the row may go to another goroutine.
func (rr *rowReader) next(rows pgx.Rows) (row, error) {
	rr.r.geom = nil
	if err := rows.Scan(rr.dests...); err != nil {
		return row{}, err
	}
	r := rr.r
	r.props = make([]any, len(rr.vals))
	for i, v := range rr.vals {
		r.props[i] = v()
	}
	return r, nil
}

// feature decodes a row's geometry.
func (r row) feature() (*spatial.Feature, error) {
	g, err := decodeGeom(r.geom)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", store.ErrCorrupt, err)
	}
	return &spatial.Feature{ID: r.id, Num: uint64(r.num), Seq: uint64(r.seq), Geom: g, Bound: g.Bound(), Props: r.props}, nil
}

// Scan implements store.Store, in id order (bytewise, as the embedded store).
func (s *Store) Scan(ctx context.Context, l *layers.Layer, fn func(*spatial.Feature) error) error {
	t, err := s.table(l)
	if err != nil {
		return err
	}
	return s.scanRows(ctx, t, "ORDER BY id", nil, func(r row) error {
		f, err := r.feature()
		if err != nil {
			return &store.CorruptError{Layer: l.ID, ID: r.id, Err: err}
		}
		return fn(f)
	})
}

// scanRows streams the rows of a query on t (where is appended to the
// SELECT) to fn.
func (s *Store) scanRows(ctx context.Context, t *table, where string, args []any, fn func(row) error) error {
	rows, err := s.pool.Query(ctx, fmt.Sprintf("SELECT %s FROM %s %s", t.selectCols(), t.name, where), args...)
	if err != nil {
		return fmt.Errorf("postgis: scan %s: %w", t.l.ID, err)
	}
	defer rows.Close()
	rr := newRowReader(t)
	for rows.Next() {
		r, err := rr.next(rows)
		if err != nil {
			return fmt.Errorf("postgis: scan %s: %w", t.l.ID, err)
		}
		if err := fn(r); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("postgis: scan %s: %w", t.l.ID, err)
	}
	return nil
}

const loadBatch = 2048

// Load fills idx with every stored feature of the catalog's layers, as
// store.LoadWith does from the embedded store: one streaming query per
// layer (binary protocol, geometry as EWKB), geometries decoded on all
// cores, each layer between idx.BeginLoad and idx.EndLoad so that a live
// change the follower applies meanwhile is never overridden by a scanned
// row. Changes committed after Open reach idx through the feed.
func (s *Store) Load(ctx context.Context, idx *spatial.Index, o store.LoadOptions) (store.LoadStats, error) {
	if o.Workers <= 0 {
		o.Workers = runtime.GOMAXPROCS(0)
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	var st store.LoadStats
	for _, l := range s.cat.All() {
		if err := s.loadLayer(ctx, l, idx, o, &st); err != nil {
			return st, err
		}
	}
	if st.Corrupt > 0 {
		o.Logger.Warn("postgis: skipped corrupt rows", "count", st.Corrupt, "first", st.CorruptKeys)
	}
	return st, nil
}

func (s *Store) loadLayer(ctx context.Context, l *layers.Layer, idx *spatial.Index, o store.LoadOptions, st *store.LoadStats) error {
	t, err := s.table(l)
	if err != nil {
		return err
	}
	version, err := s.Version(l.ID)
	if err != nil {
		return err
	}
	idx.BeginLoad(l.ID)
	defer idx.EndLoad(l.ID)
	g, gctx := errgroup.WithContext(ctx)
	in := make(chan []row, o.Workers)
	g.Go(func() error {
		defer close(in)
		b := make([]row, 0, loadBatch)
		err := s.scanRows(gctx, t, "", nil, func(r row) error {
			if b = append(b, r); len(b) < loadBatch {
				return nil
			}
			select {
			case in <- b:
				b = make([]row, 0, loadBatch)
				return nil
			case <-gctx.Done():
				return gctx.Err()
			}
		})
		if err == nil && len(b) > 0 {
			select {
			case in <- b:
			case <-gctx.Done():
				return gctx.Err()
			}
		}
		return err
	})
	var mu sync.Mutex
	for range o.Workers {
		g.Go(func() error {
			for b := range in {
				fs := make([]*spatial.Feature, 0, len(b))
				for _, r := range b {
					f, err := r.feature()
					if err == nil {
						fs = append(fs, f)
						continue
					}
					if !o.SkipCorrupt {
						return &store.CorruptError{Layer: l.ID, ID: r.id, Err: err}
					}
					mu.Lock()
					st.Corrupt++
					if len(st.CorruptKeys) < 5 {
						st.CorruptKeys = append(st.CorruptKeys, l.ID+"/"+r.id)
					}
					mu.Unlock()
				}
				idx.Put(l.ID, version, fs)
				mu.Lock()
				st.Features += len(fs)
				mu.Unlock()
			}
			return nil
		})
	}
	err = g.Wait()
	idx.Put(l.ID, version, nil) // the layer exists, at its version, even when empty
	if err != nil {
		if _, ok := err.(*store.CorruptError); !ok {
			err = fmt.Errorf("postgis: load %s: %w", l.ID, err)
		}
		return err
	}
	return nil
}
