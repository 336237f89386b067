package main

import (
	"context"
	"fmt"
	"path/filepath"
	"runtime"
	"slices"
	"time"

	"bando/layers"
	"bando/spatial"
	"bando/tiles"
)

// The tiles suite (`make bench-tiles`, issue 7's table): the same
// side-by-side machinery as bench-core, on tiles only, at zooms 6–18 and
// with issue 7's targets. Rows: uncached parcels and demo tiles in-process
// and over HTTP against PostGIS ST_AsMVT through pgx, the p99 of uncached
// z14 parcel tiles, the province-wide z8 parcel tiles, and cached tiles
// against nginx.

// Issue 7's targets.
const (
	parcelsRatio   = 10
	demoRatio      = 5
	z14P99         = 10 * time.Millisecond
	provinceTileMS = 50
)

func (e *env) tilesRun(ctx context.Context) error {
	if !e.opt.skipPN {
		if err := e.tilesParcels(ctx); err != nil {
			return fmt.Errorf("parcels: %w", err)
		}
	}
	if !e.opt.skipDemo {
		if err := e.demoRun(ctx, 18, demoRatio); err != nil {
			return fmt.Errorf("demo: %w", err)
		}
	}
	return nil
}

func (e *env) tilesParcels(ctx context.Context) error {
	dataDir, l, err := e.parcelsDir(ctx, false)
	if err != nil {
		return err
	}
	ds, idx, err := e.loadStore(ctx, dataDir, []*layers.Layer{l})
	if err != nil {
		return err
	}
	ts := sampleTiles(ds, 6, 18, e.opt.tiles, 0, 1)
	label := fmt.Sprintf("uncached parcels z%d–18 (%d tiles)", max(6, l.Zoom.Min), len(ts))
	if err := e.inProcess(ctx, "in-process "+label, idx, ds.layers, ts, parcelsRatio, coreP99); err != nil {
		return err
	}
	if err := e.z14Row(ctx, idx, ds); err != nil {
		return err
	}
	e.provinceRow(ctx, idx, ds, l)
	idx = nil
	runtime.GC()

	srv, err := startBando(e.opt.bin, e.cfg, dataDir, false, -1)
	if err != nil {
		return err
	}
	if _, err := e.overHTTP(ctx, "HTTP "+label, srv, ds.layers, ts, parcelsRatio, coreP99); err != nil {
		srv.stop()
		return err
	}
	if err := srv.stop(); err != nil {
		return err
	}
	srv, err = startBando(e.opt.bin, e.cfg, dataDir, false, 1024)
	if err != nil {
		return err
	}
	defer srv.stop()
	if err := e.cachedRow(ctx, srv, ts[:min(len(ts), 2000)]); err != nil {
		e.t.skip("cached parcel tiles vs nginx", "≥ 1×", err)
	}
	return nil
}

// z14Row: uncached z14 parcel tiles in-process with one worker per CPU (no
// queueing behind other requests), for the p99 target.
func (e *env) z14Row(ctx context.Context, idx *spatial.Index, ds *dataset) error {
	ts := sampleTiles(ds, 14, 14, e.opt.tiles, 0, 3)
	if len(ts) == 0 {
		e.t.skip("uncached z14 parcel tiles", "p99 ≤ 10ms", fmt.Errorf("no z14 tile holds a parcel"))
		return nil
	}
	o := *e
	o.opt.workers = runtime.NumCPU()
	label := fmt.Sprintf("in-process uncached parcels z14 only (%d tiles), %d workers", len(ts), o.opt.workers)
	return o.inProcess(ctx, label, idx, ds.layers, ts, parcelsRatio, z14P99)
}

// provinceRow renders each z8 tile that holds parcels, uncached, a few
// times one after the other, and reports the slowest tile's median time
// (and PostGIS's for the same tile, for scale). Below the layer's min zoom
// there is nothing to render, and the row says so.
func (e *env) provinceRow(ctx context.Context, idx *spatial.Index, ds *dataset, l *layers.Layer) {
	const z, reps = 8, 5
	measure := fmt.Sprintf("province-wide z%d parcel tiles, uncached, slowest tile", z)
	target := fmt.Sprintf("≤ %dms", provinceTileMS)
	if l.Zoom.Min > z {
		e.t.skip(measure, target, fmt.Errorf("the parcels layer starts at z%d", l.Zoom.Min))
		return
	}
	srv := tiles.New(tiles.Config{Index: idx, Catalog: e.cat, CacheBytes: -1})
	pool, err := e.schema.pool(ctx, 1, ds.layers, e.p)
	if err != nil {
		e.t.skip(measure, target, err)
		return
	}
	defer pool.Close()
	var worstB, worstP time.Duration
	var size int
	for _, xy := range occupiedTiles(ds.centres[l.ID], z) {
		b, n, err := medianTime(reps, func() (int, error) {
			t, err := srv.Tile(ctx, e.p, []string{l.ID}, z, xy[0], xy[1])
			return len(t.Bytes()), err
		})
		if err != nil {
			e.t.skip(measure, target, err)
			return
		}
		p, _, err := medianTime(reps, func() (int, error) {
			bs, err := pgTile(ctx, pool, l, z, xy[0], xy[1])
			return len(bs), err
		})
		if err != nil {
			e.t.skip(measure, target, err)
			return
		}
		if b > worstB {
			worstB, worstP, size = b, p, n
		}
	}
	e.t.add(row{measure: measure, bando: fmt.Sprintf("%.1fms", ms(worstB)), ref: fmt.Sprintf("%.1fms", ms(worstP)),
		ratio: fmt.Sprintf("%.2f×", float64(worstP)/float64(max(worstB, 1))), p99b: "-", p99r: "-",
		target: target, ok: worstB <= provinceTileMS*time.Millisecond,
		note: fmt.Sprintf("median of %d renders per tile; slowest bando tile is %d bytes (PostGIS renders every parcel, bando generalises)", reps, size)})
}

// medianTime runs fn reps times and returns the median duration and the
// last answer's size.
func medianTime(reps int, fn func() (int, error)) (time.Duration, int, error) {
	ds := make([]time.Duration, reps)
	n := 0
	for i := range ds {
		t0 := time.Now()
		var err error
		if n, err = fn(); err != nil {
			return 0, 0, err
		}
		ds[i] = time.Since(t0)
	}
	slices.Sort(ds)
	return ds[reps/2], n, nil
}

// demoDir loads the demo into a fresh data directory with the server
// itself and returns it with the layers the benchmark's principal sees.
func (e *env) demoDir(ctx context.Context) (string, []*layers.Layer, error) {
	e.schema.prefix = "demo_"
	dataDir := filepath.Join(e.dir, "demo-var")
	srv, err := startBando(e.opt.bin, e.cfg, dataDir, true, -1)
	if err != nil {
		return "", nil, err
	}
	if err := srv.stop(); err != nil {
		return "", nil, err
	}
	var ls []*layers.Layer
	for _, l := range e.cat.All() {
		if l.Demo != "" && layers.CanSee(e.p, l) {
			ls = append(ls, l)
		}
	}
	return dataDir, ls, nil
}
