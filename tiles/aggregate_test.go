package tiles

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/paulmach/orb"

	"bando/layers"
	"bando/spatial"
	"bando/spatial/hex"
)

// aggCatalog has a public point layer with a public int, a restricted
// float, an internal float and a text field, a public polygon layer and a
// restricted point layer.
func aggCatalog(t testing.TB) *layers.Catalog {
	t.Helper()
	title := func(s string) layers.Title { return layers.Title{VI: s + " (vi)", EN: s} }
	cat, err := layers.NewCatalog([]*layers.Layer{
		{ID: "houses", Title: title("Houses"), Kind: layers.KindPOI, Geometry: layers.GeomPoint,
			Access: layers.Public, Zoom: layers.Zoom{Min: 14, Max: 18}, Attribution: "© test (synthetic)",
			Fields: []layers.Field{
				{Name: "floors", Type: layers.TypeInt},
				{Name: "income", Type: layers.TypeFloat, Sensitivity: layers.Restricted},
				{Name: "rating", Type: layers.TypeFloat, Sensitivity: layers.Internal},
				{Name: "name", Type: layers.TypeString},
			}},
		{ID: "parcels", Title: title("Parcels"), Kind: layers.KindParcel, Geometry: layers.GeomPolygon,
			Access: layers.Public, Zoom: layers.Zoom{Min: 12, Max: 18}, Attribution: "© test (synthetic)",
			Fields: []layers.Field{{Name: "area", Type: layers.TypeFloat}}},
		{ID: "secret", Title: title("Secret"), Kind: layers.KindPOI, Geometry: layers.GeomPoint,
			Access: layers.Restricted, Zoom: layers.Zoom{Min: 0, Max: 18}, Attribution: "© test"},
	})
	if err != nil {
		t.Fatal(err)
	}
	return cat
}

// aggHouses returns n seeded points around Huế: a dense core (cells of
// hundreds) and a sparse ring (cells of one or two), so that suppression
// has something to remove and something to keep.
func aggHouses(seed uint64, n int) []*spatial.Feature {
	rng := rand.New(rand.NewPCG(seed, 11))
	out := make([]*spatial.Feature, n)
	for i := range out {
		spread := 0.15
		if i%3 == 0 {
			spread = 0.02
		}
		p := orb.Point{hue[0] + (rng.Float64()*2-1)*spread, hue[1] + (rng.Float64()*2-1)*spread}
		var income any = float64(rng.IntN(1000)) / 4
		if i%10 == 0 {
			income = nil // skipped by sum and avg
		}
		out[i] = feature(uint64(i+1), p, int64(1+rng.IntN(5)), income, rng.Float64(), "nhà")
	}
	return out
}

func aggTestServer(t testing.TB, houses []*spatial.Feature, cfg Config) *Server {
	t.Helper()
	cfg.Catalog = aggCatalog(t)
	return testServer(t, cfg, map[string][]*spatial.Feature{"houses": houses})
}

// expectedCells is /api/h3's answer over the whole layer at res: the
// engine asked directly, with no tile, no rectangle and no cell list.
func expectedCells(t testing.TB, fs []*spatial.Feature, res int, aggs ...hex.Agg) map[hex.Cell]hex.CellFigures {
	t.Helper()
	r, err := hex.NewEngine(hex.Config{}).Aggregate(context.Background(), hex.Request{Res: res, Aggs: aggs}, slices.Values(fs))
	if err != nil {
		t.Fatal(err)
	}
	out := map[hex.Cell]hex.CellFigures{}
	for _, c := range r.Cells {
		out[c.Cell] = c
	}
	return out
}

