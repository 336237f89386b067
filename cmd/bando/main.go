// Command bando is the one CLI: serve, ingest, layers, gen, version.
package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
)

// version is set at build time with -ldflags "-X main.version=…".
var version = "dev"

const usage = `bando — bản đồ số cho Trung tâm IOC / the map brain of a provincial IOC

usage:
  bando serve   [--addr HOST:PORT] [--data DIR] [--config FILE] [--demo=false] [--db postgres://…]
  bando migrate --db postgres://…                 create or update bando's PostGIS schema
  bando copy    --from DIR|postgres://… --to DIR|postgres://… [--config FILE]
                every feature (and the demo marker) into an empty store
  bando ingest  --layer ID [--partial] [--keep-invalid] [--format F] [--data DIR | --db postgres://… | --url URL --token T] FILE...
  bando layers  [--config FILE]                  the built-in and configured catalog
  bando layers  ls|add|set|rm [--url URL] [--token T] [FILE|ID]
                a data steward's catalog changes on the running server
                (add/set: a layer entry in YAML or JSON; rm [--purge] ID)
  bando query   [--data DIR] [--config FILE] [--clearance C] [--csv [--wkt]] ('{json}' | -f FILE)
                one question of the query model (POST /api/query) on a stopped data directory
  bando export  [--data DIR [--clearance C] | --url URL [--token T --clearance C]] --layers A,B
                [--minzoom N] [--maxzoom M] [--bbox W,S,E,N] OUT.pmtiles|OUT.mbtiles
                the tiles the server serves, in a PMTiles v3 or MBTiles 1.3 archive
  bando gen     [--layer L] [--n N] [--seed S] [--out FILE]
                synthetic NDJSON: parcels (default), houses, street_lights,
                schools, clinics, commune_stats
  bando twin replay [--data DIR] [--registry vessels.ndjson] [--rules rules.yaml] FEED...
                run the rules over NDJSON positions / observations in event
                time; print the alerts as NDJSON
  bando simulate vessels --n N --seed S --hours H [--start RFC3339] [--events=false]
                [--out positions.ndjson] [--registry vessels.ndjson] [--truth truth.ndjson]
                a synthetic fleet from the demo's ports, with scripted IUU events
  bando hash-token SECRET                          the sha256 to put in the config
  bando version
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := dispatch(ctx, os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "bando:", err)
		os.Exit(1)
	}
}

func dispatch(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return fmt.Errorf("missing command")
	}
	cmd, rest := args[0], args[1:]
	switch cmd {
	case "serve":
		return serveCmd(ctx, rest, stdout, stderr)
	case "ingest":
		return ingestCmd(ctx, rest, stdout, stderr)
	case "migrate":
		return migrateCmd(ctx, rest, stdout, stderr)
	case "copy":
		return copyCmd(ctx, rest, stdout, stderr)
	case "layers":
		return layersCmd(ctx, rest, stdout, stderr)
	case "query":
		return queryCmd(ctx, rest, stdout, stderr)
	case "export":
		return exportCmd(ctx, rest, stdout, stderr)
	case "gen":
		return genCmd(rest, stdout)
	case "twin":
		return twinCmd(ctx, rest, stdout, stderr)
	case "simulate":
		return simulateCmd(rest, stdout, stderr)
	case "hash-token":
		return hashTokenCmd(rest, stdout)
	case "version", "--version":
		fmt.Fprintln(stdout, "bando", version)
		return nil
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	fmt.Fprint(stderr, usage)
	return fmt.Errorf("unknown command %q", cmd)
}

func newLogger(w io.Writer, level string) *slog.Logger {
	var l slog.Level
	_ = l.UnmarshalText([]byte(level))
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: l}))
}
