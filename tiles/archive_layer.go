package tiles

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"bando/layers"
)

// Archive is a layer's tiles rendered beforehand into a file (a PMTiles or
// MBTiles archive, see tiles/archive), served instead of rendering. The
// access policy still applies: the catalog layer's access class decides
// who sees it, as for any layer.
type Archive interface {
	// ReadTile returns tile z/x/y's raw MVT and, when the archive stores
	// it gzip-compressed, those stored bytes (served as they are to clients
	// that accept gzip); both empty for a tile the archive lacks.
	ReadTile(ctx context.Context, z, x, y int) (raw, gz []byte, err error)
	// Info describes the archive for TileJSON.
	Info() ArchiveInfo
}

// ArchiveInfo is what TileJSON says of an archive layer: the archive's own
// zooms, bounds, center and vector layers (the MVT layers in its tiles,
// named as they were exported), and attribution.
type ArchiveInfo struct {
	MinZoom, MaxZoom int
	Bounds           [4]float64
	Center           [3]float64
	Attribution      string
	VectorLayers     []VectorLayer
}

// archiveOf returns the archive serving layer id, if any.
func (s *Server) archiveOf(id string) (Archive, bool) {
	a, ok := s.archives[id]
	return a, ok
}

// anyArchived reports whether a request includes an archive layer.
func (s *Server) anyArchived(ls []*layers.Layer) bool {
	return len(s.archives) > 0 && slices.ContainsFunc(ls, func(l *layers.Layer) bool {
		_, ok := s.archives[l.ID]
		return ok
	})
}

// renderArchived answers a request that includes archive layers, through
// the cache like any tile: the rendered layers first, in request order,
// then each archive's tile. MVT layers are a repeated field, so the
// concatenation is itself a tile. A request for one archive layer alone
// keeps the archive's stored gzip bytes, so the gzip body is the one that
// was exported.
func (s *Server) renderArchived(ctx context.Context, p layers.Principal, ls []*layers.Layer, c Coord, key string) (Tile, error) {
	ids := make([]string, len(ls))
	for i, l := range ls {
		ids[i] = l.ID
	}
	return s.cache.do(ctx, key, ids, c, func(ctx context.Context) (Tile, error) {
		var reqs []layerRequest
		var raws [][]byte
		var gz []byte
		for _, l := range ls {
			a, ok := s.archiveOf(l.ID)
			if !ok {
				reqs = append(reqs, layerRequest{layer: l, fields: layers.VisibleFields(p, l)})
				continue
			}
			raw, g, err := a.ReadTile(ctx, c.Z, c.X, c.Y)
			if err != nil {
				return Tile{}, fmt.Errorf("tiles: archive layer %s: %w", l.ID, err)
			}
			if len(raw) > 0 {
				raws, gz = append(raws, raw), g
			}
		}
		var data []byte
		if len(reqs) > 0 {
			var err error
			if data, err = renderTile(ctx, s.index, reqs, c, s.opts, MVT); err != nil {
				return Tile{}, err
			}
		}
		if len(data) == 0 && len(raws) == 1 && len(gz) > 0 {
			return withETags(storedTile(raws[0], gz)), nil
		}
		return withETags(newTile(slices.Concat(append([][]byte{data}, raws...)...))), nil
	})
}

// storedTile is a tile whose gzip form is already known.
func storedTile(raw, gz []byte) Tile {
	t := newTile(raw)
	t.gz.once.Do(func() { t.gz.data = gz })
	return t
}

// archiveTileJSON describes an archive layer: the catalog names it and
// gives its access, the archive gives the rest.
func (s *Server) archiveTileJSON(l *layers.Layer, a Archive, baseURL string) ([]byte, error) {
	info := a.Info()
	doc := TileJSON{
		TileJSON:     "3.0.0",
		Name:         either(l.Title.VI, l.Title.EN),
		Description:  either(l.Description.VI, l.Description.EN),
		Attribution:  either(l.Attribution, info.Attribution),
		Scheme:       "xyz",
		Tiles:        []string{strings.TrimRight(baseURL, "/") + "/tiles/" + l.ID + "/{z}/{x}/{y}" + PathSuffix},
		MinZoom:      info.MinZoom,
		MaxZoom:      info.MaxZoom,
		Bounds:       info.Bounds,
		Center:       info.Center,
		VectorLayers: info.VectorLayers,
		Buffer:       s.opts.buffer,
		Extent:       s.opts.extent,
	}
	if doc.VectorLayers == nil {
		doc.VectorLayers = []VectorLayer{}
	}
	out, err := json.Marshal(doc)
	if err != nil {
		return nil, fmt.Errorf("tiles: tilejson %s: %w", l.ID, err)
	}
	return out, nil
}
