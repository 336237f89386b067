package tiles

import (
	"encoding/json"
	"fmt"
	"math"
	"strings"

	"github.com/paulmach/orb"

	"bando/layers"
)

// TileJSON is a TileJSON 3.0.0 document for one layer, with bando's
// non-standard "buffer" and "extent" (tile units) so clients can tell how
// far features reach beyond the tile edge, "encoding" (the format of
// "tiles": "mvt" or "mlt", as MapLibre names a vector source's encoding)
// and "formats" (the tile URL templates of every format served).
type TileJSON struct {
	TileJSON     string        `json:"tilejson"`
	Name         string        `json:"name"`
	Description  string        `json:"description,omitempty"`
	Attribution  string        `json:"attribution"`
	Scheme       string        `json:"scheme"`
	Tiles        []string      `json:"tiles"`
	MinZoom      int           `json:"minzoom"`
	MaxZoom      int           `json:"maxzoom"`
	Bounds       [4]float64    `json:"bounds"`
	Center       [3]float64    `json:"center"`
	VectorLayers []VectorLayer `json:"vector_layers"`
	Buffer       int           `json:"buffer"`
	Extent       int           `json:"extent"`
	Encoding     string        `json:"encoding"`
	// Formats maps each format's name ("mvt", "mlt") to its tile URLs.
	Formats map[string][]string `json:"formats"`
	// Generalization says which zooms are generalised and how
	// (generalize_tilejson.go).
	Generalization *Generalization `json:"generalization,omitempty"`
}

// VectorLayer describes one layer of the tiles. Fields maps each field the
// principal may see to the type it has in the tile: "String" (strings and
// times, which are written as RFC 3339), "Number" or "Boolean", as
// tippecanoe and MapLibre tools expect.
type VectorLayer struct {
	ID          string            `json:"id"`
	Description string            `json:"description"`
	MinZoom     int               `json:"minzoom"`
	MaxZoom     int               `json:"maxzoom"`
	Fields      map[string]string `json:"fields"`
}

// worldBounds is the Web Mercator world in lon/lat.
var worldBounds = orb.Bound{Min: orb.Point{-180, -MaxLatitude}, Max: orb.Point{180, MaxLatitude}}

// TileJSON returns the TileJSON document of a layer for p. baseURL is the
// public root of the API (no trailing slash needed); tiles are at
// baseURL/tiles/<id>/{z}/{x}/{y}.mvt. Name and descriptions are in
// Vietnamese, falling back to English. Bounds are the layer's extent in the
// index, or the world for an empty layer. An unknown layer and a layer p
// may not see give the same error wrapping layers.ErrUnknownLayer.
func (s *Server) TileJSON(p layers.Principal, layerID, baseURL string) ([]byte, error) {
	return s.TileJSONFormat(p, layerID, baseURL, MVT)
}

// TileJSONFormat is TileJSON with "tiles" in format f (the other formats
// stay listed in "formats").
func (s *Server) TileJSONFormat(p layers.Principal, layerID, baseURL string, f Format) ([]byte, error) {
	if strings.Contains(layerID, ",") {
		return s.combinedTileJSON(p, strings.Split(layerID, ","), baseURL, f)
	}
	l, err := s.visibleLayer(p, layerID)
	if err != nil {
		return nil, err
	}
	if a, ok := s.archiveOf(l.ID); ok {
		return s.archiveTileJSON(l, a, baseURL)
	}
	out, err := json.Marshal(s.layerTileJSON(p, l, baseURL, f))
	if err != nil {
		return nil, fmt.Errorf("tiles: tilejson %s: %w", l.ID, err)
	}
	return out, nil
}

// layerTileJSON is the document of one layer served from the index.
func (s *Server) layerTileJSON(p layers.Principal, l *layers.Layer, baseURL string, f Format) TileJSON {
	b, ok := s.index.Extent(l.ID)
	if !ok {
		b = worldBounds
	}
	b.Min[1] = max(b.Min[1], -MaxLatitude)
	b.Max[1] = min(b.Max[1], MaxLatitude)
	c := b.Center()
	base := strings.TrimRight(baseURL, "/") + "/tiles/" + l.ID + "/{z}/{x}/{y}"
	v := versionQuery(s.Version([]string{l.ID}))
	return TileJSON{
		TileJSON:    "3.0.0",
		Name:        either(l.Title.VI, l.Title.EN),
		Description: either(l.Description.VI, l.Description.EN),
		Attribution: l.Attribution,
		Scheme:      "xyz",
		Tiles:       []string{base + f.Suffix() + v},
		MinZoom:     l.Zoom.Min,
		MaxZoom:     l.Zoom.Max,
		Bounds:      [4]float64{b.Min[0], b.Min[1], b.Max[0], b.Max[1]},
		Center:      [3]float64{c[0], c[1], float64(centerZoom(b, l.Zoom))},
		VectorLayers: []VectorLayer{{
			ID:          l.ID,
			Description: either(l.Description.VI, l.Description.EN, l.Title.VI, l.Title.EN),
			MinZoom:     l.Zoom.Min,
			MaxZoom:     l.Zoom.Max,
			Fields:      tileFields(p, l),
		}},
		Buffer:         s.opts.buffer,
		Extent:         s.opts.extent,
		Encoding:       f.String(),
		Formats:        map[string][]string{"mvt": {base + MVT.Suffix() + v}, "mlt": {base + MLT.Suffix() + v}},
		Generalization: s.generalization(p, l),
	}
}

// tileFields maps the fields p may see to their type in the tile.
func tileFields(p layers.Principal, l *layers.Layer) map[string]string {
	out := make(map[string]string)
	for _, i := range layers.VisibleFields(p, l) {
		f := l.Fields[i]
		switch f.Type {
		case layers.TypeInt, layers.TypeFloat:
			out[f.Name] = "Number"
		case layers.TypeBool:
			out[f.Name] = "Boolean"
		default:
			out[f.Name] = "String"
		}
	}
	return out
}

// centerZoom is the deepest zoom at which b still fits in about one tile,
// kept within the layer's range.
func centerZoom(b orb.Bound, zr layers.Zoom) int {
	w := lonToWorld(b.Max[0]) - lonToWorld(b.Min[0])
	h := latToWorld(b.Min[1]) - latToWorld(b.Max[1])
	z := zr.Max
	if span := max(w, h); span > 0 {
		z = int(math.Floor(-math.Log2(span)))
	}
	return max(zr.Min, min(z, zr.Max))
}

func either(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}
