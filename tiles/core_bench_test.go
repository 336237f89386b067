package tiles_test

import (
	"context"
	"os"
	"strconv"
	"syscall"
	"testing"
	"time"

	"bando/internal/benchdata"
	"bando/layers"
	"bando/spatial"
	"bando/tiles"
)

// The benchmarks here render uncached tiles of the data the issue measures
// (generated parcels, the demo layers) and report, besides time and
// allocations, the share of CPU the garbage collector took.

var steward = layers.Principal{Name: "bench", Clearance: layers.Restricted}

// benchParcels is BANDO_BENCH_PARCELS, 200,000 by default.
func benchParcels() int {
	if n, err := strconv.Atoi(os.Getenv("BANDO_BENCH_PARCELS")); err == nil && n > 0 {
		return n
	}
	return 200000
}

type tileReq struct {
	layer   string
	z, x, y int
}

func uncached(b *testing.B, idx *spatial.Index) *tiles.Server {
	cat, err := benchdata.Catalog()
	if err != nil {
		b.Fatal(err)
	}
	return tiles.New(tiles.Config{Index: idx, Catalog: cat, CacheBytes: -1})
}

// renderAll renders every tile of ts once per iteration and reports the
// mean time per tile, tile bytes and the GC's share of CPU.
func renderAll(b *testing.B, s *tiles.Server, ts []tileReq) {
	ctx := context.Background()
	size := 0
	for _, t := range ts {
		tl, err := s.Tile(ctx, steward, []string{t.layer}, t.z, t.x, t.y)
		if err != nil {
			b.Fatal(err)
		}
		size += len(tl.Bytes())
	}
	b.ReportAllocs()
	cpu := benchdata.ReadCPU()
	used := processCPU()
	for b.Loop() {
		for _, t := range ts {
			if _, err := s.Tile(ctx, steward, []string{t.layer}, t.z, t.x, t.y); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.ReportMetric(cpu.GCShare(), "gc-%")
	// CPU time per tile, the GC's included: on the shared machine the
	// wall time swings with other processes' load, the CPU used far less.
	b.ReportMetric((processCPU()-used).Seconds()*1000/float64(b.N*len(ts)), "cpu-ms/tile")
	b.ReportMetric(b.Elapsed().Seconds()*1000/float64(b.N*len(ts)), "ms/tile")
	b.ReportMetric(float64(size)/float64(len(ts)), "B/tile")
}

// processCPU returns the user and system CPU time the process used so far.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

var parcelIndex = func() func(b *testing.B) *spatial.Index {
	var idx *spatial.Index
	return func(b *testing.B) *spatial.Index {
		if idx == nil {
			idx = spatial.NewIndex()
			if err := benchdata.Parcels(idx, benchParcels()); err != nil {
				b.Fatal(err)
			}
		}
		return idx
	}
}()

// densest returns the tile of zoom z holding the most parcel centres among
// the first 5,000 parcels, and a centre in it.
func densest(idx *spatial.Index, z int) tiles.Coord {
	count := map[tiles.Coord]int{}
	idx.Ascend("parcels", 0, func(f *spatial.Feature) bool {
		count[tiles.CoordOf(f.Bound.Center(), z)]++
		return len(count) < 5000
	})
	var best tiles.Coord
	for c, n := range count {
		if n > count[best] || n == count[best] && c.String() < best.String() {
			best = c
		}
	}
	return best
}

// BenchmarkRenderParcels renders the densest parcel tile at z12 and its
// descendants down to z16 (the one at the tile's centre).
func BenchmarkRenderParcels(b *testing.B) {
	idx := parcelIndex(b)
	s := uncached(b, idx)
	top := densest(idx, 12)
	for z := 12; z <= 16; z++ {
		d := uint(z - 12)
		c := tiles.Coord{Z: z, X: top.X<<d + (1<<d)/2, Y: top.Y<<d + (1<<d)/2}
		b.Run("z"+strconv.Itoa(z), func(b *testing.B) {
			renderAll(b, s, []tileReq{{"parcels", c.Z, c.X, c.Y}})
		})
	}
}

// BenchmarkRenderDemo renders a sample of demo tiles at z6–16: for every
// layer and zoom, the tiles of the centres of up to four features spread
// through the layer (many small and empty tiles, as a map view asks).
func BenchmarkRenderDemo(b *testing.B) {
	idx := spatial.NewIndex()
	ls, err := benchdata.Demo(idx)
	if err != nil {
		b.Fatal(err)
	}
	var ts []tileReq
	for _, l := range ls {
		n := idx.Count(l.ID)
		step := max(1, n/4)
		i := 0
		idx.Ascend(l.ID, 0, func(f *spatial.Feature) bool {
			if i%step == 0 {
				for z := max(6, l.Zoom.Min); z <= 16; z++ {
					c := tiles.CoordOf(f.Bound.Center(), z)
					ts = append(ts, tileReq{l.ID, c.Z, c.X, c.Y})
				}
			}
			i++
			return true
		})
	}
	b.Logf("%d demo tiles", len(ts))
	renderAll(b, uncached(b, idx), ts)
}
