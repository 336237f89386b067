package api

import (
	"context"
	"slices"
	"strings"
	"time"

	"bando/layers"
	"bando/spatial"
	"bando/spatial/cql2"
	"bando/spatial/query"
)

// itemsParams are the query parameters of /collections/{id}/items (OGC API
// Features Parts 1 and 3); anything else is refused, so that a client
// never believes it filtered when it did not.
var itemsParams = []string{"limit", "offset", "bbox", "bbox-crs", "crs", "datetime", "properties", "sortby",
	"filter", "filter-lang", "filter-crs", "f"}

// itemParams are those of a single feature.
var itemParams = []string{"properties", "crs", "f"}

// checkParams refuses unknown parameters, naming each.
func checkParams(q Query, known []string) error {
	var unknown []string
	for k := range q.Values() {
		if !slices.Contains(known, k) {
			unknown = append(unknown, k)
		}
	}
	if len(unknown) == 0 {
		return nil
	}
	slices.Sort(unknown)
	return badRequest("unknown query parameter " + strings.Join(quoteAll(unknown), ", ") +
		"; known: " + strings.Join(known, ", "))
}

func quoteAll(s []string) []string {
	out := make([]string, len(s))
	for i, x := range s {
		out[i] = quote(x)
	}
	return out
}

// engineParams are the parameters only the query engine answers.
func needsEngine(q Query) bool {
	return q.Has("filter") || q.Has("datetime") || q.Has("sortby") || q.Has("properties")
}

// filteredItems answers items through the query engine (one query
// model): bbox, filter, datetime, sortby and properties become one
// query.Query.
func (s *Server) filteredItems(ctx context.Context, r *Request, p layers.Principal, l *layers.Layer, pg page) *Response {
	q, err := itemsQuery(r.Query, l, pg)
	if err != nil {
		return errorResponse(err)
	}
	res, err := s.queries.Run(ctx, p, q)
	if err != nil {
		return queryError(err)
	}
	feats := make([]*spatial.Feature, len(res.Features))
	for i, h := range res.Features {
		feats[i] = h.Feature
	}
	return s.featureCollectionOf(r, l, feats, res.Matched, pg, res.Fields)
}

func itemsQuery(v Query, l *layers.Layer, pg page) (query.Query, error) {
	q := query.Query{Layer: l.ID, Limit: pg.limit, Offset: pg.offset}
	var filters []*query.Filter
	switch len(pg.boxes) {
	case 0:
	case 1:
		q.Where = append(q.Where, query.Where{Kind: query.KindBBox, BBox: pg.boxes[0]})
	default: // an antimeridian box: either half
		or := &query.Filter{Op: "or"}
		for _, b := range pg.boxes {
			or.Args = append(or.Args, &query.Filter{Op: "where", Where: &query.Where{Kind: query.KindBBox, BBox: b}})
		}
		filters = append(filters, or)
	}
	if pg.bboxZone != nil {
		q.Where = append(q.Where, query.Where{Kind: query.KindZone, Zone: pg.bboxZone})
	}
	if v.Has("filter") {
		fc, err := parseCRS("filter-crs", v.Get("filter-crs"))
		if err != nil {
			return q, err
		}
		e, err := cql2.Parse(v.Get("filter"), v.Get("filter-lang"))
		if err != nil {
			return q, badRequest(err.Error())
		}
		w, f, err := cql2.Compile(e)
		if err != nil {
			return q, badRequest(err.Error())
		}
		fc.whereIn(w, f)
		q.Where = append(q.Where, w...)
		if f != nil {
			filters = append(filters, f)
		}
	} else if v.Has("filter-lang") || v.Has("filter-crs") {
		return q, badRequest("filter-lang and filter-crs need a filter")
	}
	if v.Has("datetime") {
		f, err := datetimeFilter(l, v.Get("datetime"))
		if err != nil {
			return q, err
		}
		filters = append(filters, f)
	}
	switch len(filters) {
	case 0:
	case 1:
		q.Filter = filters[0]
	default:
		q.Filter = &query.Filter{Op: "and", Args: filters}
	}
	if v.Has("sortby") {
		for _, k := range strings.Split(v.Get("sortby"), ",") {
			k = strings.TrimSpace(k)
			key := query.SortKey{Field: strings.TrimLeft(k, "+-"), Desc: strings.HasPrefix(k, "-")}
			if key.Field == "" {
				return q, badRequest("sortby: empty key in " + quote(v.Get("sortby")))
			}
			q.SortBy = append(q.SortBy, key)
		}
	}
	if v.Has("properties") {
		q.Properties = []string{}
		for _, name := range strings.Split(v.Get("properties"), ",") {
			if name = strings.TrimSpace(name); name != "" {
				q.Properties = append(q.Properties, name)
			}
		}
	}
	return q, nil
}

