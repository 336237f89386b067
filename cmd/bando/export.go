package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/paulmach/orb"

	"bando/layers"
	"bando/tiles"
	"bando/tiles/archive"
)

// maxExportTiles bounds one export's tile list (8 bytes a tile in memory).
const maxExportTiles = 50_000_000

// exportFlags are `bando export`'s options.
type exportFlags struct {
	data, config, url, token string
	layers                   []string
	minZoom, maxZoom         int
	bbox                     *orb.Bound
	clearance                layers.Access
	workers                  int
	name, out                string
	format                   tiles.Format // MVT, or MLT (PMTiles only)
}

// exportCmd writes the tiles of some layers, for a zoom range and a box,
// to a PMTiles or MBTiles archive: the very bytes the server serves for the
// same coordinates (the gzip body of /tiles/{layers}/{z}/{x}/{y}.mvt),
// rendered from a stopped data directory or fetched from a running server.
// An archive leaves the server for a CDN or an office without a network,
// so it is rendered for the public by default.
func exportCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	f, err := parseExportFlags(args, stderr)
	if err != nil {
		return err
	}
	var src exportSource
	if f.url != "" {
		src, err = newHTTPSource(f)
	} else {
		src, err = newLocalSource(ctx, f)
	}
	if err != nil {
		return err
	}
	defer src.close()
	return runExport(ctx, f, src, stdout, stderr)
}

func parseExportFlags(args []string, stderr io.Writer) (exportFlags, error) {
	var f exportFlags
	fs := flag.NewFlagSet("export", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&f.data, "data", "./var", "data directory (the server must not be running on it)")
	fs.StringVar(&f.config, "config", os.Getenv("BANDO_CONFIG"), "YAML config (for its layers)")
	fs.StringVar(&f.url, "url", "", "fetch the tiles from this running server instead of --data")
	fs.StringVar(&f.token, "token", "", "with --url, a bearer token (then say its --clearance)")
	ids := fs.String("layers", "", "comma-separated layer ids, one MVT layer each (required)")
	fs.IntVar(&f.minZoom, "minzoom", -1, "first zoom (default: the layers' lowest)")
	fs.IntVar(&f.maxZoom, "maxzoom", -1, "last zoom (default: the layers' highest)")
	bbox := fs.String("bbox", "", "west,south,east,north in degrees (default: the layers' extent)")
	clearance := fs.String("clearance", "", "render as a principal of this clearance: public (default), internal or restricted")
	fs.IntVar(&f.workers, "workers", runtime.GOMAXPROCS(0), "tiles rendered at once")
	fs.StringVar(&f.name, "name", "", "archive name in its metadata (default: the layer ids)")
	format := fs.String("format", "mvt", "tile format: mvt, or mlt (MapLibre Tiles; PMTiles only)")
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return f, err
		}
		if fs.NArg() == 0 {
			break
		}
		pos, args = append(pos, fs.Arg(0)), fs.Args()[1:]
	}
	if len(pos) != 1 {
		return f, errors.New("export: give one output file, out.pmtiles or out.mbtiles")
	}
	f.out = pos[0]
	if ext := strings.ToLower(filepath.Ext(f.out)); ext != ".pmtiles" && ext != ".mbtiles" {
		return f, fmt.Errorf("export: %s: the output must end in .pmtiles or .mbtiles", f.out)
	}
	for id := range strings.SplitSeq(*ids, ",") {
		if id = strings.TrimSpace(id); id != "" && !slices.Contains(f.layers, id) {
			f.layers = append(f.layers, id)
		}
	}
	if len(f.layers) == 0 {
		return f, errors.New("export: --layers is required (e.g. --layers communes,roads)")
	}
	if *bbox != "" {
		b, err := parseBBox(*bbox)
		if err != nil {
			return f, err
		}
		f.bbox = &b
	}
	switch {
	case f.minZoom < -1 || f.minZoom > tiles.MaxZoom || f.maxZoom < -1 || f.maxZoom > tiles.MaxZoom:
		return f, fmt.Errorf("export: zooms must lie in 0..%d", tiles.MaxZoom)
	case f.minZoom >= 0 && f.maxZoom >= 0 && f.minZoom > f.maxZoom:
		return f, fmt.Errorf("export: --minzoom %d is above --maxzoom %d", f.minZoom, f.maxZoom)
	}
	var ok bool
	if f.format, ok = tiles.ParseFormat(*format); !ok {
		return f, fmt.Errorf("export: --format %q: want mvt or mlt", *format)
	}
	if f.format == tiles.MLT && strings.EqualFold(filepath.Ext(f.out), ".mbtiles") {
		return f, errors.New("export: MBTiles 1.3 has no MLT format; write MLT tiles to a .pmtiles file")
	}
	f.clearance = layers.Access(*clearance)
	switch {
	case f.clearance == "" && f.url != "" && f.token != "":
		return f, errors.New("export: with --token, say the token's --clearance: the archive records it so that `bando serve` never shows it to principals below it")
	case f.clearance == "":
		f.clearance = layers.Public
	case f.clearance != layers.Public && f.clearance != layers.Internal && f.clearance != layers.Restricted:
		return f, fmt.Errorf("export: --clearance %q: want public, internal or restricted", *clearance)
	}
	return f, nil
}