func aggTile(t testing.TB, s *Server, p layers.Principal, k AggKind, agg string, c Coord) dLayer {
	t.Helper()
	tl, err := s.AggregateTile(context.Background(), p, k, "houses", agg, c.Z, c.X, c.Y)
	if err != nil {
		t.Fatalf("AggregateTile(%s %s %v): %v", k, agg, c, err)
	}
	d, err := decodeTile(tl.Bytes())
	if err != nil {
		t.Fatalf("decode %s %v: %v", k, c, err)
	}
	if len(d.Layers) != 1 || d.Layers[0].Name != "houses" || d.Layers[0].Version != 2 {
		t.Fatalf("%s %v: layers %+v, want one layer houses v2", k, c, d.Layers)
	}
	return d.Layers[0]
}

// TestHexTileEqualsEngine: every hexagon of a tile carries the figures the
// H3 engine gives for its cell over the whole layer (cells cut by the tile
// edge included), every non-empty cell meeting the tile is there, the
// geometry is a valid polygon and ids are the cell ids.
func TestHexTileEqualsEngine(t *testing.T) {
	fs := aggHouses(1, 6000)
	s := aggTestServer(t, fs, Config{})
	for _, tc := range []struct {
		agg  string
		want hex.Agg
	}{
		{"", hex.Agg{Op: hex.Count, Index: -1}},
		{"sum:floors", hex.Agg{Op: hex.Sum, Field: "floors", Index: 0}},
		{"avg:income", hex.Agg{Op: hex.Avg, Field: "income", Index: 1}},
	} {
		for _, z := range []int{9, 11, 12, 13, 14} {
			c := CoordOf(orb.Point{hue[0] + 0.01, hue[1] - 0.01}, z)
			res := AggRes(AggHex, z)
			var want map[hex.Cell]hex.CellFigures
			if tc.want.Op == hex.Count {
				want = expectedCells(t, fs, res)
			} else {
				want = expectedCells(t, fs, res, tc.want)
			}
			l := aggTile(t, s, restricted, AggHex, tc.agg, c)
			seen := map[uint64]bool{}
			for _, f := range l.Features {
				cell := hex.CellOfCompact(f.ID, res)
				w, ok := want[cell]
				where := fmt.Sprintf("z%d %s cell %v", z, tc.agg, cell)
				if seen[f.ID] {
					t.Fatalf("%s: id twice", where)
				}
				seen[f.ID] = true
				switch {
				case !ok:
					t.Errorf("%s: not a cell of the engine's answer", where)
					continue
				case f.Type != uint64(geomPolygon) || len(f.Parts) != 1 || ringArea2(f.Parts[0]) <= 0:
					t.Errorf("%s: not one clockwise ring: type %d, %d parts", where, f.Type, len(f.Parts))
				case f.Props["h3"] != cell.String() || f.Props["count"] != w.Count:
					t.Errorf("%s: props %v, want h3 %s count %d", where, f.Props, cell, w.Count)
				}
				wantValue := any(w.Count)
				if len(w.Values) > 0 {
					wantValue = w.Values[0]
				}
				if f.Props["value"] != wantValue {
					t.Errorf("%s: value %v (%T), want %v (%T)", where, f.Props["value"], f.Props["value"], wantValue, wantValue)
				}
			}
			// Completeness: a cell whose centre lies in the tile meets it.
			tb := c.Bound()
			for cell := range want {
				if tb.Contains(hex.Center(cell)) && !seen[cell.Compact()] {
					t.Errorf("z%d: cell %v (count %d) of the tile is missing", z, cell, want[cell].Count)
				}
			}
			if len(l.Features) == 0 {
				t.Errorf("z%d %s: empty tile", z, tc.agg)
			}
		}
	}
}

