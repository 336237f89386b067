package main

import (
	"context"
	"fmt"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"time"

	"bando/layers"
	"bando/spatial"
	"bando/store"
	"bando/tiles"
)

// parcelsRun: bulk ingest against ogr2ogr, then uncached tiles in-process
// and over HTTP, GC and heap under that load, cached tiles against nginx,
// and concurrent writers — all on the same N parcels.
func (e *env) parcelsRun(ctx context.Context) error {
	o := e.opt
	dataDir, l, err := e.parcelsDir(ctx, true)
	if err != nil {
		return err
	}
	ds, idx, err := e.loadStore(ctx, dataDir, []*layers.Layer{l})
	if err != nil {
		return err
	}
	ts := sampleTiles(ds, 12, 16, o.tiles, 0, 1)
	label := fmt.Sprintf("uncached parcels z12–16 (%d tiles)", len(ts))
	if err := e.inProcess(ctx, "in-process "+label, idx, ds.layers, ts, 5, coreP99); err != nil {
		return err
	}
	idx = nil
	runtime.GC()

	srv, err := startBando(o.bin, e.cfg, dataDir, false, -1)
	if err != nil {
		return err
	}
	gc, err := e.overHTTP(ctx, "HTTP "+label, srv, ds.layers, ts, 5, coreP99)
	if err != nil {
		srv.stop()
		return err
	}
	e.gcRows(srv, gc)
	if err := srv.stop(); err != nil {
		return err
	}

	srv, err = startBando(o.bin, e.cfg, dataDir, false, 1024)
	if err != nil {
		return err
	}
	defer srv.stop()
	if err := e.cachedRow(ctx, srv, ts[:min(len(ts), 2000)]); err != nil {
		e.t.skip("cached parcel tiles vs nginx", "≥ 1×", err)
	}
	rate, failed, err := concurrentWrites(ctx, srv.base, o.writers, o.writeFor)
	r := row{measure: fmt.Sprintf("%d concurrent writers, single durable POSTs", o.writers),
		bando: fmt.Sprintf("%.0f writes/s", rate), ref: "-", ratio: "-", p99b: "-", p99r: "-",
		target: "≥ 20000/s", ok: rate >= 20000 && err == nil}
	if err != nil {
		r.note = fmt.Sprintf("%d writes failed, first: %v", failed, err)
	}
	e.t.add(r)
	return nil
}

// parcelsDir generates N parcels and posts them to a fresh bando, whose
// data directory the rest of the run uses; with vsOGR the same file is also
// loaded with ogr2ogr for the bulk-ingest row.
func (e *env) parcelsDir(ctx context.Context, vsOGR bool) (string, *layers.Layer, error) {
	e.schema.prefix = "pn_"
	file := filepath.Join(e.dir, "parcels.ndjson")
	progress.Info("generating parcels", "n", e.opt.parcels)
	if out, err := exec.Command(e.opt.bin, "gen", "--n", strconv.Itoa(e.opt.parcels), "--seed", "1", "--out", file).CombinedOutput(); err != nil {
		return "", nil, fmt.Errorf("gen: %v: %s", err, out)
	}
	l, err := e.cat.Get("parcels")
	if err != nil {
		return "", nil, err
	}
	dataDir := filepath.Join(e.dir, "parcels-var")
	return dataDir, l, e.ingestRow(ctx, file, dataDir, vsOGR)
}

