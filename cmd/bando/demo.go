package main

import (
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"strings"
	"time"

	"bando/data"
	"bando/ingest"
	"bando/layers"
	"bando/spatial"
	"bando/store"
)

// writeChunk is how many features one store write carries when loading files.
const writeChunk = 5000

// loadDemo ingests each layer's embedded demo file into a new data directory.
func loadDemo(ctx context.Context, st store.Store, cat *layers.Catalog, log *slog.Logger) error {
	demo := data.Demo()
	for _, l := range cat.All() {
		if l.Demo == "" {
			continue
		}
		start := time.Now()
		feats, rep, err := prepareFile(demo, l.Demo, "", l, ingest.Options{Partial: true})
		if err != nil {
			return fmt.Errorf("demo layer %s: %w", l.ID, err)
		}
		if err := putChunks(ctx, st, l, feats); err != nil {
			return fmt.Errorf("demo layer %s: %w", l.ID, err)
		}
		log.Info("demo layer loaded", "layer", l.ID, "accepted", rep.Accepted,
			"repaired", len(rep.Repaired), "rejected", len(rep.Rejected), "took", time.Since(start).Round(time.Millisecond))
	}
	return nil
}

// prepareFile opens name in fsys (gunzipping .gz) and prepares it for layer
// l, in the given format or, if empty, the one its name says.
func prepareFile(fsys fs.FS, name string, format ingest.Format, l *layers.Layer, opt ingest.Options) ([]*spatial.Feature, *ingest.Report, error) {
	f, err := fsys.Open(name)
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	if format == "" {
		if format, err = ingest.FormatFromPath(name); err != nil {
			return nil, nil, err
		}
	}
	var r io.Reader = f
	if strings.HasSuffix(name, ".gz") {
		gz, err := gzip.NewReader(f)
		if err != nil {
			return nil, nil, fmt.Errorf("%s: %w", name, err)
		}
		defer gz.Close()
		r = gz
	}
	return ingest.Prepare(l, format, r, opt)
}

func putChunks(ctx context.Context, st store.Store, l *layers.Layer, feats []*spatial.Feature) error {
	for i := 0; i < len(feats); i += writeChunk {
		if _, err := st.Put(ctx, l, feats[i:min(len(feats), i+writeChunk)]); err != nil {
			return err
		}
	}
	return nil
}
