package hex

import (
	"fmt"
	"math"
	"slices"

	"github.com/paulmach/orb"
	h3 "github.com/uber/h3-go/v4"
)

// DefaultMaxFeatureCells bounds the cells one line or polygon may cover
// when Limits leave it zero: 1,000,000 cells is a 16 km² polygon at res 15,
// a whole province at res 10.
const DefaultMaxFeatureCells = 1_000_000

// LineCells returns the cells a line string passes through at res, sorted:
// the cells of its vertices, each consecutive pair joined by the H3 grid
// path between them (gridPathCells, a shortest chain of neighbouring cells
// along the straight line in H3's grid), so the result is a connected chain
// of cells from the first vertex to the last. A segment whose ends H3 cannot
// join (its path would cross a pentagon's missing sector or an icosahedron
// edge H3's local grid does not span) is split at its lon/lat midpoint until
// each piece can be joined. max bounds the cells; 0 means
// DefaultMaxFeatureCells.
func LineCells(l orb.LineString, res, max int) ([]Cell, error) {
	if err := CheckRes("res", res); err != nil {
		return nil, err
	}
	lc := lineCover{res: res, max: orDefault(max)}
	for i, p := range l {
		if err := checkLonLat(p[0], p[1]); err != nil {
			return nil, fmt.Errorf("hex: vertex %d: %w", i, err)
		}
		if i > 0 {
			if err := lc.segment(l[i-1], p, 0); err != nil {
				return nil, err
			}
		} else {
			lc.add(cellOf(p[0], p[1], res))
		}
	}
	return sortedSet(lc.cells), nil
}

type lineCover struct {
	res, max int
	cells    []Cell
}

func (lc *lineCover) add(cs ...Cell) error {
	lc.cells = append(lc.cells, cs...)
	if len(lc.cells) > 2*lc.max { // duplicates are removed at the end
		if lc.cells = sortedSet(lc.cells); len(lc.cells) > lc.max {
			return &LimitError{What: "cells of one feature", Limit: lc.max, Got: len(lc.cells), Hint: "use a coarser res"}
		}
	}
	return nil
}

// maxSplit bounds the midpoint splits of one segment: 2^-20 of a segment
// is shorter than any res-15 cell for segments of up to 100 km.
const maxSplit = 20

// segment adds the cells from a's to b's (a's cell is already added).
func (lc *lineCover) segment(a, b orb.Point, depth int) error {
	ca, cb := cellOf(a[0], a[1], lc.res), cellOf(b[0], b[1], lc.res)
	if ca == cb {
		return nil
	}
	// h3-go returns 0 for a distance H3 cannot compute; ca ≠ cb, so 0 is
	// that error, never a real distance.
	d := h3.GridDistance(h3.Cell(ca), h3.Cell(cb))
	if d > lc.max {
		return &LimitError{What: "cells of one feature", Limit: lc.max, Got: d, Hint: "use a coarser res"}
	}
	if d > 0 {
		if path, ok := gridPath(ca, cb); ok {
			return lc.add(path[1:]...)
		}
	}
	if depth >= maxSplit {
		return lc.add(cb) // give up joining: keep both ends
	}
	m := orb.Point{(a[0] + b[0]) / 2, (a[1] + b[1]) / 2}
	if err := lc.segment(a, m, depth+1); err != nil {
		return err
	}
	return lc.segment(m, b, depth+1)
}

// gridPath is h3.GridPath reporting failure: h3-go leaves zeros in the
// path where the C library gave up.
func gridPath(a, b Cell) ([]Cell, bool) {
	p := h3.GridPath(h3.Cell(a), h3.Cell(b))
	out := make([]Cell, len(p))
	for i, c := range p {
		if c <= 0 {
			return nil, false
		}
		out[i] = Cell(c)
	}
	return out, len(out) >= 2 && out[0] == a && out[len(out)-1] == b
}

// PolygonCells returns the cells whose centres lie inside the polygon (H3's
// polygonToCells, "centre containment"), sorted. A polygon smaller than a
// cell may hold no centre and get no cells. A cell centre exactly on an edge
// belongs to the polygon as H3's point-in-polygon test decides.
//
// The polygon is refused with a *LimitError when its bounding box would
// hold more than max cells at res (0 means DefaultMaxFeatureCells): h3-go
// allocates room for that many cells before filling, so the estimate is
// what must be bounded.
func PolygonCells(p orb.Polygon, res, max int) ([]Cell, error) {
	if err := CheckRes("res", res); err != nil {
		return nil, err
	}
	if len(p) == 0 || len(p[0]) < 3 {
		return nil, nil
	}
	max = orDefault(max)
	if est := bboxCells(p.Bound(), res); est > float64(max) {
		return nil, &LimitError{What: "cells of one feature (estimated from its bounding box)",
			Limit: max, Got: int(min(est, math.MaxInt32)), Hint: "use a coarser res"}
	}
	gp, err := geoPolygon(p)
	if err != nil {
		return nil, err
	}
	if len(gp.GeoLoop) < 3 {
		return nil, nil
	}
	alloc, ok := h3Alloc(gp, res)
	if !ok {
		// H3 cannot size a polygon whose bounding box has no width or no
		// height (and h3-go would panic): it has no area, so no centre.
		return nil, nil
	}
	if alloc > float64(allocFactor*max) {
		return nil, &LimitError{What: "cells H3 would allocate for one feature (long thin polygons need many)",
			Limit: allocFactor * max, Got: int(min(alloc, math.MaxInt32)), Hint: "use a coarser res"}
	}
	cells := h3.PolygonToCells(gp, res)
	out := make([]Cell, len(cells))
	for i, c := range cells {
		out[i] = Cell(c)
	}
	return sortedSet(out), nil
}

// geoPolygon converts an orb polygon to H3's, dropping closing vertices
// (H3 loops close implicitly) and holes of fewer than three vertices.
func geoPolygon(p orb.Polygon) (h3.GeoPolygon, error) {
	var gp h3.GeoPolygon
	for i, r := range p {
		loop, err := geoLoop(r)
		if err != nil {
			return gp, fmt.Errorf("hex: ring %d: %w", i, err)
		}
		switch {
		case i == 0:
			gp.GeoLoop = loop
		case len(loop) >= 3:
			gp.Holes = append(gp.Holes, loop)
		}
	}
	return gp, nil
}

func geoLoop(r orb.Ring) (h3.GeoLoop, error) {
	if len(r) > 1 && r[0] == r[len(r)-1] {
		r = r[:len(r)-1]
	}
	loop := make(h3.GeoLoop, len(r))
	for i, v := range r {
		if err := checkLonLat(v[0], v[1]); err != nil {
			return nil, fmt.Errorf("vertex %d: %w", i, err)
		}
		loop[i] = h3.LatLng{Lat: v[1], Lng: v[0]}
	}
	return loop, nil
}

func orDefault(max int) int {
	if max <= 0 {
		return DefaultMaxFeatureCells
	}
	return max
}

func sortedSet(cs []Cell) []Cell {
	slices.Sort(cs)
	return slices.Compact(cs)
}
