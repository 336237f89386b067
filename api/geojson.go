package api

import (
	"math"
	"strconv"
	"time"

	"bando/layers"
	"bando/spatial"

	"github.com/paulmach/orb/geojson"
)

// appendFeature writes f as a GeoJSON Feature with only the fields at the
// visible indexes. Integer ids are written as JSON numbers, others as strings.
func appendFeature(buf []byte, f *spatial.Feature, l *layers.Layer, visible []int) ([]byte, error) {
	buf = append(buf, `{"type":"Feature","id":`...)
	if _, ok := spatial.NumericID(f.ID); ok {
		buf = append(buf, f.ID...)
	} else {
		buf = appendJSONString(buf, f.ID)
	}
	g, err := geojson.NewGeometry(f.Geom).MarshalJSON()
	if err != nil {
		return nil, err
	}
	buf = append(buf, `,"geometry":`...)
	buf = append(buf, g...)
	buf = append(buf, `,"properties":{`...)
	first := true
	for _, i := range visible {
		if i >= len(f.Props) || f.Props[i] == nil {
			continue
		}
		if !first {
			buf = append(buf, ',')
		}
		first = false
		buf = appendJSONString(buf, l.Fields[i].Name)
		buf = append(buf, ':')
		buf = appendValue(buf, f.Props[i])
	}
	return append(buf, "}}"...), nil
}

func appendValue(buf []byte, v any) []byte {
	switch v := v.(type) {
	case string:
		return appendJSONString(buf, v)
	case int64:
		return strconv.AppendInt(buf, v, 10)
	case float64:
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return append(buf, "null"...) // JSON has no NaN or infinity
		}
		return strconv.AppendFloat(buf, v, 'g', -1, 64)
	case bool:
		return strconv.AppendBool(buf, v)
	case time.Time:
		return appendJSONString(buf, v.UTC().Format(time.RFC3339Nano))
	}
	return append(buf, "null"...)
}
