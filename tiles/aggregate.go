package tiles

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	"github.com/paulmach/orb"

	"bando/layers"
	"bando/spatial"
	"bando/spatial/hex"
	"bando/spatial/query"
)

// Aggregate tiles show a layer's features as figures per H3 cell, computed
// by the map-questions engine: the query model selects the features
// (query.Engine.SelectViews, through the access policy) and spatial/hex
// puts them in cells (hex.Engine.AggregateViews), exactly as /api/h3 does.
// The tile's cells are those meeting the buffered tile (hex.CellsInBound)
// and the selection is every feature those cells may hold, so a hexagon cut
// by a tile edge has the same figures on both sides, equal to /api/h3's.

// DefaultMinCount is k: cells with fewer features are left out of
// aggregate tiles for anonymous principals.
const DefaultMinCount = 5

// DefaultAggCacheBytes bounds the aggregate tile cache when
// AggConfig.CacheBytes is 0.
const DefaultAggCacheBytes = 16 << 20

// ErrBadAgg is wrapped by every error about an aggregate tile's agg=
// parameter: a bad form, an unknown or hidden field, a field that is not
// numeric.
var ErrBadAgg = errors.New("tiles: bad aggregate")

// AggConfig configures aggregate tiles. Zero values take the defaults.
type AggConfig struct {
	// Queries selects the features (the one query model); nil makes one
	// over the server's index and catalog with default limits. Pass the
	// API's engine so both share limits.
	Queries *query.Engine
	// Hexes counts per cell; nil makes one. Pass /api/h3's engine so both
	// share the cell caches.
	Hexes *hex.Engine
	// MinCount is k: cells with fewer features are suppressed for
	// anonymous principals (0: DefaultMinCount; 1 suppresses nothing).
	MinCount int
	// CacheBytes bounds the cache of aggregate tiles (0:
	// DefaultAggCacheBytes, negative: no caching).
	CacheBytes int64
}

func (c AggConfig) validate() error {
	if c.MinCount < 0 {
		return fmt.Errorf("tiles: config: aggregate min count %d is negative (1 suppresses nothing)", c.MinCount)
	}
	return nil
}

// aggTiles is the aggregate side of a Server: its engines, k and cache.
type aggTiles struct {
	queries  *query.Engine
	hexes    *hex.Engine
	minCount int
	cache    *cache
}

func newAggTiles(cfg Config, opts tileOptions) *aggTiles {
	a := cfg.Aggregates
	if a.Queries == nil {
		a.Queries = query.New(cfg.Index, cfg.Catalog, query.Limits{})
	}
	if a.Hexes == nil {
		a.Hexes = hex.NewEngine(hex.Config{})
	}
	if a.MinCount == 0 {
		a.MinCount = DefaultMinCount
	}
	if a.CacheBytes == 0 {
		a.CacheBytes = DefaultAggCacheBytes
	}
	// The cache's buffer is the reach of a tile's reads, so that
	// invalidation drops every tile a write could change.
	reach := tileOptions{buffer: aggReachTiles * opts.extent, extent: opts.extent}
	return &aggTiles{queries: a.Queries, hexes: a.Hexes, minCount: a.MinCount, cache: newCache(a.CacheBytes, reach)}
}

// MinCount returns k for p: DefaultMinCount (or the configured k) for an
// anonymous principal, 1 (only empty cells left out) for any other.
func (s *Server) MinCount(p layers.Principal) int {
	if p.IsAnonymous() {
		return s.agg.minCount
	}
	return 1
}

// AggregateTile returns the aggregate tile z/x/y of kind k (AggHex or
// AggHeat) for one layer, with figure agg ("count", "sum:FIELD",
// "avg:FIELD"; "" is count) per H3 cell at AggRes(k, z):
//
//   - AggHex: one polygon per cell meeting the buffered tile, properties
//     h3 (the cell id), value (the figure) and count;
//   - AggHeat: one point per cell whose centre lies in the buffered tile,
//     properties weight (the figure) and count, for a heatmap layer's
//     heatmap-weight.
//
// A feature's id is its cell's hex.Cell.Compact: unique in the tileset at a
// zoom, the same at every zoom of one resolution, and exact as a
// JavaScript number (a full H3 index is not) for MapLibre feature-state.
//
// Cells with fewer than MinCount(p) features are left out. The MVT layer
// is named by the layer id. Errors: a bad coordinate, or z over
// AggMaxZoom, wraps ErrBadTile; an unknown or hidden layer wraps
// layers.ErrUnknownLayer; a bad agg, or a field p may not see (which looks
// like a missing one), wraps ErrBadAgg.
func (s *Server) AggregateTile(ctx context.Context, p layers.Principal, k AggKind, layerID, agg string, z, x, y int) (Tile, error) {
	c, l, a, err := s.aggRequest(p, k, layerID, agg, z, x, y)
	if err != nil {
		return Tile{}, err
	}
	render := func(ctx context.Context) (Tile, error) {
		data, err := s.renderAggregate(ctx, p, k, l, a, c)
		if err != nil {
			return Tile{}, err
		}
		return withETags(newTile(data)), nil
	}
	if !aggCacheable(c) {
		return render(ctx)
	}
	var kbuf [128]byte
	key := appendAggCacheKey(kbuf[:0], p, k, a, l, c)
	if t, ok := s.agg.cache.get(key); ok {
		return t, nil
	}
	return s.agg.cache.do(ctx, string(key), []string{l.ID}, c, render)
}

