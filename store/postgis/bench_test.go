package postgis

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"bando/layers"
	"bando/spatial"
	"bando/store"

	"github.com/paulmach/orb"
)

// benchN is the number of parcels of the load benchmarks
// (BANDO_PG_BENCH_N, default 100,000; issue 10 asks about 1,000,000).
func benchN(b *testing.B) int {
	if v, err := strconv.Atoi(os.Getenv("BANDO_PG_BENCH_N")); err == nil && v > 0 {
		return v
	}
	return 100_000
}

// benchWriters is BenchmarkFeedLag's concurrent writers:
// BANDO_PG_BENCH_WRITERS, default 8.
func benchWriters() int {
	if v, err := strconv.Atoi(os.Getenv("BANDO_PG_BENCH_WRITERS")); err == nil && v > 0 {
		return v
	}
	return 8
}

// parcels makes n synthetic (synthetic: true) parcel quadrilaterals around
// Hà Nội with every field type, seeded.
func parcels(n int) []*spatial.Feature {
	rng := rand.New(rand.NewPCG(10, uint64(n)))
	fs := make([]*spatial.Feature, n)
	for i := range fs {
		x, y := 105.7+rng.Float64()*0.3, 20.9+rng.Float64()*0.2
		d := 0.0002 + rng.Float64()*0.0003
		p := orb.Polygon{{{x, y}, {x + d, y}, {x + d, y + d*1.2}, {x - d*0.1, y + d}, {x, y}}}
		fs[i] = &spatial.Feature{ID: fmt.Sprint(i + 1), Geom: p, Bound: p.Bound(), Props: []any{
			fmt.Sprintf("thửa %d", i), int64(rng.IntN(8)), rng.Float64() * 500, rng.IntN(10) == 0,
			time.Unix(1.7e9+int64(rng.IntN(1e7)), 0).UTC(), nil}}
	}
	return fs
}

// BenchmarkCopyAndLoad copies N parcels in through CopyLayer (chunks of
// 50,000, as one transaction each) and then measures Load into a new
// index, reporting features per second of each.
//
//	BANDO_TEST_PG=… BANDO_PG_BENCH_N=1000000 go test ./store/postgis -run '^$' -bench CopyAndLoad -benchtime 1x
func BenchmarkCopyAndLoad(b *testing.B) {
	l := testLayer(b)
	cat, _ := layers.NewCatalog([]*layers.Layer{l})
	s, _ := openPG(b, migrated(b), cat, Options{})
	ctx := context.Background()
	n := benchN(b)
	fs := parcels(n)
	start := time.Now()
	for i := 0; i < n; i += 50_000 {
		if _, err := s.CopyLayer(ctx, l, fs[i:min(n, i+50_000)]); err != nil {
			b.Fatal(err)
		}
	}
	copyRate := float64(n) / time.Since(start).Seconds()
	if _, err := s.pool.Exec(ctx, "ANALYZE "+TableName(l.ID)); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for b.Loop() {
		idx := spatial.NewIndex()
		st, err := s.Load(ctx, idx, store.LoadOptions{})
		if err != nil || st.Features != n {
			b.Fatalf("loaded %d of %d: %v", st.Features, n, err)
		}
	}
	b.ReportMetric(copyRate, "copied/s")
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "loaded/s")
}

// BenchmarkFeedLag measures, for single-feature writes from benchWriters goroutines
// through one store, the lag from a write's return (committed) to another
// store on the database (another replica) publishing it, and reports the
// writes per second and the lag's p50 and p99.
//
//	BANDO_TEST_PG=… go test ./store/postgis -run '^$' -bench FeedLag -benchtime 2000x
func BenchmarkFeedLag(b *testing.B) {
	l := testLayer(b)
	cat, _ := layers.NewCatalog([]*layers.Layer{l})
	dsn := migrated(b)
	w, _ := openPG(b, dsn, cat, Options{})
	var mu sync.Mutex
	committed := map[uint64]time.Time{}
	var lags []time.Duration
	openPG(b, dsn, cat, Options{}, func(cs []store.Change) {
		now := time.Now()
		mu.Lock()
		defer mu.Unlock()
		if t, ok := committed[cs[0].Seq]; ok {
			lags = append(lags, now.Sub(t))
			delete(committed, cs[0].Seq)
		} else {
			committed[cs[0].Seq] = now // published before the writer saw its return
		}
	})
	fs := parcels(b.N)
	var next atomic.Int64
	b.ResetTimer()
	var wg sync.WaitGroup
	for range benchWriters() {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := int(next.Add(1)) - 1; i < len(fs); i = int(next.Add(1)) - 1 {
				cs, err := w.Put(context.Background(), l, fs[i:i+1])
				if err != nil {
					b.Error(err)
					return
				}
				now := time.Now()
				mu.Lock()
				if _, ok := committed[cs[0].Seq]; ok {
					lags = append(lags, 0)
					delete(committed, cs[0].Seq)
				} else {
					committed[cs[0].Seq] = now
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	elapsed := b.Elapsed()
	deadline := time.Now().Add(10 * time.Second)
	for {
		mu.Lock()
		n := len(lags)
		mu.Unlock()
		if n == b.N || time.Now().After(deadline) {
			break
		}
		time.Sleep(time.Millisecond)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(lags) != b.N {
		b.Fatalf("the follower published %d of %d writes", len(lags), b.N)
	}
	slices.Sort(lags)
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "writes/s")
	b.ReportMetric(float64(lags[len(lags)/2].Microseconds())/1000, "p50-lag-ms")
	b.ReportMetric(float64(lags[len(lags)*99/100].Microseconds())/1000, "p99-lag-ms")
}
