package tiles

import (
	"testing"

	"github.com/paulmach/orb"

	"bando/layers"
	"bando/spatial"
)

// budgetSquares returns 300 squares in tile c of sides 10..309 units (id i
// has side 9+i), placed on a grid so they do not overlap, in shuffled id
// order of size.
func budgetSquares(c Coord) []*spatial.Feature {
	n := float64(uint64(1) << uint(c.Z))
	at := func(x, y float64) orb.Point {
		return orb.Point{worldToLon((float64(c.X) + x/DefaultExtent) / n), worldToLat((float64(c.Y) + y/DefaultExtent) / n)}
	}
	var out []*spatial.Feature
	for i := range 300 {
		side := float64(10 + (i*7919)%300) // a permutation of 10..309
		x, y := float64(i%17)*240, float64(i/17)*230
		ring := orb.Ring{at(x, y), at(x, y+side), at(x+side, y+side), at(x+side, y), at(x, y)}
		out = append(out, feature(uint64(side)-9, orb.Polygon{ring}, "n", int64(1), int64(2)))
	}
	return out
}

// TestBudget checks the byte and feature budgets: the tile fits, and the
// features kept are the largest (each kept square is larger than every
// dropped one), in both formats; the max zoom obeys the budget too.
func TestBudget(t *testing.T) {
	c := CoordOf(hue, 14)
	sq := budgetSquares(c)
	tests := []struct {
		name      string
		tileBytes int
		tileFeats int
		layer     layers.Generalize
		format    Format
		maxKept   int // 0: fewer than all
	}{
		{"tile bytes, mvt", 3000, 0, layers.Generalize{}, MVT, 0},
		{"tile bytes, mlt", 2000, 0, layers.Generalize{}, MLT, 0},
		{"layer bytes", -1, 0, layers.Generalize{MaxBytes: 2500}, MVT, 0},
		{"layer features", -1, 0, layers.Generalize{MaxFeatures: 25}, MVT, 25},
		{"tile features", -1, 30, layers.Generalize{}, MVT, 30},
		{"tile features under the default bytes", 0, 35, layers.Generalize{}, MVT, 35},
		{"both", 5000, 0, layers.Generalize{MaxFeatures: 40}, MLT, 40},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := testServer(t, Config{Catalog: genCatalog(t, tt.layer, layers.Generalize{}, layers.Generalize{}), TileBytes: tt.tileBytes, TileFeatures: tt.tileFeats, CacheBytes: -1},
				map[string][]*spatial.Feature{"poly": sq})
			for _, z := range []int{14, 16} {
				cz := c
				if z == 16 {
					cz = Coord{16, c.X * 4, c.Y * 4}
				}
				tl, err := s.TileFormat(t.Context(), layers.Anonymous, tt.format, []string{"poly"}, cz.Z, cz.X, cz.Y)
				if err != nil {
					t.Fatal(err)
				}
				limit := tt.tileBytes
				if tt.layer.MaxBytes > 0 {
					limit = tt.layer.MaxBytes
				}
				if limit > 0 && len(tl.Bytes()) > limit {
					t.Errorf("z%d: %d bytes, budget %d", z, len(tl.Bytes()), limit)
				}
				if tt.format == MVT {
					checkLargestKept(t, z, tl.Bytes(), tt.maxKept)
				}
			}
		})
	}
}

// checkLargestKept checks the kept squares are a prefix by size: ids
// (side − 9) are contiguous from the largest down.
func checkLargestKept(t *testing.T, z int, tile []byte, want int) {
	t.Helper()
	d, err := decodeTile(tile)
	if err != nil || len(d.Layers) != 1 {
		t.Fatalf("z%d: decode %v", z, err)
	}
	kept := map[uint64]bool{}
	smallest := uint64(1 << 62)
	for _, f := range d.Layers[0].Features {
		kept[f.ID] = true
		smallest = min(smallest, f.ID)
	}
	// z14 holds all 300 squares, so a feature budget is met exactly; the
	// z16 tile may hold fewer.
	if want > 0 && (len(kept) > want || z == 14 && len(kept) != want) || len(kept) == 0 {
		t.Errorf("z%d: kept %d features, want %d", z, len(kept), want)
	}
	// Squares of the z16 tile are only those in its quarter-quarter;
	// among them the kept ones must still be the largest.
	if z == 14 {
		for id := smallest; id <= 300; id++ {
			if !kept[id] {
				t.Errorf("z%d: square %d dropped while the smaller %d is kept", z, id, smallest)
			}
		}
		if len(kept) >= 300 {
			t.Errorf("z%d: nothing dropped", z)
		}
	}
}
