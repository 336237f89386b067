package twin

import (
	"math"
	"slices"

	"bando/spatial"
	"bando/spatial/geo"

	"github.com/paulmach/orb"
)

// LandRule refuses fixes "on land far from water": a vessel's position
// inside the Layer's land polygons and more than MarginM from every line
// of the Coast layer and every port is a receiver fault, not a voyage.
// The demo has no rivers layer, so the margin stands in for them: 20 km
// keeps the river ports of the Sài Gòn and Đồng Nai (with their channels
// to the sea) plausible and refuses a fix in the middle of the land. Off
// when Layer is empty.
type LandRule struct {
	Layer   string  `yaml:"layer"`
	Coast   string  `yaml:"coast_layer"`
	MarginM float64 `yaml:"margin_m"`
}

// landCellDeg is the mask's cell, about 2.2 km: fine against a 20 km
// margin, and the province takes a few thousand cells.
const landCellDeg = 0.02

// landMask marks the cells that lie wholly on land and far from the water,
// computed once from the static layers, so that a fix costs one map
// lookup, not a point-in-polygon test against a coast of thousands of
// vertices.
type landMask struct {
	deep map[uint64]bool
}

func (m *landMask) at(lon, lat float64) bool {
	if m == nil || len(m.deep) == 0 {
		return false
	}
	return m.deep[landCell(lon, lat)]
}

func landCell(lon, lat float64) uint64 {
	x, y := int32(math.Floor(lon/landCellDeg)), int32(math.Floor(lat/landCellDeg))
	return cellKey(x, y)
}

// buildLandMask scans the cells of the land layer's bounds. A cell is deep
// when its centre and four corners are on land and no coast line or port
// comes within the margin plus the cell's half-diagonal of its centre —
// so every point of a deep cell is more than the margin from the water.
// "On land" is decided row by row from where the rings cross the row's
// latitude (even-odd), one pass over the rings per row instead of a
// point-in-polygon test per cell, and "near the water" against the coast
// sampled into cells (measured at start on the demo's province, whose
// bounds reach out to the Côn Đảo islands: 513 ms with a point-in-polygon
// test and exact distances per cell, 22 ms so).
func buildLandMask(idx *spatial.Index, r LandRule, ports string) *landMask {
	m := &landMask{deep: map[uint64]bool{}}
	if r.Layer == "" || r.MarginM <= 0 {
		return m
	}
	var rings []orb.Ring
	var b orb.Bound
	idx.SearchBound(r.Layer, orb.Bound{Min: orb.Point{-180, -90}, Max: orb.Point{180, 90}}, func(f *spatial.Feature) bool {
		if len(rings) == 0 {
			b = f.Bound
		}
		rings, b = appendRings(rings, f.Geom), b.Union(f.Bound)
		return true
	})
	water := newWaterPoints(idx, r.Coast, ports)
	x0, y0 := math.Floor(b.Min[0]/landCellDeg), math.Floor(b.Min[1]/landCellDeg)
	below := crossings(rings, y0*landCellDeg, nil)
	var mid, above []float64
	for y := y0; y*landCellDeg < b.Max[1]; y++ {
		lat := y * landCellDeg
		mid = crossings(rings, lat+landCellDeg/2, mid[:0])
		above = crossings(rings, lat+landCellDeg, above[:0])
		for x := x0; x*landCellDeg < b.Max[0]; x++ {
			lo, hi := x*landCellDeg, (x+1)*landCellDeg
			c := orb.Point{lo + landCellDeg/2, lat + landCellDeg/2}
			if !inside(mid, c[0]) || !inside(below, lo) || !inside(below, hi) || !inside(above, lo) || !inside(above, hi) {
				continue
			}
			if !water.near(c, r.MarginM+geo.FastDistance(orb.Point{lo, lat}, c)) {
				m.deep[cellKey(int32(x), int32(y))] = true
			}
		}
		below, above = above, below
	}
	return m
}

