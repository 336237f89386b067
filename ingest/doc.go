// Package ingest loads features from files into a layer's shape: it parses
// GeoJSON (a FeatureCollection, a Feature, or newline-delimited Features),
// CSV (lon/lat or WKT columns), Overpass API JSON, and the files provinces
// hold — zipped Shapefiles, GeoPackages, KML/KMZ and FlatGeobuf, in WGS84 or
// VN-2000 (package crs), converting pre-2025 commune codes on the way
// (Options.AdminField, package ingest/admincode) — checks every feature
// against the layer schema and the geometry rules below, repairs what can be
// repaired safely, and says in a Report what it did. Prepare is the one
// entry point; the API and the CLI call it and store what it returns.
//
// # Refuse or keep
//
// By default any invalid feature refuses the whole input: Prepare returns an
// *Error listing every problem (up to MaxProblems) and nothing is stored.
// With Options.Partial the valid features are returned and each invalid one
// is listed in Report.Rejected. Some problems concern the input as a whole
// and refuse it even with Partial: a syntax error in a FeatureCollection or
// an Overpass document (the rest cannot be trusted), a CSV header problem,
// a corrupt gzip stream, a body of another format than the declared one
// (rule format), and any limit exceeded (see Limits below). In NDJSON and
// CSV a bad line only costs its own feature. (*Error).TooLarge tells an
// input over a limit (HTTP 413), (*Error).Malformed a format the reader
// could not read (400), from data that breaks the rules (422). An unknown
// format name is an error matching ErrUnknownFormat (400).
//
// The declared format is checked against the start of the body: CSV must
// not start with '{' or '['; GeoJSON, NDJSON and Overpass must start with a
// JSON value; NDJSON must not be a FeatureCollection or Overpass document,
// nor a document spread over lines (a first line of a lone '{'); Overpass
// must not be a GeoJSON Feature or FeatureCollection, and must have an
// "elements" array. GeoJSON declared for NDJSON or Overpass input is read
// as what it is.
//
// # Features, ids and properties
//
// Every feature needs an id: the GeoJSON "id" (a string, or a number with an
// integer value: 1.0 becomes "1"), else the Options.IDField property (CSV:
// column), default "id". Overpass elements take their OSM id with the
// element type in its last digit, as planetiler encodes it: id*10 + 1 for a
// node, 2 for a way, 3 for a relation ("52" for way 5, "53" for relation 5;
// a negative id of an unsaved edit subtracts: node -7 is "-71"), so node,
// way and relation 5 are three features and the vector-tile id (Num, which
// the store takes from a numeric id) equals the feature id. No id is rule
// missing-id. An id used twice in one input is ambiguous: every feature
// carrying it is rejected (duplicate-id).
//
// The id alphabet is any valid UTF-8 text without control characters
// (Unicode Cc: U+0000–U+001F, U+007F–U+009F), at most Limits.MaxIDBytes
// bytes (default 256); an id with a control character is rule id, a longer
// one refuses the input (too-large). "/" and spaces are allowed: the API
// takes an id as one percent-encoded path segment.
//
// Text must be UTF-8. Invalid UTF-8 (and, in JSON, an escaped lone
// surrogate such as \ud800) is refused with rule encoding, naming the
// feature, the field (none for the id) and the byte offset in the input
// (the column in an NDJSON line) — never replaced by U+FFFD, which would
// make two different ids collide. An Overpass document with invalid UTF-8
// is refused whole, with its byte offset.
//
// Properties land in the layer field of the same name, or of whose From
// list the key is part (an OSM tag "building:levels" feeds "levels"); the
// field's own name wins over an alias, and an earlier alias over a later
// one. Keys with no field are dropped and listed in Report.IgnoredFields:
// without a field they have no sensitivity, so they are never stored.
// Values and ids are normalised to Unicode NFC (Vietnamese text often
// arrives decomposed).
//
// JSON is typed, so JSON values must already have the field's type (rule
// type): a string is never an int ("12" is refused for an int field), a
// number with a fractional part is not an int (12.0 is), an integer is a
// float, a bool is true or false, a time is a string in RFC 3339 or
// YYYY-MM-DD (midnight UTC); null is absent. CSV cells are text and are
// converted: int and float in decimal, bool as true/false/1/0/yes/no, time as
// above; an empty cell is absent; a cell that does not convert is a problem.
// OSM tags are text written by hand, so they are converted leniently: a
// number may carry the unit "m" ("12 m"), and a value that still does not
// convert ("3;4", "12 ft", "unknown") is dropped, listed in Report.Dropped
// with rule tag-value, and the feature is kept. A required field that is
// absent after all that is rule required. Non-finite floats are refused.
//
// # Geometry rules
//
// The geometry must fit the layer: a Polygon layer takes Polygon and
// MultiPolygon, LineString takes LineString and MultiLineString, Point takes
// Point and MultiPoint, Geometry takes any including GeometryCollection
// (geometry-type). Then, in this order:
//
//   - empty: no geometry, or an empty one (no positions, rings or members).
//   - coordinates: a GeoJSON position that is not an array of 2 or more
//     numbers. A third (altitude) value is dropped: the engine is 2D.
//   - nan: a NaN or infinite coordinate (JSON cannot say NaN, but 1e999
//     overflows, and WKT and CSV can say NaN).
//   - coordinate-range: longitude outside [-180, 180], latitude outside
//     [-90, 90]. Coordinates are WGS84 lon/lat; EWKT must say SRID=4326.
//   - line-too-short: a line needs 2 distinct positions.
//   - ring-too-short: a ring needs 4 positions (3 corners and the closing
//     one), so a ring of 3 positions is refused.
//   - ring-closed: a ring's last position must equal its first. Prepare
//     never closes a ring itself: a missing closing position often means a
//     truncated ring.
//   - degenerate: a ring that encloses no area once repaired (all its
//     positions on one line).
//   - self-intersection: a ring that crosses or overlaps itself, two rings
//     that cross or overlap, or two rings that touch at more than one point
//     (the interior would fall apart) — unless repaired, see below.
//   - hole-outside: a hole not inside its shell, or inside another hole.
//
// Ring orientation is not a rule: both windings are accepted and kept.
// Overlaps between the polygons of a MultiPolygon are not checked.
// Feature.Bound is set; Feature.Num is left 0 for the store to assign.
//
// # Repairs
//
// A repair is safe when the repaired geometry covers exactly the points the
// input outlines (under the even-odd rule), adds no position except one
// computed intersection point, and drops only positions that enclose no
// area. Only these are made, each listed in Report.Repaired:
//
//   - duplicate-points: consecutive repeated positions are removed (rings
//     and lines).
//   - spike: a vertex where a ring turns back along the same line (A→B→A,
//     or A→B→C with C on A–B) is removed; it encloses no area.
//   - self-intersection: a shell that meets itself at exactly one point —
//     crossing there (a bow-tie) or touching there (a pinched ring) — is cut
//     at that point into two rings. Rings side by side become the two
//     polygons of a MultiPolygon (the bow-tie's two lobes); a ring inside the
//     other becomes its hole. Holes go to the lobe that holds them. The
//     result is validated again and refused if it is not valid.
//
// Everything else is refused rather than guessed: several crossings, a
// crossing in a hole, crossing rings, a hole outside its shell. Repairing
// those means choosing what the author meant, which is the data steward's
// call, not the loader's.
//
// # Keeping invalid geometries
//
// With Options.KeepInvalid (the API's invalid=keep, the CLI's
// --keep-invalid) a geometry that breaks rule self-intersection,
// hole-outside, degenerate or line-too-short is stored as it is, neither
// refused nor repaired (a bow-tie stays a bow-tie), and listed in
// Report.KeptInvalid with the rule and reason a refusal would give;
// repeated consecutive positions are still removed. Package quality then
// counts it invalid, as PostGIS ST_IsValid would. The other geometry
// rules refuse as before: such a geometry cannot be drawn or measured.
// A feature lacking a required field is kept too (rule required, listed
// the same way): quality counts it against completeness.
//
// # Overpass
//
// Overpass JSON elements become features like this. Untagged elements are
// way vertices and relation members, not features. A node is a Point. A way
// is a Polygon when it is closed and its tags say area (area=yes, or a key
// such as building, landuse, leisure, amenity, natural, shop, tourism…, see
// areaKeys; highway, barrier and railway stay lines unless area=yes), else a
// LineString; in a Polygon layer an area-tagged way that is not closed is
// refused with ring-closed. A type=multipolygon (or boundary) relation is a
// Polygon or MultiPolygon whose member ways are joined end to end into rings;
// which ring is a hole follows from nesting, since OSM roles are often
// wrong. Ways whose nodes are missing from the file (missing-node) and
// relations whose member ways are missing (missing-member) are problems:
// query with "(._;>;); out body;" or "out geom".
//
// A layer of kind building takes only elements with a building tag (not
// building=no), a layer of kind road only ways with a highway tag; any
// other kind takes every tagged element. Elements whose geometry the layer
// does not hold (a building node in a Polygon layer, a pedestrian area in a
// LineString layer) are skipped, not rejected: an Overpass file usually
// mixes what several layers want. Report.Skipped counts skipped elements by
// reason: kind, geometry-type, relation-type, element-type.
//
// # Limits
//
// Options.Limits bound what one input may cost, so that a small hostile
// body cannot grow the process: each is checked while reading, before more
// than the limit is held, and exceeding one refuses the whole input with
// rule too-large (too-many for features), quoting at most 64 bytes of any
// input text (excerpt: 64 bytes then "…(N bytes)"). A zero field takes the
// default, a negative one lifts the limit:
//
//   - MaxInputBytes, 64 MiB: the input after gzip decompression.
//   - MaxRatio, 100: decompressed bytes per compressed byte, judged once
//     1 MiB has been decompressed (a gzip bomb of zeros is about 1000×).
//   - MaxLineBytes, 32 MiB: one NDJSON line, one CSV record (quoted
//     newlines included).
//   - MaxFieldBytes, 1 MiB: one JSON string (a value, a key, a skipped
//     member), one CSV cell other than the WKT column, one OSM tag.
//   - MaxIDBytes, 256: one feature id.
//   - MaxVertices, 1,000,000: the positions of one geometry (and its rings
//     and members, empty or not), the commas of a WKT value, any array of
//     an Overpass document (its elements, a way's nodes).
//   - MaxFeatures, 100,000: the features of one input.
//   - MaxDepth, 64: JSON nesting within a feature (GeoJSON needs 8).
//   - MaxProperties, 10,000: the properties of a feature, the columns of a
//     CSV record, the members of any Overpass object (tags).
//
// GeoJSON and Overpass documents are held in memory whole (at most
// MaxInputBytes); NDJSON and CSV are streamed.
//
// # Speed
//
// GeoJSON is decoded by a small strict scanner straight into orb geometries
// and typed values, not through maps of interfaces; NDJSON lines are parsed
// and validated on up to GOMAXPROCS goroutines and kept in input order.
// See BenchmarkPrepareNDJSONParcels.
package ingest
