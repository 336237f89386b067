package tiles

import (
	"fmt"
	"math"
	"slices"
	"testing"

	"github.com/paulmach/orb"

	"bando/layers"
	"bando/spatial"
)

// genCatalog is a catalog of one layer per geometry with the given
// generalize blocks, all served at z10–16.
func genCatalog(t *testing.T, poly, line, point layers.Generalize) *layers.Catalog {
	t.Helper()
	mk := func(id string, geom layers.GeometryType, g layers.Generalize) *layers.Layer {
		return &layers.Layer{ID: id, Title: layers.Title{VI: id, EN: id}, Kind: layers.KindPOI, Geometry: geom,
			Access: layers.Public, Zoom: layers.Zoom{Min: 10, Max: 16}, Attribution: "© test", Generalize: g,
			Fields: []layers.Field{
				{Name: "name", Type: layers.TypeString},
				{Name: "beds", Type: layers.TypeInt},
				{Name: "secret", Type: layers.TypeInt, Sensitivity: layers.Restricted},
			}}
	}
	cat, err := layers.NewCatalog([]*layers.Layer{
		mk("poly", layers.GeomPolygon, poly), mk("line", layers.GeomLineString, line), mk("point", layers.GeomPoint, point),
	})
	if err != nil {
		t.Fatal(err)
	}
	return cat
}

func ptr(v float64) *float64 { return &v }

// TestMinSize checks min_area and min_length at z14 (8 units a pixel) on
// squares and lines just under and over the thresholds, and that the
// layer's max zoom keeps them all.
func TestMinSize(t *testing.T) {
	// Shapes are built in tile units of z14 through the inverse
	// projection, so their sizes there are exact.
	c := CoordOf(hue, 14)
	at := func(x, y float64) orb.Point {
		n := float64(uint64(1) << 14)
		return orb.Point{worldToLon((float64(c.X) + x/DefaultExtent) / n), worldToLat((float64(c.Y) + y/DefaultExtent) / n)}
	}
	square := func(x, y, s float64) orb.Polygon {
		return orb.Polygon{{at(x, y), at(x, y+s), at(x+s, y+s), at(x+s, y), at(x, y)}}
	}
	tests := []struct {
		name    string
		g       orb.Geometry
		layer   string
		minArea float64
		kept    bool
	}{
		{"square 7×7 under 1 px²", square(100, 100, 7), "poly", 1, false},
		{"square 9×9 over 1 px²", square(200, 100, 9), "poly", 1, true},
		{"square 15×15 under 4 px²", square(300, 100, 15), "poly", 4, false},
		{"square 17×17 over 4 px²", square(400, 100, 17), "poly", 4, true},
		{"square 7×7 with min_area 0", square(500, 100, 7), "poly", 0, true},
		{"line 7 units under 1 px", orb.LineString{at(100, 300), at(107, 300)}, "line", 1, false},
		{"line 9 units over 1 px", orb.LineString{at(200, 300), at(209, 300)}, "line", 1, true},
		{"zig-zag 4 units wide, 12 long", orb.LineString{at(300, 300), at(302, 303), at(304, 300), at(302, 297)}, "line", 1, true},
		{"line 15 units under 2 px", orb.LineString{at(400, 300), at(415, 300)}, "line", 2, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := layers.Generalize{MinArea: ptr(tt.minArea), MinLength: ptr(tt.minArea)}
			s := testServer(t, Config{Catalog: genCatalog(t, g, g, layers.Generalize{})},
				map[string][]*spatial.Feature{tt.layer: {feature(7, tt.g, "x", int64(1), int64(2))}})
			for _, z := range []int{14, 16} {
				cz := CoordOf(at(300, 300), z)
				d := mustTile(t, s, layers.Anonymous, []string{tt.layer}, cz)
				got := len(d.Layers) == 1 && len(d.Layers[0].Features) == 1
				want := tt.kept || z == 16
				if got != want {
					t.Errorf("z%d: kept %v, want %v", z, got, want)
				}
				// The test's own reading of the rule agrees.
				l, _ := s.catalog.Get(tt.layer)
				if z == 14 && belowVisibleSize(cz, tt.g, DefaultExtent, l.GeneralizeAt(z)) == tt.kept {
					t.Errorf("belowVisibleSize disagrees")
				}
			}
		})
	}
}

