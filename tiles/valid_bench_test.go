package tiles

import (
	"context"
	"testing"

	"bando/data"
	"bando/ingest"
	"bando/layers"
	"bando/spatial"
)

// BenchmarkRenderCommuneTiles renders (uncached) 200 tiles of the real
// commune layer at z8–14, picked as TestPolygonsMatchPostGIS picks them:
// large polygons crossing tile edges, the work of cleanPolygon's full
// validity check. One op is all 200 tiles.
func BenchmarkRenderCommuneTiles(b *testing.B) {
	cat, err := data.DemoCatalog()
	if err != nil {
		b.Fatal(err)
	}
	l, err := cat.Get("communes")
	if err != nil {
		b.Fatal(err)
	}
	f, err := data.Demo().Open(l.Demo)
	if err != nil {
		b.Fatal(err)
	}
	feats, _, err := ingest.Prepare(l, ingest.GeoJSON, f, ingest.Options{})
	f.Close()
	if err != nil {
		b.Fatal(err)
	}
	for i, ft := range feats {
		ft.Num = uint64(i + 1)
	}
	idx := spatial.NewIndex()
	idx.Put(l.ID, 1, feats)
	srv := New(Config{Index: idx, Catalog: cat, CacheBytes: -1})
	tiles := sampleTiles(feats, 200, 8, 14)
	b.ReportAllocs()
	for b.Loop() {
		for _, c := range tiles {
			if _, err := srv.Tile(context.Background(), layers.Anonymous, []string{l.ID}, c.Z, c.X, c.Y); err != nil {
				b.Fatal(err)
			}
		}
	}
}
