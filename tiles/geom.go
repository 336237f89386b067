package tiles

import (
	"math"
	"sync"

	"github.com/paulmach/orb"

	"bando/spatial"
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

// renderer turns stored lon/lat geometry into tile geometry for one tile.
// It reads the store's geometry in place (spatial.FeatureView) and never
// modifies it: projection, clipping, simplification and quantisation write
// into the renderer's scratch buffers, which are reused from feature to
// feature and, through rendererPool, from tile to tile.
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
	// tolerance is the Douglas–Peucker tolerance in tile units, and plan
	// the layer's generalisation at this zoom, if any (generalize.go).
	tolerance float64
	plan      *genPlan

	scratch
}

// scratch holds the buffers of one renderer. The tile geometry returned
// by render points into them and is valid until the next render.
type scratch struct {
	projected    []orb.Point   // one projected part
	ys           []float64     // Mercator y of points not from the store
	clipA, clipB []orb.Point   // Sutherland–Hodgman passes, line pieces
	ends         []int         // ends of line pieces in clipA
	simplified   []orb.Point   // Douglas–Peucker output
	dp           dpScratch     // Douglas–Peucker state
	grid         []ipoint      // quantised points of the current feature
	rings        [][]ipoint    // one polygon's rings before cleaning
	views        [][]orb.Point // one polygon's stored rings
	parts        parts
	pointPart    [1][]ipoint
	out          []tileGeom
	refs         []featureRef // the selected features of a layer
	values       []spatial.Value
	props        []tag
}

var rendererPool = sync.Pool{New: func() any { return new(renderer) }}

func newRenderer(c Coord, buffer, extent int, simplify, keepAll bool) *renderer {
	r := rendererPool.Get().(*renderer)
	r.proj = c.projection(extent)
	r.sq = squareFor(buffer, extent)
	r.lonlat = c.BufferedBound(buffer, extent)
	r.simplify, r.keepAll = simplify, keepAll
	r.tolerance, r.plan = SimplifyTolerance, nil
	return r
}

// release returns the renderer to the pool; nothing it returned may be
// used afterwards.
func (r *renderer) release() { rendererPool.Put(r) }

// parts collects a feature's surviving parts by geometry type, and which
// types the input had at all.
type parts struct {
	points       []ipoint
	lines, rings [][]ipoint
	had          [4]bool // indexed by geomType
}

// render returns the tile geometries of the feature: one per geometry type
// present (a collection of mixed types gives up to three), in point, line,
// polygon order. The result is valid until the next call.
func (r *renderer) render(v spatial.FeatureView) []tileGeom {
	ps := &r.parts
	ps.points, ps.lines, ps.rings = ps.points[:0], ps.lines[:0], ps.rings[:0]
	ps.had = [4]bool{}
	r.grid = r.grid[:0]
	it := v.Parts()
	for it.Next() {
		r.collect(it.Part(), ps)
	}
	out := r.out[:0]
	if len(ps.points) > 0 {
		r.pointPart[0] = ps.points
		out = append(out, tileGeom{typ: geomPoint, parts: r.pointPart[:]})
	}
	if len(ps.lines) > 0 {
		out = append(out, tileGeom{typ: geomLine, parts: ps.lines})
	}
	if len(ps.rings) > 0 {
		out = append(out, tileGeom{typ: geomPolygon, parts: ps.rings})
	}
	if len(out) == 0 && r.keepAll {
		if fb, ok := r.fallback(v.Bound(), ps.had); ok {
			out = append(out, fb)
		}
	}
	r.out = out
	return out
}

