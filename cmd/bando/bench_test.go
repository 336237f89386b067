package main

import (
	"bytes"
	"context"
	"testing"

	"bando/data"
	"bando/data/gen"
	"bando/ingest"
	"bando/spatial"
	"bando/store"
)

// BenchmarkBulkIngest is the bulk path of `POST /collections/parcels/items`
// without HTTP: NDJSON chunks of generated parcels are parsed, validated,
// written durably to Pebble and applied to the index through the feed.
func BenchmarkBulkIngest(b *testing.B) {
	const n, chunk = 200000, 20000
	communes, err := gen.LoadCommunes(data.Demo())
	if err != nil {
		b.Fatal(err)
	}
	var buf bytes.Buffer
	if err := gen.Parcels(gen.Config{Seed: 1, N: n, Communes: communes}, &buf); err != nil {
		b.Fatal(err)
	}
	var chunks [][]byte
	lines := bytes.SplitAfter(buf.Bytes(), []byte("\n"))
	for i := 0; i < len(lines); i += chunk {
		chunks = append(chunks, bytes.Join(lines[i:min(len(lines), i+chunk)], nil))
	}
	cat, err := data.DemoCatalog()
	if err != nil {
		b.Fatal(err)
	}
	l, _ := cat.Get("parcels")
	b.ResetTimer()
	for b.Loop() {
		b.StopTimer()
		feed := &store.Feed{}
		st, err := store.OpenPebble(b.TempDir(), feed)
		if err != nil {
			b.Fatal(err)
		}
		idx := spatial.NewIndex()
		feed.Subscribe(store.IndexChanges(idx))
		b.StartTimer()
		for _, c := range chunks {
			feats, _, err := ingest.Prepare(l, ingest.NDJSON, bytes.NewReader(c), ingest.Options{})
			if err != nil {
				b.Fatal(err)
			}
			if _, err := st.Put(context.Background(), l, feats); err != nil {
				b.Fatal(err)
			}
		}
		b.StopTimer()
		if idx.Count("parcels") != n {
			b.Fatalf("indexed %d", idx.Count("parcels"))
		}
		st.Close()
		b.StartTimer()
	}
	b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "features/s")
}
