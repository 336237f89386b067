package store

import (
	"context"
	"fmt"
	"testing"

	"bando/layers"
	"bando/spatial"
)

// BenchmarkLoad rebuilds the index of 200,000 stored parcels, as a server
// start does.
func BenchmarkLoad(b *testing.B) {
	ctx := context.Background()
	l := testLayer(b)
	s, err := OpenPebble(b.TempDir(), nil)
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	const n, chunk = 200000, 20000
	for start := 0; start < n; start += chunk {
		fs := make([]*spatial.Feature, chunk)
		for i := range fs {
			id := start + i
			fs[i] = square(fmt.Sprint(id), float64(id%1000)/10, float64(id/1000)/10, "x", int64(id), 1.5, false, nil)
		}
		if _, err := s.Put(ctx, l, fs); err != nil {
			b.Fatal(err)
		}
	}
	cat, _ := layers.NewCatalog([]*layers.Layer{l})
	b.ReportAllocs()
	for b.Loop() {
		idx := spatial.NewIndex()
		got, err := Load(ctx, s, cat, idx)
		if err != nil || got != n {
			b.Fatalf("loaded %d: %v", got, err)
		}
	}
	b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "features/s")
}