// TestHeatTileEqualsEngine: heat points sit at cell centres of the finer
// grid, inside the buffered tile, with weight and count from the engine.
func TestHeatTileEqualsEngine(t *testing.T) {
	fs := aggHouses(2, 6000)
	s := aggTestServer(t, fs, Config{})
	for _, z := range []int{10, 12, 14} {
		c := CoordOf(hue, z)
		want := expectedCells(t, fs, AggRes(AggHeat, z), hex.Agg{Op: hex.Sum, Field: "floors", Index: 0})
		l := aggTile(t, s, restricted, AggHeat, "sum:floors", c)
		if len(l.Features) < 50 {
			t.Fatalf("z%d: %d heat points, want many", z, len(l.Features))
		}
		var total int64
		for _, f := range l.Features {
			cell := hex.CellOfCompact(f.ID, AggRes(AggHeat, z))
			w, ok := want[cell]
			if !ok || f.Type != uint64(geomPoint) || f.Props["count"] != w.Count || f.Props["weight"] != w.Values[0] {
				t.Fatalf("z%d cell %v: type %d props %v, want count %d weight %v", z, cell, f.Type, f.Props, w.Count, w.Values)
			}
			px, py := Quantize(c.Project(hex.Center(cell), DefaultExtent))
			if pt := f.Parts[0][0]; pt != [2]int64{int64(px), int64(py)} {
				t.Errorf("z%d cell %v: at %v, want the centre %d,%d", z, cell, pt, px, py)
			}
			total += w.Count
		}
		if total == 0 {
			t.Errorf("z%d: no weight", z)
		}
	}
}

// TestAggSuppression: anonymous principals see only cells of at least k
// features; a token principal sees every non-empty cell; k is configurable.
func TestAggSuppression(t *testing.T) {
	fs := aggHouses(3, 6000)
	c := CoordOf(hue, 13)
	for _, k := range []int{0, 3, 1} {
		s := aggTestServer(t, fs, Config{Aggregates: AggConfig{MinCount: k}})
		wantK := int64(k)
		if k == 0 {
			wantK = DefaultMinCount
		}
		all := aggTile(t, s, restricted, AggHex, "", c)
		anon := aggTile(t, s, layers.Anonymous, AggHex, "", c)
		var small int
		want := map[uint64]bool{}
		for _, f := range all.Features {
			if n := f.Props["count"].(int64); n < wantK {
				small++
			} else {
				want[f.ID] = true
			}
		}
		if wantK > 1 && small == 0 {
			t.Fatalf("k=%d: the data has no small cells to suppress", wantK)
		}
		if len(anon.Features) != len(want) {
			t.Errorf("k=%d: anonymous sees %d cells, want %d (of %d)", wantK, len(anon.Features), len(want), len(all.Features))
		}
		for _, f := range anon.Features {
			if !want[f.ID] {
				t.Errorf("k=%d: anonymous sees cell %v of count %v", wantK, f.Props["h3"], f.Props["count"])
			}
		}
		if s.MinCount(layers.Anonymous) != int(wantK) || s.MinCount(restricted) != 1 {
			t.Errorf("MinCount: %d / %d", s.MinCount(layers.Anonymous), s.MinCount(restricted))
		}
	}
}