// aggRequest checks an aggregate tile's parts and binds its figure.
func (s *Server) aggRequest(p layers.Principal, k AggKind, layerID, agg string, z, x, y int) (Coord, *layers.Layer, hex.Agg, error) {
	if k != AggHex && k != AggHeat {
		return Coord{}, nil, hex.Agg{}, fmt.Errorf("%w: no aggregate tiles of kind %q (want h3 or heat)", ErrBadTile, k)
	}
	c, err := NewCoord(z, x, y)
	if err != nil {
		return c, nil, hex.Agg{}, err
	}
	if c.Z > AggMaxZoom {
		return c, nil, hex.Agg{}, fmt.Errorf("%w: zoom %d: aggregate tiles stop at zoom %d (overzoom it)", ErrBadTile, c.Z, AggMaxZoom)
	}
	l, err := s.visibleLayer(p, layerID)
	if err != nil {
		return c, nil, hex.Agg{}, err
	}
	a, err := bindAgg(p, l, agg)
	return c, l, a, err
}

// bindAgg parses one figure and binds its field for p through the access
// policy: a field p may not see is as unknown as a missing one.
func bindAgg(p layers.Principal, l *layers.Layer, s string) (hex.Agg, error) {
	aggs, err := hex.ParseAggs(s)
	if err != nil {
		return hex.Agg{}, fmt.Errorf("%w: %w", ErrBadAgg, err)
	}
	if len(aggs) != 1 {
		return hex.Agg{}, fmt.Errorf("%w: agg %q: a tile shows one figure: count, sum:FIELD or avg:FIELD", ErrBadAgg, s)
	}
	err = hex.Bind(aggs, func(name string) (int, bool, bool) {
		i := l.FieldIndex(name)
		if i < 0 || !layers.CanSeeField(p, l, &l.Fields[i]) {
			return -1, false, false
		}
		t := l.Fields[i].Type
		return i, t == layers.TypeInt || t == layers.TypeFloat, true
	})
	if err != nil {
		return hex.Agg{}, fmt.Errorf("%w: %w", ErrBadAgg, err)
	}
	return aggs[0], nil
}

// appendAggCacheKey appends the name of an aggregate tile: kind, figure, the principal as
// access and suppression see it (clearance, anonymous or not), the tile
// and the layer.
func appendAggCacheKey(b []byte, p layers.Principal, k AggKind, a hex.Agg, l *layers.Layer, c Coord) []byte {
	b = append(b, k...)
	b = append(b, '|')
	b = append(b, a.Key()...)
	b = append(b, '|')
	b = append(b, clearance(p)...)
	if p.IsAnonymous() {
		b = append(b, "|anon"...)
	}
	b = append(b, '|')
	b = strconv.AppendInt(b, int64(c.Z), 10)
	b = append(b, '/')
	b = strconv.AppendInt(b, int64(c.X), 10)
	b = append(b, '/')
	b = strconv.AppendInt(b, int64(c.Y), 10)
	b = append(b, '|')
	b = append(b, l.ID...)
	return b
}

