package tiles

import (
	"context"
	"math/rand/v2"
	"strconv"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"bando/layers"
	"bando/spatial"
)

// hue is a point in Huế city, where the test data lives.
var hue = orb.Point{107.585, 16.463}

// testCatalog has a public polygon layer with fields of every type and
// sensitivity, a public line layer, an internal point layer and a
// restricted layer.
func testCatalog(t testing.TB) *layers.Catalog {
	t.Helper()
	title := func(s string) layers.Title { return layers.Title{VI: s + " (vi)", EN: s} }
	cat, err := layers.NewCatalog([]*layers.Layer{
		{ID: "buildings", Title: title("Buildings"), Description: layers.Title{VI: "Nhà", EN: "Buildings"},
			Kind: layers.KindBuilding, Geometry: layers.GeomPolygon, Access: layers.Public,
			Zoom: layers.Zoom{Min: 12, Max: 16}, Attribution: "© test",
			Fields: []layers.Field{
				{Name: "name", Type: layers.TypeString},
				{Name: "floors", Type: layers.TypeInt},
				{Name: "height", Type: layers.TypeFloat},
				{Name: "temporary", Type: layers.TypeBool, Sensitivity: layers.Internal},
				{Name: "surveyed", Type: layers.TypeTime},
				{Name: "household", Type: layers.TypeString, Sensitivity: layers.Restricted},
			}},
		{ID: "roads", Title: title("Roads"), Kind: layers.KindRoad, Geometry: layers.GeomLineString,
			Access: layers.Public, Zoom: layers.Zoom{Min: 8, Max: 16}, Attribution: "© test",
			Fields: []layers.Field{{Name: "name", Type: layers.TypeString}}},
		{ID: "sensors", Title: title("Sensors"), Kind: layers.KindSensor, Geometry: layers.GeomPoint,
			Access: layers.Internal, Zoom: layers.Zoom{Min: 10, Max: 18}, Attribution: "© test",
			Fields: []layers.Field{{Name: "level", Type: layers.TypeFloat}}},
		{ID: "mixed", Title: title("Mixed"), Kind: layers.KindPOI, Geometry: layers.GeomAny,
			Access: layers.Public, Zoom: layers.Zoom{Min: 0, Max: 16}, Attribution: "© test"},
		{ID: "secret", Title: title("Secret"), Kind: layers.KindPOI, Geometry: layers.GeomPoint,
			Access: layers.Restricted, Zoom: layers.Zoom{Min: 0, Max: 18}, Attribution: "© test"},
	})
	if err != nil {
		t.Fatal(err)
	}
	return cat
}

var (
	internal   = layers.Principal{Name: "officer", Clearance: layers.Internal}
	restricted = layers.Principal{Name: "steward", Clearance: layers.Restricted}
)

func feature(id uint64, g orb.Geometry, props ...any) *spatial.Feature {
	return &spatial.Feature{ID: itoa(id), Num: id, Geom: g, Bound: g.Bound(), Props: props}
}

func itoa(n uint64) string { return strconv.FormatUint(n, 10) }

// square returns a closed counter-clockwise (in lon/lat) square ring.
func squareRing(c orb.Point, half float64) orb.Ring {
	return orb.Ring{
		{c[0] - half, c[1] - half}, {c[0] + half, c[1] - half},
		{c[0] + half, c[1] + half}, {c[0] - half, c[1] + half}, {c[0] - half, c[1] - half},
	}
}

// randomFeatures makes n deterministic features of mixed shapes within
// spread degrees of centre: squares with holes, multipolygons, lines,
// points, multipoints, and tiny polygons that collapse on the grid.
func randomFeatures(seed uint64, n int, centre orb.Point, spread float64) []*spatial.Feature {
	rng := rand.New(rand.NewPCG(seed, 7))
	at := func() orb.Point {
		return orb.Point{centre[0] + (rng.Float64()*2-1)*spread, centre[1] + (rng.Float64()*2-1)*spread}
	}
	when := time.Date(2025, 7, 1, 8, 30, 0, 0, time.FixedZone("ICT", 7*3600))
	out := make([]*spatial.Feature, 0, n)
	for i := range n {
		id := uint64(i + 1)
		p := at()
		size := spread * rng.Float64() / 20
		var g orb.Geometry
		switch i % 6 {
		case 0:
			g = orb.Polygon{squareRing(p, size), squareRing(p, size/3)}
		case 1:
			g = orb.MultiPolygon{{squareRing(p, size)}, {squareRing(at(), size/2)}}
		case 2:
			g = orb.LineString{p, at(), at()}
		case 3:
			g = p
		case 4:
			g = orb.MultiPoint{p, at()}
		case 5:
			g = orb.Polygon{squareRing(p, 1e-7)} // well under a unit at z16
		}
		var name any = "nhà " + itoa(id)
		if i%7 == 0 {
			name = nil
		}
		out = append(out, feature(id, g, name, int64(i%5-2), float64(i)/4, i%2 == 0, when.Add(time.Duration(i)*time.Hour), "hộ nghèo"))
	}
	return out
}

// testServer returns a server over an index holding the features in the
// "buildings" layer (and any extra layers given).
func testServer(t testing.TB, cfg Config, fs map[string][]*spatial.Feature) *Server {
	t.Helper()
	if cfg.Index == nil {
		cfg.Index = spatial.NewIndex()
	}
	if cfg.Catalog == nil {
		cfg.Catalog = testCatalog(t)
	}
	for layer, list := range fs {
		cfg.Index.Put(layer, 1, list)
	}
	return New(cfg)
}

// mustTile renders and decodes a tile.
func mustTile(t testing.TB, s *Server, p layers.Principal, ids []string, c Coord) dTile {
	t.Helper()
	tl, err := s.Tile(context.Background(), p, ids, c.Z, c.X, c.Y)
	if err != nil {
		t.Fatalf("Tile(%v %v): %v", ids, c, err)
	}
	d, err := decodeTile(tl.Bytes())
	if err != nil {
		t.Fatalf("decode %v: %v", c, err)
	}
	return d
}

// cloneGeometry deep-copies a geometry so tests can check the original was
// not modified.
func cloneGeometry(g orb.Geometry) orb.Geometry { return orb.Clone(g) }

// renderGeometry renders one geometry, stored as the only feature of an
// index, and returns a copy of the result (the renderer's own is valid
// only until its next render).
func renderGeometry(r *renderer, g orb.Geometry) []tileGeom {
	idx := spatial.NewIndex()
	idx.Put("g", 1, []*spatial.Feature{{ID: "1", Geom: g, Bound: g.Bound()}})
	var out []tileGeom
	idx.Scan("g", g.Bound(), func(v spatial.FeatureView) bool {
		for _, tg := range r.render(v) {
			c := tileGeom{typ: tg.typ}
			for _, p := range tg.parts {
				c.parts = append(c.parts, append([]ipoint(nil), p...))
			}
			out = append(out, c)
		}
		return true
	})
	return out
}

func concat(pp [][]ipoint) []ipoint {
	var out []ipoint
	for _, p := range pp {
		out = append(out, p...)
	}
	return out
}
