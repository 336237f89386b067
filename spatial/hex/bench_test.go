package hex

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"syscall"
	"testing"
	"time"

	"bando/spatial"
	"github.com/paulmach/orb"
	h3 "github.com/uber/h3-go/v4"
)

// vietnamPoints returns n seeded random point features over Vietnam's
// bounding box, with an int64 field (0) and a float64 field (1).
func vietnamPoints(seed uint64, n int) []*spatial.Feature {
	r := rand.New(rand.NewPCG(seed, 6))
	fs := make([]*spatial.Feature, n)
	for i := range fs {
		p := orb.Point{102.1 + 7.4*r.Float64(), 8.5 + 15*r.Float64()}
		fs[i] = &spatial.Feature{ID: fmt.Sprint(i), Geom: p, Bound: p.Bound(),
			Props: []any{int64(r.IntN(200)), r.Float64() * 100}}
	}
	return fs
}

// BenchmarkLatLngToCellCgo is the cost of one cgo call into H3, the reason
// for the res-15 point cache (points.go).
func BenchmarkLatLngToCellCgo(b *testing.B) {
	fs := vietnamPoints(1, 1<<16)
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		p := fs[i&(1<<16-1)].Geom.(orb.Point)
		_ = h3.LatLngToCell(h3.LatLng{Lat: p[1], Lng: p[0]}, 8)
	}
}

// BenchmarkParentCgo and BenchmarkParentGo compare cellToParent through cgo
// with the bit arithmetic of Cell.parent.
func BenchmarkParentCgo(b *testing.B) {
	c := h3.LatLngToCell(h3.LatLng{Lat: 16, Lng: 107}, 15)
	for b.Loop() {
		_ = c.Parent(8)
	}
}

func BenchmarkParentGo(b *testing.B) {
	c := Cell(h3.LatLngToCell(h3.LatLng{Lat: 16, Lng: 107}, 15))
	var sink Cell
	for b.Loop() {
		sink |= c.parent(8)
	}
	_ = sink
}

// provincePoints returns n seeded random point features uniformly over the
// bounding box of the demo province (Ho Chi Minh City, 106.33–107.57°E,
// 8.63–11.50°N, ~43,000 km²: ~59,000 cells of res 8), fields as
// vietnamPoints. Real houses cluster; uniform points are the harder case.
func provincePoints(seed uint64, n int) []*spatial.Feature {
	r := rand.New(rand.NewPCG(seed, 79))
	fs := make([]*spatial.Feature, n)
	for i := range fs {
		p := orb.Point{106.33 + 1.24*r.Float64(), 8.63 + 2.87*r.Float64()}
		fs[i] = &spatial.Feature{ID: fmt.Sprint(i), Geom: p, Bound: p.Bound(),
			Props: []any{int64(r.IntN(200)), r.Float64() * 100}}
	}
	return fs
}

func benchAggregate(b *testing.B, n int, req Request) {
	fs := provincePoints(2, n)
	e := NewEngine(Config{})
	ctx := context.Background()
	if _, err := e.Aggregate(ctx, req, slices.Values(fs)); err != nil { // warm the point cache
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	var cells int
	cpu0 := cpuTime()
	for b.Loop() {
		res, err := e.Aggregate(ctx, req, slices.Values(fs))
		if err != nil {
			b.Fatal(err)
		}
		cells = len(res.Cells)
	}
	b.ReportMetric(float64(cells), "cells")
	// CPU time per question, all goroutines: on a machine shared with other
	// work the wall time says little, this says what the question costs.
	b.ReportMetric(float64((cpuTime()-cpu0).Milliseconds())/float64(b.N), "cpu-ms/op")
}

// cpuTime returns the user+system CPU time of this process so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkCount1M is the target: an H3 count of 1,000,000 points
// at res 8 (≤ 150 ms), with the point cache warm.
func BenchmarkCount1M(b *testing.B) { benchAggregate(b, 1_000_000, Request{Res: 8}) }

// BenchmarkSumAvg1M adds a sum and an average to the count.
func BenchmarkSumAvg1M(b *testing.B) {
	benchAggregate(b, 1_000_000, Request{Res: 8, Aggs: []Agg{{Op: Sum, Field: "n", Index: 0}, {Op: Avg, Field: "x", Index: 1}}})
}

// BenchmarkCount1MRes12 counts at a finer res: many more cells.
func BenchmarkCount1MRes12(b *testing.B) {
	benchAggregate(b, 1_000_000, Request{Res: 12, Limits: Limits{MaxCells: 2_000_000}})
}

// BenchmarkCount1MCold is the first count over points the cache has not
// seen: one cgo call per point.
func BenchmarkCount1MCold(b *testing.B) {
	fs := provincePoints(3, 1_000_000)
	ctx := context.Background()
	for b.Loop() {
		e := NewEngine(Config{})
		if _, err := e.Aggregate(ctx, Request{Res: 8}, slices.Values(fs)); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkTargets is the H3 row of make bench-query's table.
func BenchmarkTargets(b *testing.B) {
	b.Run("H3Count1M/bando", BenchmarkCount1M)
}
