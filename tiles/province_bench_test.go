package tiles_test

import (
	"testing"

	"github.com/paulmach/orb"

	"bando/spatial"
	"bando/tiles"
)

// BenchmarkRenderProvince renders, uncached, the z8 parcel tile holding
// the most parcels: the province-wide view, drawn as density cells
// (generalize.density in the demo catalog). Run it over the issue's
// million parcels with BANDO_BENCH_PARCELS=1000000; z10, z12 and the z13
// tile (the first zoom of the parcels themselves) are reported beside it,
// and, as the
// baseline run side by side, "scan": the index's bounding-box scan of the
// z8 tile alone (every density tile must make it), so the ratio is what
// the cells cost on top on this machine at this moment.
func BenchmarkRenderProvince(b *testing.B) {
	idx := parcelIndex(b)
	s := uncached(b, idx)
	top := densest(idx, 8)
	b.Run("scan", func(b *testing.B) {
		n := 0
		for b.Loop() {
			idx.ReadLayer("parcels", func(lv spatial.LayerView) {
				lv.ScanBound(top.Bound(), func(_ spatial.FeatureView, _ orb.Bound) bool { n++; return true })
			})
		}
		b.ReportMetric(b.Elapsed().Seconds()*1000/float64(b.N), "ms/tile")
		b.ReportMetric(float64(n)/float64(b.N), "features")
	})
	for _, z := range []int{8, 10, 12, 13} {
		c := densest(idx, z)
		b.Run(c.String(), func(b *testing.B) {
			renderAll(b, s, []tileReq{{"parcels", c.Z, c.X, c.Y}})
			if t, err := s.Tile(b.Context(), steward, []string{"parcels"}, c.Z, c.X, c.Y); err != nil || len(t.Bytes()) > tiles.DefaultTileBytes {
				b.Fatalf("tile %s: %d bytes (budget %d), %v", c, len(t.Bytes()), tiles.DefaultTileBytes, err)
			}
		})
	}
}
