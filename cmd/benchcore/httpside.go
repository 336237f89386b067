package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"bando/layers"
)

// gcLoad is what the server's GC did during the measured HTTP phases.
type gcLoad struct {
	gcMS, cpuS   float64
	cycles       int
	liveMB       int
	heapInuseMiB float64
}

// overHTTP compares `bando serve` (cache off) with the pgx tile handler at
// e.opt.conns connections, and returns the server's GC figures.
func (e *env) overHTTP(ctx context.Context, label string, srv *bando, ls []*layers.Layer, ts []tileReq, target float64, maxP99 time.Duration) (gcLoad, error) {
	var g gcLoad
	pool, err := e.schema.pool(ctx, e.opt.conns, ls, e.p)
	if err != nil {
		return g, err
	}
	defer pool.Close()
	pgBase, stop, err := servePG(pool, ls)
	if err != nil {
		return g, err
	}
	defer stop()
	var cpu0 float64
	measure := func(start bool) {
		srv.gc.count(start)
		if start {
			cpu0 = srv.cpuSeconds()
		} else {
			g.cpuS += srv.cpuSeconds() - cpu0
		}
	}
	sides := compareRounds(ctx, label, ts, e.opt.tm,
		contender{name: "bando", conc: e.opt.conns, fn: httpGetter(httpClient(e.opt.conns), srv.base, secret), measure: measure},
		contender{name: "pgx+postgis", conc: e.opt.conns, fn: httpGetter(httpClient(e.opt.conns), pgBase, "")})
	e.t.compare(fmt.Sprintf("%s, %d conns", label, e.opt.conns), sides[0], sides[1], "req/s", target, maxP99)
	time.Sleep(300 * time.Millisecond) // let the last gctrace lines arrive
	g.gcMS, g.cycles, g.liveMB = srv.gc.totals()
	g.heapInuseMiB = metric(srv.base, "go_memstats_heap_inuse_bytes") / (1 << 20)
	return g, nil
}

// gcRows reports the GC share of the server's CPU during the HTTP parcel
// load and its heap with the parcels loaded. The heap target is 500 MB for
// 1,000,000 parcels, scaled for other N.
func (e *env) gcRows(srv *bando, g gcLoad) {
	share := g.gcMS / 1000 / g.cpuS
	e.t.add(row{measure: "GC share of server CPU, HTTP parcel load", bando: fmt.Sprintf("%.1f%%", 100*share), ref: "-", ratio: "-",
		p99b: "-", p99r: "-", target: "< 10%", ok: g.cpuS > 0 && share < 0.10,
		note: fmt.Sprintf("gctrace: %d cycles, %.2fs GC CPU (assist+background+STW, idle workers excluded) of %.2fs process CPU", g.cycles, g.gcMS/1000, g.cpuS)})
	limit := 500 * float64(e.opt.parcels) / 1e6
	e.t.add(row{measure: fmt.Sprintf("live heap with %d parcels", e.opt.parcels), bando: fmt.Sprintf("%d MB", g.liveMB), ref: "-", ratio: "-",
		p99b: "-", p99r: "-", target: fmt.Sprintf("≤ %.0f MB", limit), ok: g.liveMB > 0 && float64(g.liveMB) <= limit,
		note: fmt.Sprintf("marked live heap after the last GC of the load (gctrace); go_memstats_heap_inuse_bytes %.0f MiB", g.heapInuseMiB)})
}

// cachedRow warms bando's cache with the tiles, writes the same bytes for
// nginx, and compares the two at the same URLs.
func (e *env) cachedRow(ctx context.Context, srv *bando, ts []tileReq) error {
	dir := filepath.Join(e.dir, "nginx")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	kept, err := warm(ctx, srv, ts, dir)
	if err != nil {
		return err
	}
	if len(kept) == 0 {
		return fmt.Errorf("no tile with features to cache")
	}
	ng, err := startNginx(dir)
	if err != nil {
		return err
	}
	defer ng.stop()
	label := fmt.Sprintf("cached parcel tiles (%d) vs nginx files, %d conns", len(kept), e.opt.conns)
	sides := compareRounds(ctx, label, kept, e.opt.tm,
		contender{name: "bando", conc: e.opt.conns, fn: httpGetter(httpClient(e.opt.conns), srv.base, secret)},
		contender{name: "nginx", conc: e.opt.conns, fn: httpGetter(httpClient(e.opt.conns), ng.base, "")})
	e.t.compare(label, sides[0], sides[1], "req/s", 1, 0)
	return nil
}

func version(bin string) string {
	out, err := exec.Command(bin, "version").Output()
	if err != nil {
		return "?"
	}
	return strings.TrimSpace(strings.TrimPrefix(string(out), "bando "))
}

func (s *pgSchema) version(ctx context.Context) string {
	var v string
	if err := s.admin.QueryRow(ctx, "SELECT postgis_lib_version() || ' on ' || split_part(version(), ' ', 2)").Scan(&v); err != nil {
		return "?"
	}
	return v
}

func numCPU() int { return runtime.NumCPU() }

func quoteArgs(args []string) string { return strings.Join(args, " ") }
