package ingest

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// Rules: the short machine codes a Problem carries. The API passes them on
// untouched, so they are part of the contract.
const (
	RuleJSON        = "json"             // not JSON, or not the GeoJSON shape
	RuleCSV         = "csv"              // CSV syntax, header or column count
	RuleWKT         = "wkt"              // a WKT value that does not parse
	RuleGzip        = "gzip"             // a corrupt gzip stream
	RuleOverpass    = "overpass"         // not the Overpass JSON shape
	RuleEncoding    = "encoding"         // CSV text that is not UTF-8
	RuleType        = "type"             // a property value of the wrong type
	RuleRequired    = "required"         // a required field is absent or null
	RuleMissingID   = "missing-id"       // no usable feature id
	RuleBadID       = "id"               // an id that is neither a string nor an integer
	RuleDuplicateID = "duplicate-id"     // the same id more than once in one input
	RuleTooMany     = "too-many"         // more features than Limits.MaxFeatures
	RuleTooLarge    = "too-large"        // an input, line, value or geometry over its Limits
	RuleFormat      = "format"           // a body that is not the declared format
	RuleGeomType    = "geometry-type"    // a geometry the layer does not hold
	RuleEmpty       = "empty"            // no geometry, or an empty one
	RuleCoordinate  = "coordinates"      // a position that is not [lon, lat, ...]
	RuleNaN         = "nan"              // a coordinate or number that is NaN or infinite
	RuleRange       = "coordinate-range" // lon outside [-180,180] or lat outside [-90,90]
	RuleLineShort   = "line-too-short"   // a line with fewer than 2 distinct positions
	RuleRingClosed  = "ring-closed"      // a ring whose last position is not its first
	RuleRingShort   = "ring-too-short"   // a ring with fewer than 4 positions
	RuleDegenerate  = "degenerate"       // a ring that encloses no area
	RuleSelfCross   = "self-intersection"
	RuleHoleOutside = "hole-outside"   // a hole not inside its shell
	RuleMissingNode = "missing-node"   // an OSM way refers to a node not in the file
	RuleMissingMemb = "missing-member" // an OSM relation refers to a way not in the file
	RuleUnparsedTag = "tag-value"      // an OSM tag value that does not convert (dropped)
	RuleShapefile   = "shapefile"      // a zip, .shp, .shx or .dbf that does not read
	RuleGeoPackage  = "gpkg"           // a GeoPackage, table or geometry blob that does not read
	RuleKML         = "kml"            // a KML or KMZ document that does not read
	RuleFlatGeobuf  = "flatgeobuf"     // a FlatGeobuf header or feature that does not read
	RuleAdmin       = "admin-code"     // an admin field that cannot be converted
	RuleCRS         = "crs"            // a coordinate system that cannot be transformed to WGS84
)

// MaxProblems bounds how many problems an Error or a Report lists; the rest
// are counted in Omitted so a broken million-line file does not become a
// million-line error body.
const MaxProblems = 10000

// ErrInvalid is what every *Error matches with errors.Is.
var ErrInvalid = errors.New("ingest: invalid input")

// Problem is one reason a feature, or the whole input, was refused.
type Problem struct {
	// Index is the 0-based feature index in the input, or -1 when the
	// problem concerns the input as a whole.
	Index int `json:"index"`
	// Line is the 1-based input line (NDJSON, CSV, GeoJSON), 0 if unknown.
	Line int `json:"line,omitempty"`
	// File and Record name the file of an archive (a Shapefile's .shp or
	// .dbf, a GeoPackage table) and its 1-based record (the record number
	// of a .shp, the fid of a GeoPackage row), 0 if unknown.
	File    string `json:"file,omitempty"`
	Record  int    `json:"record,omitempty"`
	ID      string `json:"id,omitempty"`
	Field   string `json:"field,omitempty"` // property name, or "geometry"
	Rule    string `json:"rule"`
	Message string `json:"message"`
}

// Error renders the problem as one line, e.g.
// feature 3 (id "abc"): field "floors": type: want int, got string "ba".
func (p Problem) Error() string {
	var b strings.Builder
	if p.File != "" {
		b.WriteString(p.File)
		if p.Index >= 0 || p.Line > 0 || p.Record > 0 {
			b.WriteString(": ")
		}
	}
	if p.Index >= 0 {
		b.WriteString("feature ")
		b.WriteString(strconv.Itoa(p.Index))
		switch {
		case p.Record > 0 && p.ID != "":
			fmt.Fprintf(&b, " (record %d, id %s)", p.Record, quoteExcerpt(p.ID))
		case p.Record > 0:
			fmt.Fprintf(&b, " (record %d)", p.Record)
		case p.Line > 0 && p.ID != "":
			fmt.Fprintf(&b, " (line %d, id %s)", p.Line, quoteExcerpt(p.ID))
		case p.Line > 0:
			fmt.Fprintf(&b, " (line %d)", p.Line)
		case p.ID != "":
			fmt.Fprintf(&b, " (id %s)", quoteExcerpt(p.ID))
		}
	} else if p.Line > 0 {
		fmt.Fprintf(&b, "line %d", p.Line)
	} else if p.Record > 0 {
		fmt.Fprintf(&b, "record %d", p.Record)
	} else if p.File == "" {
		b.WriteString("input")
	}
	switch p.Field {
	case "":
	case "geometry":
		b.WriteString(": geometry")
	default:
		fmt.Fprintf(&b, ": field %s", quoteExcerpt(p.Field))
	}
	b.WriteString(": ")
	b.WriteString(p.Rule)
	b.WriteString(": ")
	b.WriteString(p.Message)
	return b.String()
}

