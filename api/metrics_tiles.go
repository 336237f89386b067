package api

import (
	"strconv"

	"bando/layers"
	"bando/tiles"

	"github.com/prometheus/client_golang/prometheus"
)

// tileCacheCollector exposes the tile cache counters. It reads one snapshot
// per scrape, so hits, misses and bytes are consistent with each other. The
// figures are for the whole cache, with no layer label, so nothing about a
// non-public layer shows.
type tileCacheCollector struct {
	tiles *tiles.Server
	stats []tileStat
}

// tileStat is one metric read from a snapshot of the cache counters.
type tileStat struct {
	desc  *prometheus.Desc
	kind  prometheus.ValueType
	value func(tiles.CacheStats) int64
}

func newTileCacheCollector(ts *tiles.Server) tileCacheCollector {
	stat := func(name, help string, kind prometheus.ValueType, v func(tiles.CacheStats) int64) tileStat {
		return tileStat{prometheus.NewDesc(name, help, nil, nil), kind, v}
	}
	c, g := prometheus.CounterValue, prometheus.GaugeValue
	return tileCacheCollector{tiles: ts, stats: []tileStat{
		stat("bando_tile_cache_hits_total", "Tile requests answered from the cache.", c,
			func(s tiles.CacheStats) int64 { return s.Hits }),
		stat("bando_tile_cache_misses_total", "Tile requests that missed the cache and rendered the tile.", c,
			func(s tiles.CacheStats) int64 { return s.Renders }),
		stat("bando_tile_cache_shared_total", "Tile requests that missed the cache and waited for another request's render.", c,
			func(s tiles.CacheStats) int64 { return s.Shared }),
		stat("bando_tile_cache_evictions_total", "Cached tiles dropped to stay within the byte budget.", c,
			func(s tiles.CacheStats) int64 { return s.Evictions }),
		stat("bando_tile_cache_invalidations_total", "Cached tiles dropped because a write touched them.", c,
			func(s tiles.CacheStats) int64 { return s.Invalidated }),
		stat("bando_tile_cache_abandoned_total", "Tile renders cancelled because every request waiting for them gave up.", c,
			func(s tiles.CacheStats) int64 { return s.Abandoned }),
		stat("bando_tile_cache_entries", "Tiles held in the cache.", g,
			func(s tiles.CacheStats) int64 { return int64(s.Entries) }),
		stat("bando_tile_cache_bytes", "Bytes charged to the tile cache.", g,
			func(s tiles.CacheStats) int64 { return s.Bytes }),
	}}
}

func (c tileCacheCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, s := range c.stats {
		ch <- s.desc
	}
}

func (c tileCacheCollector) Collect(ch chan<- prometheus.Metric) {
	snap := c.tiles.CacheStats()
	for _, s := range c.stats {
		ch <- prometheus.MustNewConstMetric(s.desc, s.kind, float64(s.value(snap)))
	}
}

// tileLayerCollector exposes the tile figures per layer and zoom: requests
// by cache outcome, bytes served and encode time. Layers anonymous may not
// see are summed under one label (layerLabel).
type tileLayerCollector struct {
	tiles                  *tiles.Server
	catalog                *layers.Catalog
	requests, bytes, nanos *prometheus.Desc
}

func newTileLayerCollector(ts *tiles.Server, cat *layers.Catalog) tileLayerCollector {
	lz := []string{"layer", "z"}
	return tileLayerCollector{tiles: ts, catalog: cat,
		requests: prometheus.NewDesc("bando_tile_requests_total",
			"Tile requests per layer and zoom (a combined tile counts for each layer), by cache outcome.",
			append(lz, "cache"), nil),
		bytes: prometheus.NewDesc("bando_tile_bytes_total",
			"Uncompressed bytes of the tiles answered, per layer and zoom.", lz, nil),
		nanos: prometheus.NewDesc("bando_tile_encode_seconds_total",
			"Time spent rendering and encoding tiles, per layer and zoom.", lz, nil),
	}
}

func (c tileLayerCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- c.requests
	ch <- c.bytes
	ch <- c.nanos
}

func (c tileLayerCollector) Collect(ch chan<- prometheus.Metric) {
	type key struct {
		layer string
		z     int
	}
	sums := map[key]*tiles.ZoomStats{}
	for _, zs := range c.tiles.LayerStats() {
		label := nonPublicLabel
		if l, err := c.catalog.Get(zs.Layer); err == nil {
			label = layerLabel(l)
		}
		k := key{label, zs.Z}
		if sums[k] == nil {
			sums[k] = &tiles.ZoomStats{}
		}
		s := sums[k]
		s.Hits, s.Misses, s.Bytes, s.Encode = s.Hits+zs.Hits, s.Misses+zs.Misses, s.Bytes+zs.Bytes, s.Encode+zs.Encode
	}
	for k, s := range sums {
		z := strconv.Itoa(k.z)
		ch <- prometheus.MustNewConstMetric(c.requests, prometheus.CounterValue, float64(s.Hits), k.layer, z, "hit")
		ch <- prometheus.MustNewConstMetric(c.requests, prometheus.CounterValue, float64(s.Misses), k.layer, z, "miss")
		ch <- prometheus.MustNewConstMetric(c.bytes, prometheus.CounterValue, float64(s.Bytes), k.layer, z)
		ch <- prometheus.MustNewConstMetric(c.nanos, prometheus.CounterValue, s.Encode.Seconds(), k.layer, z)
	}
}
