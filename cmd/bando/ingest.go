package main

import (
	"bando/layers/steward"
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"bando/crs"
	"bando/ingest"
	"bando/ingest/admincode"
	"bando/layers"
	"bando/migrations"
	"bando/store"
	"bando/store/postgis"
)

type ingestFlags struct {
	layer, format, data, url, token, config string
	crs, encoding, table, adminField, db    string
	partial, keepInvalid                    bool
}

func ingestCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var f ingestFlags
	fs := flag.NewFlagSet("ingest", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&f.layer, "layer", "", "target layer id (required)")
	fs.StringVar(&f.format, "format", "", "geojson, ndjson, csv, overpass, shapefile (.zip), gpkg, kml, kmz or flatgeobuf (.fgb) (default: from the file name)")
	fs.StringVar(&f.data, "data", "./var", "data directory to write into (the server must not be running on it)")
	fs.StringVar(&f.db, "db", os.Getenv("BANDO_DB"), "write into this PostGIS database (postgres://…; servers on it see the features) instead of --data")
	fs.StringVar(&f.url, "url", "", "post to a running bando at this base URL instead of opening --data")
	fs.StringVar(&f.token, "token", os.Getenv("BANDO_TOKEN"), "bearer token for --url (env BANDO_TOKEN)")
	fs.StringVar(&f.config, "config", os.Getenv("BANDO_CONFIG"), "YAML config (for its layers)")
	fs.BoolVar(&f.partial, "partial", false, "store the valid features and report the rest")
	fs.BoolVar(&f.keepInvalid, "keep-invalid", false, "store self-intersecting, degenerate or badly holed geometries as they are (data quality counts them) instead of refusing or repairing them")
	fs.StringVar(&f.crs, "crs", "", "coordinate system of a Shapefile or GeoPackage without one (or to override it): EPSG:n, VN2000:TM3:<meridian>, VN2000:<province>")
	fs.StringVar(&f.encoding, "encoding", "", "text encoding of a Shapefile's DBF: utf-8, cp1258, cp1252, tcvn3, vni (default: the .cpg, else detected)")
	fs.StringVar(&f.table, "table", "", "the GeoPackage feature table (or the shapefile of a zip) to read (default: all)")
	fs.StringVar(&f.adminField, "admin-field", "", "a field holding pre-2025 commune codes, converted to 2025 codes (split communes placed by their geometry)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if f.layer == "" || fs.NArg() == 0 {
		return fmt.Errorf("ingest: need --layer and at least one file")
	}
	if path := os.Getenv("BANDO_CPUPROFILE"); path != "" {
		stop, err := startCPUProfile(path)
		if err != nil {
			return err
		}
		defer stop()
	}
	enc := json.NewEncoder(stdout)
	enc.SetIndent("", "  ")
	for _, path := range fs.Args() {
		var rep any
		var err error
		if f.url != "" {
			rep, err = ingestHTTP(ctx, f, path)
		} else {
			rep, err = ingestLocal(ctx, f, path, stderr)
		}
		if err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		if err := enc.Encode(rep); err != nil {
			return err
		}
	}
	return nil
}

func ingestLocal(ctx context.Context, f ingestFlags, path string, stderr io.Writer) (any, error) {
	cfg, cat, err := configAndCatalog(f.config)
	if err != nil {
		return nil, err
	}
	if f.db == "" {
		f.db = cfg.DB
	}
	st, err := openIngestStore(ctx, f, cat)
	if err != nil {
		return nil, err
	}
	defer st.Close()
	if b, ok := st.(steward.Backend); ok { // layers made by data stewards (embedded store)
		if _, err := steward.Replay(ctx, cat, b); err != nil {
			return nil, err
		}
	}
	l, err := cat.Get(f.layer)
	if err != nil {
		return nil, err
	}
	dir, name := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	opt := ingest.Options{Partial: f.partial, KeepInvalid: f.keepInvalid, Limits: cfg.localLimits(), Encoding: f.encoding, Table: f.table}
	if opt.AdminField = f.adminField; opt.AdminField != "" {
		if opt.AdminCodes, err = admincode.Default(); err != nil {
			return nil, err
		}
	}
	if f.crs != "" {
		if opt.CRS, err = crs.Parse(f.crs); err != nil {
			return nil, err
		}
	}
	var bar *progressBar
	opt.Progress = func(read, total int) {
		if bar == nil {
			bar = newProgressBar(stderr, max(total, read))
			bar.unit = "records"
		}
		bar.total = max(bar.total, read)
		bar.update(read, 0)
	}
	feats, rep, err := prepareFile(os.DirFS(dir), name, ingest.Format(f.format), l, opt)
	if bar != nil && rep != nil {
		bar.finish(rep.Read, 0)
	}
	if err != nil {
		return nil, err
	}
	start := time.Now()
	if err := putChunks(ctx, st, l, feats); err != nil {
		return nil, err
	}
	return struct {
		*ingest.Report
		Seconds float64 `json:"store_seconds"`
	}{rep, time.Since(start).Seconds()}, nil
}

