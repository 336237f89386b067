package tiles

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/paulmach/orb"

	"bando/layers"
	"bando/spatial"
	"bando/spatial/hex"
)

// TestAggSelectionWithinReach: for every zoom and kind, the features a
// cacheable aggregate tile reads lie within the reach its cache
// invalidates (aggReachTiles), so no write can leave a cached tile stale.
func TestAggSelectionWithinReach(t *testing.T) {
	// The corners of the cacheable band, the equator, Huế and the south.
	pts := []orb.Point{{-179.9, 65.9}, {107.585, 65.9}, {107.585, 0.01}, hue, {-70, -45}, {20, -65.9}}
	checked := 0
	for z := 2; z <= AggMaxZoom; z++ {
		for _, p := range pts {
			c := CoordOf(p, z)
			if !aggCacheable(c) {
				continue
			}
			reach := c.buffered(aggReachTiles)
			for _, k := range []AggKind{AggHex, AggHeat} {
				cells, sel, err := aggSelection(c.BufferedBound(DefaultBuffer, DefaultExtent), AggRes(k, z))
				if err != nil || len(cells) == 0 {
					t.Fatalf("%s z%d %v: %d cells, %v", k, z, p, len(cells), err)
				}
				// At the antimeridian the world ends: a selection clamped
				// to ±180° is within reach as far as the world goes.
				if sel.Min[0] < reach.Min[0] && sel.Min[0] > -180 || sel.Max[0] > reach.Max[0] && sel.Max[0] < 180 ||
					sel.Min[1] < reach.Min[1] || sel.Max[1] > reach.Max[1] {
					t.Errorf("%s z%d tile %v: selection %v beyond reach %v", k, z, c, sel, reach)
				}
				checked++
			}
		}
	}
	if checked < 200 {
		t.Errorf("checked %d tiles", checked)
	}
	if aggCacheable(CoordOf(orb.Point{20, 70}, 8)) || !aggCacheable(CoordOf(orb.Point{20, 70}, 1)) {
		t.Error("aggCacheable: tiles beyond 66° are cacheable from z2 only")
	}
}

// TestAggCacheInvalidation: a cached aggregate tile is served from the
// cache, a write inside one of its hexagons — even outside the tile, where
// the hexagon sticks out — changes its counts, and a far tile stays cached.
func TestAggCacheInvalidation(t *testing.T) {
	fs := aggHouses(5, 3000)
	s := aggTestServer(t, fs, Config{})
	ctx := context.Background()
	c := CoordOf(hue, 12)
	buf := c.BufferedBound(s.opts.buffer, s.opts.extent)
	first, err := s.AggregateTile(ctx, restricted, AggHex, "houses", "", c.Z, c.X, c.Y)
	if err != nil {
		t.Fatal(err)
	}
	far := CoordOf(orb.Point{hue[0] + 1, hue[1] + 1}, 12)
	if _, err := s.AggregateTile(ctx, restricted, AggHex, "houses", "", far.Z, far.X, far.Y); err != nil {
		t.Fatal(err)
	}
	again, _ := s.AggregateTile(ctx, restricted, AggHex, "houses", "", c.Z, c.X, c.Y)
	st := s.AggCacheStats()
	if st.Renders != 2 || st.Hits != 1 || again.ETag() != first.ETag() {
		t.Fatalf("before the write: %+v, ETag %s vs %s", st, again.ETag(), first.ETag())
	}
	// A hexagon of the tile that sticks out east of the buffered tile, and
	// a point of it out there.
	var cell hex.Cell
	var at orb.Point
	l := decodeOrFail(t, first.Bytes())
	res := AggRes(AggHex, c.Z)
	for _, f := range l.Features {
		fc := hex.CellOfCompact(f.ID, res)
		ring := hex.Boundary(fc)
		east := ring[0]
		for _, v := range ring {
			if v[0] > east[0] {
				east = v
			}
		}
		ctr := hex.Center(fc)
		p := orb.Point{0.9*east[0] + 0.1*ctr[0], 0.9*east[1] + 0.1*ctr[1]}
		if got, _ := hex.CellOf(p[0], p[1], AggRes(AggHex, c.Z)); got == fc && !buf.Contains(p) {
			cell, at = got, p
			break
		}
	}
	if cell == 0 {
		t.Fatal("no hexagon of the tile reaches out of it")
	}
	before := countOf(l, cell)
	s.index.Put("houses", 2, []*spatial.Feature{feature(999999, at, int64(1), nil, 0.5, "mới")})
	s.Invalidate("houses", at.Bound())
	after, err := s.AggregateTile(ctx, restricted, AggHex, "houses", "", c.Z, c.X, c.Y)
	if err != nil {
		t.Fatal(err)
	}
	if got := countOf(decodeOrFail(t, after.Bytes()), cell); got != before+1 || after.ETag() == first.ETag() {
		t.Errorf("after a write in cell %v: count %d → %d, ETag changed %v", cell, before, got, after.ETag() != first.ETag())
	}
	hits := s.AggCacheStats().Hits
	if _, err := s.AggregateTile(ctx, restricted, AggHex, "houses", "", far.Z, far.X, far.Y); err != nil || s.AggCacheStats().Hits != hits+1 {
		t.Errorf("the far tile was not kept: %v, %+v", err, s.AggCacheStats())
	}
	// The whole-layer form (a reload) drops everything.
	s.Invalidate("houses")
	if st := s.AggCacheStats(); st.Entries != 0 {
		t.Errorf("after a layer-wide invalidation %d entries are left", st.Entries)
	}
}

