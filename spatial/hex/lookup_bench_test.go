package hex

import (
	"testing"

	"github.com/paulmach/orb"
)

// BenchmarkPointLookup1M: the point cache's look-up of 1,000,000 random
// points (warm), in batches as the workers make them.
func BenchmarkPointLookup1M(b *testing.B) {
	fs := provincePoints(4, 1_000_000)
	pts := make([]orb.Point, len(fs))
	for i, f := range fs {
		pts[i] = f.Geom.(orb.Point)
	}
	pc := NewPointCells(0)
	out := make([]Cell, batchSize)
	for i := 0; i < len(pts); i += batchSize {
		g := pts[i:min(i+batchSize, len(pts))]
		if _, err := pc.Compute(g, 8, out[:len(g)]); err != nil {
			b.Fatal(err)
		}
	}
	cpu0 := cpuTime()
	for b.Loop() {
		for i := 0; i < len(pts); i += batchSize {
			g := pts[i:min(i+batchSize, len(pts))]
			pc.Lookup(g, 8, out[:len(g)])
		}
	}
	b.ReportMetric(float64((cpuTime()-cpu0).Milliseconds())/float64(b.N), "cpu-ms/op")
}