// Error is a refused input: every problem found, in input order.
type Error struct {
	Problems []Problem `json:"problems"`
	// Omitted counts problems beyond MaxProblems that are not listed.
	Omitted int `json:"omitted,omitempty"`
}

func (e *Error) Error() string {
	if len(e.Problems) == 0 {
		return "ingest: invalid input"
	}
	msg := "ingest: " + e.Problems[0].Error()
	if n := len(e.Problems) - 1 + e.Omitted; n > 0 {
		msg += fmt.Sprintf(" (and %d more problem%s)", n, plural(n))
	}
	return msg
}

// Is makes errors.Is(err, ErrInvalid) true for every *Error.
func (e *Error) Is(target error) bool { return target == ErrInvalid }

// Malformed reports whether the input could not be read as its format at
// all (syntax, header, compression) rather than being well-formed data that
// breaks the rules: the API answers 400 for the first, 422 for the second.
func (e *Error) Malformed() bool {
	for _, p := range e.Problems {
		if p.Index < 0 {
			switch p.Rule {
			case RuleJSON, RuleCSV, RuleGzip, RuleOverpass, RuleEncoding, RuleFormat,
				RuleShapefile, RuleGeoPackage, RuleFlatGeobuf, RuleCRS, RuleAdmin:
				return true
			}
		}
	}
	return false
}

// TooLarge reports whether the input was refused for exceeding a limit
// (Limits: bytes, ratio, line, value, id, vertices, features, depth): the
// API answers 413. It wins over Malformed.
func (e *Error) TooLarge() bool {
	for _, p := range e.Problems {
		if p.Index < 0 && (p.Rule == RuleTooLarge || p.Rule == RuleTooMany) {
			return true
		}
	}
	return false
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// Repair is one change made to a feature so it could be accepted.
type Repair struct {
	Index int    `json:"index"`
	ID    string `json:"id,omitempty"`
	Rule  string `json:"rule"` // "duplicate-points", "spike", "self-intersection"
	How   string `json:"how"`
}

// Report says what happened to an input: how many features were read and
// accepted, what was repaired, what was rejected and which input properties
// the layer schema has no field for.
type Report struct {
	Format   string    `json:"format"`
	Layer    string    `json:"layer"`
	Read     int       `json:"read"`
	Accepted int       `json:"accepted"`
	Repaired []Repair  `json:"repaired,omitempty"`
	Rejected []Problem `json:"rejected,omitempty"`
	// RejectedOmitted counts rejections beyond MaxProblems not listed.
	RejectedOmitted int `json:"rejected_omitted,omitempty"`
	// KeptInvalid lists the geometries stored as they are, invalid, with
	// Options.KeepInvalid (rule and reason, as a refusal would give them).
	KeptInvalid []Problem `json:"kept_invalid,omitempty"`
	// MissingExpected counts, per field the catalog marks expected, the
	// accepted features without it (they count against the layer's
	// completeness in /api/quality).
	MissingExpected map[string]int `json:"missing_expected,omitempty"`
	// IgnoredFields are input properties (or OSM tags, or CSV columns) with
	// no field in the layer schema; they are never stored.
	IgnoredFields []string `json:"ignored_fields,omitempty"`
	// IgnoredFieldsTruncated says that more than 1000 names were ignored
	// and only the first 1000 are listed.
	IgnoredFieldsTruncated bool `json:"ignored_fields_truncated,omitempty"`
	// Dropped lists OSM tag values that did not convert to their field's
	// type; the value is left empty and the feature is still accepted.
	Dropped []Problem `json:"dropped,omitempty"`
	// Skipped counts Overpass elements not taken for the layer, by reason
	// ("kind" filter, "geometry-type", "relation-type", "element-type").
	Skipped map[string]int `json:"skipped,omitempty"`
	// Total is how many records a Shapefile or GeoPackage says it holds
	// (0 for text formats): Read of Total is the progress of a load.
	Total int `json:"total,omitempty"`
	// CRS is the coordinate system the input was in, when it was not
	// WGS84 longitude/latitude; its coordinates were transformed to WGS84.
	CRS string `json:"crs,omitempty"`
	// Encoding is the text encoding of a DBF ("utf-8", "tcvn3", "vni",
	// "cp1258") and how it was chosen.
	Encoding string `json:"encoding,omitempty"`
	// Notes say what was assumed or dropped on the way (Z and M values, a
	// CRS recognised by name, the tables read), once each.
	Notes []string `json:"notes,omitempty"`
	// Admin says how Options.AdminField's old commune codes were converted.
	Admin *AdminReport `json:"admin,omitempty"`
}