// renderAggregate computes the figures of the tile's cells through the
// engine and encodes them; nil for a tile without cells to show.
func (s *Server) renderAggregate(ctx context.Context, p layers.Principal, k AggKind, l *layers.Layer, a hex.Agg, c Coord) ([]byte, error) {
	res := AggRes(k, c.Z)
	cells, sel, err := aggSelection(c.BufferedBound(s.opts.buffer, s.opts.extent), res)
	if err != nil || len(cells) == 0 {
		return nil, err
	}
	req := hex.Request{Res: res, Cells: cells}
	if a.Op != hex.Count {
		req.Aggs = []hex.Agg{a}
	}
	q := query.Query{Layer: l.ID, Where: []query.Where{{Kind: query.KindBBox, BBox: sel}}}
	var selErr error
	scan := func(yield func(spatial.FeatureView) bool) {
		stopped := false
		_, selErr = s.agg.queries.SelectViews(ctx, p, q, func(v spatial.FeatureView) {
			if !stopped && !yield(v) {
				stopped = true
			}
		})
	}
	r, err := s.agg.hexes.AggregateViews(ctx, req, scan)
	if selErr != nil {
		return nil, fmt.Errorf("tiles: aggregate %s %s: %w", l.ID, c, selErr)
	}
	if err != nil {
		return nil, fmt.Errorf("tiles: aggregate %s %s: %w", l.ID, c, err)
	}
	r.Suppress(int64(s.MinCount(p)))
	return encodeCells(k, l.ID, r, c, s.opts), nil
}

// aggSelection returns the cells at res meeting the buffered tile b and
// the rectangle whose features they may hold: their outlines' box grown
// by one cell, since a line counts in the grid path between its vertices'
// cells, which may stray a little from the line itself.
func aggSelection(b orb.Bound, res int) ([]hex.Cell, orb.Bound, error) {
	cells, sel, err := hex.CellsInBound(b, res, 0)
	if err != nil || len(cells) == 0 {
		return nil, orb.Bound{}, err
	}
	one := hex.Boundary(cells[len(cells)/2]).Bound()
	dx, dy := one.Max[0]-one.Min[0], one.Max[1]-one.Min[1]
	sel.Min = orb.Point{max(sel.Min[0]-dx, -180), max(sel.Min[1]-dy, -90)}
	sel.Max = orb.Point{min(sel.Max[0]+dx, 180), min(sel.Max[1]+dy, 90)}
	return cells, sel, nil
}

// encodeCells writes the cells of r as one MVT layer: hexagons (AggHex)
// or centre points (AggHeat), projected, clipped to the buffered tile and
// made valid by the renderer that draws stored polygons.
func encodeCells(k AggKind, name string, r *hex.Result, c Coord, o tileOptions) []byte {
	if len(r.Cells) == 0 {
		return nil
	}
	rd := newRenderer(c, o.buffer, o.extent, false, false)
	defer rd.release()
	e := newLayerEncoder(name, o.extent)
	defer e.release()
	props := make([]prop, 0, 3)
	for _, cf := range r.Cells {
		value := any(cf.Count)
		if len(cf.Values) > 0 {
			value = cf.Values[0]
		}
		if k == AggHeat {
			pt := hex.Center(cf.Cell)
			if !rd.lonlat.Contains(pt) {
				continue
			}
			g := tileGeom{typ: geomPoint, parts: [][]ipoint{{rd.quantize(rd.proj.point(pt))}}}
			props = append(props[:0], prop{"weight", value}, prop{"count", cf.Count})
			e.addFeature(cf.Cell.Compact(), props, g)
			continue
		}
		if g, ok := rd.hexagon(hex.Boundary(cf.Cell)); ok {
			props = append(props[:0], prop{"h3", cf.Cell.String()}, prop{"value", value}, prop{"count", cf.Count})
			e.addFeature(cf.Cell.Compact(), props, g)
		}
	}
	return encodeTile([]*layerEncoder{e})
}

// hexagon renders one cell outline as a polygon: projected, clipped to
// the buffered square and cleaned like any stored polygon; false when
// nothing of it is left in the tile.
func (r *renderer) hexagon(ring orb.Ring) (tileGeom, bool) {
	ps := &r.parts
	ps.rings = ps.rings[:0]
	r.grid = r.grid[:0]
	r.views = append(r.views[:0], ring)
	r.ys = r.ys[:0]
	for _, p := range ring {
		r.ys = append(r.ys, latToWorld(p[1]))
	}
	r.polygon(r.views, r.ys, ps)
	if len(ps.rings) == 0 {
		return tileGeom{}, false
	}
	return tileGeom{typ: geomPolygon, parts: ps.rings}, true
}

// AggCacheStats returns the counters of the aggregate tile cache.
func (s *Server) AggCacheStats() CacheStats { return s.agg.cache.stats() }

// aggFigure is the text of a figure as agg= writes it.
func aggFigure(a hex.Agg) string {
	if a.Op == hex.Count {
		return string(hex.Count)
	}
	return string(a.Op) + ":" + a.Field
}
