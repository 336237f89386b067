package tiles

import (
	"cmp"
	"context"
	"fmt"
	"slices"

	"bando/layers"
	"bando/spatial"
)

// layerRequest is one layer to render with the fields the principal may see
// (indexes into the layer's Fields, from layers.VisibleFields).
type layerRequest struct {
	layer  *layers.Layer
	fields []int
}

// tileOptions are the rendering settings shared by every tile of a server.
type tileOptions struct {
	buffer, extent int
}

// renderTile encodes tile c with one MVT layer per request, in request
// order. It returns nil for a tile without features.
func renderTile(ctx context.Context, idx *spatial.Index, reqs []layerRequest, c Coord, o tileOptions) ([]byte, error) {
	encs := make([]*layerEncoder, 0, len(reqs))
	for _, req := range reqs {
		e, err := renderLayer(ctx, idx, req, c, o)
		if err != nil {
			return nil, err
		}
		if e != nil {
			encs = append(encs, e)
		}
	}
	return encodeTile(encs), nil
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
func renderLayer(ctx context.Context, idx *spatial.Index, req layerRequest, c Coord, o tileOptions) (*layerEncoder, error) {
	l := req.layer
	// Above the layer's max zoom tiles are still served, at full detail:
	// clients overzoom, but a direct request for z > max must not look as if
	// the features were not there.
	if c.Z < l.Zoom.Min {
		return nil, nil
	}
	feats := selectFeatures(idx, l.ID, c, o)
	maxZoom := c.Z >= l.Zoom.Max
	r := newRenderer(c, o.buffer, o.extent, !maxZoom, maxZoom)
	e := newLayerEncoder(l.ID, o.extent)
	props := make([]prop, 0, len(req.fields))
	for i, f := range feats {
		if i%checkEvery == 0 {
			if err := ctx.Err(); err != nil {
				return nil, fmt.Errorf("tiles: render %s %s: %w", l.ID, c, err)
			}
		}
		props = props[:0]
		for _, fi := range req.fields {
			if fi < len(f.Props) && f.Props[fi] != nil {
				props = append(props, prop{key: l.Fields[fi].Name, value: f.Props[fi]})
			}
		}
		for _, g := range r.render(f.Geom, f.Bound) {
			e.addFeature(f.Num, props, g)
		}
	}
	return e, nil
}

// selectFeatures returns the features of the layer whose geometry
// intersects the buffered tile, ordered by number then id so that the same
// data always gives the same bytes.
func selectFeatures(idx *spatial.Index, layer string, c Coord, o tileOptions) []*spatial.Feature {
	var feats []*spatial.Feature
	idx.Intersecting(layer, c.BufferedBound(o.buffer, o.extent), func(f *spatial.Feature) bool {
		feats = append(feats, f)
		return true
	})
	slices.SortFunc(feats, func(a, b *spatial.Feature) int {
		if n := cmp.Compare(a.Num, b.Num); n != 0 {
			return n
		}
		return cmp.Compare(a.ID, b.ID)
	})
	return feats
}
