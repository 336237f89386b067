package spatial_test

import (
	"testing"

	"bando/spatial"
)

// BenchmarkScan reads the parcels of a dense box in place: ids, bounds,
// every point and every property, without allocating.
func BenchmarkScan(b *testing.B) {
	idx := parcelIndex(b)
	box := denseBox(idx)
	for _, exact := range []bool{false, true} {
		name := "bbox"
		scan := idx.Scan
		if exact {
			name, scan = "intersecting", idx.ScanIntersecting
		}
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			feats, pts := 0, 0
			for b.Loop() {
				feats, pts = 0, 0
				scan("parcels", box, func(v spatial.FeatureView) bool {
					feats++
					pts += len(v.Points()) + len(v.ID())
					ps := v.Props()
					for ps.Next() {
						pts += int(ps.Value().Kind())
					}
					return true
				})
			}
			b.ReportMetric(float64(feats), "features")
		})
	}
}