func appendRings(rs []orb.Ring, g orb.Geometry) []orb.Ring {
	switch g := g.(type) {
	case orb.Polygon:
		rs = append(rs, g...)
	case orb.MultiPolygon:
		for _, p := range g {
			rs = append(rs, p...)
		}
	}
	return rs
}

// crossings returns, sorted, the longitudes where the rings' edges cross
// the parallel at lat (half-open in latitude, so a vertex on it counts
// once).
func crossings(rings []orb.Ring, lat float64, dst []float64) []float64 {
	for _, r := range rings {
		for i := 1; i < len(r); i++ {
			a, b := r[i-1], r[i]
			if (a[1] <= lat) != (b[1] <= lat) {
				dst = append(dst, a[0]+(lat-a[1])*(b[0]-a[0])/(b[1]-a[1]))
			}
		}
	}
	slices.Sort(dst)
	return dst
}

// inside reports whether lon is on land on a row: an odd number of
// crossings lies west of it.
func inside(xs []float64, lon float64) bool {
	n, _ := slices.BinarySearch(xs, lon)
	return n%2 == 1
}

// waterPoints buckets the coast lines, densified to waterStep, and the
// ports by mask cell, so that "is the water within r" looks at the few
// cells around a point instead of measuring to every coast vertex.
type waterPoints map[uint64][]orb.Point

// waterStep is the densification of the coast: a point of the coast is
// at most waterStep/2 from a sample, which near adds to its reach.
const waterStep = 500.0

func newWaterPoints(idx *spatial.Index, layers ...string) waterPoints {
	w := waterPoints{}
	add := func(p orb.Point) { k := landCell(p[0], p[1]); w[k] = append(w[k], p) }
	all := orb.Bound{Min: orb.Point{-180, -90}, Max: orb.Point{180, 90}}
	for _, l := range layers {
		if l == "" {
			continue
		}
		idx.SearchBound(l, all, func(f *spatial.Feature) bool {
			eachSegment(f.Geom, func(a, b orb.Point) {
				n := math.Ceil(geo.FastDistance(a, b) / waterStep)
				for i := 0.0; i < n; i++ {
					add(orb.Point{a[0] + (b[0]-a[0])*i/n, a[1] + (b[1]-a[1])*i/n})
				}
				add(b)
			}, add)
			return true
		})
	}
	return w
}

// eachSegment calls seg for every segment of g's lines and rings, and pt
// for its points.
func eachSegment(g orb.Geometry, seg func(a, b orb.Point), pt func(orb.Point)) {
	line := func(ls []orb.Point) {
		for i := 1; i < len(ls); i++ {
			seg(ls[i-1], ls[i])
		}
		if len(ls) == 1 {
			pt(ls[0])
		}
	}
	switch g := g.(type) {
	case orb.Point:
		pt(g)
	case orb.MultiPoint:
		for _, p := range g {
			pt(p)
		}
	case orb.LineString:
		line(g)
	case orb.MultiLineString:
		for _, l := range g {
			line(l)
		}
	case orb.Polygon:
		for _, r := range g {
			line(r)
		}
	case orb.MultiPolygon:
		for _, p := range g {
			for _, r := range p {
				line(r)
			}
		}
	}
}

// near reports whether a water point lies within r metres of c.
func (w waterPoints) near(c orb.Point, r float64) bool {
	r += waterStep / 2
	box := around(c[0], c[1], r)
	x0, y0 := int32(math.Floor(box.Min[0]/landCellDeg)), int32(math.Floor(box.Min[1]/landCellDeg))
	x1, y1 := int32(math.Floor(box.Max[0]/landCellDeg)), int32(math.Floor(box.Max[1]/landCellDeg))
	for x := x0; x <= x1; x++ {
		for y := y0; y <= y1; y++ {
			for _, p := range w[cellKey(x, y)] {
				if geo.FastDistance(c, p) <= r {
					return true
				}
			}
		}
	}
	return false
}
