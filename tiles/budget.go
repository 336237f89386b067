package tiles

import (
	"cmp"
	"context"
	"log/slog"
	"math"
	"slices"

	"bando/spatial"
)

// The tile budget: a layer may declare generalize.max_bytes and
// max_features, and the server bounds every tile (Config.TileBytes, 500 KB
// by default, and Config.TileFeatures, none by default). A layer or tile over its budget is rendered again without
// its least visible features — the smallest polygons by area, the
// shortest lines, single points before clusters and the emptiest density
// cells; ties go to the lower id — until it fits. Tiles within budget,
// nearly all of them, cost nothing more than one size check.

// DefaultTileBytes is the tile-wide byte budget when Config.TileBytes is 0.
const DefaultTileBytes = 500_000

// maxFitRounds bounds the renders that fit a layer in its budget; a layer
// still over after them is left empty (and logged), so no tile is ever
// over budget.
const maxFitRounds = 6

// layerOverhead is what a layer adds to a tile beyond its own encoding
// (the field tag and length of an MVT layer).
const layerOverhead = 8

// renderLayerBudget renders a layer within its declared budget.
func renderLayerBudget(ctx context.Context, idx *spatial.Index, req layerRequest, c Coord, o tileOptions, f Format) (layerSink, error) {
	e, err := renderLayer(ctx, idx, req, c, o, f)
	if err != nil || e == nil {
		return e, err
	}
	g := req.layer.Generalize
	if g.MaxBytes == 0 && g.MaxFeatures == 0 {
		return e, nil
	}
	return fitLayer(ctx, idx, req, c, o, f, e, budget{bytes: g.MaxBytes, features: g.MaxFeatures})
}

// budget bounds one layer of a tile; 0 is no bound.
type budget struct{ bytes, features int }

func (b budget) fits(bytes, features int) bool {
	return (b.bytes == 0 || bytes <= b.bytes) && (b.features == 0 || features <= b.features)
}

// overBudget reports whether the encoded tile, or its layers' features
// together, exceed the tile-wide budget.
func (o tileOptions) overBudget(tile []byte, encs []layerSink) bool {
	if o.tileBytes > 0 && len(tile) > o.tileBytes {
		return true
	}
	if o.tileFeatures == 0 {
		return false
	}
	n := 0
	for _, e := range encs {
		n += sinkFeatures(e)
	}
	return n > o.tileFeatures
}

// sinkFeatures returns the features written to a layer so far.
func sinkFeatures(e layerSink) int {
	switch s := e.(type) {
	case *layerEncoder:
		return s.count
	case *mltSink:
		return s.l.Len()
	}
	return 0
}

// fitTile renders the tile again with every layer's bytes scaled down in
// proportion, so that together they fit the tile-wide budget. encs are the
// layers as first rendered, one per request at or above its layer's min
// zoom; fitTile releases them.
func fitTile(ctx context.Context, idx *spatial.Index, reqs []layerRequest, c Coord, o tileOptions, f Format, encs []layerSink, over int) ([]byte, error) {
	var live []layerRequest
	for _, req := range reqs {
		if c.Z >= req.layer.Zoom.Min {
			live = append(live, req)
		}
	}
	sizes, counts := make([]int, len(encs)), make([]int, len(encs))
	total, totalFeatures := 0, 0
	for i, e := range encs {
		sizes[i], counts[i] = sinkSize(f, e)
		total += sizes[i]
		totalFeatures += counts[i]
	}
	room := o.tileBytes - layerOverhead*len(encs)
	var err error
	for i, e := range encs {
		if err != nil {
			e.release()
			encs[i] = nil
			continue
		}
		g := live[i].layer.Generalize
		b := budget{bytes: g.MaxBytes, features: g.MaxFeatures}
		if o.tileBytes > 0 {
			b.bytes = minBound(b.bytes, max(1, int(int64(sizes[i])*int64(room)/int64(max(total, 1)))))
		}
		if o.tileFeatures > 0 {
			// Floors keep the sum within the budget; a layer gets one at least.
			b.features = minBound(b.features, max(1, counts[i]*o.tileFeatures/max(totalFeatures, 1)))
		}
		encs[i], err = fitLayer(ctx, idx, live[i], c, o, f, e, b)
	}
	if err != nil {
		for _, e := range encs {
			if e != nil {
				e.release()
			}
		}
		return nil, err
	}
	tile := encodeSinks(f, encs)
	for _, e := range encs {
		e.release()
	}
	slog.Debug("tiles: tile over budget, least visible features dropped", "tile", c.String(), "bytes", over, "now", len(tile), "budget", o.tileBytes)
	return tile, nil
}