// TestAggErrors: bad figures, hidden fields and layers, bad zooms.
func TestAggErrors(t *testing.T) {
	s := aggTestServer(t, aggHouses(4, 100), Config{})
	s.index.Put("secret", 1, []*spatial.Feature{feature(1, hue)})
	c := CoordOf(hue, 12)
	for _, tc := range []struct {
		p     layers.Principal
		k     AggKind
		layer string
		agg   string
		z     int
		want  error
	}{
		{layers.Anonymous, AggHex, "houses", "median:floors", 12, ErrBadAgg},
		{layers.Anonymous, AggHex, "houses", "sum:nope", 12, ErrBadAgg},
		{layers.Anonymous, AggHex, "houses", "sum:name", 12, ErrBadAgg},
		{layers.Anonymous, AggHex, "houses", "sum:income", 12, ErrBadAgg}, // restricted field
		{internal, AggHex, "houses", "avg:income", 12, ErrBadAgg},
		{layers.Anonymous, AggHeat, "houses", "avg:rating", 12, ErrBadAgg}, // internal field
		{layers.Anonymous, AggHex, "houses", "count,sum:floors", 12, ErrBadAgg},
		{layers.Anonymous, AggHex, "houses", "sum:", 12, ErrBadAgg},
		{layers.Anonymous, AggHex, "secret", "", 12, layers.ErrUnknownLayer},
		{layers.Anonymous, AggHex, "nope", "", 12, layers.ErrUnknownLayer},
		{layers.Anonymous, AggHex, "houses", "", 23, ErrBadTile},
		{layers.Anonymous, "dots", "houses", "", 12, ErrBadTile},
	} {
		x, y := c.X, c.Y
		if tc.z != c.Z {
			x, y = 0, 0
		}
		_, err := s.AggregateTile(context.Background(), tc.p, tc.k, tc.layer, tc.agg, tc.z, x, y)
		if !errors.Is(err, tc.want) {
			t.Errorf("%s %s %s %q z%d: %v, want %v", tc.p.Clearance, tc.k, tc.layer, tc.agg, tc.z, err, tc.want)
		}
	}
	for _, tc := range []struct {
		p   layers.Principal
		agg string
	}{{restricted, "avg:income"}, {internal, "avg:rating"}, {restricted, "sum:floors"}} {
		if _, err := s.AggregateTile(context.Background(), tc.p, AggHex, "houses", tc.agg, c.Z, c.X, c.Y); err != nil {
			t.Errorf("%s %s: %v", tc.p.Clearance, tc.agg, err)
		}
	}
	if _, err := s.AggregateTile(context.Background(), restricted, AggHex, "secret", "", c.Z, c.X, c.Y); err != nil {
		t.Errorf("restricted secret: %v", err)
	}
}

// TestHexTilePolygons: polygons count in every cell they cover (centre
// containment, or their representative point's cell), and a tile's
// hexagons carry the engine's figures for the whole layer.
func TestHexTilePolygons(t *testing.T) {
	rng := rand.New(rand.NewPCG(12, 12))
	var parcels []*spatial.Feature
	for i := range 800 {
		p := orb.Point{hue[0] + (rng.Float64()*2-1)*0.1, hue[1] + (rng.Float64()*2-1)*0.1}
		parcels = append(parcels, feature(uint64(i+1), orb.Polygon{squareRing(p, 0.0005+0.01*rng.Float64())}, float64(i)))
	}
	s := testServer(t, Config{Catalog: aggCatalog(t)}, map[string][]*spatial.Feature{"parcels": parcels})
	for _, z := range []int{11, 13} {
		c := CoordOf(hue, z)
		res := AggRes(AggHex, z)
		want := expectedCells(t, parcels, res, hex.Agg{Op: hex.Sum, Field: "area", Index: 0})
		tl, err := s.AggregateTile(context.Background(), restricted, AggHex, "parcels", "sum:area", c.Z, c.X, c.Y)
		if err != nil {
			t.Fatal(err)
		}
		l := decodeOrFail(t, tl.Bytes())
		if len(l.Features) < 20 {
			t.Fatalf("z%d: %d hexagons", z, len(l.Features))
		}
		for _, f := range l.Features {
			cell := hex.CellOfCompact(f.ID, res)
			if w := want[cell]; f.Props["count"] != w.Count || f.Props["value"] != w.Values[0] {
				t.Errorf("z%d cell %v: %v, want count %d value %v", z, cell, f.Props, w.Count, w.Values)
			}
		}
	}
}

// FuzzAggregateTileAgg: any agg= text is a tile or an ErrBadAgg, never a
// panic or another error.
func FuzzAggregateTileAgg(f *testing.F) {
	for _, s := range []string{"", "count", "sum:floors", "avg:income", "sum:", ":", "count,count", "avg:name", "sum:fl\x00oors", "median:x"} {
		f.Add(s)
	}
	s := aggTestServer(f, aggHouses(13, 200), Config{})
	c := CoordOf(hue, 12)
	f.Fuzz(func(t *testing.T, agg string) {
		_, err := s.AggregateTile(context.Background(), layers.Anonymous, AggHex, "houses", agg, c.Z, c.X, c.Y)
		if err != nil && !errors.Is(err, ErrBadAgg) {
			t.Errorf("agg %q: %v", agg, err)
		}
	})
}
