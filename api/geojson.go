package api

import (
	"bando/internal/jsonw"
	"bando/layers"
	"bando/spatial"

	"github.com/paulmach/orb"
)

// output says how features are written: in which CRS, and whether single
// geometries are promoted to their Multi* type (a layer that holds any
// Multi* gives all its features as Multi*: GIS clients such as GDAL then
// see one geometry type per layer instead of "Unknown").
type output struct {
	crs   crsChoice
	multi bool
}

func (s *Server) outputFor(layer string, c crsChoice) output {
	return output{crs: c, multi: s.cfg.Index.HasMulti(layer)}
}

// appendFeature writes f as a GeoJSON Feature with only the fields at the
// visible indexes, as o says. Integer ids are written as JSON numbers,
// others as strings.
func appendFeature(buf []byte, f *spatial.Feature, l *layers.Layer, visible []int, o output) ([]byte, error) {
	if !o.crs.isCRS84() || o.multi {
		moved := *f
		moved.Geom = o.crs.out(f.Geom)
		if o.multi {
			moved.Geom = promote(moved.Geom)
		}
		f = &moved
	}
	return jsonw.AppendFeature(buf, f, func(i int) string { return l.Fields[i].Name }, visible, nil)
}

// promote returns a single Point, LineString or Polygon as the Multi* of
// one; other geometries as they are.
func promote(g orb.Geometry) orb.Geometry {
	switch g := g.(type) {
	case orb.Point:
		return orb.MultiPoint{g}
	case orb.LineString:
		return orb.MultiLineString{g}
	case orb.Polygon:
		return orb.MultiPolygon{g}
	}
	return g
}

func appendJSONString(buf []byte, s string) []byte { return jsonw.AppendString(buf, s) }

func jsonQuote(s string) string { return jsonw.Quote(s) }