// minBound is the tighter of two bounds where 0 is none.
func minBound(a, b int) int {
	if a == 0 || b > 0 && b < a {
		return b
	}
	return a
}

// sinkSize returns the bytes of the layer encoded alone and its features.
func sinkSize(f Format, e layerSink) (bytes, features int) {
	return len(encodeSinks(f, []layerSink{e})), sinkFeatures(e)
}

// fitLayer returns e if it fits b, else a new rendering of the layer
// without its least visible features (e is released).
func fitLayer(ctx context.Context, idx *spatial.Index, req layerRequest, c Coord, o tileOptions, f Format, e layerSink, b budget) (layerSink, error) {
	size, n := sinkSize(f, e)
	if b.fits(size, n) {
		return e, nil
	}
	rec := &scoreSink{byID: make(map[uint64]int)}
	if err := renderLayerInto(ctx, idx, req, c, o, rec); err != nil {
		e.release()
		return nil, err
	}
	items := rec.items
	slices.SortFunc(items, func(a, b scored) int {
		if n := cmp.Compare(b.score, a.score); n != 0 {
			return n
		}
		return cmp.Compare(a.id, b.id)
	})
	estTotal := 0
	for _, it := range items {
		estTotal += it.est
	}
	// The estimate is scaled to the encoder's real bytes, then tightened
	// each round by how far the last render missed.
	target := math.Inf(1)
	if b.bytes > 0 {
		// A little under the budget, so that one render usually fits.
		target = 0.97 * float64(b.bytes) * float64(estTotal) / float64(max(size, 1))
	}
	for round := 0; round < maxFitRounds; round++ {
		req.drop = chooseDrop(items, target, b.features)
		e.release()
		var err error
		if e, err = renderLayer(ctx, idx, req, c, o, f); err != nil {
			return nil, err
		}
		if size, n = sinkSize(f, e); b.fits(size, n) {
			return e, nil
		}
		if b.bytes > 0 && size > b.bytes {
			target *= 0.95 * float64(b.bytes) / float64(size)
		}
	}
	slog.Warn("tiles: layer still over budget, left empty", "layer", req.layer.ID, "tile", c.String(), "bytes", size, "budget", b.bytes)
	e.release()
	return newSink(f, req.layer.ID, o.extent), nil
}

// chooseDrop keeps the most visible items (sorted) while their estimated
// bytes stay within target and their count within features (0: any), and
// returns the ids of the others.
func chooseDrop(items []scored, target float64, features int) map[uint64]bool {
	drop := make(map[uint64]bool)
	used := 0
	for i, it := range items {
		if float64(used+it.est) > target || features > 0 && i >= features {
			for _, d := range items[i:] {
				drop[d.id] = true
			}
			break
		}
		used += it.est
	}
	return drop
}

// scored is one feature of a layer as the budget sees it.
type scored struct {
	id    uint64
	score float64 // visible size: area, length, points or members
	est   int     // estimated encoded bytes
}

// scoreSink records the visibility and size of each feature instead of
// encoding it.
type scoreSink struct {
	byID  map[uint64]int
	items []scored
}

func (s *scoreSink) addTagged(id uint64, props []tag, g tileGeom) {
	score, est := visibility(id, props, g), 8+4*len(props)
	for _, p := range g.parts {
		est += 2 * len(p)
	}
	if i, ok := s.byID[id]; ok {
		s.items[i].score += score
		s.items[i].est += est
		return
	}
	s.byID[id] = len(s.items)
	s.items = append(s.items, scored{id: id, score: score, est: est})
}

func (s *scoreSink) release() {}

// visibility is how much of a feature a map shows: a polygon's area and a
// line's length in tile units, a point's count, a cluster's or density
// cell's members.
func visibility(id uint64, props []tag, g tileGeom) float64 {
	if id&(1<<52) != 0 { // a cluster or a density cell (cellID)
		for _, p := range props {
			if (p.key == "point_count" || p.key == "count") && p.value.kind == 'i' {
				return float64(p.value.n)
			}
		}
	}
	var s float64
	for _, part := range g.parts {
		switch g.typ {
		case geomPolygon:
			s += float64(area2(part)) / 2
		case geomLine:
			for i := 1; i < len(part); i++ {
				s += math.Hypot(float64(part[i].X-part[i-1].X), float64(part[i].Y-part[i-1].Y))
			}
		default:
			s += float64(len(part))
		}
	}
	return s
}
