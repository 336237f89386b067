package tiles

import (
	"context"
	"math"
	"slices"
	"sync"

	"github.com/paulmach/orb"

	"bando/spatial"
)

// Density cells stand in for a layer of many small touching polygons
// (parcels, buildings) at the zooms the catalog says (generalize.density):
// a grid of cells × cells squares per tile, one polygon per cell that holds
// the centre of at least one feature, with
//
//   - "count": how many features have their bounding-box centre in it;
//   - "area_share": the share of the cell their bounding boxes cover,
//     rounded to 1/1000, at least 0.001 and at most 1 (a box is counted
//     whole in the cell of its centre).
//
// Each feature counts in exactly one tile of a zoom, the one holding its
// centre, so the tiles of a zoom add up to the layer, and a write changes
// only the tiles its bounds meet: the cache's invalidation stays exact.
// Only bounding boxes are read (from the R-tree's leaves): a province-wide
// tile over a million parcels touches no feature record.

// cellID is the id of cell (i, j) of tile c: bit 52 set, so it never
// equals a feature id below 2^52, then the zoom (4 bits) and the cell's
// row and column in the zoom's grid of cells (24 bits each). It is the
// same at every render; the budget drops cells by it. It stays below 2^53,
// so JavaScript reads it exactly (MapLibre feature-state).
func cellID(c Coord, cells, i, j int) uint64 {
	x := uint64(c.X)*uint64(cells) + uint64(i)
	y := uint64(c.Y)*uint64(cells) + uint64(j)
	return 1<<52 | uint64(c.Z)<<48 | y<<24 | x
}

// cellGrid maps lon/lat to the cells of one tile.
type cellGrid struct {
	c        Coord
	cells    int
	extent   int
	colScale float64   // degrees east of −180° to columns of the zoom
	col0     float64   // the tile's first column
	latEdge  []float64 // latitudes of the row edges, north to south (cells+1)
	// unitsPerLat is, per row, tile units per degree of latitude.
	unitsPerLat []float64
	unitsPerLon float64
	rowsPerLat  float64 // rows per degree of latitude, on average
	// counts and areas are renderDensity's tallies, reused via gridPool.
	counts []int32
	areas  []float64
}

// tallies returns zeroed per-cell tallies for n cells.
func (g *cellGrid) tallies(n int) ([]int32, []float64) {
	g.counts = slices.Grow(g.counts[:0], n)[:n]
	g.areas = slices.Grow(g.areas[:0], n)[:n]
	clear(g.counts)
	clear(g.areas)
	return g.counts, g.areas
}

var gridPool = sync.Pool{New: func() any { return new(cellGrid) }}

func newCellGrid(c Coord, cells, extent int) *cellGrid {
	g := gridPool.Get().(*cellGrid)
	g.c, g.cells, g.extent = c, cells, extent
	b := c.Bound()
	g.colScale = float64(uint64(1)<<uint(c.Z)) * float64(cells) / 360
	g.col0 = float64(c.X * cells)
	g.unitsPerLon = float64(extent) / (b.Max[0] - b.Min[0])
	n := float64(uint64(1) << uint(c.Z))
	g.latEdge = g.latEdge[:0]
	for j := 0; j <= cells; j++ {
		g.latEdge = append(g.latEdge, worldToLat((float64(c.Y)+float64(j)/float64(cells))/n))
	}
	g.rowsPerLat = float64(cells) / (g.latEdge[0] - g.latEdge[cells])
	g.unitsPerLat = g.unitsPerLat[:0]
	cellUnits := float64(extent) / float64(cells)
	for j := range cells {
		g.unitsPerLat = append(g.unitsPerLat, cellUnits/(g.latEdge[j]-g.latEdge[j+1]))
	}
	return g
}

// cell returns the cell holding lon/lat p, and false outside the tile
// (west and north edges are in, east and south edges out).
func (g *cellGrid) cell(lon, lat float64) (i, j int, ok bool) {
	// Columns come from the zoom's world grid, as CoordOf does, so that
	// neighbouring tiles agree on which one holds a centre on their edge.
	fi := math.Floor((lon+180)*g.colScale) - g.col0
	if !(fi >= 0 && fi < float64(g.cells)) || !(lat <= g.latEdge[0] && lat > g.latEdge[g.cells]) {
		return 0, 0, false
	}
	// Rows are evenly spaced in Mercator y, not in latitude: guess the
	// row linearly in latitude (off by at most a row or two within one
	// tile), then step to the one whose edges hold lat.
	j = int((g.latEdge[0] - lat) * g.rowsPerLat)
	j = max(0, min(j, g.cells-1))
	for j > 0 && lat > g.latEdge[j] {
		j--
	}
	for j < g.cells-1 && lat <= g.latEdge[j+1] {
		j++
	}
	return int(fi), j, true
}

// ring returns the square of cell (i, j) in tile units, clockwise on
// screen as MVT wants exteriors.
func (g *cellGrid) ring(i, j int) []ipoint {
	x0, x1 := int32(i*g.extent/g.cells), int32((i+1)*g.extent/g.cells)
	y0, y1 := int32(j*g.extent/g.cells), int32((j+1)*g.extent/g.cells)
	return []ipoint{{x0, y0}, {x1, y0}, {x1, y1}, {x0, y1}}
}

// renderDensity writes the density cells of tile c into e.
func renderDensity(ctx context.Context, lv spatial.LayerView, c Coord, o tileOptions, plan *genPlan, e layerSink) error {
	g := newCellGrid(c, plan.rule.Cells, o.extent)
	defer gridPool.Put(g)
	n := g.cells * g.cells
	counts, areas := g.tallies(n)
	seen := 0
	var err error
	lv.ScanBound(c.Bound(), func(_ spatial.FeatureView, b orb.Bound) bool {
		if seen++; seen%(checkEvery*64) == 0 {
			if err = ctx.Err(); err != nil {
				return false
			}
		}
		lon, lat := (b.Min[0]+b.Max[0])/2, (b.Min[1]+b.Max[1])/2
		i, j, ok := g.cell(lon, lat)
		if !ok {
			return true
		}
		k := j*g.cells + i
		counts[k]++
		areas[k] += (b.Max[0] - b.Min[0]) * g.unitsPerLon * (b.Max[1] - b.Min[1]) * g.unitsPerLat[j]
		return true
	})
	if err != nil {
		return err
	}
	cellArea := float64(o.extent) * float64(o.extent) / float64(n)
	var props [2]tag
	var part [1][]ipoint
	for k, cnt := range counts {
		if cnt == 0 {
			continue
		}
		i, j := k%g.cells, k/g.cells
		id := cellID(c, g.cells, i, j)
		if plan.drop != nil && plan.drop[id] {
			continue
		}
		share := max(0.001, math.Round(min(1, areas[k]/cellArea)*1000)/1000)
		props[0] = tag{key: "count", value: valueKey{kind: 'i', n: uint64(cnt)}}
		props[1] = tag{key: "area_share", value: valueKey{kind: 'f', n: math.Float64bits(share)}}
		part[0] = g.ring(i, j)
		e.addTagged(id, props[:], tileGeom{typ: geomPolygon, parts: part[:]})
	}
	return nil
}
