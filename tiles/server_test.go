package tiles

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"io"
	"reflect"
	"sort"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"bando/layers"
	"bando/spatial"
)

func TestTileAccess(t *testing.T) {
	s := testServer(t, Config{}, map[string][]*spatial.Feature{
		"buildings": {feature(1, orb.Polygon{squareRing(hue, 0.0005)}, "Đại Nội", int64(3), 12.5, true, time.Unix(0, 0), "hộ nghèo")},
		"secret":    {feature(2, hue)},
	})
	c := CoordOf(hue, 16)
	tests := []struct {
		name   string
		p      layers.Principal
		ids    []string
		fields []string // keys of the buildings feature; nil when an error is expected
	}{
		{"anonymous sees public fields", layers.Anonymous, []string{"buildings"}, []string{"floors", "height", "name", "surveyed"}},
		{"empty clearance counts as public", layers.Principal{Name: "x"}, []string{"buildings"}, []string{"floors", "height", "name", "surveyed"}},
		{"internal sees internal fields", internal, []string{"buildings"}, []string{"floors", "height", "name", "surveyed", "temporary"}},
		{"restricted sees everything", restricted, []string{"buildings"}, []string{"floors", "height", "household", "name", "surveyed", "temporary"}},
		{"hidden layer", layers.Anonymous, []string{"buildings", "secret"}, nil},
		{"unknown layer", layers.Anonymous, []string{"nope"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tl, err := s.Tile(context.Background(), tt.p, tt.ids, c.Z, c.X, c.Y)
			if tt.fields == nil {
				if !errors.Is(err, layers.ErrUnknownLayer) {
					t.Fatalf("err = %v, want ErrUnknownLayer", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			d, err := decodeTile(tl.Bytes())
			if err != nil {
				t.Fatal(err)
			}
			var keys []string
			for k := range d.Layers[0].Features[0].Props {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			if !reflect.DeepEqual(keys, tt.fields) {
				t.Errorf("fields = %v, want %v", keys, tt.fields)
			}
		})
	}
	// A hidden layer and a missing one must be indistinguishable.
	_, hidden := s.Tile(context.Background(), layers.Anonymous, []string{"secret"}, 0, 0, 0)
	_, missing := s.Tile(context.Background(), layers.Anonymous, []string{"secreu"}, 0, 0, 0)
	if hidden == nil || missing == nil ||
		hidden.Error() != `tiles: layers: unknown layer "secret"` || missing.Error() != `tiles: layers: unknown layer "secreu"` {
		t.Errorf("hidden: %v, missing: %v: want the same not-found error", hidden, missing)
	}
	if _, err := s.Tile(context.Background(), restricted, []string{"secret"}, 0, 0, 0); err != nil {
		t.Errorf("restricted principal: %v", err)
	}
}

func TestTileBadRequests(t *testing.T) {
	s := testServer(t, Config{}, nil)
	for _, tt := range []struct {
		ids     []string
		z, x, y int
	}{
		{[]string{"buildings"}, 25, 0, 0},
		{[]string{"buildings"}, 1, 2, 0},
		{[]string{"buildings"}, 1, 0, -1},
		{nil, 1, 0, 0},
	} {
		if _, err := s.Tile(context.Background(), layers.Anonymous, tt.ids, tt.z, tt.x, tt.y); !errors.Is(err, ErrBadTile) {
			t.Errorf("Tile(%v, %d/%d/%d) err = %v, want ErrBadTile", tt.ids, tt.z, tt.x, tt.y, err)
		}
	}
}

func TestTileValues(t *testing.T) {
	when := time.Date(2025, 7, 1, 8, 30, 15, 999, time.FixedZone("ICT", 7*3600))
	fs := []*spatial.Feature{
		feature(7, hue, "Huế", int64(-3), 1.5, true, when, nil),
		feature(8, orb.Point{hue[0] + 0.0001, hue[1]}, "Huế", int64(1<<40), -0.25, false, nil, nil),
		feature(9, orb.Point{hue[0] + 0.0002, hue[1]}, nil, int64(0), 1.5, nil, nil, nil),
	}
	s := testServer(t, Config{}, map[string][]*spatial.Feature{"buildings": nil})
	s.index.Put("buildings", 1, fs) // points in a polygon layer: the encoder does not care
	d := mustTile(t, s, internal, []string{"buildings"}, CoordOf(hue, 16))
	l := d.Layers[0]
	if l.Name != "buildings" || l.Version != 2 || l.Extent != 4096 {
		t.Errorf("layer = %q v%d extent %d", l.Name, l.Version, l.Extent)
	}
	want := map[uint64]map[string]any{
		7: {"name": "Huế", "floors": int64(-3), "height": 1.5, "temporary": true, "surveyed": "2025-07-01T01:30:15Z"},
		8: {"name": "Huế", "floors": int64(1 << 40), "height": -0.25, "temporary": false},
		9: {"floors": int64(0), "height": 1.5},
	}
	for _, f := range l.Features {
		if !reflect.DeepEqual(f.Props, want[f.ID]) {
			t.Errorf("feature %d props = %v, want %v", f.ID, f.Props, want[f.ID])
		}
		delete(want, f.ID)
	}
	if len(want) != 0 {
		t.Errorf("missing features %v", want)
	}
	// De-duplication: "Huế" and 1.5 appear twice but are stored once.
	if len(l.Keys) != 5 || len(l.Values) != 9 {
		t.Errorf("keys %v (want 5), values %v (want 9)", l.Keys, l.Values)
	}
}

func TestTileEmptyAndZoomRange(t *testing.T) {
	s := testServer(t, Config{}, map[string][]*spatial.Feature{
		"buildings": {feature(1, orb.Polygon{squareRing(hue, 0.0005)})},
	})
	c := CoordOf(hue, 16)
	for _, tt := range []struct {
		name    string
		c       Coord
		wantLen bool
	}{
		{"feature", c, true},
		{"far away", Coord{16, 0, 0}, false},
		{"below min zoom", CoordOf(hue, 11), false},
		{"above max zoom, full detail", CoordOf(hue, 19), true},
	} {
		tl, err := s.Tile(context.Background(), layers.Anonymous, []string{"buildings"}, tt.c.Z, tt.c.X, tt.c.Y)
		if err != nil {
			t.Fatal(err)
		}
		if (len(tl.Bytes()) > 0) != tt.wantLen || tl.Empty() == tt.wantLen {
			t.Errorf("%s: %d bytes, want non-empty=%v", tt.name, len(tl.Bytes()), tt.wantLen)
		}
		if !tt.wantLen && tl.Gzip() != nil {
			t.Errorf("%s: empty tile has a gzip body", tt.name)
		}
		if tt.wantLen {
			zr, err := gzip.NewReader(bytes.NewReader(tl.Gzip()))
			if err != nil {
				t.Fatal(err)
			}
			raw, _ := io.ReadAll(zr)
			if !bytes.Equal(raw, tl.Bytes()) {
				t.Errorf("%s: gzip body does not inflate to the tile", tt.name)
			}
		}
	}
}

func TestTileLayersOrderAndDuplicates(t *testing.T) {
	s := testServer(t, Config{}, map[string][]*spatial.Feature{
		"buildings": {feature(1, orb.Polygon{squareRing(hue, 0.0005)})},
		"roads":     {feature(2, orb.LineString{{hue[0] - 0.01, hue[1]}, {hue[0] + 0.01, hue[1]}})},
	})
	d := mustTile(t, s, layers.Anonymous, []string{"roads", "buildings", "roads", "mixed"}, CoordOf(hue, 15))
	var names []string
	for _, l := range d.Layers {
		names = append(names, l.Name)
	}
	if !reflect.DeepEqual(names, []string{"roads", "buildings"}) {
		t.Errorf("layers = %v, want [roads buildings] (no duplicates, no empty layers)", names)
	}
}

// TestTileFeatureSetMatchesBruteForce checks selection: at a layer's
// maximum zoom a tile holds exactly the features whose geometry intersects
// its buffered bound (checked by brute force over every feature), and below
// it a subset that misses only features collapsing on the grid or under
// the layer's min_area / min_length (generalize).
func TestTileFeatureSetMatchesBruteForce(t *testing.T) {
	fs := randomFeatures(1, 600, hue, 0.02)
	s := testServer(t, Config{}, map[string][]*spatial.Feature{"buildings": fs})
	checked, dropped := 0, 0
	for _, z := range []int{12, 14, 16} {
		centre := CoordOf(hue, z)
		for dx := -2; dx <= 2; dx++ {
			for dy := -2; dy <= 2; dy++ {
				c := Coord{z, centre.X + dx, centre.Y + dy}
				bb := c.BufferedBound(s.Buffer(), s.Extent())
				want := map[uint64]bool{}
				for _, f := range fs {
					if spatial.IntersectsBound(f.Geom, bb) {
						want[f.Num] = true
					}
				}
				got := map[uint64]bool{}
				d := mustTile(t, s, layers.Anonymous, []string{"buildings"}, c)
				for _, l := range d.Layers {
					for _, f := range l.Features {
						if got[f.ID] {
							t.Errorf("%v: feature %d twice", c, f.ID)
						}
						got[f.ID] = true
					}
				}
				for id := range got {
					if !want[id] {
						t.Errorf("%v: feature %d does not intersect the buffered tile", c, id)
					}
				}
				for id := range want {
					checked++
					if got[id] {
						continue
					}
					dropped++
					if z == 16 {
						t.Errorf("%v: feature %d intersects the buffered tile but is missing at max zoom", c, id)
					} else if f := fs[id-1]; !tiny(c, f.Geom, s.Extent()) && !belowVisibleSize(c, f.Geom, s.Extent(), rule(t, s, "buildings", z)) {
						t.Errorf("%v: feature %d of visible size dropped at zoom %d", c, id, z)
					}
				}
			}
		}
	}
	if checked < 500 || dropped == 0 {
		t.Errorf("checked %d features, dropped %d: the test data no longer exercises the collapse policy", checked, dropped)
	}
	t.Logf("checked %d (tile, feature) pairs; %d tiny features dropped below max zoom", checked, dropped)
}

// rule returns the generalisation of a layer of s at zoom z.
func rule(t *testing.T, s *Server, layer string, z int) layers.ZoomRule {
	t.Helper()
	l, err := s.catalog.Get(layer)
	if err != nil {
		t.Fatal(err)
	}
	return l.GeneralizeAt(z)
}

// tiny reports whether every part of g spans under two tile units both
// ways: a feature that may collapse on the grid.
func tiny(c Coord, g orb.Geometry, extent int) bool {
	if mp, ok := g.(orb.MultiPolygon); ok {
		for _, p := range mp {
			if !tiny(c, p, extent) {
				return false
			}
		}
		return true
	}
	b := g.Bound()
	lo, hi := c.Project(b.Min, extent), c.Project(b.Max, extent)
	return hi[0]-lo[0] < 2 && lo[1]-hi[1] < 2
}

// TestTileDoesNotMutateIndex renders many tiles, with clipping and
// simplification, and checks that no stored geometry changed.
func TestTileDoesNotMutateIndex(t *testing.T) {
	fs := randomFeatures(2, 300, hue, 0.05)
	before := make([]orb.Geometry, len(fs))
	for i, f := range fs {
		before[i] = cloneGeometry(f.Geom)
	}
	s := testServer(t, Config{CacheBytes: -1}, map[string][]*spatial.Feature{"buildings": fs, "mixed": fs})
	for _, z := range []int{12, 13, 14, 15, 16} {
		c := CoordOf(hue, z)
		for dx := -1; dx <= 1; dx++ {
			for dy := -1; dy <= 1; dy++ {
				mustTile(t, s, layers.Anonymous, []string{"buildings", "mixed"}, Coord{z, c.X + dx, c.Y + dy})
			}
		}
	}
	for i, f := range fs {
		if !reflect.DeepEqual(f.Geom, before[i]) {
			t.Fatalf("feature %d geometry changed by rendering", f.Num)
		}
	}
}

func TestConfigValidate(t *testing.T) {
	idx, cat := spatial.NewIndex(), testCatalog(t)
	tests := []struct {
		name string
		cfg  Config
		ok   bool
	}{
		{"defaults", Config{Index: idx, Catalog: cat}, true},
		{"no buffer", Config{Index: idx, Catalog: cat, Buffer: NoBuffer}, true},
		{"extent 512 buffer 64", Config{Index: idx, Catalog: cat, Extent: 512, Buffer: 64}, true},
		{"no index", Config{Catalog: cat}, false},
		{"no catalog", Config{Index: idx}, false},
		{"negative buffer", Config{Index: idx, Catalog: cat, Buffer: -5}, false},
		{"buffer beyond extent", Config{Index: idx, Catalog: cat, Extent: 256, Buffer: 300}, false},
		{"huge extent", Config{Index: idx, Catalog: cat, Extent: 1 << 20}, false},
	}
	for _, tt := range tests {
		if err := tt.cfg.Validate(); (err == nil) != tt.ok {
			t.Errorf("%s: Validate = %v, want ok=%v", tt.name, err, tt.ok)
		}
	}
	s := New(Config{Index: idx, Catalog: cat, Buffer: NoBuffer})
	if s.Buffer() != 0 || s.Extent() != DefaultExtent {
		t.Errorf("NoBuffer server has buffer %d extent %d", s.Buffer(), s.Extent())
	}
	defer func() {
		if recover() == nil {
			t.Error("New accepted an invalid config")
		}
	}()
	New(Config{})
}
