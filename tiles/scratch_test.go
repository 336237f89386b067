package tiles

import (
	"math"
	"math/rand/v2"
	"reflect"
	"testing"

	"github.com/paulmach/orb"
)

// referenceRender renders lines and polygons with the allocating
// functions (clipLine, clipRing, douglasPeucker: every step a new slice),
// as the renderer did before it reused scratch buffers. Comparing the two
// catches a buffer reused while still in use.
func referenceRender(g orb.Geometry, simplify bool) []tileGeom {
	proj := geomTile.projection(DefaultExtent)
	s := squareFor(DefaultBuffer, DefaultExtent)
	quant := func(pts []orb.Point) []ipoint {
		var out []ipoint
		for _, p := range pts {
			q := ipoint{int32(math.Round(p[0])), int32(math.Round(p[1]))}
			if len(out) == 0 || out[len(out)-1] != q {
				out = append(out, q)
			}
		}
		return out
	}
	project := func(pts []orb.Point) []orb.Point {
		out := make([]orb.Point, len(pts))
		for i, p := range pts {
			out[i] = proj.point(p)
		}
		return out
	}
	switch g := g.(type) {
	case orb.MultiLineString:
		var lines [][]ipoint
		for _, l := range g {
			for _, tg := range referenceRender(l, simplify) {
				lines = append(lines, tg.parts...)
			}
		}
		if lines != nil {
			return []tileGeom{{typ: geomLine, parts: lines}}
		}
	case orb.MultiPolygon:
		var rings [][]ipoint
		for _, p := range g {
			for _, tg := range referenceRender(p, simplify) {
				rings = append(rings, tg.parts...)
			}
		}
		if rings != nil {
			return []tileGeom{{typ: geomPolygon, parts: rings}}
		}
	case orb.LineString:
		var lines [][]ipoint
		for _, piece := range clipLine(project(g), s) {
			pts := []orb.Point(piece)
			if simplify {
				pts = douglasPeucker(pts, SimplifyTolerance)
			}
			if q := cleanLine(quant(pts)); q != nil {
				lines = append(lines, q)
			}
		}
		if lines != nil {
			return []tileGeom{{typ: geomLine, parts: lines}}
		}
	case orb.Polygon:
		var rings [][]ipoint
		for _, r := range g {
			pts := []orb.Point(clipRing(project(r), s))
			if simplify && len(pts) > 3 {
				pts = douglasPeucker(pts, SimplifyTolerance)
			}
			rings = append(rings, quant(pts))
		}
		if out := cleanPolygon(rings); out != nil {
			return []tileGeom{{typ: geomPolygon, parts: out}}
		}
	}
	return nil
}

// wiggle is a random path in tile units that wanders in and out of the
// buffered tile, with runs of nearly collinear points.
func wiggle(rng *rand.Rand, n int) []orb.Point {
	var pts []orb.Point
	x, y := rng.Float64()*4096, rng.Float64()*4096
	for range n {
		x += (rng.Float64() - 0.5) * 3000
		y += (rng.Float64() - 0.5) * 3000
		pts = append(pts, at(x, y))
		for range rng.IntN(3) {
			x += rng.Float64() * 2
			pts = append(pts, at(x, y+rng.Float64()*0.3))
		}
	}
	return pts
}

func TestRenderMatchesReference(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	polygon := func() orb.Polygon {
		ext := wiggle(rng, 3+rng.IntN(20))
		hole := wiggle(rng, 3)
		return orb.Polygon{append(ext, ext[0]), append(hole, hole[0])}
	}
	for i := range 400 {
		var g orb.Geometry
		switch i % 4 {
		case 0:
			g = orb.LineString(wiggle(rng, 3+rng.IntN(30)))
		case 1:
			g = polygon()
		case 2: // parts after the first reuse the buffers of the first
			g = orb.MultiLineString{wiggle(rng, 2+rng.IntN(9)), wiggle(rng, 2+rng.IntN(9)), wiggle(rng, 2+rng.IntN(9))}
		case 3:
			g = orb.MultiPolygon{polygon(), polygon()}
		}
		for _, simplify := range []bool{false, true} {
			r := newRenderer(geomTile, DefaultBuffer, DefaultExtent, simplify, false)
			got := renderGeometry(r, g)
			want := referenceRender(g, simplify)
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("geometry %d (simplify %v):\n got %v\nwant %v", i, simplify, got, want)
			}
		}
	}
}
