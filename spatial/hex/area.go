package hex

import (
	"math"
	"slices"

	"github.com/paulmach/orb"
	h3 "github.com/uber/h3-go/v4"
)

// The helpers of this file let a caller ask "the cells over this
// rectangle" with every cell's figures complete: CellsInBound gives the
// cells whose outline meets the rectangle, CellsBound (boundary.go) the
// area whose features those cells may hold, and Request.Cells restricts an
// answer to exactly them. Aggregate tiles use them so that a hexagon cut by
// a tile edge carries the same figures in both tiles, equal to /api/h3's.

// enumerateMaxRes is the finest resolution at which CellsInBound lists
// every cell of the globe (5,882 at res 2) instead of filling a polygon:
// rectangles that coarse span large parts of the globe, where a lon/lat
// rectangle is not what H3's great-circle polygon filling would read.
const enumerateMaxRes = 2

// CellsInBound returns the cells at res whose outline's bounding box meets
// the closed lon/lat rectangle b (latitudes clamped to ±90°, longitudes to
// ±180°), sorted, and reach, the box of their outlines (CellsBound of
// them): the area whose features they may hold. It may include a cell whose
// hexagon only comes near b (its box meets b, its outline does not), never
// misses one that meets it. max bounds the cells (0:
// DefaultMaxFeatureCells).
//
// Only the cells near b's edges have their outline computed (a cgo call of
// a few microseconds each): a cell whose centre lies deeper inside b than
// any cell's circumradius is inside b whole.
func CellsInBound(b orb.Bound, res, max int) (cells []Cell, reach orb.Bound, err error) {
	if err := CheckRes("res", res); err != nil {
		return nil, reach, err
	}
	for _, p := range []orb.Point{b.Min, b.Max} {
		if math.IsNaN(p[0]) || math.IsNaN(p[1]) {
			return nil, reach, badParam("bbox", b, "not a number")
		}
	}
	b = clampBound(b)
	if b.Min[0] > b.Max[0] || b.Min[1] > b.Max[1] {
		return nil, reach, badParam("bbox", b, "west must not exceed east, south not north")
	}
	mlon, mlat := margins(b, res)
	var cand []Cell
	if res <= enumerateMaxRes {
		cand = allCells(res)
	} else {
		grown := clampBound(orb.Bound{Min: orb.Point{b.Min[0] - mlon, b.Min[1] - mlat}, Max: orb.Point{b.Max[0] + mlon, b.Max[1] + mlat}})
		if cand, err = PolygonCells(grown.ToPolygon(), res, max); err != nil {
			return nil, reach, err
		}
	}
	inner := orb.Bound{Min: orb.Point{b.Min[0] + mlon, b.Min[1] + mlat}, Max: orb.Point{b.Max[0] - mlon, b.Max[1] - mlat}}
	reach = orb.Bound{Min: orb.Point{math.Inf(1), math.Inf(1)}, Max: orb.Point{math.Inf(-1), math.Inf(-1)}}
	out := cand[:0:0]
	for _, c := range cand {
		if res > enumerateMaxRes && inner.Min[0] < inner.Max[0] && inner.Min[1] < inner.Max[1] && inner.Contains(Center(c)) {
			out = append(out, c) // inside b whole: its box adds nothing to b
			continue
		}
		if cb := Boundary(c).Bound(); cb.Intersects(b) {
			out = append(out, c)
			reach = reach.Union(cb)
		}
	}
	if len(out) > orDefault(max) {
		return nil, reach, &LimitError{What: "cells over the rectangle", Limit: orDefault(max), Got: len(out), Hint: "use a coarser res"}
	}
	if len(out) == 0 {
		return nil, orb.Bound{}, nil
	}
	reach = reach.Union(b) // the inner cells' boxes lie in b
	slices.Sort(out)
	return out, reach, nil
}

// margins are twice the average edge of a res cell in degrees of longitude
// (at b's latitude farthest from the equator) and latitude: the centre of
// every cell whose outline meets b lies within them of b, and a cell whose
// centre lies farther than them inside b is inside b whole (a cell's
// points are within one circumradius, its edge length, of its centre; the
// factor covers H3's spread of cell sizes).
func margins(b orb.Bound, res int) (mlon, mlat float64) {
	mlat = 2 * h3.HexagonEdgeLengthAvgKm(res) / kmPerDegree
	lat := max(math.Abs(b.Min[1]), math.Abs(b.Max[1]))
	return mlat / math.Max(math.Cos((math.Min(lat+mlat, 89))*math.Pi/180), 0.01), mlat
}

// kmPerDegree is a degree of latitude, in km (rounded down: margins grow).
const kmPerDegree = 110.5

func clampBound(b orb.Bound) orb.Bound {
	cl := func(v, lim float64) float64 { return math.Max(-lim, math.Min(v, lim)) }
	return orb.Bound{
		Min: orb.Point{cl(b.Min[0], 180), cl(b.Min[1], 90)},
		Max: orb.Point{cl(b.Max[0], 180), cl(b.Max[1], 90)},
	}
}

// allCells returns every cell of the globe at res (≤ enumerateMaxRes),
// sorted.
func allCells(res int) []Cell {
	var out []Cell
	for _, c0 := range h3.Res0Cells() {
		for _, c := range c0.Children(res) {
			out = append(out, Cell(c))
		}
	}
	slices.Sort(out)
	return out
}

// Center returns the centre of a valid cell (H3's cellToLatLng), lon/lat.
func Center(c Cell) orb.Point {
	ll := h3.CellToLatLng(h3.Cell(c))
	return orb.Point{ll.Lng, ll.Lat}
}

// Suppress removes from r the cells with fewer than k features (and, for
// any k ≥ 1, the empty cells a Request.Cells answer reports), keeping the
// order, and returns how many it removed: small counts are what must not
// leave on a public surface (DESIGN: personal data only as aggregates with
// small counts suppressed).
func (r *Result) Suppress(k int64) int {
	n := len(r.Cells)
	r.Cells = slices.DeleteFunc(r.Cells, func(c CellFigures) bool { return c.Count < k })
	return n - len(r.Cells)
}

// Compact returns a number that identifies c among the cells of its
// resolution and fits in 52 bits: its base cell and its res digits, without
// the mode, resolution and unused digits of the index. A full H3 index
// (~6·10¹⁷) is above 2⁵³ and loses its low bits as a JavaScript number, so
// MVT feature ids (which MapLibre's feature-state reads as numbers) use
// this instead; the resolution, known from the zoom, restores the cell
// (CellOfCompact).
func (c Cell) Compact() uint64 {
	res := c.Res()
	return uint64(c>>(3*(MaxRes-res))) & (1<<(7+3*res) - 1)
}

// CellOfCompact is the inverse of Compact for a cell of res; the result
// may not be a valid cell when n did not come from Compact.
func CellOfCompact(n uint64, res int) Cell {
	const mode = Cell(1) << 59 // H3 cell mode
	unused := Cell(1)<<(3*(MaxRes-res)) - 1
	return mode | Cell(res)<<resShift | Cell(n)<<(3*(MaxRes-res)) | unused
}
