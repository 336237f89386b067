package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"

	"bando/layers"
	"bando/layers/steward"
	"bando/spatial"
	"bando/spatial/query"
	"bando/store"
)

// queryCmd runs one question of the query model (the JSON of POST
// /api/query) on a stopped data directory and prints the answer as JSON
// or CSV. The operator holds the files, so the question runs with
// restricted clearance unless --clearance says otherwise (public shows what
// an anonymous client of the API would get).
func queryCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("query", flag.ContinueOnError)
	fs.SetOutput(stderr)
	data := fs.String("data", "./var", "data directory (the server must not be running on it)")
	cfgFile := fs.String("config", os.Getenv("BANDO_CONFIG"), "YAML config (for its layers)")
	file := fs.String("f", "", "read the question from this file instead of the argument")
	clearance := fs.String("clearance", string(layers.Restricted), "answer as a principal of this clearance: public, internal or restricted")
	asCSV := fs.Bool("csv", false, "print CSV (UTF-8 with a BOM) instead of JSON")
	wkt := fs.Bool("wkt", false, "with --csv, add each feature's geometry as WKT")
	if err := fs.Parse(args); err != nil {
		return err
	}
	body, err := questionBody(*file, fs.Args())
	if err != nil {
		return err
	}
	p := layers.Principal{Name: "cli", Clearance: layers.Access(*clearance)}
	if c := p.Clearance; c != layers.Public && c != layers.Internal && c != layers.Restricted {
		return fmt.Errorf("query: --clearance %q: want public, internal or restricted", *clearance)
	}
	q, err := query.Parse(body)
	if err != nil {
		return err
	}
	_, cat, err := configAndCatalog(*cfgFile)
	if err != nil {
		return err
	}
	idx, err := loadIndex(ctx, *data, cat)
	if err != nil {
		return err
	}
	res, err := query.New(idx, cat, query.Limits{}).Run(ctx, p, q)
	if err != nil {
		return err
	}
	if *asCSV {
		return res.WriteCSV(stdout, *wkt)
	}
	b, err := res.MarshalJSON()
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(stdout, "%s\n", b)
	return err
}

// questionBody is the question from -f FILE ("-" for stdin) or the one
// argument.
func questionBody(file string, args []string) ([]byte, error) {
	switch {
	case file == "-":
		return io.ReadAll(os.Stdin)
	case file != "":
		return os.ReadFile(file)
	case len(args) == 1:
		return []byte(args[0]), nil
	}
	return nil, fmt.Errorf(`query: give the question as one argument ('{"layer": …}') or with -f FILE`)
}

// loadIndex opens a stopped data directory and loads its features.
func loadIndex(ctx context.Context, dir string, cat *layers.Catalog) (*spatial.Index, error) {
	if _, err := os.Stat(dir); err != nil {
		return nil, fmt.Errorf("query: data directory: %w (run `bando serve --data %s` once to load the demo)", err, dir)
	}
	st, err := store.OpenPebble(dir, nil)
	if err != nil {
		return nil, fmt.Errorf("%w (is a server running on it? ask it: POST /api/query)", err)
	}
	defer st.Close()
	// The catalog as the server left it: with the data stewards' changes.
	if _, err := steward.Replay(ctx, cat, st); err != nil {
		return nil, err
	}
	idx := spatial.NewIndex()
	if _, err := store.LoadWith(ctx, st, cat, idx, store.LoadOptions{Logger: slog.New(slog.DiscardHandler)}); err != nil {
		return nil, loadError(err, "the data directory "+dir)
	}
	return idx, nil
}
