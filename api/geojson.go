package api

import (
	"bando/internal/jsonw"
	"bando/layers"
	"bando/spatial"
)

// appendFeature writes f as a GeoJSON Feature with only the fields at the
// visible indexes, its geometry in the CRS c. Integer ids are written as
// JSON numbers, others as strings.
func appendFeature(buf []byte, f *spatial.Feature, l *layers.Layer, visible []int, c crsChoice) ([]byte, error) {
	if !c.isCRS84() {
		moved := *f
		moved.Geom = c.out(f.Geom)
		f = &moved
	}
	return jsonw.AppendFeature(buf, f, func(i int) string { return l.Fields[i].Name }, visible, nil)
}

func appendJSONString(buf []byte, s string) []byte { return jsonw.AppendString(buf, s) }

func jsonQuote(s string) string { return jsonw.Quote(s) }
