package tiles

import (
	"math"
	"strconv"

	"github.com/paulmach/orb"
)

// Change is a tile-invalidation event: which tiles of a layer an
// acknowledged change touched, so that a client refreshes exactly those.
// Version is the layer version the change produced, the number the
// layer's own TileJSON puts in its tile URLs (?v=; a combined TileJSON
// puts the sum of its layers' versions). Tiles lists, per zoom of the
// layer, the block of tile columns and rows whose buffered extent meets
// the changed features' bounds (old and new), both ends included.
type Change struct {
	Layer   string      `json:"layer"`
	Version uint64      `json:"version"`
	BBox    [4]float64  `json:"bbox"`
	MinZoom int         `json:"minzoom"`
	MaxZoom int         `json:"maxzoom"`
	Tiles   []TileRange `json:"tiles"`
}

// TileRange is a block of tiles of one zoom: columns X[0]..X[1], rows
// Y[0]..Y[1].
type TileRange struct {
	Z int    `json:"z"`
	X [2]int `json:"x"`
	Y [2]int `json:"y"`
}

// Contains reports whether the block holds tile c.
func (r TileRange) Contains(c Coord) bool {
	return c.Z == r.Z && c.X >= r.X[0] && c.X <= r.X[1] && c.Y >= r.Y[0] && c.Y <= r.Y[1]
}

// change describes the tiles of layer that bounds touch, or false when
// there is nothing to say (no bounds: a whole-layer reset at start).
func (s *Server) change(layer string, bounds []orb.Bound) (Change, bool) {
	if len(bounds) == 0 {
		return Change{}, false
	}
	b := bounds[0]
	for _, o := range bounds[1:] {
		b = b.Union(o)
	}
	c := Change{Layer: layer, Version: s.index.Version(layer), BBox: [4]float64{b.Min[0], b.Min[1], b.Max[0], b.Max[1]},
		MinZoom: 0, MaxZoom: MaxZoom}
	if l, err := s.catalog.Get(layer); err == nil {
		c.MinZoom, c.MaxZoom = l.Zoom.Min, l.Zoom.Max
	}
	c.Tiles = touched(b, c.MinZoom, c.MaxZoom, float64(s.opts.buffer)/float64(s.opts.extent))
	return c, true
}

// touched returns, for each zoom, the tiles whose extent grown by buffer
// tile widths meets b: a tile's buffered extent meets b exactly when b,
// grown by the same buffer at that zoom, meets the tile.
func touched(b orb.Bound, minZ, maxZ int, buffer float64) []TileRange {
	out := make([]TileRange, 0, maxZ-minZ+1)
	for z := minZ; z <= maxZ; z++ {
		n := float64(uint64(1) << uint(z))
		cell := func(w float64) int { return max(0, min(int(math.Floor(w*n)), int(n)-1)) }
		pad := buffer / n
		out = append(out, TileRange{Z: z,
			X: [2]int{cell(lonToWorld(b.Min[0]) - pad), cell(lonToWorld(b.Max[0]) + pad)},
			Y: [2]int{cell(latToWorld(b.Max[1]) - pad), cell(latToWorld(b.Min[1]) + pad)}})
	}
	return out
}

// Version returns the version the tiles of the layers were rendered at:
// the sum of their index versions, which grows whenever any of them
// changes. TileJSON puts it in the tile URLs, so a versioned URL names
// one content and may be cached for good.
func (s *Server) Version(ids []string) uint64 {
	var v uint64
	for _, id := range ids {
		v += s.index.Version(id)
	}
	return v
}

// versionQuery is the ?v= of a versioned tile URL.
func versionQuery(v uint64) string { return "?v=" + strconv.FormatUint(v, 10) }
