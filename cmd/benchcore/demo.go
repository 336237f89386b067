package main

import (
	"context"
	"fmt"
	"runtime"
	"time"
)

// demoRun: the demo data set, loaded by the server itself into a fresh
// data directory, compared at z6–zmax in-process and over HTTP. A quarter
// of the tiles are drawn anywhere in the data's box, so many are small or
// empty, where per-request overhead weighs most.
func (e *env) demoRun(ctx context.Context, zmax int, target float64) error {
	dataDir, ls, err := e.demoDir(ctx)
	if err != nil {
		return err
	}
	ds, idx, err := e.loadStore(ctx, dataDir, ls)
	if err != nil {
		return err
	}
	ts := sampleTiles(ds, 6, zmax, e.opt.tiles, 0.25, 2)
	label := fmt.Sprintf("uncached demo z6–%d, %d layers (%d tiles)", zmax, len(ds.layers), len(ts))
	if err := e.inProcess(ctx, "in-process "+label, idx, ds.layers, ts, target, coreP99); err != nil {
		return err
	}
	idx = nil
	runtime.GC()
	srv, err := startBando(e.opt.bin, e.cfg, dataDir, false, -1)
	if err != nil {
		return err
	}
	defer srv.stop()
	_, err = e.overHTTP(ctx, "HTTP "+label, srv, ds.layers, ts, target, coreP99)
	return err
}

// coreP99 is issue 5's latency bound for the uncached comparisons.
const coreP99 = 25 * time.Millisecond
