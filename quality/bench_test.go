package quality

import (
	"fmt"
	"io/fs"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"bando/data"
	"bando/ingest"
	"bando/layers"
	"bando/spatial"
	"bando/store"
)

// demoWorld loads demo layers into an index, as bando serve holds them,
// and computes their quality whole.
func demoWorld(b *testing.B, ids ...string) (*layers.Catalog, *spatial.Index, *Engine, map[string][]*spatial.Feature) {
	b.Helper()
	cat, err := data.DemoCatalog()
	if err != nil {
		b.Fatal(err)
	}
	idx := spatial.NewIndex()
	feats := map[string][]*spatial.Feature{}
	for _, id := range ids {
		l, err := cat.Get(id)
		if err != nil {
			b.Fatal(err)
		}
		f, err := data.Demo().Open(l.Demo)
		if err != nil {
			b.Fatal(err)
		}
		format, err := ingest.FormatFromPath(l.Demo)
		if err != nil {
			b.Fatal(err)
		}
		fs, _, err := ingest.Prepare(l, format, f, ingest.Options{Limits: ingest.Limits{MaxFeatures: -1}})
		f.(fsFile).Close()
		if err != nil {
			b.Fatal(err)
		}
		idx.Put(id, 1, fs)
		feats[id] = fs
	}
	e := New(Config{Catalog: cat, Index: idx})
	e.Refresh()
	return cat, idx, e, feats
}

type fsFile = fs.File

// BenchmarkRefresh1000Parcels measures the recomputation after a write of
// 1,000 of the demo's 20,000 parcels (moved by a few metres, so that their
// validity, duplicates and overlaps are all looked at again); the issue's
// budget is 100 ms.
func BenchmarkRefresh1000Parcels(b *testing.B) {
	_, idx, e, feats := demoWorld(b, "province", "parcels")
	ps := feats["parcels"]
	if len(ps) < 10000 {
		b.Fatalf("%d demo parcels", len(ps))
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		cs := make([]store.Change, 0, 1000)
		batch := make([]*spatial.Feature, 0, 1000)
		d := 0.00003 * float64(1-2*(i%2)) // there and back
		for j := range 1000 {
			f := ps[(i*1000+j*17)%len(ps)]
			g := orb.Clone(f.Geom)
			shift(g, d)
			nf := &spatial.Feature{ID: f.ID, Num: f.Num, Geom: g, Bound: g.Bound(), Props: f.Props, Seq: uint64(i + 2)}
			batch = append(batch, nf)
			cs = append(cs, store.Change{Layer: "parcels", ID: f.ID, Kind: store.Upsert, Time: time.Now(), Feature: nf})
		}
		idx.Put("parcels", uint64(i+2), batch)
		e.Changes(cs)
		b.StartTimer()
		e.Refresh()
	}
	b.StopTimer()
	b.ReportMetric(float64(e.Stats().Last.Microseconds())/1000, "last-ms")
}

// BenchmarkFullParcels measures the whole computation of the parcel layer
// (what bando serve does once at start).
func BenchmarkFullParcels(b *testing.B) {
	cat, idx, _, _ := demoWorld(b, "province", "parcels")
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		e := New(Config{Catalog: cat, Index: idx})
		e.Refresh()
	}
}

func shift(g orb.Geometry, d float64) {
	switch g := g.(type) {
	case orb.Polygon:
		for _, r := range g {
			for k := range r {
				r[k][0] += d
			}
		}
	case orb.MultiPolygon:
		for _, p := range g {
			shift(p, d)
		}
	}
}

// BenchmarkRefresh1000Of250k is BenchmarkRefresh1000Parcels on a layer of
// 250,000 synthetic parcels (a 500 × 500 grid, a few overlapping): a refresh
// costs what changed and what is wrong, not the layer's size.
func BenchmarkRefresh1000Of250k(b *testing.B) {
	cat, err := data.DemoCatalog()
	if err != nil {
		b.Fatal(err)
	}
	l, _ := cat.Get("parcels")
	const n, cell = 500, 0.0002
	ps := make([]*spatial.Feature, 0, n*n)
	at := func(k int, o float64) float64 { return o + float64(k)*cell } // neighbours share exact corners
	for i := range n * n {
		c, r := i%n, i/n
		x0, x1, y0, y1 := at(c, 106.6), at(c+1, 106.6), at(r, 10.7), at(r+1, 10.7)
		if i%97 == 0 {
			x1 += cell / 5 // overlaps its neighbour
		}
		g := orb.Polygon{{{x0, y0}, {x1, y0}, {x1, y1}, {x0, y1}, {x0, y0}}}
		props := make([]any, len(l.Fields))
		props[0], props[1] = fmt.Sprint(i), "26734"
		ps = append(ps, &spatial.Feature{ID: fmt.Sprint(i + 1), Geom: g, Bound: g.Bound(), Props: props})
	}
	idx := spatial.NewIndex()
	idx.Put("parcels", 1, ps)
	e := New(Config{Catalog: cat, Index: idx})
	e.Refresh()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		cs := make([]store.Change, 0, 1000)
		batch := make([]*spatial.Feature, 0, 1000)
		d := cell / 10 * float64(1-2*(i%2))
		for j := range 1000 {
			f := ps[(j*241)%len(ps)] // the same parcels, there and back
			g := orb.Clone(f.Geom)
			shift(g, d)
			nf := &spatial.Feature{ID: f.ID, Geom: g, Bound: g.Bound(), Props: f.Props, Seq: uint64(i + 2)}
			batch = append(batch, nf)
			cs = append(cs, store.Change{Layer: "parcels", ID: f.ID, Kind: store.Upsert, Time: time.Now(), Feature: nf})
		}
		idx.Put("parcels", uint64(i+2), batch)
		e.Changes(cs)
		b.StartTimer()
		e.Refresh()
	}
}
