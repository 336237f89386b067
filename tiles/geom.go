package tiles

import (
	"math"

	"github.com/paulmach/orb"
)

// geomType is the MVT geometry type of a feature.
type geomType uint8

// MVT geometry types (vector_tile.proto GeomType).
const (
	geomPoint   geomType = 1
	geomLine    geomType = 2
	geomPolygon geomType = 3
)

// ipoint is a point on the integer tile grid.
type ipoint struct{ X, Y int32 }

// tileGeom is one feature geometry in integer tile coordinates, ready to
// encode. Points: one part with every point. Lines: one part per line, each
// with at least two points and no consecutive duplicates. Polygons: open
// rings (no repeated closing point), each exterior (positive area in tile
// coordinates, clockwise on screen) followed by its holes (negative area).
type tileGeom struct {
	typ   geomType
	parts [][]ipoint
}

// renderer turns stored lon/lat geometry into tile geometry for one tile. It
// only reads the stored geometry; every intermediate result is a new slice.
type renderer struct {
	proj   projection
	sq     square
	lonlat orb.Bound // the buffered tile in lon/lat, as used for selection
	// simplify enables Douglas–Peucker with SimplifyTolerance (zooms below
	// the layer's maximum).
	simplify bool
	// keepAll makes every selected feature appear even when its geometry
	// collapses on the grid (the layer's maximum zoom).
	keepAll bool
}

func newRenderer(c Coord, buffer, extent int, simplify, keepAll bool) *renderer {
	return &renderer{
		proj:     c.projection(extent),
		sq:       squareFor(buffer, extent),
		lonlat:   c.BufferedBound(buffer, extent),
		simplify: simplify,
		keepAll:  keepAll,
	}
}

// parts collects a feature's surviving parts by geometry type, and which
// types the input had at all.
type parts struct {
	points, lines, rings [][]ipoint
	had                  [4]bool // indexed by geomType
}

// render returns the tile geometries of g: one per geometry type present
// (a collection of mixed types gives up to three), in point, line, polygon
// order. bound is g's lon/lat bounding box.
func (r *renderer) render(g orb.Geometry, bound orb.Bound) []tileGeom {
	var ps parts
	r.collect(g, &ps)
	var out []tileGeom
	if len(ps.points) > 0 {
		out = append(out, tileGeom{typ: geomPoint, parts: [][]ipoint{concat(ps.points)}})
	}
	if len(ps.lines) > 0 {
		out = append(out, tileGeom{typ: geomLine, parts: ps.lines})
	}
	if len(ps.rings) > 0 {
		out = append(out, tileGeom{typ: geomPolygon, parts: ps.rings})
	}
	if len(out) == 0 && r.keepAll {
		if fb, ok := r.fallback(bound, ps.had); ok {
			out = append(out, fb)
		}
	}
	return out
}

func (r *renderer) collect(g orb.Geometry, ps *parts) {
	switch g := g.(type) {
	case orb.Point:
		ps.had[geomPoint] = true
		if r.lonlat.Contains(g) {
			ps.points = append(ps.points, []ipoint{r.quantize(r.proj.point(g))})
		}
	case orb.MultiPoint:
		for _, p := range g {
			r.collect(p, ps)
		}
	case orb.LineString:
		ps.had[geomLine] = true
		ps.lines = append(ps.lines, r.line(g)...)
	case orb.MultiLineString:
		for _, l := range g {
			r.collect(l, ps)
		}
	case orb.Ring:
		r.collect(orb.Polygon{g}, ps)
	case orb.Bound:
		r.collect(g.ToPolygon(), ps)
	case orb.Polygon:
		ps.had[geomPolygon] = true
		ps.rings = append(ps.rings, r.polygon(g)...)
	case orb.MultiPolygon:
		for _, p := range g {
			r.collect(p, ps)
		}
	case orb.Collection:
		for _, c := range g {
			r.collect(c, ps)
		}
	}
}

