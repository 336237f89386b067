package tiles

import (
	"reflect"
	"testing"

	"github.com/paulmach/orb"
)

// geomTile is the tile the renderer tests draw in.
var geomTile = Coord{Z: 16, X: 52058, Y: 28552}

// at returns the lon/lat point that projects to tile coordinates (x, y) of
// geomTile, so tests can be written on the tile grid.
func at(x, y float64) orb.Point {
	n := float64(uint64(1)<<geomTile.Z) * DefaultExtent
	return orb.Point{
		worldToLon((float64(geomTile.X)*DefaultExtent + x) / n),
		worldToLat((float64(geomTile.Y)*DefaultExtent + y) / n),
	}
}

func ringAt(pts ...[2]float64) orb.Ring {
	r := make(orb.Ring, 0, len(pts)+1)
	for _, p := range pts {
		r = append(r, at(p[0], p[1]))
	}
	return append(r, r[0])
}

func lineAt(pts ...[2]float64) orb.LineString {
	l := make(orb.LineString, 0, len(pts))
	for _, p := range pts {
		l = append(l, at(p[0], p[1]))
	}
	return l
}

func TestRender(t *testing.T) {
	// The square (100,100)-(200,200) with a hole, drawn both ways round.
	cw := ringAt([2]float64{100, 100}, [2]float64{200, 100}, [2]float64{200, 200}, [2]float64{100, 200})
	ccw := ringAt([2]float64{100, 100}, [2]float64{100, 200}, [2]float64{200, 200}, [2]float64{200, 100})
	hole := ringAt([2]float64{120, 120}, [2]float64{140, 120}, [2]float64{140, 140}, [2]float64{120, 140})
	wantSquare := []ipoint{{100, 100}, {200, 100}, {200, 200}, {100, 200}}
	wantHole := []ipoint{{120, 140}, {140, 140}, {140, 120}, {120, 120}}
	type mode struct{ simplify, keepAll bool }
	below, maxZoom := mode{true, false}, mode{false, true}
	tests := []struct {
		name string
		g    orb.Geometry
		m    mode
		want []tileGeom
	}{
		{"exterior clockwise in tile coords", orb.Polygon{cw}, maxZoom,
			[]tileGeom{{geomPolygon, [][]ipoint{wantSquare}}}},
		{"exterior given counter-clockwise is turned", orb.Polygon{ccw}, maxZoom,
			[]tileGeom{{geomPolygon, [][]ipoint{wantSquare}}}},
		{"hole counter-clockwise", orb.Polygon{ccw, hole}, maxZoom,
			[]tileGeom{{geomPolygon, [][]ipoint{wantSquare, wantHole}}}},
		{"multipolygon is one feature", orb.MultiPolygon{{cw}, {hole}}, maxZoom,
			[]tileGeom{{geomPolygon, [][]ipoint{wantSquare, {{120, 120}, {140, 120}, {140, 140}, {120, 140}}}}}},
		{"degenerate hole dropped, exterior kept",
			orb.Polygon{cw, ringAt([2]float64{150, 150}, [2]float64{150.2, 150.1}, [2]float64{150.1, 150.2})}, maxZoom,
			[]tileGeom{{geomPolygon, [][]ipoint{wantSquare}}}},
		{"collinear ring dropped below max zoom",
			orb.Polygon{ringAt([2]float64{10, 10}, [2]float64{20, 10}, [2]float64{30, 10})}, below, nil},
		{"collinear ring kept as a unit square at max zoom",
			orb.Polygon{ringAt([2]float64{10, 10}, [2]float64{20, 10}, [2]float64{30, 10})}, maxZoom,
			[]tileGeom{{geomPolygon, [][]ipoint{{{20, 10}, {21, 10}, {21, 11}, {20, 11}}}}}},
		{"sub-unit polygon kept as a unit square at max zoom",
			orb.Polygon{ringAt([2]float64{50.1, 50.1}, [2]float64{50.3, 50.1}, [2]float64{50.3, 50.3})}, maxZoom,
			[]tileGeom{{geomPolygon, [][]ipoint{{{50, 50}, {51, 50}, {51, 51}, {50, 51}}}}}},
		{"line: consecutive duplicates removed",
			lineAt([2]float64{10, 10}, [2]float64{10.2, 10.1}, [2]float64{20, 10}, [2]float64{20, 10}, [2]float64{20, 30}), maxZoom,
			[]tileGeom{{geomLine, [][]ipoint{{{10, 10}, {20, 10}, {20, 30}}}}}},
		{"line: collinear points kept at max zoom",
			lineAt([2]float64{10, 10}, [2]float64{15, 10}, [2]float64{20, 10}), maxZoom,
			[]tileGeom{{geomLine, [][]ipoint{{{10, 10}, {15, 10}, {20, 10}}}}}},
		{"line: collinear points simplified below max zoom",
			lineAt([2]float64{10, 10}, [2]float64{15, 10.4}, [2]float64{20, 10}), below,
			[]tileGeom{{geomLine, [][]ipoint{{{10, 10}, {20, 10}}}}}},
		{"line: one distinct point dropped below max zoom",
			lineAt([2]float64{10, 10}, [2]float64{10.3, 10.2}), below, nil},
		{"line: one distinct point kept as a unit segment at max zoom",
			lineAt([2]float64{10, 10}, [2]float64{10.3, 10.2}), maxZoom,
			[]tileGeom{{geomLine, [][]ipoint{{{10, 10}, {11, 10}}}}}},
		{"line split by the buffered square",
			lineAt([2]float64{4000, 10}, [2]float64{4500, 10}, [2]float64{4500, 50}, [2]float64{4000, 50}), maxZoom,
			[]tileGeom{{geomLine, [][]ipoint{{{4000, 10}, {4352, 10}}, {{4352, 50}, {4000, 50}}}}}},
		{"polygon clipped to the buffered square",
			orb.Polygon{ringAt([2]float64{-1000, -1000}, [2]float64{5000, -1000}, [2]float64{5000, 5000}, [2]float64{-1000, 5000})}, below,
			[]tileGeom{{geomPolygon, [][]ipoint{{{-256, -256}, {4352, -256}, {4352, 4352}, {-256, 4352}}}}}},
		{"multipoint keeps points in the buffered tile",
			orb.MultiPoint{at(10, 10), at(-300, 10), at(4351, 4351)}, below,
			[]tileGeom{{geomPoint, [][]ipoint{{{10, 10}, {4351, 4351}}}}}},
		{"collection split by type",
			orb.Collection{at(5, 5), lineAt([2]float64{1, 1}, [2]float64{9, 9}), orb.Polygon{cw}}, maxZoom,
			[]tileGeom{
				{geomPoint, [][]ipoint{{{5, 5}}}},
				{geomLine, [][]ipoint{{{1, 1}, {9, 9}}}},
				{geomPolygon, [][]ipoint{wantSquare}},
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := cloneGeometry(tt.g)
			r := newRenderer(geomTile, DefaultBuffer, DefaultExtent, tt.m.simplify, tt.m.keepAll)
			got := renderGeometry(r, tt.g)
			if !reflect.DeepEqual(rotated(got), rotated(tt.want)) {
				t.Errorf("render =\n  %v\nwant\n  %v", got, tt.want)
			}
			if !reflect.DeepEqual(tt.g, before) {
				t.Error("render modified its input")
			}
			for _, g := range got {
				if g.typ != geomPolygon {
					continue
				}
				for i, ring := range g.parts {
					if a := area2(ring); a == 0 {
						t.Errorf("ring %d has zero area", i)
					}
				}
			}
		})
	}
}

// rotated returns the geometries with each polygon ring rotated to start at
// its smallest point, keeping its direction, so rings that differ only in
// their starting point compare equal.
func rotated(gs []tileGeom) []tileGeom {
	out := make([]tileGeom, len(gs))
	for i, g := range gs {
		out[i] = tileGeom{typ: g.typ}
		for _, p := range g.parts {
			if g.typ != geomPolygon {
				out[i].parts = append(out[i].parts, p)
				continue
			}
			start := 0
			for k, q := range p {
				if q.X < p[start].X || q.X == p[start].X && q.Y < p[start].Y {
					start = k
				}
			}
			r := append(append([]ipoint{}, p[start:]...), p[:start]...)
			out[i].parts = append(out[i].parts, r)
		}
	}
	return out
}
