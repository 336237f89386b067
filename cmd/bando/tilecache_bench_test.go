package main

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"bando/layers"
	"bando/spatial"
	"bando/tiles"
)

// BenchmarkCachedTilesUnderWrites requests 2,000 warm z14 tiles in rotation
// from every core while one writer moves a vessel through the store, in the
// same layer and inside the rotation, the way `bando serve` writes: at 0,
// 200 and as many durable writes per second as the store takes. With
// per-tile invalidation each write re-renders only the few tiles it touches,
// so ns/op (one cached tile) should barely move. Reported: writes/s the
// writer achieved and renders per thousand requests.
func BenchmarkCachedTilesUnderWrites(b *testing.B) {
	for _, rate := range []int{0, 200, -1} {
		name := fmt.Sprintf("writes=%d/s", rate)
		if rate < 0 {
			name = "writes=max"
		}
		b.Run(name, func(b *testing.B) { benchUnderWrites(b, rate) })
	}
}

func benchUnderWrites(b *testing.B, rate int) {
	lt := newLiveTiles(b, 0)
	cs := rotation(2000)
	fs := make([]*spatial.Feature, len(cs))
	for i, c := range cs {
		p := c.Bound().Center()
		fs[i] = &spatial.Feature{ID: fmt.Sprint(i + 1), Geom: p, Bound: p.Bound(), Props: []any{"tàu"}}
	}
	if _, err := lt.st.Put(context.Background(), lt.layer, fs); err != nil {
		b.Fatal(err)
	}
	for _, c := range cs {
		lt.tile(b, c)
	}
	st0 := lt.tl.CacheStats()

	stop := make(chan struct{})
	var wg sync.WaitGroup
	var writes atomic.Int64
	if rate != 0 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			writeLoop(b, lt, cs[len(cs)/2], rate, stop, &writes)
		}()
	}
	var next atomic.Uint64
	start := time.Now()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		i := int(next.Add(7919))
		for pb.Next() {
			c := cs[i%len(cs)]
			i++
			if _, err := lt.tl.Tile(context.Background(), layers.Anonymous, []string{"vessels"}, c.Z, c.X, c.Y); err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.StopTimer()
	close(stop)
	wg.Wait()
	st := lt.tl.CacheStats()
	b.ReportMetric(float64(writes.Load())/time.Since(start).Seconds(), "writes/s")
	b.ReportMetric(1000*float64(st.Renders-st0.Renders)/float64(b.N), "renders/1k-req")
}

// writeLoop moves vessel "w" around tile c, rate times a second (or as fast
// as the store syncs when rate < 0), until stop closes.
func writeLoop(b *testing.B, lt *liveTiles, c tiles.Coord, rate int, stop chan struct{}, n *atomic.Int64) {
	var tick <-chan time.Time
	if rate > 0 {
		t := time.NewTicker(time.Second / time.Duration(rate))
		defer t.Stop()
		tick = t.C
	}
	bd := c.Bound()
	for i := 0; ; i++ {
		select {
		case <-stop:
			return
		default:
		}
		if tick != nil {
			select {
			case <-stop:
				return
			case <-tick:
			}
		}
		f := float64(i%100) / 100
		p := orb.Point{bd.Min[0] + f*(bd.Max[0]-bd.Min[0]), bd.Center()[1]}
		v := &spatial.Feature{ID: "w", Geom: p, Bound: p.Bound(), Props: []any{"tàu w"}}
		if _, err := lt.st.Put(context.Background(), lt.layer, []*spatial.Feature{v}); err != nil {
			b.Error(err)
			return
		}
		n.Add(1)
	}
}

// rotation returns n z14 tiles in a square around Huế.
func rotation(n int) []tiles.Coord {
	side := 1
	for side*side < n {
		side++
	}
	c := tiles.CoordOf(hue, 14)
	out := make([]tiles.Coord, 0, n)
	for i := range n {
		out = append(out, tiles.Coord{Z: 14, X: c.X - side/2 + i%side, Y: c.Y - side/2 + i/side})
	}
	return out
}