// openIngestStore opens the store a local ingest writes into: the
// database with --db (new features go through COPY, see store/postgis),
// else the data directory.
func openIngestStore(ctx context.Context, f ingestFlags, cat *layers.Catalog) (store.Store, error) {
	if f.db != "" {
		st, err := postgis.Open(ctx, f.db, nil, cat)
		if errors.Is(err, migrations.ErrBehind) {
			return nil, fmt.Errorf("%w; run bando migrate --db '%s' first", err, redact(f.db))
		}
		if err != nil {
			return nil, err
		}
		return st, nil
	}
	st, err := store.OpenPebble(f.data, nil)
	if err != nil {
		return nil, fmt.Errorf("%w (is a server running on it? use --url)", err)
	}
	return st, nil
}

// ingestHTTP posts the file to a running server; newline-delimited files go
// in chunks of lines so no request exceeds the body limit.
func ingestHTTP(ctx context.Context, f ingestFlags, path string) (any, error) {
	file, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer file.Close()
	format := ingest.Format(f.format)
	if format == "" {
		if format, err = ingest.FormatFromPath(path); err != nil {
			return nil, err
		}
	}
	var reports []json.RawMessage
	send := func(body []byte) error {
		rep, err := postItems(ctx, f, format, body)
		reports = append(reports, rep)
		return err
	}
	if format != "ndjson" {
		body, err := io.ReadAll(file)
		if err != nil {
			return nil, err
		}
		return reports, send(body)
	}
	sc := bufio.NewScanner(file)
	sc.Buffer(make([]byte, 1<<20), 64<<20)
	var chunk bytes.Buffer
	lines := 0
	for sc.Scan() {
		chunk.Write(sc.Bytes())
		chunk.WriteByte('\n')
		if lines++; lines == 20000 {
			if err := send(chunk.Bytes()); err != nil {
				return reports, err
			}
			chunk.Reset()
			lines = 0
		}
	}
	if err := sc.Err(); err != nil {
		return reports, err
	}
	if lines > 0 {
		return reports, send(chunk.Bytes())
	}
	return reports, nil
}

var contentTypes = map[ingest.Format]string{
	"geojson": "application/geo+json", "ndjson": "application/x-ndjson", "csv": "text/csv",
	ingest.Shapefile: "application/zip", ingest.GeoPackage: "application/geopackage+sqlite3",
	ingest.FlatGeobuf: "application/flatgeobuf", ingest.KML: "application/vnd.google-earth.kml+xml",
	ingest.KMZ: "application/vnd.google-earth.kmz",
}

func postItems(ctx context.Context, f ingestFlags, format ingest.Format, body []byte) (json.RawMessage, error) {
	u := strings.TrimSuffix(f.url, "/") + "/collections/" + f.layer + "/items?format=" + string(format)
	if f.partial {
		u += "&partial=true"
	}
	if f.keepInvalid {
		u += "&invalid=keep"
	}
	for k, v := range map[string]string{"crs": f.crs, "encoding": f.encoding, "table": f.table, "admin_field": f.adminField} {
		if v != "" {
			u += "&" + k + "=" + url.QueryEscape(v)
		}
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	ct := contentTypes[format]
	if ct == "" {
		ct = "application/json"
	}
	req.Header.Set("Content-Type", ct)
	if f.token != "" {
		req.Header.Set("Authorization", "Bearer "+f.token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	out, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode >= 300 {
		return out, fmt.Errorf("server answered %s: %s", resp.Status, out)
	}
	return out, nil
}