// line projects, clips, simplifies and quantizes one line string.
func (r *renderer) line(l orb.LineString) [][]ipoint {
	proj := make(orb.LineString, len(l))
	for i, p := range l {
		proj[i] = r.proj.point(p)
	}
	var out [][]ipoint
	for _, piece := range clipLine(proj, r.sq) {
		pts := []orb.Point(piece)
		if r.simplify {
			pts = douglasPeucker(pts, SimplifyTolerance)
		}
		if q := cleanLine(r.quantizeAll(pts)); q != nil {
			out = append(out, q)
		}
	}
	return out
}

// polygon projects, clips, simplifies and quantizes one polygon, and makes
// the result valid (cleanPolygon): it returns nothing when the exterior
// degenerates, and may return several polygons (each exterior followed by
// its holes) when repairing the rings splits it.
func (r *renderer) polygon(p orb.Polygon) [][]ipoint {
	out := make([][]ipoint, 0, len(p))
	for _, ring := range p {
		proj := make(orb.Ring, len(ring))
		for k, pt := range ring {
			proj[k] = r.proj.point(pt)
		}
		pts := []orb.Point(clipRing(proj, r.sq))
		if r.simplify && len(pts) > 3 {
			pts = douglasPeucker(pts, SimplifyTolerance)
		}
		out = append(out, r.quantizeAll(pts))
	}
	return cleanPolygon(out)
}

// fallback is the minimal representation of a feature that was selected
// for the tile but whose geometry vanished on the grid (smaller than one
// tile unit, or touching the buffered square only along its edge): a
// 1×1-unit square for polygons, a 1-unit segment for lines, a point for
// points, placed at the centre of the part of the feature's bounding box
// that lies in the buffered tile.
func (r *renderer) fallback(bound orb.Bound, had [4]bool) (tileGeom, bool) {
	b := orb.Bound{
		Min: orb.Point{max(bound.Min[0], r.lonlat.Min[0]), max(bound.Min[1], r.lonlat.Min[1])},
		Max: orb.Point{min(bound.Max[0], r.lonlat.Max[0]), min(bound.Max[1], r.lonlat.Max[1])},
	}
	a := r.quantize(r.proj.point(b.Center()))
	lo, hi := int32(r.sq.lo), int32(r.sq.hi)-1
	a.X, a.Y = max(lo, min(a.X, hi)), max(lo, min(a.Y, hi))
	switch {
	case had[geomPolygon]:
		ring := []ipoint{a, {a.X + 1, a.Y}, {a.X + 1, a.Y + 1}, {a.X, a.Y + 1}}
		return tileGeom{typ: geomPolygon, parts: [][]ipoint{ring}}, true
	case had[geomLine]:
		return tileGeom{typ: geomLine, parts: [][]ipoint{{a, {a.X + 1, a.Y}}}}, true
	case had[geomPoint]:
		return tileGeom{typ: geomPoint, parts: [][]ipoint{{a}}}, true
	}
	return tileGeom{}, false
}

func (r *renderer) quantize(p orb.Point) ipoint {
	return ipoint{int32(math.Round(p[0])), int32(math.Round(p[1]))}
}

// quantizeAll rounds pts to the grid into a new slice, dropping consecutive
// duplicates.
func (r *renderer) quantizeAll(pts []orb.Point) []ipoint {
	out := make([]ipoint, 0, len(pts))
	for _, p := range pts {
		q := r.quantize(p)
		if len(out) > 0 && out[len(out)-1] == q {
			continue
		}
		out = append(out, q)
	}
	return out
}

// area2 is twice the signed area of an open ring by the surveyor's formula
// in tile coordinates (y down): positive means clockwise on screen.
func area2(r []ipoint) int64 {
	var s int64
	for i := range r {
		a, b := r[i], r[(i+1)%len(r)]
		s += int64(a.X)*int64(b.Y) - int64(b.X)*int64(a.Y)
	}
	return s
}

func reverse(r []ipoint) {
	for i, j := 0, len(r)-1; i < j; i, j = i+1, j-1 {
		r[i], r[j] = r[j], r[i]
	}
}

func concat(pp [][]ipoint) []ipoint {
	var out []ipoint
	for _, p := range pp {
		out = append(out, p...)
	}
	return out
}
