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
	"sync"

	"bando/crs"
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
	// Shapefile is a zip holding a .shp with its .dbf (and .shx, .prj,
	// .cpg).
	Shapefile Format = "shapefile"
	// GeoPackage is an OGC GeoPackage (SQLite) file.
	GeoPackage Format = "gpkg"
	// KML is an OGC KML 2.2 document; KMZ a zip holding one.
	KML Format = "kml"
	KMZ Format = "kmz"
	// FlatGeobuf is a FlatGeobuf file (version 3), read as a stream.
	FlatGeobuf Format = "flatgeobuf"
)

// Options tune Prepare.
type Options struct {
	// Partial stores the valid features and reports the rest; by default
	// any invalid feature refuses the whole input.
	Partial bool
	// KeepInvalid stores a geometry that breaks a validity rule as it is,
	// unrepaired, and lists it in Report.KeptInvalid, so that a steward
	// loads data as the source holds it and data quality shows what is
	// wrong (see "Keeping invalid geometries" in the package doc).
	KeepInvalid bool
	// IDField is the property (CSV column) holding the feature id when a
	// GeoJSON feature has no "id" member. Default "id".
	IDField string
	// LonField, LatField and WKTField name the CSV geometry columns. By
	// default lon/lng/long/longitude/x, lat/latitude/y and wkt/geometry/geom
	// are detected (case-insensitive); lon/lat wins over WKT.
	LonField, LatField, WKTField string
	// Limits bound the input's size; the zero value is DefaultLimits.
	Limits Limits
	// CRS is the coordinate system of a Shapefile or GeoPackage whose own
	// (.prj, gpkg_spatial_ref_sys) is missing or is to be overridden
	// (--crs); nil reads it from the file, and WGS84 when it has none.
	CRS *crs.CRS
	// Encoding is the text encoding of a Shapefile's DBF ("utf-8",
	// "tcvn3", "vni", "cp1258"), overriding its .cpg; "" reads the .cpg,
	// else detects it from the text.
	Encoding string
	// Table is the GeoPackage feature table (or the Shapefile in a zip
	// holding several) to read; "" reads them all.
	Table string
	// AdminField names a field holding pre-2025 commune codes, converted to
	// 2025 codes with AdminCodes (Report.Admin says how); "" converts none.
	AdminField string
	AdminCodes AdminCodes
	// Progress, when set, is called every few thousand records of a
	// Shapefile or GeoPackage with the records read and the total.
	Progress func(read, total int)
}

// ErrUnknownFormat is what Prepare and ParseFormat return (wrapped) for a
// format name they do not know.
var ErrUnknownFormat = errors.New("ingest: unknown format")

// ErrUnsupportedType is what FormatFromContentType returns (wrapped) for a
// media type no reader takes.
var ErrUnsupportedType = errors.New("ingest: unsupported content type")

// Prepare parses and validates input for layer l and returns the features
// to store, in input order, with a report. A gzip stream is detected by its
// magic bytes and decompressed. On a refused input it returns an *Error
// listing every problem (the report is returned too); with opt.Partial the
// valid features are returned and the invalid ones are listed in
// Report.Rejected. Inputs that cannot be read as their format at all (a
// syntax error in a FeatureCollection, a missing CSV header, a body of
// another format) or that exceed opt.Limits are refused even with
// opt.Partial. An unknown format name returns an error matching
// ErrUnknownFormat. Other errors (the reader failing) are returned as plain
// wrapped errors.
func Prepare(l *layers.Layer, format Format, r io.Reader, opt Options) ([]*spatial.Feature, *Report, error) {
	if l == nil {
		return nil, nil, errors.New("ingest: no layer")
	}
	format, err := parseFormatName(string(format))
	if err != nil {
		return nil, nil, err
	}
	opt.Limits = opt.Limits.resolved()
	c := newCollector(l, format, opt)
	defer c.drain() // stops the row workers on a path that returns an error
	if msg := c.planAdmin(); msg != "" {
		c.fatal(-1, 0, RuleAdmin, msg)
		return c.finish()
	}
	if format == Shapefile || format == GeoPackage || format == KMZ {
		if err := readArchive(c, format, r); err != nil {
			return nil, nil, err
		}
		return c.finish()
	}
	br, release, err := open(r, opt.Limits)
	defer release()
	if err != nil {
		c.fatal(-1, 0, RuleGzip, gzipMsg(err))
		return c.finish()
	}
	if msg := formatMismatch(format, br); msg != "" {
		c.fatal(-1, 1, RuleFormat, msg)
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
	case KML:
		err = readKML(c, br)
	case FlatGeobuf:
		err = readFlatGeobuf(c, br)
	}
	if err != nil {
		return nil, nil, err
	}
	return c.finish()
}

