// Package hex is bando's H3 engine: the cell of a point, the cells covering
// a line or a polygon, k-rings, parents, cell boundaries as GeoJSON, and
// per-cell figures (count, sum, avg) over any sequence of features.
//
// It wraps github.com/uber/h3-go/v4, which is cgo over the H3 C library:
// building bando therefore needs cgo and a C compiler. Nothing in the
// Makefile or CI sets CGO_ENABLED=0, and nothing may: a cgo-less build
// fails to compile this package.
//
// Every call into h3-go is guarded here: h3-go v4.1.0 drops the C library's
// error codes (an invalid cell, a resolution out of range or a non-finite
// coordinate silently give cell 0), so this package validates inputs before
// calling it and returns typed errors (*Error, *LimitError) instead.
package hex

import (
	"math"
	"slices"
	"strconv"

	h3 "github.com/uber/h3-go/v4"
)

// MaxRes is the finest H3 resolution.
const MaxRes = 15

// Cell is an H3 cell index. Its zero value is not a cell.
type Cell uint64

// Bit layout of an H3 cell index (H3 v4): resolution in bits 52–55, then
// fifteen 3-bit digits, digit r in bits 3·(15−r) … 3·(15−r)+2; digits finer
// than the resolution are all ones (7).
const (
	resShift = 52
	resMask  = Cell(0xF) << resShift
)

// CheckRes returns an *Error naming param unless res is 0..15.
func CheckRes(param string, res int) error {
	if res < 0 || res > MaxRes {
		return badParam(param, res, "resolution must be 0..%d", MaxRes)
	}
	return nil
}

// ParseCell parses an H3 cell id as H3 prints it: hexadecimal, case
// insensitive, at most 16 digits (canonically 15, lower case), and checks
// that it is a valid cell (not an edge or vertex index, not malformed).
func ParseCell(s string) (Cell, error) {
	if s == "" || len(s) > 16 {
		return 0, badParam("h3", strconv.Quote(s), "an H3 cell id is 15 hexadecimal digits")
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F') {
			return 0, badParam("h3", strconv.Quote(s), "an H3 cell id is 15 hexadecimal digits")
		}
	}
	v, err := strconv.ParseUint(s, 16, 64)
	if err != nil {
		return 0, badParam("h3", strconv.Quote(s), "not a hexadecimal number")
	}
	c := Cell(v)
	if !c.Valid() {
		return 0, badParam("h3", strconv.Quote(s), "not a valid H3 cell")
	}
	return c, nil
}

// String returns the canonical id: lower-case hexadecimal, as h3-js prints it.
func (c Cell) String() string { return strconv.FormatUint(uint64(c), 16) }

// MarshalText writes the canonical id (JSON map keys and strings).
func (c Cell) MarshalText() ([]byte, error) { return []byte(c.String()), nil }

// Valid reports whether c is a valid H3 cell.
func (c Cell) Valid() bool {
	// The top bit set is never a cell, and would turn negative in h3.Cell.
	return c != 0 && c>>63 == 0 && h3.Cell(c).IsValid()
}

// Res returns the resolution of a valid cell.
func (c Cell) Res() int { return int(c&resMask) >> resShift }

// Parent returns the ancestor of c at res (c itself at its own resolution).
// res must be 0..c.Res().
func (c Cell) Parent(res int) (Cell, error) {
	if err := CheckRes("parent", res); err != nil {
		return 0, err
	}
	if res > c.Res() {
		return 0, badParam("parent", res, "finer than the cell's resolution %d", c.Res())
	}
	return c.parent(res), nil
}

// parent is cellToParent as bit arithmetic, for res ≤ c.Res(): set the
// resolution and turn the digits finer than res into 7s. It costs a
// nanosecond where a cgo call costs ~60 ns, and parent= rolls up every
// cell of an answer with it; TestParentMatchesH3 checks it against h3-go
// on many cells.
func (c Cell) parent(res int) Cell {
	unused := Cell(1)<<(3*(MaxRes-res)) - 1
	return c&^resMask | Cell(res)<<resShift | unused
}

// CellOf returns the cell holding the point lon, lat (WGS84 degrees) at res.
func CellOf(lon, lat float64, res int) (Cell, error) {
	if err := CheckRes("res", res); err != nil {
		return 0, err
	}
	if err := checkLonLat(lon, lat); err != nil {
		return 0, err
	}
	return cellOf(lon, lat, res), nil
}

// cellOf is CellOf on checked input.
func cellOf(lon, lat float64, res int) Cell {
	return Cell(h3.LatLngToCell(h3.LatLng{Lat: lat, Lng: lon}, res))
}

func checkLonLat(lon, lat float64) error {
	if math.IsNaN(lon) || math.IsInf(lon, 0) || lon < -180 || lon > 180 {
		return badParam("lon", lon, "longitude must be a number in -180..180")
	}
	if math.IsNaN(lat) || math.IsInf(lat, 0) || lat < -90 || lat > 90 {
		return badParam("lat", lat, "latitude must be a number in -90..90")
	}
	return nil
}

// MaxRing bounds k in GridDisk: a k-ring holds 3k(k+1)+1 cells, 30,301 at
// k = 100.
const MaxRing = 100

// GridDisk returns the cells within grid distance k of c (the k-ring, c
// included), sorted by id.
func GridDisk(c Cell, k int) ([]Cell, error) {
	if !c.Valid() {
		return nil, badParam("h3", c, "not a valid H3 cell")
	}
	if k < 0 || k > MaxRing {
		return nil, badParam("ring", k, "k must be 0..%d", MaxRing)
	}
	disk := h3.GridDisk(h3.Cell(c), k) // pruned of the zeros pentagons leave
	out := make([]Cell, len(disk))
	for i, d := range disk {
		out[i] = Cell(d)
	}
	slices.Sort(out)
	return slices.Compact(out), nil
}
