package ingest

import (
	"bufio"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"mime"
	"path/filepath"
	"strings"

	"bando/layers"
	"bando/spatial"
)

// Format names an input format.
type Format string

// Input formats.
const (
	// GeoJSON is a FeatureCollection, a single Feature, or newline-delimited
	// Features (detected when a Feature is followed by more input).
	GeoJSON Format = "geojson"
	// NDJSON is one GeoJSON Feature per line (also RFC 8142 GeoJSON text
	// sequences: a leading record separator on a line is ignored).
	NDJSON Format = "ndjson"
	// CSV is comma-, semicolon- or tab-separated text with a header row and
	// lon/lat or WKT geometry columns.
	CSV Format = "csv"
	// Overpass is the JSON output of the Overpass API ({"elements":[…]}).
	Overpass Format = "overpass"
)

// Options tune Prepare.
type Options struct {
	// Partial stores the valid features and reports the rest; by default
	// any invalid feature refuses the whole input.
	Partial bool
	// IDField is the property (CSV column) holding the feature id when a
	// GeoJSON feature has no "id" member. Default "id".
	IDField string
	// LonField, LatField and WKTField name the CSV geometry columns. By
	// default lon/lng/long/longitude/x, lat/latitude/y and wkt/geometry/geom
	// are detected (case-insensitive); lon/lat wins over WKT.
	LonField, LatField, WKTField string
	// MaxFeatures refuses inputs with more features; 0 means unlimited.
	MaxFeatures int
}

// Prepare parses and validates input for layer l and returns the features
// to store, in input order, with a report. A gzip stream is detected by its
// magic bytes and decompressed. On a refused input it returns an *Error
// listing every problem (the report is returned too); with opt.Partial the
// valid features are returned and the invalid ones are listed in
// Report.Rejected. Inputs that cannot be read as their format at all (a
// syntax error in a FeatureCollection, a missing CSV header, more than
// MaxFeatures features) are refused even with opt.Partial. Other errors
// (the reader failing) are returned as plain wrapped errors.
func Prepare(l *layers.Layer, format Format, r io.Reader, opt Options) ([]*spatial.Feature, *Report, error) {
	if l == nil {
		return nil, nil, errors.New("ingest: no layer")
	}
	c := newCollector(l, format, opt)
	br, err := gunzip(r)
	if err != nil {
		c.fatal(-1, 0, RuleGzip, gzipMsg(err))
		return c.finish()
	}
	switch format {
	case GeoJSON:
		err = readGeoJSON(c, br)
	case NDJSON:
		err = readNDJSON(c, br)
	case CSV:
		err = readCSV(c, br)
	case Overpass:
		err = readOverpass(c, br)
	default:
		return nil, nil, fmt.Errorf("ingest: unknown format %q", format)
	}
	if err != nil {
		return nil, nil, err
	}
	return c.finish()
}

// gunzip returns r, decompressed when it starts with the gzip magic bytes.
func gunzip(r io.Reader) (*bufio.Reader, error) {
	br := bufio.NewReaderSize(r, 1<<16)
	magic, _ := br.Peek(2)
	if len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b {
		zr, err := gzip.NewReader(br)
		if err != nil {
			return nil, err
		}
		return bufio.NewReaderSize(gzipReader{zr}, 1<<16), nil
	}
	return br, nil
}

// gzipReader marks errors of the gzip stream, so that a corrupt file is
// told apart from a failing reader.
type gzipReader struct{ r io.Reader }

func (g gzipReader) Read(p []byte) (int, error) {
	n, err := g.r.Read(p)
	if err != nil && err != io.EOF {
		err = &gzipError{err}
	}
	return n, err
}

type gzipError struct{ err error }

func (e *gzipError) Error() string { return "gzip: " + gzipMsg(e.err) }
func (e *gzipError) Unwrap() error { return e.err }

// readAll reads r, reporting a corrupt gzip stream as an input problem
// rather than an I/O failure.
func readAll(c *collector, r io.Reader) ([]byte, bool, error) {
	b, err := io.ReadAll(r)
	if err == nil {
		return b, true, nil
	}
	if isGzipErr(err) {
		c.fatal(-1, 0, RuleGzip, gzipMsg(err))
		return nil, false, nil
	}
	return nil, false, fmt.Errorf("ingest: read: %w", err)
}

// gzipMsg is the message of a gzip error without its "gzip: " prefixes.
func gzipMsg(err error) string {
	var ge *gzipError
	if errors.As(err, &ge) {
		err = ge.err
	}
	return strings.TrimPrefix(err.Error(), "gzip: ")
}

func isGzipErr(err error) bool {
	var ge *gzipError
	return errors.As(err, &ge)
}

// FormatFromContentType maps a media type to a format. Overpass output is
// served as application/json, so it needs its own name:
// application/vnd.osm.overpass+json (or application/osm3s+json), or the
// parameter format=overpass on any JSON type.
func FormatFromContentType(ct string) (Format, error) {
	mt, params, err := mime.ParseMediaType(ct)
	if err != nil {
		return "", fmt.Errorf("ingest: content type %q: %w", ct, err)
	}
	if f := params["format"]; f != "" {
		return parseFormatName(f)
	}
	switch mt {
	case "application/geo+json", "application/json", "application/vnd.geo+json":
		return GeoJSON, nil
	case "application/x-ndjson", "application/ndjson", "application/geo+json-seq",
		"application/x-geojsonl", "application/jsonl", "application/json-seq":
		return NDJSON, nil
	case "text/csv", "application/csv":
		return CSV, nil
	case "application/vnd.osm.overpass+json", "application/osm3s+json":
		return Overpass, nil
	}
	return "", fmt.Errorf("ingest: unsupported content type %q", mt)
}

// ParseFormat reads a format name as given in an API ?format= parameter
// or a CLI flag: geojson, ndjson (geojsonl, geojsonseq), csv, overpass (osm).
func ParseFormat(name string) (Format, error) { return parseFormatName(name) }

func parseFormatName(name string) (Format, error) {
	switch strings.ToLower(strings.TrimSpace(name)) {
	case "geojson", "json":
		return GeoJSON, nil
	case "ndjson", "geojsonl", "geojsonseq", "jsonl":
		return NDJSON, nil
	case "csv":
		return CSV, nil
	case "overpass", "osm", "osmjson":
		return Overpass, nil
	}
	return "", fmt.Errorf("ingest: unknown format %q", name)
}

// FormatFromPath picks a format from a file name. A ".gz" suffix is looked
// through: Prepare decompresses gzip input itself.
func FormatFromPath(path string) (Format, error) {
	name := strings.ToLower(filepath.Base(path))
	name = strings.TrimSuffix(name, ".gz")
	switch {
	case strings.HasSuffix(name, ".osm.json"), strings.HasSuffix(name, ".overpass.json"):
		return Overpass, nil
	case strings.HasSuffix(name, ".geojson"), strings.HasSuffix(name, ".json"):
		return GeoJSON, nil
	case strings.HasSuffix(name, ".ndjson"), strings.HasSuffix(name, ".geojsonl"),
		strings.HasSuffix(name, ".geojsons"), strings.HasSuffix(name, ".jsonl"):
		return NDJSON, nil
	case strings.HasSuffix(name, ".csv"), strings.HasSuffix(name, ".tsv"):
		return CSV, nil
	}
	return "", fmt.Errorf("ingest: cannot tell the format of %q from its name", path)
}
