package tiles

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"

	"bando/layers"
	"bando/spatial"
)

// layerRequest is one layer to render with the fields the principal may see
// (indexes into the layer's Fields, from layers.VisibleFields).
type layerRequest struct {
	layer  *layers.Layer
	fields []int
	// drop holds the ids a tile budget leaves out (budget.go), or nil.
	drop map[uint64]bool
}

// tileOptions are the rendering settings shared by every tile of a server.
type tileOptions struct {
	buffer, extent int
	// tileBytes and tileFeatures are the tile-wide budget, 0 for none
	// (budget.go).
	tileBytes, tileFeatures int
}

// renderTile encodes tile c in format f with one layer per request, in
// request order. It returns nil for a tile without features.
func renderTile(ctx context.Context, idx *spatial.Index, reqs []layerRequest, c Coord, o tileOptions, f Format) ([]byte, error) {
	encs := make([]layerSink, 0, len(reqs))
	for _, req := range reqs {
		e, err := renderLayerBudget(ctx, idx, req, c, o, f)
		if err != nil {
			for _, e := range encs {
				e.release()
			}
			return nil, err
		}
		if e != nil {
			encs = append(encs, e)
		}
	}
	tile := encodeSinks(f, encs)
	if o.overBudget(tile, encs) {
		return fitTile(ctx, idx, reqs, c, o, f, encs, len(tile)) // releases encs
	}
	for _, e := range encs {
		e.release()
	}
	return tile, nil
}

// checkEvery is how many features are rendered between context checks.
const checkEvery = 256

// renderLayer encodes the features of one layer that intersect the buffered
// tile, or returns nil below the layer's min zoom.
//
// Selection is exactly spatial.Index.Intersecting with the buffered tile's
// lon/lat rectangle (exact geometry test, boundary contact counts). Below
// the layer's maximum zoom, geometry is simplified with Douglas–Peucker and
// features that collapse on the grid are dropped; at the maximum zoom there
// is no simplification beyond removing repeated grid points, and a feature
// that collapses is kept in a minimal form (see renderer.fallback), so the
// tile's features are exactly the selected ones.
func renderLayer(ctx context.Context, idx *spatial.Index, req layerRequest, c Coord, o tileOptions, f Format) (layerSink, error) {
	// Above the layer's max zoom tiles are still served, at full detail:
	// clients overzoom, but a direct request for z > max must not look as if
	// the features were not there.
	if c.Z < req.layer.Zoom.Min {
		return nil, nil
	}
	e := newSink(f, req.layer.ID, o.extent)
	if err := renderLayerInto(ctx, idx, req, c, o, e); err != nil {
		e.release()
		return nil, err
	}
	return e, nil
}

// renderLayerInto renders the layer's features (or, at zooms the catalog
// generalises so, its density cells or clusters) into e.
func renderLayerInto(ctx context.Context, idx *spatial.Index, req layerRequest, c Coord, o tileOptions, e layerSink) error {
	l := req.layer
	plan := newPlan(l, c.Z, o.extent)
	plan.drop = req.drop
	req.fields = plan.fields(req.fields)
	maxZoom := c.Z >= l.Zoom.Max
	r := newRenderer(c, o.buffer, o.extent, !maxZoom, maxZoom)
	defer r.release()
	plan.apply(r)
	var err error
	// The layer's read lock is held while its features are selected,
	// sorted and encoded: they are read in place, never copied.
	idx.ReadLayer(l.ID, func(lv spatial.LayerView) {
		switch plan.rule.Mode {
		case layers.ModeDensity:
			err = renderDensity(ctx, lv, c, o, plan, e)
		case layers.ModeCluster:
			err = r.renderClusters(ctx, lv, req, c, o, plan, e)
		default:
			err = r.renderLayer(ctx, lv, req, e)
		}
	})
	if err != nil {
		return fmt.Errorf("tiles: render %s %s: %w", l.ID, c, err)
	}
	return nil
}

// featureRef is one selected feature: its number, first sort key, and its
// place in the layer.
type featureRef struct {
	num uint64
	ref uint32
}

// renderLayer encodes the selected features of one layer into e.
func (r *renderer) renderLayer(ctx context.Context, lv spatial.LayerView, req layerRequest, e layerSink) error {
	r.selectFeatures(lv)
	fields := req.layer.Fields
	for i, fr := range r.refs {
		if i%checkEvery == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		v := lv.View(fr.ref)
		if r.plan != nil && r.plan.skip(v, r.proj, &r.views) {
			continue
		}
		gs := r.render(v)
		if len(gs) == 0 {
			continue
		}
		r.props = r.featureProps(v, req.fields, fields)
		for _, g := range gs {
			e.addTagged(v.Num(), r.props, g)
		}
	}
	return nil
}

// featureProps returns the feature's visible non-null properties in the
// order of fields (indexes into the layer's fields).
func (r *renderer) featureProps(v spatial.FeatureView, visible []int, fields []layers.Field) []tag {
	vals := r.values[:0]
	it := v.Props()
	for it.Next() {
		vals = append(vals, it.Value())
	}
	r.values = vals
	props := r.props[:0]
	for _, fi := range visible {
		if fi >= len(vals) {
			continue
		}
		if vk, ok := valueKeyOfValue(vals[fi]); ok {
			props = append(props, tag{key: fields[fi].Name, value: vk})
		}
	}
	return props
}

// selectFeatures collects the features of the layer whose geometry
// intersects the buffered tile, ordered by number then id so that the same
// data always gives the same bytes.
func (r *renderer) selectFeatures(lv spatial.LayerView) {
	refs := r.refs[:0]
	lv.Intersecting(r.lonlat, func(v spatial.FeatureView) bool {
		refs = append(refs, featureRef{num: v.Num(), ref: v.Ref()})
		return true
	})
	slices.SortFunc(refs, func(a, b featureRef) int {
		if n := cmp.Compare(a.num, b.num); n != 0 {
			return n
		}
		return strings.Compare(lv.View(a.ref).ID(), lv.View(b.ref).ID())
	})
	r.refs = refs
}