// TestAggCacheKeys: principals and figures that see different tiles do
// not share cache entries.
func TestAggCacheKeys(t *testing.T) {
	s := aggTestServer(t, aggHouses(6, 3000), Config{})
	c := CoordOf(hue, 13)
	token := layers.Principal{Name: "viewer", Clearance: layers.Public}
	tags := map[string]string{}
	for _, q := range []struct {
		name string
		p    layers.Principal
		k    AggKind
		agg  string
	}{
		{"anon count", layers.Anonymous, AggHex, ""},
		{"token count", token, AggHex, "count"},
		{"anon sum", layers.Anonymous, AggHex, "sum:floors"},
		{"restricted avg", restricted, AggHex, "avg:income"},
		{"anon heat", layers.Anonymous, AggHeat, ""},
	} {
		tl, err := s.AggregateTile(context.Background(), q.p, q.k, "houses", q.agg, c.Z, c.X, c.Y)
		if err != nil {
			t.Fatal(err)
		}
		for other, tag := range tags {
			if tag == tl.ETag() {
				t.Errorf("%s and %s got the same tile", q.name, other)
			}
		}
		tags[q.name] = tl.ETag()
	}
	if st := s.AggCacheStats(); st.Entries != len(tags) {
		t.Errorf("%d cache entries, want %d", st.Entries, len(tags))
	}
}

// TestAggTileJSON: the document names the figure, the resolution of every
// zoom, k for the principal, and the tile URL with agg=.
func TestAggTileJSON(t *testing.T) {
	s := aggTestServer(t, aggHouses(7, 100), Config{})
	for _, tc := range []struct {
		p     layers.Principal
		k     AggKind
		agg   string
		url   string
		min   int
		field string
	}{
		{layers.Anonymous, AggHex, "", "http://x/tiles/h3/houses/{z}/{x}/{y}.mvt", DefaultMinCount, "h3"},
		{restricted, AggHex, "avg:income", "http://x/tiles/h3/houses/{z}/{x}/{y}.mvt?agg=avg:income", 1, "value"},
		{layers.Anonymous, AggHeat, "sum:floors", "http://x/tiles/heat/houses/{z}/{x}/{y}.mvt?agg=sum:floors", DefaultMinCount, "weight"},
	} {
		b, err := s.AggregateTileJSON(tc.p, tc.k, "houses", tc.agg, "http://x/")
		if err != nil {
			t.Fatal(err)
		}
		var doc AggTileJSON
		if err := json.Unmarshal(b, &doc); err != nil {
			t.Fatal(err)
		}
		if doc.TileJSON.TileJSON != "3.0.0" || len(doc.Tiles) != 1 || doc.Tiles[0] != tc.url || doc.MinCount != tc.min ||
			doc.MaxZoom != AggMaxZoom || len(doc.VectorLayers) != 1 || doc.VectorLayers[0].Fields[tc.field] == "" ||
			doc.Kind != tc.k || !strings.Contains(doc.Suppression, "fewer than") || doc.Center[2] < 8 || doc.Center[2] >= 14 {
			t.Errorf("%s %s: %s", tc.k, tc.agg, b)
		}
		for z := 0; z <= AggMaxZoom; z++ {
			if doc.H3Resolution[itoa(uint64(z))] != AggRes(tc.k, z) {
				t.Errorf("%s: zoom %d res %d, want %d", tc.k, z, doc.H3Resolution[itoa(uint64(z))], AggRes(tc.k, z))
			}
		}
	}
	if _, err := s.AggregateTileJSON(layers.Anonymous, AggHex, "houses", "sum:income", "http://x"); err == nil {
		t.Error("TileJSON of a restricted figure for an anonymous principal: no error")
	}
}