// parseBBox reads "west,south,east,north".
func parseBBox(s string) (orb.Bound, error) {
	parts := strings.Split(s, ",")
	var v [4]float64
	if len(parts) != 4 {
		return orb.Bound{}, fmt.Errorf("export: --bbox %q: want west,south,east,north", s)
	}
	for i, p := range parts {
		x, err := strconv.ParseFloat(strings.TrimSpace(p), 64)
		if err != nil {
			return orb.Bound{}, fmt.Errorf("export: --bbox %q: %w", s, err)
		}
		v[i] = x
	}
	if v[0] < -180 || v[2] > 180 || v[1] < -90 || v[3] > 90 || v[0] > v[2] || v[1] > v[3] {
		return orb.Bound{}, fmt.Errorf("export: --bbox %q: want west ≤ east in -180..180 and south ≤ north in -90..90", s)
	}
	return orb.Bound{Min: orb.Point{v[0], v[1]}, Max: orb.Point{v[2], v[3]}}, nil
}

// exportSource gives the layers' TileJSON and their tiles' stored bytes.
type exportSource struct {
	tileJSON []tiles.TileJSON
	tile     archive.Source
	close    func()
}

// newLocalSource renders from a stopped data directory with the server's
// own tiles.Server, configured as `bando serve` configures it.
func newLocalSource(ctx context.Context, f exportFlags) (exportSource, error) {
	_, cat, err := configAndCatalog(f.config)
	if err != nil {
		return exportSource{}, err
	}
	idx, err := loadIndex(ctx, f.data, cat)
	if err != nil {
		return exportSource{}, fmt.Errorf("export: %w (or export from the running server with --url)", err)
	}
	archives, closeArchives, err := openArchives(cat, slog.New(slog.DiscardHandler))
	if err != nil {
		return exportSource{}, err
	}
	srv := tiles.New(tiles.Config{Index: idx, Catalog: cat, CacheBytes: -1, Archives: archives})
	p := layers.Principal{Name: "export", Clearance: f.clearance}
	if f.clearance == layers.Public {
		p = layers.Anonymous
	}
	src := exportSource{close: closeArchives}
	for _, id := range f.layers {
		b, err := srv.TileJSON(p, id, "")
		if err == nil {
			var tj tiles.TileJSON
			err = json.Unmarshal(b, &tj)
			src.tileJSON = append(src.tileJSON, tj)
		}
		if err != nil {
			closeArchives()
			return exportSource{}, fmt.Errorf("export: %w (as a %s principal)", err, f.clearance)
		}
	}
	src.tile = func(ctx context.Context, z uint8, x, y uint32) ([]byte, error) {
		t, err := srv.TileFormat(ctx, p, f.format, f.layers, int(z), int(x), int(y))
		return t.Gzip(), err
	}
	return src, nil
}

// runExport lists the tiles, writes them with a progress bar and the
// metadata, and prints the count.
func runExport(ctx context.Context, f exportFlags, src exportSource, stdout, stderr io.Writer) error {
	minZ, maxZ, bound := exportRange(f, src.tileJSON)
	ids, err := exportTiles(minZ, maxZ, bound)
	if err != nil {
		return err
	}
	w, err := createArchive(f.out, f.format)
	if err != nil {
		return err
	}
	defer w.Abort()
	start := time.Now()
	bar := newProgressBar(stderr, len(ids))
	st, err := archive.Export(ctx, ids, src.tile, w, archive.ExportOptions{Workers: f.workers, Progress: bar.update})
	bar.finish(st.Tiles+st.Empty, st.Empty)
	if err != nil {
		return fmt.Errorf("export: %w", err)
	}
	if err := w.Close(exportMetadata(f, src.tileJSON, minZ, maxZ, bound)); err != nil {
		return fmt.Errorf("export: %w", err)
	}
	took := time.Since(start)
	fmt.Fprintf(stdout, "wrote %s: %d tiles (%d empty skipped) of layers %s, z%d–%d, in %s (%.0f tiles/s)\n",
		f.out, st.Tiles, st.Empty, strings.Join(f.layers, ","), minZ, maxZ, took.Round(time.Millisecond),
		float64(st.Tiles+st.Empty)/max(took.Seconds(), 1e-9))
	return nil
}

// archiveWriter is what both archive kinds offer.
type archiveWriter interface {
	archive.TileWriter
	Close(archive.Metadata) error
	Abort()
}

// createArchive picks the archive by the file's extension; the PMTiles
// header names the tile type (MVT or MLT).
func createArchive(path string, f tiles.Format) (archiveWriter, error) {
	if strings.EqualFold(filepath.Ext(path), ".mbtiles") {
		return archive.CreateMBTiles(path, archive.TypeMVT)
	}
	tt := archive.TypeMVT
	if f == tiles.MLT {
		tt = archive.TypeMLT
	}
	return archive.CreatePMTiles(path, archive.PMTilesOptions{TileType: tt, TileCompression: archive.CompressionGzip})
}
