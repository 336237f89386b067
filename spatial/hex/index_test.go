package hex

import (
	"context"
	"iter"
	"slices"
	"testing"

	"bando/spatial"
	"github.com/paulmach/orb"
)

// fromIndex adapts the spatial index's callback search to the sequence
// Aggregate reads, as the API will: the features whose bounding box meets b.
func fromIndex(x *spatial.Index, layer string, b orb.Bound) iter.Seq[*spatial.Feature] {
	return func(yield func(*spatial.Feature) bool) { x.SearchBound(layer, b, yield) }
}

// TestAggregateFromIndex feeds Aggregate from a spatial.Index, edits and
// deletes features through it, and checks every answer against the direct
// computation over the features the index then holds.
func TestAggregateFromIndex(t *testing.T) {
	x := spatial.NewIndex()
	fs := mixedFeatures(6, short(20_000))
	x.Put("houses", 1, fs)
	e := NewEngine(Config{})
	ctx := context.Background()
	world := orb.Bound{Min: orb.Point{-180, -90}, Max: orb.Point{180, 90}}
	check := func(step string, want []*spatial.Feature) {
		t.Helper()
		got, err := e.Aggregate(ctx, Request{Res: 9, Aggs: []Agg{{Op: Sum, Field: "n", Index: 0}}}, fromIndex(x, "houses", world))
		if err != nil {
			t.Fatal(err)
		}
		ref := direct(t, Request{Res: 9}, want)
		if len(got.Cells) != len(ref) {
			t.Fatalf("%s: %d cells, want %d", step, len(got.Cells), len(ref))
		}
		for _, c := range got.Cells {
			if w := ref[c.Cell]; float64(c.Count) != w[0] || float64(c.Values[0].(int64)) != w[1] {
				t.Fatalf("%s: cell %s count %d sum %v, want %v", step, c.Cell, c.Count, c.Values[0], w)
			}
		}
	}
	check("loaded", fs)
	check("again, cached", fs)
	// Move every tenth feature to Hanoi (new *Feature values, as the store
	// writes them) and delete every seventh.
	now := slices.Clone(fs)
	var moved []*spatial.Feature
	var gone []string
	for i, f := range now {
		switch {
		case i%7 == 0:
			gone = append(gone, f.ID)
			now[i] = nil
		case i%10 == 0:
			g := orb.Point{105.8 + float64(i%100)*1e-4, 21.0}
			nf := &spatial.Feature{ID: f.ID, Geom: g, Bound: g.Bound(), Props: f.Props, Seq: 2}
			moved, now[i] = append(moved, nf), nf
		}
	}
	x.Put("houses", 2, moved)
	x.DeleteSeq("houses", 3, 3, gone)
	now = slices.DeleteFunc(now, func(f *spatial.Feature) bool { return f == nil })
	check("after edits", now)
}

// BenchmarkCount1MIndex is the API's path: 1,000,000 points searched in
// the spatial index (the whole province's box) and counted at res 8.
func BenchmarkCount1MIndex(b *testing.B) {
	x := spatial.NewIndex()
	x.Put("houses", 1, provincePoints(2, 1_000_000))
	box := orb.Bound{Min: orb.Point{106, 8}, Max: orb.Point{108, 12}}
	e := NewEngine(Config{})
	ctx := context.Background()
	if _, err := e.Aggregate(ctx, Request{Res: 8}, fromIndex(x, "houses", box)); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	cpu0 := cpuTime()
	for b.Loop() {
		if _, err := e.Aggregate(ctx, Request{Res: 8}, fromIndex(x, "houses", box)); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64((cpuTime()-cpu0).Milliseconds())/float64(b.N), "cpu-ms/op")
}

// BenchmarkIndexScan1M is the index search alone, for comparison.
func BenchmarkIndexScan1M(b *testing.B) {
	x := spatial.NewIndex()
	x.Put("houses", 1, provincePoints(2, 1_000_000))
	box := orb.Bound{Min: orb.Point{106, 8}, Max: orb.Point{108, 12}}
	for b.Loop() {
		n := 0
		for range fromIndex(x, "houses", box) {
			n++
		}
		if n != 1_000_000 {
			b.Fatal(n)
		}
	}
}
