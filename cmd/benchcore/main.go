// Command benchcore (`make bench-core`) measures bando against PostGIS and
// nginx side by side in one run and prints one table with a target and a
// PASS/FAIL per row, also written as markdown (-out):
//
//   - in-process: bando's render of a tile (index query to MVT bytes,
//     uncached) against PostGIS ST_AsMVT(ST_AsMVTGeom(…)) through a pgx pool
//     with prepared statements, same tiles, same layer names, extent 4096,
//     buffer 256, same attributes;
//   - over HTTP at 16 connections: `bando serve` with its tile cache off
//     against a minimal pgx tile handler in this program (one prepared SQL
//     per tile, as Martin and pg_tileserv do);
//   - GC share of the server's CPU during that load and its live heap with
//     the parcels loaded (from GODEBUG=gctrace=1);
//   - cached tiles: bando's warm cache against nginx serving the same bytes
//     from files at the same URLs;
//   - 64 concurrent writers of single durable features;
//   - bulk ingest of the parcels: bando over HTTP against ogr2ogr (COPY).
//
// Datasets: N synthetic parcels (`bando gen --seed 1`) at z12–16 and the
// demo (every layer, loaded by the server itself) at z6–16. The machine is
// assumed noisy: the sides run in interleaved rounds and the table reports
// medians, per-round ratios and p99 over all rounds.
package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"bando/data"
	"bando/layers"
)

// options are the knobs of one run; -quick shrinks them.
type options struct {
	bin, pg, out     string
	suite            string
	parcels, tiles   int
	workers, conns   int
	writers          int
	tm               timing
	writeFor         time.Duration
	skipDemo, skipPN bool
}

// env is what the dataset runs share.
type env struct {
	opt    options
	dir    string
	cfg    string
	schema *pgSchema
	cat    *layers.Catalog
	p      layers.Principal
	t      *table
}

func main() {
	var o options
	quick := flag.Bool("quick", false, "a short run: 100,000 parcels, 3 rounds of 1.5s")
	flag.StringVar(&o.bin, "bin", "bin/bando", "the bando binary")
	flag.StringVar(&o.pg, "pg", envOr("BANDO_TEST_PG", "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"), "PostGIS database (a schema of its own is created and dropped)")
	flag.StringVar(&o.out, "out", "var/bench-core.md", "markdown copy of the table")
	flag.StringVar(&o.suite, "suite", "core", "core (issue 5's engine table) or tiles (issue 7's tile table, zooms 6–18)")
	flag.IntVar(&o.parcels, "n", 1000000, "synthetic parcels")
	flag.IntVar(&o.tiles, "tiles", 4000, "distinct tiles per data set")
	flag.IntVar(&o.workers, "workers", 4, "concurrent renders in-process (both sides)")
	flag.IntVar(&o.conns, "conns", 16, "HTTP connections (both sides)")
	flag.IntVar(&o.writers, "writers", 64, "concurrent single-feature writers")
	flag.IntVar(&o.tm.rounds, "rounds", 5, "interleaved rounds per comparison")
	flag.DurationVar(&o.tm.phase, "phase", 3*time.Second, "time per side per round")
	flag.DurationVar(&o.writeFor, "write-for", 10*time.Second, "duration of the concurrent-writers run")
	flag.BoolVar(&o.skipDemo, "skip-demo", false, "leave out the demo data set")
	flag.BoolVar(&o.skipPN, "skip-parcels", false, "leave out the parcels data set")
	flag.Parse()
	if *quick {
		set := map[string]bool{}
		flag.Visit(func(f *flag.Flag) { set[f.Name] = true })
		quickDefault(set, "n", &o.parcels, 100000)
		quickDefault(set, "tiles", &o.tiles, 2000)
		quickDefault(set, "rounds", &o.tm.rounds, 3)
		quickDefault(set, "phase", &o.tm.phase, 1500*time.Millisecond)
		quickDefault(set, "write-for", &o.writeFor, 3*time.Second)
	}
	// Libraries (Pebble) log through the default logger: warnings only.
	slog.SetDefault(slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn})))
	if err := run(context.Background(), o); err != nil {
		fmt.Fprintln(os.Stderr, "benchcore:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, o options) error {
	dir, err := os.MkdirTemp("", "benchcore")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	// nginx's workers run as another user and must read the tile files.
	if err := os.Chmod(dir, 0o755); err != nil {
		return err
	}
	e := &env{opt: o, dir: dir, p: layers.Principal{Name: "bench", Clearance: layers.Restricted}}
	if e.cfg, err = writeConfig(o.bin, dir); err != nil {
		return err
	}
	if e.cat, err = data.DemoCatalog(); err != nil {
		return err
	}
	if e.schema, err = newSchema(ctx, o.pg); err != nil {
		return err
	}
	defer e.schema.drop(context.Background())
	e.t = &table{title: fmt.Sprintf("bench-%s: %d parcels, %d rounds × %s per side, %d in-process workers, %d HTTP connections (%s)",
		o.suite, o.parcels, o.tm.rounds, o.tm.phase, o.workers, o.conns, time.Now().UTC().Format("2006-01-02 15:04 UTC"))}
	e.t.notes = append(e.t.notes, fmt.Sprintf("bando %s; PostGIS %s; machine %d CPUs; command: go run ./cmd/benchcore %s",
		version(o.bin), e.schema.version(ctx), numCPU(), quoteArgs(os.Args[1:])))
	if err := e.runSuite(ctx); err != nil {
		return err
	}
	e.t.printText(os.Stdout)
	if o.out != "" {
		if err := os.MkdirAll(filepath.Dir(o.out), 0o755); err != nil {
			return err
		}
		f, err := os.Create(o.out)
		if err != nil {
			return err
		}
		defer f.Close()
		e.t.printMarkdown(f)
		fmt.Printf("\n(markdown in %s)\n", o.out)
	}
	return nil
}

// runSuite runs the chosen suite's data sets.
func (e *env) runSuite(ctx context.Context) error {
	switch e.opt.suite {
	case "tiles":
		return e.tilesRun(ctx)
	case "core":
		if err := e.usePlainCatalog(); err != nil {
			return err
		}
		if !e.opt.skipPN {
			if err := e.parcelsRun(ctx); err != nil {
				return fmt.Errorf("parcels: %w", err)
			}
		}
		if !e.opt.skipDemo {
			if err := e.demoRun(ctx, 16, 3); err != nil {
				return fmt.Errorf("demo: %w", err)
			}
		}
		return nil
	}
	return fmt.Errorf("unknown -suite %q: use core or tiles", e.opt.suite)
}

// progress reports what the run is doing, on stderr.
var progress = slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))

// quickDefault applies a -quick value unless the flag was given.
func quickDefault[T any](set map[string]bool, name string, p *T, v T) {
	if !set[name] {
		*p = v
	}
}

func envOr(k, def string) string {
	if v := os.Getenv(k); v != "" {
		return v
	}
	return def
}

func parsePG(dsn string) (*pgconn.Config, error) {
	c, err := pgx.ParseConfig(dsn)
	if err != nil {
		return nil, err
	}
	return &c.Config, nil
}
