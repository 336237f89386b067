package indicators

import (
	"context"
	"strconv"
	"testing"

	"github.com/paulmach/orb"

	"bando/data"
	"bando/data/gen"
	"bando/internal/benchdata"
	"bando/spatial"
	"bando/spatial/query"
	"bando/store"
)

// BenchmarkRecomputeAfterChange1M: the demo's share of temporary houses,
// recomputed after 1,000 of 1,000,000 houses changed (issue 6: ≤ 50 ms).
// Each op is one write of 1,000 houses, its changes handed to the engine
// as the change feed hands them (after the index has them), and the
// recomputation they cause.
func BenchmarkRecomputeAfterChange1M(b *testing.B) {
	if testing.Short() {
		b.Skip("loads 1,000,000 houses")
	}
	idx := spatial.NewIndex()
	if _, err := benchdata.Demo(idx); err != nil {
		b.Fatal(err)
	}
	cat, err := benchdata.Catalog()
	if err != nil {
		b.Fatal(err)
	}
	communes, err := gen.LoadCommunes(data.Demo())
	if err != nil {
		b.Fatal(err)
	}
	var houses []*spatial.Feature
	err = gen.EachHouse(gen.Config{Seed: 1, N: 1_000_000, Communes: communes}, func(h *gen.House) error {
		p := orb.Point{h.Lon, h.Lat}
		houses = append(houses, &spatial.Feature{ID: strconv.Itoa(h.ID), Num: uint64(h.ID), Geom: p, Bound: p.Bound(),
			Props: []any{h.CommuneCode, int64(h.Floors), h.Status, h.Temporary}})
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	idx.Put("houses", 1, houses)
	e := New(query.New(idx, cat, query.Limits{}), cat, nil)
	ctx := context.Background()
	if _, err := e.refresh(ctx, "temporary_house_share"); err != nil { // prepares the communes and the tallies
		b.Fatal(err)
	}
	changes := make([]store.Change, 1000)
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		batch := houses[(i*1000)%len(houses):][:1000]
		for _, f := range batch {
			f.Props[3] = !f.Props[3].(bool)
		}
		idx.Put("houses", uint64(i+2), batch)
		for k, f := range batch {
			changes[k] = store.Change{Layer: "houses", ID: f.ID, Kind: store.Upsert, Version: uint64(i + 2), Feature: f}
		}
		e.Changes(changes)
		if _, err := e.refresh(ctx, "temporary_house_share"); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	// The incremental result is the one a fresh engine computes whole.
	got, err := e.refresh(ctx, "temporary_house_share")
	if err != nil {
		b.Fatal(err)
	}
	want, err := New(query.New(idx, cat, query.Limits{}), cat, nil).refresh(ctx, "temporary_house_share")
	if err != nil {
		b.Fatal(err)
	}
	for k, u := range want.Units {
		g := got.Units[k]
		if g.Code != u.Code || g.Numerator != u.Numerator || *g.Denominator != *u.Denominator || g.Colour != u.Colour {
			b.Fatalf("unit %s: %+v, want %+v", u.Code, g, u)
		}
	}
}

// BenchmarkTargets is the indicator row of make bench-query's table.
func BenchmarkTargets(b *testing.B) {
	b.Run("IndicatorAfter1000/bando", BenchmarkRecomputeAfterChange1M)
}