// TestSimplifyPerZoom checks the tolerance: a line wiggling 3 units off
// its axis keeps its wiggles at 1/8 px (one unit) and loses them at 1 px.
func TestSimplifyPerZoom(t *testing.T) {
	c := CoordOf(hue, 14)
	n := float64(uint64(1) << 14)
	at := func(x, y float64) orb.Point {
		return orb.Point{worldToLon((float64(c.X) + x/DefaultExtent) / n), worldToLat((float64(c.Y) + y/DefaultExtent) / n)}
	}
	var wiggle orb.LineString
	for i := range 21 {
		wiggle = append(wiggle, at(1000+float64(i)*40, 2000+3*float64(i%2*2-1)))
	}
	for _, tt := range []struct {
		simplify float64
		points   int
	}{{0.125, 21}, {1, 2}, {0, 21}} {
		g := layers.Generalize{Simplify: ptr(tt.simplify)}
		s := testServer(t, Config{Catalog: genCatalog(t, g, g, g)}, map[string][]*spatial.Feature{"line": {feature(1, wiggle)}})
		d := mustTile(t, s, layers.Anonymous, []string{"line"}, c)
		if got := len(d.Layers[0].Features[0].Parts[0]); got != tt.points {
			t.Errorf("simplify %v px: %d points, want %d", tt.simplify, got, tt.points)
		}
		// At the max zoom nothing is simplified.
		d = mustTile(t, s, layers.Anonymous, []string{"line"}, CoordOf(wiggle[10], 16))
		if got := len(d.Layers[0].Features[0].Parts[0]); got < 3 {
			t.Errorf("simplify %v px at max zoom: %d points", tt.simplify, got)
		}
	}
}

// TestFieldsPerZoom checks that a fields rule keeps only its fields below
// its zoom, never adds a field the principal may not see, and that the
// max zoom writes every visible field.
func TestFieldsPerZoom(t *testing.T) {
	g := layers.Generalize{Fields: []layers.ZoomFields{{Below: 13, Keep: []string{"name", "secret"}}, {Below: 15, Keep: []string{"name", "beds"}}}}
	s := testServer(t, Config{Catalog: genCatalog(t, g, g, g)}, map[string][]*spatial.Feature{"point": {feature(1, hue, "a", int64(3), int64(9))}})
	tests := []struct {
		z    int
		p    layers.Principal
		want []string
	}{
		{12, layers.Anonymous, []string{"name"}},
		{12, restricted, []string{"name", "secret"}},
		{14, restricted, []string{"beds", "name"}},
		{16, restricted, []string{"beds", "name", "secret"}},
		{16, layers.Anonymous, []string{"beds", "name"}},
	}
	for _, tt := range tests {
		d := mustTile(t, s, tt.p, []string{"point"}, CoordOf(hue, tt.z))
		var keys []string
		for k := range d.Layers[0].Features[0].Props {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		if !slices.Equal(keys, tt.want) {
			t.Errorf("z%d %s: fields %v, want %v", tt.z, tt.p.Clearance, keys, tt.want)
		}
	}
}

// scatter returns n points with beds i+1 spread over about a tile of z
// around c, deterministically.
func scatter(n int, c orb.Point, z int) []*spatial.Feature {
	span := 360 / float64(uint64(1)<<uint(z))
	out := make([]*spatial.Feature, n)
	for i := range n {
		a := float64(i) * 2.399963 // golden angle: an even spread
		r := span * 0.45 * math.Sqrt(float64(i)/float64(n))
		out[i] = feature(uint64(i+1), orb.Point{c[0] + r*math.Cos(a), c[1] + r*math.Sin(a)}, fmt.Sprint("p", i), int64(i+1), int64(100))
	}
	return out
}