// ingestRow posts the NDJSON to a fresh bando (which keeps the data dir for
// the rest of the run) and, with vsOGR, loads the same file with ogr2ogr.
func (e *env) ingestRow(ctx context.Context, file, dataDir string, vsOGR bool) error {
	srv, err := startBando(e.opt.bin, e.cfg, dataDir, false, -1)
	if err != nil {
		return err
	}
	progress.Info("bulk ingest into bando")
	rate, n, err := bulkIngest(ctx, srv.base, file, 20000, 2)
	if stopErr := srv.stop(); err == nil {
		err = stopErr
	}
	if err != nil {
		return fmt.Errorf("bulk ingest: %w", err)
	}
	if !vsOGR {
		progress.Info("parcels ingested", "features", n, "per_s", int(rate))
		return nil
	}
	progress.Info("bulk ingest into PostGIS with ogr2ogr")
	measure := fmt.Sprintf("bulk ingest %d parcels (HTTP NDJSON vs ogr2ogr COPY)", n)
	ogr, err := ogrIngest(ctx, e.schema, file, n)
	if err != nil {
		e.t.skip(measure, "≥ 4×", err)
		return nil
	}
	e.schema.admin.Exec(ctx, "DROP TABLE "+e.schema.name+".parcels_ogr")
	e.t.add(row{measure: measure, bando: fmt.Sprintf("%.0f feat/s", rate), ref: fmt.Sprintf("%.0f feat/s", ogr),
		ratio: fmt.Sprintf("%.2f×", rate/ogr), p99b: "-", p99r: "-", target: "≥ 4×", ok: rate/ogr >= 4,
		note: "bando: 20,000-line chunks, 2 in flight, durable, indexed; ogr2ogr: PG_USE_COPY=YES with its GiST index"})
	return nil
}

// loadStore opens a stopped server's data directory, loads the layers into
// an index the way the server does (store.Load) and copies them into
// PostGIS tables; it returns the sampling data set and the index.
func (e *env) loadStore(ctx context.Context, dataDir string, ls []*layers.Layer) (*dataset, *spatial.Index, error) {
	st, err := store.OpenPebble(dataDir, &store.Feed{})
	if err != nil {
		return nil, nil, err
	}
	defer st.Close()
	idx := spatial.NewIndex()
	start := time.Now()
	n, err := store.Load(ctx, st, e.cat, idx)
	if err != nil {
		return nil, nil, err
	}
	progress.Info("index loaded in-process", "features", n, "took", time.Since(start).Round(time.Millisecond))
	ds := &dataset{centres: map[string][][2]float64{}}
	for _, l := range ls {
		start := time.Now()
		cs, err := e.schema.copyLayer(ctx, st, l, e.p)
		if err != nil {
			return nil, nil, err
		}
		progress.Info("copied to PostGIS", "layer", l.ID, "features", len(cs), "took", time.Since(start).Round(time.Millisecond))
		ds.layers = append(ds.layers, l)
		ds.centres[l.ID] = cs
	}
	return ds, idx, nil
}

// inProcess compares bando's uncached render with PostGIS through pgx,
// both with the same number of concurrent workers.
func (e *env) inProcess(ctx context.Context, label string, idx *spatial.Index, ls []*layers.Layer, ts []tileReq, target float64, maxP99 time.Duration) error {
	srv := tiles.New(tiles.Config{Index: idx, Catalog: e.cat, CacheBytes: -1})
	bando := func(ctx context.Context, t tileReq) (int, error) {
		tile, err := srv.Tile(ctx, e.p, []string{t.layer.ID}, t.z, t.x, t.y)
		return len(tile.Bytes()), err
	}
	pool, err := e.schema.pool(ctx, e.opt.workers, ls, e.p)
	if err != nil {
		return err
	}
	defer pool.Close()
	pg := func(ctx context.Context, t tileReq) (int, error) {
		b, err := pgTile(ctx, pool, t.layer, t.z, t.x, t.y)
		return len(b), err
	}
	check, err := sameTiles(ctx, ts, 200,
		func(ctx context.Context, t tileReq) ([]byte, error) {
			tile, err := srv.Tile(ctx, e.p, []string{t.layer.ID}, t.z, t.x, t.y)
			return tile.Bytes(), err
		},
		func(ctx context.Context, t tileReq) ([]byte, error) { return pgTile(ctx, pool, t.layer, t.z, t.x, t.y) })
	if err != nil {
		return err
	}
	e.t.notes = append(e.t.notes, label+": "+check)
	sides := compareRounds(ctx, label, ts, e.opt.tm,
		contender{name: "bando", conc: e.opt.workers, fn: bando},
		contender{name: "postgis", conc: e.opt.workers, fn: pg})
	e.t.compare(label, sides[0], sides[1], "tiles/s", target, maxP99)
	return nil
}
