package tiles

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/paulmach/orb"

	"bando/layers"
)

// maxCombined bounds the layers of one combined TileJSON.
const maxCombined = 32

// combinedTileJSON is the TileJSON of the tiles of several layers at once
// (/tiles/a,b/{z}/{x}/{y}): every layer's vector_layers entry, the union
// of their bounds and zooms, their attributions. Each layer must be one p
// may see and be served from the index (an archive layer has tiles of its
// own, which are not combined).
func (s *Server) combinedTileJSON(p layers.Principal, ids []string, baseURL string, f Format) ([]byte, error) {
	if len(ids) > maxCombined {
		return nil, fmt.Errorf("tiles: %w: at most %d layers in one tile", ErrBadTile, maxCombined)
	}
	var docs []TileJSON
	for _, id := range ids {
		l, err := s.visibleLayer(p, id)
		if err != nil {
			return nil, err
		}
		if slices.ContainsFunc(docs, func(d TileJSON) bool { return d.VectorLayers[0].ID == l.ID }) {
			return nil, fmt.Errorf("tiles: %w: layer %q twice", ErrBadTile, l.ID)
		}
		if _, ok := s.archiveOf(l.ID); ok {
			return nil, fmt.Errorf("tiles: %w: %q is served from its archive and cannot be combined", ErrBadTile, l.ID)
		}
		docs = append(docs, s.layerTileJSON(p, l, baseURL, f))
	}
	out := docs[0]
	out.Generalization = nil // each layer's own TileJSON says how it is generalised
	var names, attributions []string
	b := orb.Bound{Min: orb.Point{out.Bounds[0], out.Bounds[1]}, Max: orb.Point{out.Bounds[2], out.Bounds[3]}}
	for i, d := range docs {
		names = append(names, d.Name)
		if d.Attribution != "" && !slices.Contains(attributions, d.Attribution) {
			attributions = append(attributions, d.Attribution)
		}
		if i == 0 {
			continue
		}
		out.VectorLayers = append(out.VectorLayers, d.VectorLayers...)
		out.MinZoom, out.MaxZoom = min(out.MinZoom, d.MinZoom), max(out.MaxZoom, d.MaxZoom)
		b = b.Union(orb.Bound{Min: orb.Point{d.Bounds[0], d.Bounds[1]}, Max: orb.Point{d.Bounds[2], d.Bounds[3]}})
	}
	out.Name, out.Attribution = strings.Join(names, " + "), strings.Join(attributions, "; ")
	out.Description = ""
	out.Bounds = [4]float64{b.Min[0], b.Min[1], b.Max[0], b.Max[1]}
	c := b.Center()
	out.Center = [3]float64{c[0], c[1], float64(centerZoom(b, layers.Zoom{Min: out.MinZoom, Max: out.MaxZoom}))}
	base := strings.TrimRight(baseURL, "/") + "/tiles/" + strings.Join(ids, ",") + "/{z}/{x}/{y}"
	v := versionQuery(s.Version(ids))
	out.Tiles = []string{base + f.Suffix() + v}
	out.Formats = map[string][]string{"mvt": {base + MVT.Suffix() + v}, "mlt": {base + MLT.Suffix() + v}}
	doc, err := json.Marshal(out)
	if err != nil {
		return nil, fmt.Errorf("tiles: tilejson %s: %w", strings.Join(ids, ","), err)
	}
	return doc, nil
}
