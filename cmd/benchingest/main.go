// Command benchingest is issue 11's bulk-load benchmark (make bench-ingest):
// a seeded SYNTHETIC Shapefile of N land parcels (data/gen, inside the real
// communes of Hồ Chí Minh City) in VN-2000 / TM-3 105°45' (EPSG:9210),
// loaded durably by `bando ingest` into a fresh data directory, and the same
// file loaded by GDAL's ogr2ogr into PostGIS (PG_USE_COPY=YES, its GiST
// index) on the same machine. Both read the same zip and transform to WGS84
// with EPSG:6960; it prints features/s for each and the ratio.
//
//	go run ./cmd/benchingest -bin bin/bando            # 1,000,000 parcels
//	go run ./cmd/benchingest -bin bin/bando -quick     # 100,000 in 3 rounds, a smoke run
//
// The Shapefile is written by ogr2ogr from the generated GeoJSON text
// sequence (not timed); PostGIS is BANDO_TEST_PG (or -pg), in a schema of
// its own dropped at the end.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"syscall"
	"time"
)

type options struct {
	bin, pg, dir string
	n, rounds    int
	seed         int64
	keep         bool
}

func main() {
	var o options
	quick := flag.Bool("quick", false, "100,000 parcels instead of 1,000,000 (a smoke run)")
	flag.StringVar(&o.bin, "bin", "bin/bando", "the bando binary to load with")
	flag.StringVar(&o.pg, "pg", envOr("BANDO_TEST_PG", "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"), "PostGIS for ogr2ogr")
	flag.IntVar(&o.n, "n", 1_000_000, "number of parcels")
	flag.Int64Var(&o.seed, "seed", 1, "random seed of the synthetic parcels")
	flag.IntVar(&o.rounds, "rounds", 1, "interleaved rounds of both loaders; the table gives each one's median")
	flag.StringVar(&o.dir, "dir", "", "work directory (default: a temporary one, removed at the end)")
	flag.BoolVar(&o.keep, "keep", false, "keep the work directory")
	flag.Parse()
	if *quick {
		o.n = 100_000
		o.rounds = max(o.rounds, 3)
	}
	if err := run(context.Background(), o, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "benchingest:", err)
		os.Exit(1)
	}
}

func envOr(k, def string) string {
	if v := os.Getenv(k); v != "" {
		return v
	}
	return def
}

// row is one loader's line of the table.
type row struct {
	name, note string
	n          int
	d          time.Duration
	err        error
}

func (r row) rate() float64 { return float64(r.n) / r.d.Seconds() }

// median is the round of median duration (the first failure, if any).
func median(rs []row) row {
	for _, r := range rs {
		if r.err != nil {
			return r
		}
	}
	s := slices.Clone(rs)
	slices.SortFunc(s, func(a, b row) int { return int(a.d - b.d) })
	m := s[len(s)/2]
	if len(rs) > 1 {
		m.note += fmt.Sprintf("; median of %d rounds (%.2f–%.2f s)", len(rs), s[0].d.Seconds(), s[len(s)-1].d.Seconds())
	}
	return m
}

func run(ctx context.Context, o options, stdout, stderr io.Writer) error {
	dir := o.dir
	if dir == "" {
		d, err := os.MkdirTemp("", "bando-bench-ingest-*")
		if err != nil {
			return err
		}
		dir = d
		if !o.keep {
			defer os.RemoveAll(dir)
		}
	}
	bin, err := filepath.Abs(o.bin)
	if err != nil {
		return err
	}
	if _, err := os.Stat(bin); err != nil {
		return fmt.Errorf("%s: %w (make build first)", o.bin, err)
	}
	fmt.Fprintf(stderr, "generating %d synthetic parcels (seed %d) as a VN-2000 TM-3 Shapefile in %s\n", o.n, o.seed, dir)
	start := time.Now()
	zipPath, err := makeShapefile(ctx, dir, o.n, o.seed)
	if err != nil {
		return err
	}
	st, _ := os.Stat(zipPath)
	fmt.Fprintf(stderr, "  %s (%.0f MB) in %.1f s\n", filepath.Base(zipPath), float64(st.Size())/1e6, time.Since(start).Seconds())

	syscall.Sync() // the file just written must not be flushed during a timed load
	var bandos, ogrs []row
	for i := range max(o.rounds, 1) {
		fmt.Fprintf(stderr, "round %d: bando ingest\n", i+1)
		bandos = append(bandos, loadBando(ctx, bin, dir, zipPath, o.n))
		fmt.Fprintf(stderr, "round %d: ogr2ogr into PostGIS\n", i+1)
		ogrs = append(ogrs, loadOGR(ctx, o.pg, zipPath, o.n))
		syscall.Sync()
	}
	bando, ogr := median(bandos), median(ogrs)
	printTable(stdout, o, st.Size(), bando, ogr)
	if bando.err != nil {
		return bando.err
	}
	return nil
}

// printTable writes the side-by-side table: features/s and the ratio.
func printTable(w io.Writer, o options, size int64, rows ...row) {
	fmt.Fprintf(w, "\nbulk load of %d SYNTHETIC parcels, Shapefile in VN-2000 / TM-3 105-45 (EPSG:9210), %.0f MB zip, seed %d\n\n",
		o.n, float64(size)/1e6, o.seed)
	fmt.Fprintln(w, "| loader | features | seconds | features/s | note |")
	fmt.Fprintln(w, "|---|---:|---:|---:|---|")
	for _, r := range rows {
		if r.err != nil {
			fmt.Fprintf(w, "| %s | – | – | – | failed: %v |\n", r.name, r.err)
			continue
		}
		fmt.Fprintf(w, "| %s | %d | %.2f | %.0f | %s |\n", r.name, r.n, r.d.Seconds(), r.rate(), r.note)
	}
	b, g := rows[0], rows[1]
	if b.err == nil && g.err == nil {
		fmt.Fprintf(w, "\nbando / ogr2ogr: %.2f× (features/s)\n", b.rate()/g.rate())
	}
	if b.err == nil {
		verdict := "meets"
		if b.rate() < 100_000 {
			verdict = "MISSES"
		}
		fmt.Fprintf(w, "bando: %.0f features/s, %s the target of 100,000 features/s\n", b.rate(), verdict)
	}
}
