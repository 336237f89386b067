package tiles

import (
	"sync"
	"sync/atomic"
	"time"

	"bando/layers"
)

// zoomStats are one layer's tile counters at one zoom.
type zoomStats struct {
	hits, misses, bytes, encodeNanos atomic.Int64
}

// layerStats counts a layer's tile requests per zoom. A combined tile
// counts for each of its layers.
type layerStats struct {
	z [MaxZoom + 1]zoomStats
}

// statsBook holds the per-layer counters, created on a layer's first tile.
// Layers come from the catalog, so the book is bounded by it.
type statsBook struct {
	m sync.Map // layer id → *layerStats
}

func (b *statsBook) of(id string) *layerStats {
	if s, ok := b.m.Load(id); ok {
		return s.(*layerStats)
	}
	s, _ := b.m.LoadOrStore(id, new(layerStats))
	return s.(*layerStats)
}

// served counts a tile of the layers answered at zoom z.
func (b *statsBook) served(ls []*layers.Layer, z int, hit bool, size int) {
	for _, l := range ls {
		zs := &b.of(l.ID).z[z]
		if hit {
			zs.hits.Add(1)
		} else {
			zs.misses.Add(1)
		}
		zs.bytes.Add(int64(size))
	}
}

// encoded adds a render's time to each of its layers.
func (b *statsBook) encoded(ids []string, z int, d time.Duration) {
	for _, id := range ids {
		b.of(id).z[z].encodeNanos.Add(int64(d))
	}
}

// ZoomStats are a layer's tile figures at one zoom: requests answered from
// the cache and not, bytes of the tiles answered (uncompressed), and the
// time spent rendering and encoding them.
type ZoomStats struct {
	Layer        string
	Z            int
	Hits, Misses int64
	Bytes        int64
	Encode       time.Duration
}

// LayerStats returns the figures of every layer and zoom that served a
// tile, in no particular order.
func (s *Server) LayerStats() []ZoomStats {
	var out []ZoomStats
	s.stats.m.Range(func(k, v any) bool {
		ls := v.(*layerStats)
		for z := range ls.z {
			zs := &ls.z[z]
			h, m := zs.hits.Load(), zs.misses.Load()
			if h+m == 0 {
				continue
			}
			out = append(out, ZoomStats{Layer: k.(string), Z: z, Hits: h, Misses: m, Bytes: zs.bytes.Load(),
				Encode: time.Duration(zs.encodeNanos.Load())})
		}
		return true
	})
	return out
}
