package tiles_test

import (
	"testing"

	"bando/tiles"
)

// BenchmarkRenderProvince renders, uncached, the z8 parcel tile holding
// the most parcels: the province-wide view, drawn as density cells
// (generalize.density in the demo catalog). Run it over the issue's
// million parcels with BANDO_BENCH_PARCELS=1000000; the z12 tile (the
// first zoom of the parcels themselves) is reported beside it.
func BenchmarkRenderProvince(b *testing.B) {
	idx := parcelIndex(b)
	s := uncached(b, idx)
	for _, z := range []int{8, 10, 12} {
		c := densest(idx, z)
		b.Run(c.String(), func(b *testing.B) {
			renderAll(b, s, []tileReq{{"parcels", c.Z, c.X, c.Y}})
			if t, err := s.Tile(b.Context(), steward, []string{"parcels"}, c.Z, c.X, c.Y); err != nil || len(t.Bytes()) > tiles.DefaultTileBytes {
				b.Fatalf("tile %s: %d bytes (budget %d), %v", c, len(t.Bytes()), tiles.DefaultTileBytes, err)
			}
		})
	}
}
