package quality

import (
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
