package spatial_test

import (
	"os"
	"strconv"
	"testing"

	"bando/internal/benchdata"
	"bando/spatial"

	"github.com/paulmach/orb"
)

// benchParcels is the number of parcels the benchmarks load:
// BANDO_BENCH_PARCELS, 100,000 by default (the figure is 1,000,000).
func benchParcels() int {
	if n, err := strconv.Atoi(os.Getenv("BANDO_BENCH_PARCELS")); err == nil && n > 0 {
		return n
	}
	return 100000
}

// BenchmarkHeapParcels loads the parcels into a new index and reports the
// live heap the index holds (heap after minus heap before, both after full
// collections) per index and per feature.
func BenchmarkHeapParcels(b *testing.B) {
	n := benchParcels()
	for b.Loop() {
		before := benchdata.HeapBytes()
		idx := spatial.NewIndex()
		if err := benchdata.Parcels(idx, n); err != nil {
			b.Fatal(err)
		}
		after := benchdata.HeapBytes()
		if idx.Count("parcels") != n {
			b.Fatalf("%d parcels indexed", idx.Count("parcels"))
		}
		b.ReportMetric(float64(after-before)/(1<<20), "heap-MiB")
		b.ReportMetric(float64(after-before)/float64(n), "heap-B/feature")
	}
}

// parcelIndex is loaded once for the query benchmarks.
var parcelIndex = func() func(b *testing.B) *spatial.Index {
	var idx *spatial.Index
	return func(b *testing.B) *spatial.Index {
		if idx == nil {
			idx = spatial.NewIndex()
			if err := benchdata.Parcels(idx, benchParcels()); err != nil {
				b.Fatal(err)
			}
		}
		return idx
	}
}()

// denseBox is a box of about 2 km around a parcel in a dense commune: a
// z14 tile's worth of parcels.
func denseBox(idx *spatial.Index) orb.Bound {
	f, _ := idx.Get("parcels", "1")
	c := f.Bound.Center()
	return orb.Bound{Min: orb.Point{c[0] - 0.01, c[1] - 0.01}, Max: orb.Point{c[0] + 0.01, c[1] + 0.01}}
}

// BenchmarkIntersectingParcels is the materialising query over parcels.
func BenchmarkIntersectingParcels(b *testing.B) {
	idx := parcelIndex(b)
	box := denseBox(idx)
	b.ReportAllocs()
	n := 0
	for b.Loop() {
		n = 0
		idx.Intersecting("parcels", box, func(f *spatial.Feature) bool { n += len(f.Props); return true })
	}
	b.ReportMetric(float64(n), "props")
}