// collect renders one primitive of a feature: a point, a line, or a
// polygon (orb.Ring and orb.Bound geometries are polygons of one ring).
func (r *renderer) collect(p spatial.Part, ps *parts) {
	switch p.Kind {
	case spatial.KindPoint:
		ps.had[geomPoint] = true
		if pt := p.Points[0]; r.lonlat.Contains(pt) {
			ps.points = append(ps.points, r.quantize(r.proj.pointY(pt, p.Y[0])))
		}
	case spatial.KindLineString:
		ps.had[geomLine] = true
		r.line(p.Points, p.Y, ps)
	default:
		ps.had[geomPolygon] = true
		r.views = p.Rings(r.views[:0])
		r.polygon(r.views, p.Y, ps)
	}
}

// project returns the points in tile units, in the projection buffer, and
// their bounding box (as orb's Bound of them, computed on the way; an
// empty input gives an empty bound). ys holds the stored MercatorY of
// each point's latitude (spatial.Part.Y).
func (r *renderer) project(pts []orb.Point, ys []float64) ([]orb.Point, orb.Bound) {
	buf := r.projected[:0]
	if len(pts) == 0 {
		r.projected = buf
		return buf, orb.Bound{Min: orb.Point{1, 1}, Max: orb.Point{-1, -1}}
	}
	ys = ys[:len(pts)]
	q := r.proj.pointY(pts[0], ys[0])
	b := orb.Bound{Min: q, Max: q}
	for i, p := range pts {
		q := r.proj.pointY(p, ys[i])
		b.Min[0], b.Max[0] = min(b.Min[0], q[0]), max(b.Max[0], q[0])
		b.Min[1], b.Max[1] = min(b.Min[1], q[1]), max(b.Max[1], q[1])
		buf = append(buf, q)
	}
	r.projected = buf
	return buf, b
}

// line projects, clips, simplifies and quantizes one line string (ys: the
// Mercator y of its points).
func (r *renderer) line(l []orb.Point, ys []float64, ps *parts) {
	proj, bound := r.project(l, ys)
	r.clipA, r.ends = clipLineInto(r.clipA[:0], r.ends[:0], proj, bound, r.sq)
	start := 0
	for _, end := range r.ends {
		pts := r.clipA[start:end]
		start = end
		if r.simplify {
			// Every piece lies within the line's box.
			r.simplified = r.dp.simplifyInto(r.simplified[:0], pts, bound, r.tolerance)
			pts = r.simplified
		}
		if q := cleanLine(r.quantizeAll(pts)); q != nil {
			ps.lines = append(ps.lines, q)
		}
	}
}

// polygon projects, clips, simplifies and quantizes one polygon, and makes
// the result valid (cleanPolygon): it adds nothing when the exterior
// degenerates, and may add several polygons (each exterior followed by
// its holes) when repairing the rings splits it. ys holds the Mercator y of
// the rings' points, one ring after the other.
func (r *renderer) polygon(p [][]orb.Point, ys []float64, ps *parts) {
	rings := r.rings[:0]
	for _, ring := range p {
		proj, bound := r.project(ring, ys)
		ys = ys[len(ring):]
		pts := clipRingInto(proj, bound, r.sq, &r.clipA, &r.clipB)
		if r.simplify && len(pts) > 3 {
			// The clipped ring lies within the ring's box.
			r.simplified = r.dp.simplifyInto(r.simplified[:0], pts, bound, r.tolerance)
			pts = r.simplified
		}
		rings = append(rings, r.quantizeAll(pts))
	}
	r.rings = rings
	ps.rings = append(ps.rings, cleanPolygon(rings)...)
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

// quantizeAll rounds pts to the grid, dropping consecutive duplicates,
// into a new part of the feature's grid buffer. The part's capacity ends
// at its length, so changing it in place (cleanPolygon) cannot touch its
// neighbours.
func (r *renderer) quantizeAll(pts []orb.Point) []ipoint {
	out := r.grid
	start := len(out)
	for _, p := range pts {
		q := r.quantize(p)
		if len(out) > start && out[len(out)-1] == q {
			continue
		}
		out = append(out, q)
	}
	r.grid = out
	return out[start:len(out):len(out)]
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