func decodeOrFail(t *testing.T, b []byte) dLayer {
	t.Helper()
	d, err := decodeTile(b)
	if err != nil || len(d.Layers) != 1 {
		t.Fatalf("decode: %v (%d layers)", err, len(d.Layers))
	}
	return d.Layers[0]
}

func countOf(l dLayer, c hex.Cell) int64 {
	for _, f := range l.Features {
		if f.ID == c.Compact() {
			return f.Props["count"].(int64)
		}
	}
	return 0
}

// TestAggNodeDecoder decodes H3 and heat tiles with Mapbox's JavaScript
// decoder (tools/mvtcheck) and compares ids, types, properties, geometry
// and polygon classification with bando's own decoder.
func TestAggNodeDecoder(t *testing.T) {
	cmd := nodeDecoder(t)
	s := aggTestServer(t, aggHouses(8, 4000), Config{})
	dir := t.TempDir()
	var files []string
	want := map[string]dLayer{}
	for _, k := range []AggKind{AggHex, AggHeat} {
		for _, z := range []int{8, 11, 13} {
			c := CoordOf(hue, z)
			tl, err := s.AggregateTile(context.Background(), layers.Anonymous, k, "houses", "sum:floors", c.Z, c.X, c.Y)
			if err != nil || tl.Empty() {
				t.Fatalf("%s z%d: %v (empty %v)", k, z, err, tl.Empty())
			}
			f := filepath.Join(dir, fmt.Sprintf("%s-%d.mvt", k, z))
			if err := os.WriteFile(f, tl.Bytes(), 0o644); err != nil {
				t.Fatal(err)
			}
			files, want[f] = append(files, f), decodeOrFail(t, tl.Bytes())
		}
	}
	out, err := exec.Command(cmd[0], append(cmd[1:], files...)...).Output()
	if err != nil {
		t.Fatalf("node decoder: %v", err)
	}
	var got []nodeTile
	if err := json.Unmarshal(out, &got); err != nil || len(got) != len(files) {
		t.Fatalf("node decoder output: %v (%d tiles)", err, len(got))
	}
	for _, nt := range got {
		l := want[nt.File]
		nl, ok := nt.Layers["houses"]
		if !ok || nl.Version != 2 || len(nl.Features) != len(l.Features) {
			t.Errorf("%s: node layer missing or of %d features, want %d", nt.File, len(nl.Features), len(l.Features))
			continue
		}
		for i, f := range l.Features {
			nf := nl.Features[i]
			if nf.ID != f.ID || nf.Type != f.Type || len(nf.Properties) != len(f.Props) {
				t.Errorf("%s feature %d: node %d/%d/%v, want %d/%d/%v", nt.File, i, nf.ID, nf.Type, nf.Properties, f.ID, f.Type, f.Props)
				continue
			}
			for k, v := range f.Props {
				if fmt.Sprint(nf.Properties[k]) != fmt.Sprint(v) {
					t.Errorf("%s feature %d: %s = %v, want %v", nt.File, i, k, nf.Properties[k], v)
				}
			}
			if f.Type == uint64(geomPolygon) && (nf.Polygons != 1 || len(nf.Geometry) != 1 || len(nf.Geometry[0]) != len(f.Parts[0])+1) {
				t.Errorf("%s feature %d: node sees %d polygons, %d rings", nt.File, i, nf.Polygons, len(nf.Geometry))
			}
		}
	}
}
