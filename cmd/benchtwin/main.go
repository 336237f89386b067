// Command benchtwin (`make bench-twin`) measures the live twin with the
// issue's load — 10,000 live vessels, 1,000 zone polygons, every rule on —
// and prints one table: position updates per second in-process (memory
// only, and durable in the store) and through the HTTP feed with durable
// acknowledgement; p99 from a position's arrival to its alert on the SSE
// stream under that load; one vessel's week-long track (10,080 fixes).
package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"os"
	"runtime/pprof"
	"sort"
	"sync"
	"time"

	"bando/api"
	"bando/ingest/feeds"
	"bando/layers"
	"bando/spatial"
	"bando/store"
	"bando/twin"
)

type options struct {
	vessels, zones int
	updates        int
	batch, conns   int
	feeders        int
	skip           int // how many in-process rows to run (2: all)
}

func main() {
	var o options
	flag.IntVar(&o.vessels, "vessels", 10000, "live vessels")
	flag.IntVar(&o.zones, "zones", 1000, "geofence polygons")
	flag.IntVar(&o.updates, "updates", 1_000_000, "position updates per measurement")
	flag.IntVar(&o.batch, "batch", 1000, "positions per call / per HTTP body")
	flag.IntVar(&o.conns, "conns", 4, "HTTP client connections")
	flag.IntVar(&o.feeders, "feeders", 2, "concurrent in-process feeders")
	flag.IntVar(&o.skip, "inprocess", 2, "in-process rows to run: 0, 1 (memory) or 2 (and durable)")
	prof := flag.String("cpuprofile", "", "write a CPU profile of the whole run")
	flag.Parse()
	if *prof != "" {
		f, err := os.Create(*prof)
		if err == nil && pprof.StartCPUProfile(f) == nil {
			defer pprof.StopCPUProfile()
		}
	}
	if err := run(context.Background(), o); err != nil {
		fmt.Fprintln(os.Stderr, "benchtwin:", err)
		pprof.StopCPUProfile()
		os.Exit(1)
	}
}

type row struct {
	name, value, target string
	pass                bool
}

func run(ctx context.Context, o options) error {
	var rows []row
	for _, durable := range []bool{false, true}[:o.skip] {
		rate, perCPU, err := inProcess(ctx, o, durable)
		if err != nil {
			return err
		}
		name, target := "in-process updates/s, memory only", 300000.0
		if durable {
			name, target = "in-process updates/s, durable (fsync per batch)", 0
		}
		r := row{name: name, value: fmt.Sprintf("%.0f", rate), pass: rate >= target}
		if target > 0 {
			r.target = fmt.Sprintf("≥ %.0f", target)
		}
		rows = append(rows, r, row{name: "  the same, per CPU-second (all cores, GC included)", value: fmt.Sprintf("%.0f", perCPU)})
	}
	hr, err := overHTTP(ctx, o)
	if err != nil {
		return err
	}
	rows = append(rows, hr...)
	fmt.Printf("\nbando live twin: %d vessels, %d zone polygons + 3 permitted-zone bands, all rules on; batches of %d\n\n",
		o.vessels, o.zones, o.batch)
	fmt.Printf("| %-55s | %14s | %10s | %-4s |\n", "measure", "value", "target", "")
	fmt.Printf("|%s|%s|%s|%s|\n", dash(57), dash(16), dash(12), dash(6))
	for _, r := range rows {
		verdict := "PASS"
		if !r.pass {
			verdict = "FAIL"
		}
		if r.target == "" {
			verdict = ""
		}
		fmt.Printf("| %-55s | %14s | %10s | %-4s |\n", r.name, r.value, r.target, verdict)
	}
	return nil
}

func dash(n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = '-'
	}
	return string(b)
}

// setup builds the world and a twin, with the fleet placed once.
func setup(ctx context.Context, o options, st *store.Pebble, hub *twin.Hub) (*twin.Twin, *layers.Catalog, *spatial.Index, []*fleet, error) {
	cat, idx, r, err := world(o.zones)
	if err != nil {
		return nil, nil, nil, nil, err
	}
	tw, err := newTwin(ctx, cat, idx, r, st, hub)
	if err != nil {
		return nil, nil, nil, nil, err
	}
	var fs []*fleet
	for k := range o.feeders {
		f := newFleet(o.vessels/o.feeders, fmt.Sprintf("F%d-", k))
		if err := tw.Vessels(ctx, f.reg); err != nil {
			return nil, nil, nil, nil, err
		}
		for range (len(f.ps) + o.batch - 1) / o.batch {
			if err := tw.Positions(ctx, f.batch(o.batch)); err != nil {
				return nil, nil, nil, nil, err
			}
		}
		fs = append(fs, f)
	}
	return tw, cat, idx, fs, nil
}

func inProcess(ctx context.Context, o options, durable bool) (rate, perCPU float64, err error) {
	var st *store.Pebble
	if durable {
		dir, err := os.MkdirTemp("", "benchtwin")
		if err != nil {
			return 0, 0, err
		}
		defer os.RemoveAll(dir)
		if st, err = store.OpenPebble(dir, nil); err != nil {
			return 0, 0, err
		}
		defer st.Close()
	}
	tw, _, _, fs, err := setup(ctx, o, st, nil)
	if err != nil {
		return 0, 0, err
	}
	// Batches are made before the clock starts: the measure is the twin.
	per := o.updates / len(fs) / o.batch
	batches := make([][][]feeds.Position, len(fs))
	for k, f := range fs {
		for range per {
			batches[k] = append(batches[k], f.batch(o.batch))
		}
	}
	var wg sync.WaitGroup
	errs := make(chan error, len(fs))
	start, cpu0 := time.Now(), cpuTime()
	for k := range fs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for _, b := range batches[k] {
				if err := tw.Positions(ctx, b); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	el, cpu := time.Since(start), cpuTime()-cpu0
	close(errs)
	if err := <-errs; err != nil {
		return 0, 0, err
	}
	n := float64(per * len(fs) * o.batch)
	return n / el.Seconds(), n / cpu.Seconds(), nil
}

func percentile(ds []time.Duration, p float64) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	sort.Slice(ds, func(i, j int) bool { return ds[i] < ds[j] })
	return ds[min(len(ds)-1, int(p*float64(len(ds))))]
}

func serve(srv *api.Server) (string, func(), error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, err
	}
	hs := srv.HTTPServer(slog.New(slog.DiscardHandler))
	go hs.Serve(ln) //nolint:errcheck
	return "http://" + ln.Addr().String(), func() { _ = hs.Shutdown() }, nil
}
