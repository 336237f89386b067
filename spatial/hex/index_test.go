package hex

import (
	"context"
	"iter"
	"math"
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

// viewsFromIndex is fromIndex read in place, as the API feeds
// AggregateViews from query.Engine.SelectViews.
func viewsFromIndex(x *spatial.Index, layer string, b orb.Bound) func(func(spatial.FeatureView) bool) {
	return func(fn func(spatial.FeatureView) bool) { x.Scan(layer, b, fn) }
}

// TestAggregateViewsEqualsAggregate: the view-fed path gives the same
// cells and figures as the feature-fed one, over points, lines, polygons
// and null values, with a roll-up, and refuses the same bad data.
func TestAggregateViewsEqualsAggregate(t *testing.T) {
	x := spatial.NewIndex()
	x.Put("l", 1, mixedFeatures(8, short(20_000)))
	world := orb.Bound{Min: orb.Point{-180, -90}, Max: orb.Point{180, 90}}
	parent := 7
	aggs := []Agg{{Op: Count, Index: -1}, {Op: Sum, Field: "n", Index: 0}, {Op: Avg, Field: "x", Index: 1}}
	ctx := context.Background()
	for _, req := range []Request{{Res: 9}, {Res: 9, Aggs: aggs}, {Res: 9, Parent: &parent, Aggs: aggs}} {
		want, err := NewEngine(Config{}).Aggregate(ctx, req, fromIndex(x, "l", world))
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range []*Engine{NewEngine(Config{}), NewEngine(Config{Workers: 1})} {
			got, err := e.AggregateViews(ctx, req, viewsFromIndex(x, "l", world))
			if err != nil {
				t.Fatal(err)
			}
			if len(got.Cells) != len(want.Cells) || len(got.Cells) == 0 {
				t.Fatalf("res %d: %d cells, want %d", req.Res, len(got.Cells), len(want.Cells))
			}
			for i := range got.Cells {
				g, w := got.Cells[i], want.Cells[i]
				if g.Cell != w.Cell || g.Count != w.Count || !sameValues(g.Values, w.Values) {
					t.Fatalf("cell %d: %+v, want %+v", i, g, w)
				}
			}
		}
	}
	// A text value summed, and a point out of range: the same refusal.
	bad := orb.Point{106.7, 10.8}
	x.Put("bad", 1, []*spatial.Feature{{ID: "t", Geom: bad, Bound: bad.Bound(), Props: []any{"text"}}})
	far := orb.Point{200, 10}
	x.Put("far", 1, []*spatial.Feature{{ID: "f", Geom: far, Bound: far.Bound()}})
	for _, tt := range []struct {
		layer string
		req   Request
	}{{"bad", Request{Res: 8, Aggs: []Agg{{Op: Sum, Field: "n", Index: 0}}}}, {"far", Request{Res: 8}}} {
		wide := orb.Bound{Min: orb.Point{-360, -90}, Max: orb.Point{360, 90}}
		_, want := NewEngine(Config{}).Aggregate(ctx, tt.req, fromIndex(x, tt.layer, wide))
		_, got := NewEngine(Config{}).AggregateViews(ctx, tt.req, viewsFromIndex(x, tt.layer, wide))
		if want == nil || got == nil || got.Error() != want.Error() {
			t.Errorf("%s: views %v, features %v", tt.layer, got, want)
		}
	}
}

// sameValues compares figures: integers exactly, floats to 1e-12 (the
// workers' batches, so the order of a float sum, differ from run to run).
func sameValues(a, b []any) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		x, xf := a[i].(float64)
		y, yf := b[i].(float64)
		switch {
		case xf != yf:
			return false
		case xf:
			if math.Abs(x-y) > 1e-12*math.Max(math.Abs(x), math.Abs(y)) {
				return false
			}
		case a[i] != b[i]:
			return false
		}
	}
	return true
}

// BenchmarkCount1MIndexViews is BenchmarkCount1MIndex through
// AggregateViews: the points are read in place, not materialised.
func BenchmarkCount1MIndexViews(b *testing.B) {
	x := spatial.NewIndex()
	x.Put("houses", 1, provincePoints(2, 1_000_000))
	box := orb.Bound{Min: orb.Point{106, 8}, Max: orb.Point{108, 12}}
	e := NewEngine(Config{})
	ctx := context.Background()
	if _, err := e.AggregateViews(ctx, Request{Res: 8}, viewsFromIndex(x, "houses", box)); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	cpu0 := cpuTime()
	for b.Loop() {
		if _, err := e.AggregateViews(ctx, Request{Res: 8}, viewsFromIndex(x, "houses", box)); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64((cpuTime()-cpu0).Milliseconds())/float64(b.N), "cpu-ms/op")
}