// datetimeFilter reads OGC API's datetime (an instant, or an interval
// a/b with ".." or "" for an open end) as a filter on the layer's time
// field, as T_INTERSECTS would.
func datetimeFilter(l *layers.Layer, v string) (*query.Filter, error) {
	if l.Time == "" {
		return nil, badRequest("collection " + quote(l.ID) + " has no time field: datetime does not apply")
	}
	parse := func(s string) (any, error) {
		if s == "" || s == ".." {
			return nil, nil
		}
		t, err := time.Parse(time.RFC3339Nano, s)
		if err != nil {
			if t, err = time.Parse(time.DateOnly, s); err != nil {
				return nil, badRequest("datetime: " + quote(s) + " is not an RFC 3339 time such as 2025-07-01T00:00:00Z")
			}
		}
		return t.UTC().Format(time.RFC3339Nano), nil
	}
	lo, hi, interval := strings.Cut(v, "/")
	a, err := parse(lo)
	if err != nil {
		return nil, err
	}
	if !interval {
		if a == nil {
			return nil, badRequest("datetime: " + quote(v) + " is not a time or an interval")
		}
		return &query.Filter{Op: "=", Field: l.Time, Value: a}, nil
	}
	b, err := parse(hi)
	if err != nil {
		return nil, err
	}
	var parts []*query.Filter
	if a != nil {
		parts = append(parts, &query.Filter{Op: ">=", Field: l.Time, Value: a})
	}
	if b != nil {
		parts = append(parts, &query.Filter{Op: "<=", Field: l.Time, Value: b})
	}
	if len(parts) == 0 {
		return &query.Filter{Op: "not", Args: []*query.Filter{{Op: "is_null", Field: l.Time}}}, nil
	}
	return &query.Filter{Op: "and", Args: parts}, nil
}

// selectFields is the properties selection of a single feature: the
// fields named (a hidden one is unknown), or every visible one.
func selectFields(v Query, p layers.Principal, l *layers.Layer) ([]int, error) {
	visible := layers.VisibleFields(p, l)
	if !v.Has("properties") {
		return visible, nil
	}
	out := []int{}
	for _, name := range strings.Split(v.Get("properties"), ",") {
		if name = strings.TrimSpace(name); name == "" {
			continue
		}
		i := l.FieldIndex(name)
		if i < 0 || !slices.Contains(visible, i) {
			return nil, badRequest("collection " + quote(l.ID) + " has no field " + quote(name))
		}
		out = append(out, i)
	}
	return out, nil
}

// filterConformance are the classes of Part 3 and CQL2 that items meets
// (see spatial/cql2 for what each predicate compiles to).
var filterConformance = []string{
	"http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/queryables",
	"http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/filter",
	"http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/features-filter",
	"http://www.opengis.net/spec/cql2/1.0/conf/cql2-text",
	"http://www.opengis.net/spec/cql2/1.0/conf/cql2-json",
	"http://www.opengis.net/spec/cql2/1.0/conf/basic-cql2",
	"http://www.opengis.net/spec/cql2/1.0/conf/advanced-comparison-operators",
	"http://www.opengis.net/spec/cql2/1.0/conf/basic-spatial-functions",
}
