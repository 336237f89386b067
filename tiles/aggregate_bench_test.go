package tiles

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"

	"github.com/paulmach/orb"

	"bando/spatial"
	"bando/spatial/hex"
	"bando/spatial/query"
)

var (
	aggBenchOnce sync.Once
	aggBenchIdx  *spatial.Index
)

// provinceCentre is the middle of the demo province's box (Ho Chi Minh
// City, 106.33–107.57°E, 8.63–11.50°N), as spatial/hex's benchmarks use.
var provinceCentre = orb.Point{106.95, 10.07}

// aggBenchIndex holds 1,000,000 seeded house points uniformly over the
// province's box (synthetic), with the fields of aggCatalog's houses.
func aggBenchIndex() *spatial.Index {
	aggBenchOnce.Do(func() {
		rng := rand.New(rand.NewPCG(2, 79))
		fs := make([]*spatial.Feature, 1_000_000)
		for i := range fs {
			p := orb.Point{106.33 + 1.24*rng.Float64(), 8.63 + 2.87*rng.Float64()}
			fs[i] = &spatial.Feature{ID: fmt.Sprint(i + 1), Num: uint64(i + 1), Geom: p, Bound: p.Bound(),
				Props: []any{int64(1 + rng.IntN(5)), float64(rng.IntN(400)), rng.Float64(), "nhà"}}
		}
		aggBenchIdx = spatial.NewIndex()
		aggBenchIdx.Put("houses", 1, fs)
	})
	return aggBenchIdx
}

// BenchmarkAggTile1M renders aggregate tiles (uncached) over the
// 1,000,000 points, as a token principal, and beside each the engine-only
// baseline: the same question as /api/h3 (the points of the tile's
// selection rectangle, counted at the tile's resolution), so the ratio is
// what the tile adds (cells over the tile, hexagon clipping, MVT).
func BenchmarkAggTile1M(b *testing.B) {
	idx := aggBenchIndex()
	cat := aggCatalog(b)
	s := New(Config{Index: idx, Catalog: cat, CacheBytes: -1, Aggregates: AggConfig{CacheBytes: -1}})
	for _, tc := range []struct {
		k   AggKind
		z   int
		agg string
	}{
		{AggHex, 8, ""}, {AggHex, 8, "sum:floors"}, {AggHex, 10, ""}, {AggHex, 12, ""}, {AggHex, 14, ""},
		{AggHeat, 8, ""}, {AggHeat, 12, ""},
	} {
		c := CoordOf(provinceCentre, tc.z)
		name := fmt.Sprintf("%s-z%d-%s", tc.k, tc.z, or(tc.agg, "count"))
		b.Run(name+"/tile", func(b *testing.B) {
			tl, err := s.AggregateTile(context.Background(), restricted, tc.k, "houses", tc.agg, c.Z, c.X, c.Y)
			if err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			for b.Loop() {
				if _, err := s.AggregateTile(context.Background(), restricted, tc.k, "houses", tc.agg, c.Z, c.X, c.Y); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(len(tl.Bytes())), "tile-bytes")
		})
		b.Run(name+"/engine", func(b *testing.B) {
			res := AggRes(tc.k, tc.z)
			_, sel, err := aggSelection(c.BufferedBound(DefaultBuffer, DefaultExtent), res)
			if err != nil {
				b.Fatal(err)
			}
			l, _ := cat.Get("houses")
			a, err := bindAgg(restricted, l, tc.agg)
			if err != nil {
				b.Fatal(err)
			}
			req := hex.Request{Res: res}
			if a.Op != hex.Count {
				req.Aggs = []hex.Agg{a}
			}
			q := query.Query{Layer: "houses", Where: []query.Where{{Kind: query.KindBBox, BBox: sel}}}
			n := 0
			b.ReportAllocs()
			for b.Loop() {
				r, err := s.agg.hexes.AggregateViews(context.Background(), req, func(yield func(spatial.FeatureView) bool) {
					s.agg.queries.SelectViews(context.Background(), restricted, q, func(v spatial.FeatureView) { yield(v) })
				})
				if err != nil {
					b.Fatal(err)
				}
				n = len(r.Cells)
			}
			b.ReportMetric(float64(n), "cells")
		})
	}
}

// BenchmarkAggTileCached is a cache hit of an aggregate tile.
func BenchmarkAggTileCached(b *testing.B) {
	s := New(Config{Index: aggBenchIndex(), Catalog: aggCatalog(b)})
	c := CoordOf(provinceCentre, 12)
	if _, err := s.AggregateTile(context.Background(), restricted, AggHex, "houses", "", c.Z, c.X, c.Y); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := s.AggregateTile(context.Background(), restricted, AggHex, "houses", "", c.Z, c.X, c.Y); err != nil {
			b.Fatal(err)
		}
	}
}

func or(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
