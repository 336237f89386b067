package query

import (
	"strconv"

	"bando/internal/jsonw"
	"bando/layers"
	"bando/spatial"
)

// Result is the answer to a query: features (Grouped false) or figures.
type Result struct {
	Layer *layers.Layer
	// Matched is how many features matched (numberMatched).
	Matched int
	// Features is the page of matches, in order; Fields the indexes of the
	// layer fields to return with them (the properties selection, within
	// what the principal may see).
	Features []Hit
	Fields   []int
	// Grouped answers: GroupNames name the key parts (a field, or an
	// admin layer whose unit code is the value), FigureNames the figures
	// ("count", "sum_power_w", "area_m2").
	Grouped     bool
	GroupNames  []string
	FigureNames []string
	Groups      []Group
	Total       Group
	// Repairs says how a drawn zone was repaired before use, if it was.
	Repairs []string
}

// Hit is one matching feature, with its distance in metres on the WGS84
// ellipsoid from the query's point when a point is involved.
type Hit struct {
	Feature   *spatial.Feature
	DistanceM float64
	// While the engine ranks candidates, a hit is only a reference to the
	// stored feature (ref, and id, read in place under the layer's read
	// lock); materialise makes Feature for the hits of the page. num and
	// numeric cache the id's integer value for ordering (spatial.Less
	// order) without parsing it at every comparison.
	//
	// The fields are laid out so that a Hit is 48 bytes: the ranking
	// sorts and moves them.
	id          string
	num         uint64
	ref         uint32
	HasDistance bool // DistanceM is measured
	numeric     bool
}

// newHit refers to the feature v, not yet materialised.
func newHit(v spatial.FeatureView) Hit {
	if n, ok := v.NumericID(); ok { // from the slot: the id is not read
		return Hit{ref: v.Ref(), num: n, numeric: true}
	}
	return Hit{ref: v.Ref(), id: v.ID()}
}

func hitFor(ref uint32, id string) Hit {
	n, ok := spatial.NumericID(id)
	return Hit{ref: ref, id: id, num: n, numeric: ok}
}

// Group is one group: Key parts in GroupNames order (a unit code or field
// value; nil when absent or in no unit) and Figures in FigureNames order
// (int64 for counts and integer sums, minima and maxima; float64
// otherwise; nil for a figure over no values).
type Group struct {
	Key     []any
	Figures []any
}

// MarshalJSON writes a GeoJSON FeatureCollection with numberMatched and
// numberReturned (and distance_m in the properties when measured), or a
// grouped answer {"groups": [{"key": {...}, "count": …}], "total": {...}}.
func (r *Result) MarshalJSON() ([]byte, error) {
	if r.Grouped {
		return r.appendGroups(nil), nil
	}
	buf := []byte(`{"type":"FeatureCollection","numberMatched":`)
	buf = strconv.AppendInt(buf, int64(r.Matched), 10)
	buf = append(buf, `,"numberReturned":`...)
	buf = strconv.AppendInt(buf, int64(len(r.Features)), 10)
	buf = append(buf, `,"features":[`...)
	for i, h := range r.Features {
		if i > 0 {
			buf = append(buf, ',')
		}
		var err error
		if buf, err = r.appendHit(buf, h); err != nil {
			return nil, err
		}
	}
	buf = append(buf, ']')
	buf = r.appendRepairs(buf)
	return append(buf, '}'), nil
}

func (r *Result) appendHit(buf []byte, h Hit) ([]byte, error) {
	var extra func([]byte, bool) []byte
	if h.HasDistance {
		extra = func(buf []byte, sep bool) []byte {
			if sep {
				buf = append(buf, ',')
			}
			buf = append(buf, `"distance_m":`...)
			return jsonw.AppendValue(buf, h.DistanceM)
		}
	}
	return jsonw.AppendFeature(buf, h.Feature, func(i int) string { return r.Layer.Fields[i].Name }, r.Fields, extra)
}

func (r *Result) appendGroups(buf []byte) []byte {
	buf = append(buf, `{"groups":[`...)
	for i, g := range r.Groups {
		if i > 0 {
			buf = append(buf, ',')
		}
		buf = append(buf, `{"key":{`...)
		for j, name := range r.GroupNames {
			if j > 0 {
				buf = append(buf, ',')
			}
			buf = jsonw.AppendString(buf, name)
			buf = append(buf, ':')
			buf = jsonw.AppendValue(buf, g.Key[j])
		}
		buf = append(buf, '}')
		buf = r.appendFigures(buf, g, true)
		buf = append(buf, '}')
	}
	buf = append(buf, `],"total":{`...)
	buf = r.appendFigures(buf, r.Total, false)
	buf = append(buf, '}')
	buf = r.appendRepairs(buf)
	return append(buf, '}')
}

func (r *Result) appendFigures(buf []byte, g Group, comma bool) []byte {
	for i, name := range r.FigureNames {
		if comma || i > 0 {
			buf = append(buf, ',')
		}
		buf = jsonw.AppendString(buf, name)
		buf = append(buf, ':')
		buf = jsonw.AppendValue(buf, g.Figures[i])
	}
	return buf
}

func (r *Result) appendRepairs(buf []byte) []byte {
	if len(r.Repairs) == 0 {
		return buf
	}
	buf = append(buf, `,"repairs":[`...)
	for i, s := range r.Repairs {
		if i > 0 {
			buf = append(buf, ',')
		}
		buf = jsonw.AppendString(buf, s)
	}
	return append(buf, ']')
}