// open returns r, decompressed when it starts with the gzip magic bytes,
// and bounded by lim.MaxInputBytes and lim.MaxRatio. Its buffers come from
// a pool: a single-feature write must not allocate (and the GC clear) 64 KiB
// twice, which capped concurrent writers at a few thousand per second.
// release returns them; nothing may read from the reader after it.
func open(r io.Reader, lim Limits) (br *bufio.Reader, release func(), err error) {
	raw := newBoundedReader(r, lim, nil)
	outer := getReader(raw)
	release = func() { putReader(outer) }
	magic, _ := outer.Peek(2)
	if len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b {
		zr, err := gzip.NewReader(outer) // outer is a ByteReader: gzip reads no further ahead
		if err != nil {
			return nil, release, err
		}
		consumed := func() int64 { return raw.n - int64(outer.Buffered()) }
		inner := getReader(newBoundedReader(gzipReader{zr}, lim, consumed))
		return inner, func() { putReader(inner); putReader(outer) }, nil
	}
	return outer, release, nil
}

// readerBuf is the size of the pooled input buffers.
const readerBuf = 1 << 16

var readers = sync.Pool{New: func() any { return bufio.NewReaderSize(nil, readerBuf) }}

func getReader(r io.Reader) *bufio.Reader {
	br := readers.Get().(*bufio.Reader)
	br.Reset(r)
	return br
}

func putReader(br *bufio.Reader) {
	br.Reset(nil) // drop the reference to the request body
	readers.Put(br)
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

// readAll reads r, which open bounded to Limits.MaxInputBytes, reporting a
// corrupt gzip stream or an exceeded limit as an input problem rather than
// an I/O failure.
func readAll(c *collector, r io.Reader) ([]byte, bool, error) {
	b, err := io.ReadAll(r)
	if err == nil {
		return b, true, nil
	}
	return nil, false, c.readFailed(err, 0)
}

// readFailed records a read error that is the input's fault (a corrupt
// gzip stream, an exceeded limit) as a problem refusing the input, and
// returns nil; any other error is returned wrapped.
func (c *collector) readFailed(err error, line int) error {
	if le, ok := asLimitErr(err); ok {
		c.fatal(-1, line, RuleTooLarge, le.msg)
		return nil
	}
	if isGzipErr(err) {
		c.fatal(-1, line, RuleGzip, gzipMsg(err))
		return nil
	}
	if line > 0 {
		return fmt.Errorf("ingest: read line %d: %w", line, err)
	}
	return fmt.Errorf("ingest: read: %w", err)
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
		return "", fmt.Errorf("ingest: content type %s: %w", quoteExcerpt(ct), err)
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
	case "application/zip", "application/x-zip-compressed", "application/x-shapefile":
		return Shapefile, nil
	case "application/geopackage+sqlite3", "application/x-sqlite3", "application/vnd.sqlite3":
		return GeoPackage, nil
	case "application/vnd.google-earth.kml+xml", "application/kml+xml":
		return KML, nil
	case "application/vnd.google-earth.kmz":
		return KMZ, nil
	case "application/flatgeobuf", "application/x-flatgeobuf":
		return FlatGeobuf, nil
	}
	return "", fmt.Errorf("%w %s", ErrUnsupportedType, quoteExcerpt(mt))
}

// ParseFormat reads a format name as given in an API ?format= parameter
// or a CLI flag: geojson, ndjson (geojsonl, geojsonseq), csv, overpass (osm),
// shapefile (shp, zip), gpkg, kml, kmz, flatgeobuf (fgb).
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
	case "shapefile", "shp", "zip":
		return Shapefile, nil
	case "gpkg", "geopackage":
		return GeoPackage, nil
	case "kml":
		return KML, nil
	case "kmz":
		return KMZ, nil
	case "flatgeobuf", "fgb":
		return FlatGeobuf, nil
	}
	return "", fmt.Errorf("%w %s: want geojson, ndjson, csv, overpass, shapefile, gpkg, kml, kmz or flatgeobuf", ErrUnknownFormat, quoteExcerpt(name))
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
	case strings.HasSuffix(name, ".zip"):
		return Shapefile, nil
	case strings.HasSuffix(name, ".gpkg"):
		return GeoPackage, nil
	case strings.HasSuffix(name, ".kml"):
		return KML, nil
	case strings.HasSuffix(name, ".kmz"):
		return KMZ, nil
	case strings.HasSuffix(name, ".fgb"):
		return FlatGeobuf, nil
	}
	return "", fmt.Errorf("ingest: cannot tell the format of %s from its name", quoteExcerpt(path))
}
