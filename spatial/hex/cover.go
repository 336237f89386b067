package hex

import (
	"fmt"
	"math"
	"slices"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"
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

// allocFactor bounds what h3-go may allocate for one polyfill, in cells, as
// a multiple of the cells a feature may cover: H3 sizes its buffer from the
// bounding box's diagonal, generously for long thin polygons.
const allocFactor = 8

// h3Alloc bounds the number of cells h3-go allocates before a polyfill:
// H3's maxPolygonToCellsSize (bboxHexEstimate of the outer loop's bounding
// box, at least the vertex count, plus a buffer), recomputed here because
// h3-go v4.1.0 neither exposes it nor checks its error. H3 divides the
// squared diagonal by the box's aspect ratio clamped to 1..3; this takes
// the ratio as 1, an upper bound even where H3 draws the box differently
// (across the antimeridian). ok is false where H3 fails: a bounding box
// without width or height.
func h3Alloc(gp h3.GeoPolygon, res int) (cells float64, ok bool) {
	north, south, east, west := -90.0, 90.0, -180.0, 180.0
	for _, v := range gp.GeoLoop {
		north, south = max(north, v.Lat), min(south, v.Lat)
		east, west = max(east, v.Lng), min(west, v.Lng)
	}
	lngDiff, latDiff := math.Abs(east-west), math.Abs(north-south)
	if lngDiff == 0 || latDiff == 0 {
		return 0, false
	}
	d := h3.GreatCircleDistanceKm(h3.LatLng{Lat: north, Lng: east}, h3.LatLng{Lat: south, Lng: west})
	est := math.Max(1, math.Ceil(d*d/pentagonAreaKm2(res)))
	verts := len(gp.GeoLoop)
	for _, h := range gp.Holes {
		verts += len(h)
	}
	return math.Max(est, float64(verts)) + 12, true
}

// pentagonAreaKm2 is H3's estimate of the smallest cell area at res: 80 %
// of a regular hexagon with the radius of a pentagon.
func pentagonAreaKm2(res int) float64 {
	p := h3.Pentagons(res)[0]
	r := h3.GreatCircleDistanceKm(p.LatLng(), p.Boundary()[0])
	return 0.8 * 2.59807621135 * r * r
}

// bboxCells estimates how many cells of res a bounding box holds: its area
// on the sphere over the average cell area.
func bboxCells(b orb.Bound, res int) float64 {
	const r = 6371007.2 // authalic Earth radius, m
	rad := math.Pi / 180
	dLon := (b.Max[0] - b.Min[0]) * rad
	dSin := math.Abs(math.Sin(b.Max[1]*rad) - math.Sin(b.Min[1]*rad))
	return r * r * dLon * dSin / h3.HexagonAreaAvgM2(res)
}

// representative returns a point of the polygon to count it by when it
// covers no cell centre: its centroid when that lies inside, else the first
// vertex of its exterior ring.
func representative(p orb.Polygon) orb.Point {
	if c, _ := planar.CentroidArea(p); planar.PolygonContains(p, c) {
		return c
	}
	return p[0][0]
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

// Cover returns the cells a geometry counts in at res, sorted and distinct.
// This is the rule the aggregation uses:
//   - a Point is in its cell; a MultiPoint in its points' cells;
//   - a LineString or MultiLineString covers LineCells (vertex cells joined
//     by grid paths);
//   - a Polygon, MultiPolygon, Ring or Bound covers PolygonCells (centre
//     containment); one that holds no cell centre at all counts in the cell
//     of its representative point (its centroid when inside, else the first
//     vertex of its first exterior ring), so no feature goes uncounted;
//   - a Collection covers the union of its members' covers.
//
// max bounds the cells of the whole geometry (0: DefaultMaxFeatureCells).
func Cover(g orb.Geometry, res, max int) ([]Cell, error) {
	if err := CheckRes("res", res); err != nil {
		return nil, err
	}
	max = orDefault(max)
	var out []Cell
	switch g := g.(type) {
	case nil:
		return nil, nil
	case orb.Point:
		c, err := CellOf(g[0], g[1], res)
		if err != nil {
			return nil, err
		}
		return []Cell{c}, nil
	case orb.MultiPoint:
		for _, p := range g {
			c, err := CellOf(p[0], p[1], res)
			if err != nil {
				return nil, err
			}
			out = append(out, c)
		}
	case orb.LineString:
		return LineCells(g, res, max)
	case orb.MultiLineString:
		for _, l := range g {
			cs, err := LineCells(l, res, max)
			if err != nil {
				return nil, err
			}
			out = append(out, cs...)
		}
	case orb.Polygon:
		return polygonsCover(orb.MultiPolygon{g}, res, max)
	case orb.MultiPolygon:
		return polygonsCover(g, res, max)
	case orb.Ring:
		return polygonsCover(orb.MultiPolygon{{g}}, res, max)
	case orb.Bound:
		return polygonsCover(orb.MultiPolygon{g.ToPolygon()}, res, max)
	case orb.Collection:
		for _, m := range g {
			cs, err := Cover(m, res, max)
			if err != nil {
				return nil, err
			}
			out = append(out, cs...)
		}
	default:
		return nil, fmt.Errorf("hex: cover of a %T: unsupported geometry", g)
	}
	out = sortedSet(out)
	if len(out) > max {
		return nil, &LimitError{What: "cells of one feature", Limit: max, Got: len(out), Hint: "use a coarser res"}
	}
	return out, nil
}

func polygonsCover(mp orb.MultiPolygon, res, max int) ([]Cell, error) {
	var out []Cell
	for _, p := range mp {
		cs, err := PolygonCells(p, res, max)
		if err != nil {
			return nil, err
		}
		out = append(out, cs...)
	}
	if len(out) == 0 {
		for _, p := range mp {
			if len(p) > 0 && len(p[0]) > 0 {
				r := representative(p)
				c, err := CellOf(r[0], r[1], res)
				if err != nil {
					return nil, err
				}
				return []Cell{c}, nil
			}
		}
		return nil, nil
	}
	out = sortedSet(out)
	if len(out) > max {
		return nil, &LimitError{What: "cells of one feature", Limit: max, Got: len(out), Hint: "use a coarser res"}
	}
	return out, nil
}
