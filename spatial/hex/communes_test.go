package hex

import (
	"compress/gzip"
	"io"
	"slices"
	"testing"

	"bando/data"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
)

// demoCommunes returns the multipolygons of the demo's 168 real communes.
func demoCommunes(t *testing.T) []orb.MultiPolygon {
	t.Helper()
	f, err := data.Demo().Open("communes.geojson.gz")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	b, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	fc, err := geojson.UnmarshalFeatureCollection(b)
	if err != nil {
		t.Fatal(err)
	}
	var out []orb.MultiPolygon
	for _, ft := range fc.Features {
		switch g := ft.Geometry.(type) {
		case orb.Polygon:
			out = append(out, orb.MultiPolygon{g})
		case orb.MultiPolygon:
			out = append(out, g)
		}
	}
	if len(out) < 100 {
		t.Fatalf("%d communes in the demo data", len(out))
	}
	return out
}

// TestCommunesMatchH3js polyfills the real commune boundaries of the demo
// (thousands of vertices, islands, river-cut shapes) at res 7 and 9 and
// compares every polygon's cells with h3-js polygonToCells.
func TestCommunesMatchH3js(t *testing.T) {
	communes := demoCommunes(t)
	var q questions
	var want [][]Cell
	for i, mp := range communes {
		for _, res := range []int{7, 9} {
			if res == 9 && i%4 != 0 {
				continue
			}
			for _, p := range mp {
				cells, err := PolygonCells(p, res, 0)
				if err != nil {
					t.Fatal(err)
				}
				want = append(want, cells)
				np := nodePoly{Res: res}
				for _, ring := range p {
					var loop [][2]float64
					for _, v := range ring {
						loop = append(loop, [2]float64{v[1], v[0]})
					}
					np.Loops = append(np.Loops, loop)
				}
				q.Polygons = append(q.Polygons, np)
			}
		}
	}
	a := askH3js(t, q)
	total := 0
	for i, got := range want {
		ref := cellsAnswer(t, a.Polygons[i])
		if !slices.Equal(got, ref) {
			t.Fatalf("polygon %d (res %d): %d cells, h3-js gives %d", i, q.Polygons[i].Res, len(got), len(ref))
		}
		total += len(got)
	}
	t.Logf("%d commune polygons, %d cells agree with h3-js", len(want), total)
}
