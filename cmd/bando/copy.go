package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"bando/layers"
	"bando/migrations"
	"bando/spatial"
	"bando/store"
	"bando/store/postgis"
)

// copyStore is what `bando copy` reads from and writes to.
type copyStore interface {
	store.Store
	markerStore
}

// copyCmd copies every feature of the catalog's layers (and the demo
// marker) from one store to another: a data directory to a PostGIS
// database, or back. The destination must be empty.
func copyCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("copy", flag.ContinueOnError)
	fs.SetOutput(stderr)
	from := fs.String("from", "", "source: a data directory or a postgres://… URL")
	to := fs.String("to", "", "destination (empty): a data directory or a postgres://… URL")
	config := fs.String("config", os.Getenv("BANDO_CONFIG"), "YAML config (for its layers)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *from == "" || *to == "" {
		return fmt.Errorf("copy: need --from and --to")
	}
	_, cat, err := configAndCatalog(*config)
	if err != nil {
		return err
	}
	src, err := openCopyStore(ctx, *from, cat)
	if err != nil {
		return fmt.Errorf("copy: --from %s: %w", redact(*from), err)
	}
	defer src.Close()
	dst, err := openCopyStore(ctx, *to, cat)
	if err != nil {
		return fmt.Errorf("copy: --to %s: %w", redact(*to), err)
	}
	defer dst.Close()
	if empty, err := dst.Empty(); err != nil || !empty {
		if err == nil {
			err = errors.New("it holds data already; copy only into an empty store")
		}
		return fmt.Errorf("copy: --to %s: %w", redact(*to), err)
	}
	for _, l := range cat.All() {
		start := time.Now()
		n, err := copyLayer(ctx, src, dst, l)
		if err != nil {
			return fmt.Errorf("copy: layer %s: %w", l.ID, err)
		}
		if n > 0 {
			fmt.Fprintf(stdout, "bando copy: %s: %d features in %v\n", l.ID, n, time.Since(start).Round(time.Millisecond))
		}
	}
	// The demo marker travels with the data: a server on the copy does not
	// load the demo over it.
	if v, err := src.Marker(demoMarker); err != nil {
		return err
	} else if v != "" {
		if err := dst.SetMarker(demoMarker, v); err != nil {
			return err
		}
	}
	return nil
}

// copyLayer streams one layer in chunks of writeChunk features.
func copyLayer(ctx context.Context, src, dst copyStore, l *layers.Layer) (int, error) {
	n := 0
	var chunk []*spatial.Feature
	flush := func() error {
		if len(chunk) == 0 {
			return nil
		}
		_, err := dst.Put(ctx, l, chunk)
		n += len(chunk)
		chunk = chunk[:0:0]
		return err
	}
	err := src.Scan(ctx, l, func(f *spatial.Feature) error {
		if chunk = append(chunk, f); len(chunk) == writeChunk {
			return flush()
		}
		return nil
	})
	if err == nil {
		err = flush()
	}
	return n, err
}

func isDBURL(s string) bool {
	return strings.HasPrefix(s, "postgres://") || strings.HasPrefix(s, "postgresql://")
}

func openCopyStore(ctx context.Context, where string, cat *layers.Catalog) (copyStore, error) {
	if !isDBURL(where) {
		if err := os.MkdirAll(where, 0o755); err != nil {
			return nil, err
		}
		st, err := store.OpenPebble(where, nil)
		if err != nil {
			return nil, fmt.Errorf("%w (is a server running on it?)", err)
		}
		return st, nil
	}
	st, err := postgis.Open(ctx, where, nil, cat)
	if errors.Is(err, migrations.ErrBehind) {
		return nil, fmt.Errorf("%w; run bando migrate --db '%s' first", err, redact(where))
	}
	if err != nil {
		return nil, err
	}
	return st, nil
}
