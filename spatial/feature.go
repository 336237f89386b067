// Package spatial is bando's engine: each layer's features held in compact,
// pointer-free arenas (layer.go) under an R-tree, with bounding-box and
// exact-intersection queries. Reads either view features in place
// (Scan, ScanIntersecting, ReadLayer: no allocation per feature) or
// materialise them as *Feature (Get, SearchBound, Intersecting, Ascend).
package spatial

import (
	"strconv"

	"github.com/paulmach/orb"
)

// Feature is the exchange type of the index: what writes hand in and what
// the materialising reads hand out. The index copies a Feature into its
// arenas on Put, and every read returns a new Feature, so neither side's
// later changes reach the other.
type Feature struct {
	// ID is the feature id, unique within its layer.
	ID string
	// Num is the integer id used where a number is required (vector tiles).
	// It equals ID when ID is a non-negative integer, else a number assigned
	// by the store.
	Num uint64
	// Geom is the geometry in WGS84 lon/lat.
	Geom orb.Geometry
	// Bound is Geom's bounding box, computed once.
	Bound orb.Bound
	// Props holds one value per field of the layer schema, in schema order:
	// string, int64, float64, bool, time.Time or nil when absent.
	Props []any
	// Seq is the store's commit sequence of the write that produced this
	// version of the feature (0 when unknown, e.g. before it is stored). The
	// index applies a feature only if its Seq is newer than the one it
	// holds, so a load scan racing a live write can never resurrect an
	// older version.
	Seq uint64
}

// NumericID returns the integer value of id and whether id is a canonical
// non-negative decimal integer ("7", not "07" or "+7").
func NumericID(id string) (uint64, bool) {
	if id == "" || len(id) > 1 && id[0] == '0' {
		return 0, false
	}
	n, err := strconv.ParseUint(id, 10, 64)
	return n, err == nil
}

// Less orders feature ids: integers first in numeric order, then other ids
// in byte order. Paging through items follows this order.
//
// It is called O(log n) times per write by the id-order tree, so it
// compares digits without parsing: two canonical integers compare by length,
// then bytes (what NumericID accepts, nothing more).
func Less(a, b string) bool {
	oka, okb := canonicalUint(a), canonicalUint(b)
	switch {
	case oka && okb:
		if len(a) != len(b) {
			return len(a) < len(b)
		}
		return a < b
	case oka != okb:
		return oka
	}
	return a < b
}

// maxUint64 is the largest id NumericID accepts.
const maxUint64 = "18446744073709551615"

// canonicalUint reports whether NumericID(id) succeeds, without parsing.
func canonicalUint(id string) bool {
	if id == "" || len(id) > len(maxUint64) || len(id) > 1 && id[0] == '0' {
		return false
	}
	for i := 0; i < len(id); i++ {
		if id[i] < '0' || id[i] > '9' {
			return false
		}
	}
	return len(id) < len(maxUint64) || id <= maxUint64
}
