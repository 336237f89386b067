package store

import (
	"context"
	"fmt"
	"runtime"
	"sync/atomic"
	"testing"

	"bando/spatial"
)

// BenchmarkConcurrentWriters64 has 64 writers each storing one feature per
// durable Put, as the live twin's position updates do, with group commit
// and with the serial path (one fsync per write) side by side:
//
//	go test -run '^$' -bench ConcurrentWriters64 ./store/
func BenchmarkConcurrentWriters64(b *testing.B) {
	for _, mode := range []struct {
		name   string
		serial bool
	}{{"serial", true}, {"group", false}} {
		b.Run(mode.name, func(b *testing.B) {
			benchmarkWriters(b, 64, mode.serial)
		})

	}
}

// BenchmarkOneWriter is a lone writer: group commit must not make it wait
// for company that never comes (one fsync per write, nothing more).
func BenchmarkOneWriter(b *testing.B) {
	benchmarkWriters(b, 1, false)
}

func benchmarkWriters(b *testing.B, writers int, serial bool) {
	ctx := context.Background()
	l := testLayer(b)
	s, err := OpenPebbleWith(b.TempDir(), Options{Serial: serial})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	var next atomic.Int64
	procs := runtime.GOMAXPROCS(0)
	b.SetParallelism((writers + procs - 1) / procs)
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			n := next.Add(1)
			f := square(fmt.Sprint(n), float64(n%1000)/10, float64(n/1000)/10, "x", n, 1.5, false, nil)
			if _, err := s.Put(ctx, l, []*spatial.Feature{f}); err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.StopTimer()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "writes/s")
	b.ReportMetric(float64(b.N)/float64(max(1, s.commits.Load())), "writes/group")
}
