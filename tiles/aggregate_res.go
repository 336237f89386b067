package tiles

import (
	"math"

	"bando/spatial/hex"
)

// AggKind is a kind of aggregate tile.
type AggKind string

// The aggregate tiles: H3 hexagons with their figures, and points of a
// finer H3 grid weighted for MapLibre heatmap layers.
const (
	AggHex  AggKind = "h3"
	AggHeat AggKind = "heat"
)

// AggMaxZoom is the deepest zoom of aggregate tiles. Past it the finest H3
// cells (res 15) would grow too large against a tile for the cache's
// invalidation reach (see aggReachTiles); clients overzoom z22.
const AggMaxZoom = 22

// hexResByZoom is the H3 resolution of the hexagons at each zoom 0..22: at
// Vietnam's latitudes (~16°N) a tile holds 70–370 hexagons of it (H3's
// average cell area against the tile's), enough to read a pattern and few
// enough to stay a small tile. Each H3 resolution has 1/7 of the area of
// the one before and each zoom 1/4, hence a resolution every one or two
// zooms. TileJSON states it (h3_resolution).
var hexResByZoom = [AggMaxZoom + 1]int{
	0, 0, 1, 2, 2, 3, 4, 5, 5, 6, 7, 7, 8, 9, 10, 10, 11, 12, 12, 13, 14, 15, 15,
}

// heatResStep is how much finer the heat grid is than the hexagons: one
// resolution, ~7 points per hexagon, 500–2,600 per tile (a point every
// 10–25 pixels of a 512-pixel tile, under a heatmap's default 30-pixel
// radius).
const heatResStep = 1

// AggRes returns the H3 resolution of an aggregate tile of kind k at zoom z
// (0..AggMaxZoom).
func AggRes(k AggKind, z int) int {
	res := hexResByZoom[max(0, min(z, AggMaxZoom))]
	if k == AggHeat {
		res = min(res+heatResStep, hex.MaxRes)
	}
	return res
}

// aggReachTiles is how far, in tile widths, the features an aggregate tile
// reads may lie beyond its tile: the cache of aggregate tiles is built with
// a buffer this wide, so that a write anywhere a tile read from drops it.
// The hexagons meeting the buffered tile reach at most one cell (≤ 0.15 of
// a tile at 16°N) beyond it, and the selection one cell more (see
// aggSelection); TestAggSelectionWithinReach checks the bound for every
// zoom up to maxCachedLat.
const aggReachTiles = 1

// maxCachedLat is the latitude beyond which aggregate tiles (from z2) are
// not cached: Mercator tiles shrink towards the poles while H3 cells do not,
// so there a cell may reach past aggReachTiles and a write would not find
// the tiles that read it. Vietnam lies between 8° and 24°N.
const maxCachedLat = 66.0

// aggCacheable reports whether the aggregate tile c may be cached: z0 and
// z1 tiles grown by a tile cover the world, and other tiles must lie
// within ±maxCachedLat.
func aggCacheable(c Coord) bool {
	if c.Z <= 1 {
		return true
	}
	b := c.Bound()
	return math.Abs(b.Min[1]) <= maxCachedLat && math.Abs(b.Max[1]) <= maxCachedLat
}
