package api

import (
	"encoding/json"
	"math"
	"strconv"
	"strings"
)

// questionParams are the parameters of the URL form of a question. Any
// other parameter is refused: a client that misspells one must not believe
// it filtered.
var questionParams = map[string]bool{
	"layer": true, "lon": true, "lat": true, "radius": true, "tolerance_m": true, "k": true, "max_m": true,
	"bbox": true, "admin": true, "admin_name": true, "predicate": true, "filter": true,
	"group_by": true, "agg": true, "properties": true, "limit": true, "offset": true,
	"f": true, "geometry": true,
}

// queryFromURL turns the URL form into the JSON form that query.Parse
// reads, so both forms share one parser and one set of rules:
//
//	layer=L                       the layer asked about (required)
//	lon=&lat=&radius=M            features within M metres (ellipsoidal)
//	lon=&lat=&k=N[&max_m=M]       the N nearest
//	lon=&lat=[&tolerance_m=T]     features at the point
//	bbox=w,s,e,n                  features meeting the box
//	admin=LAYER:CODE              features meeting the unit (predicate=within|contains|intersects)
//	admin_name=LAYER:NAME         the same, by name without diacritics
//	filter={json}                 a filter of the JSON form
//	group_by=admin:L,field:F      grouped figures…
//	agg=count,sum:F,avg:F,…       …of these aggregates
//	properties=a,b  limit=  offset=
func queryFromURL(v Query) ([]byte, error) {
	for k := range v.Values() {
		if !questionParams[k] {
			return nil, badRequest("unknown parameter " + quote(k) + "; see the README's /api/query")
		}
	}
	q := map[string]any{"layer": v.Get("layer")}
	where, err := urlWhere(v)
	if err != nil {
		return nil, err
	}
	if len(where) > 0 {
		q["where"] = where
	}
	if s := v.Get("filter"); s != "" {
		q["filter"] = json.RawMessage(s)
		if !json.Valid([]byte(s)) {
			return nil, badRequest("filter: not JSON")
		}
	}
	if s := v.Get("group_by"); s != "" {
		q["group_by"] = strings.Split(s, ",")
	}
	if s := v.Get("agg"); s != "" {
		q["aggregate"] = urlAggs(s)
	} else if q["group_by"] != nil {
		q["aggregate"] = []map[string]string{{"op": "count"}}
	}
	if s := v.Get("properties"); s != "" {
		q["properties"] = strings.Split(s, ",")
	}
	for _, k := range []string{"limit", "offset"} {
		if s := v.Get(k); s != "" {
			n, err := strconv.Atoi(s)
			if err != nil {
				return nil, badRequest(k + ": want an integer, got " + quote(s))
			}
			q[k] = n
		}
	}
	return json.Marshal(q)
}

// urlWhere reads the where clauses of the URL form.
func urlWhere(v Query) ([]any, error) {
	var where []any
	num := func(k string) (float64, bool, error) {
		s := v.Get(k)
		if s == "" {
			return 0, false, nil
		}
		f, err := strconv.ParseFloat(s, 64)
		if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
			return 0, false, badRequest(k + ": want a number, got " + quote(s))
		}
		return f, true, nil
	}
	lon, hasLon, err := num("lon")
	if err != nil {
		return nil, err
	}
	lat, hasLat, err := num("lat")
	if err != nil {
		return nil, err
	}
	if hasLon != hasLat {
		return nil, badRequest("lon and lat go together")
	}
	if hasLon {
		c, err := urlPointClause(v, lon, lat, num)
		if err != nil {
			return nil, err
		}
		where = append(where, c)
	} else {
		for _, k := range []string{"radius", "k", "max_m", "tolerance_m"} {
			if v.Has(k) {
				return nil, badRequest(k + " needs lon and lat")
			}
		}
	}
	if s := v.Get("bbox"); s != "" {
		parts := strings.Split(s, ",")
		if len(parts) != 4 {
			return nil, badRequest("bbox: want w,s,e,n, got " + quote(s))
		}
		box := make([]float64, 4)
		for i, p := range parts {
			if box[i], err = strconv.ParseFloat(strings.TrimSpace(p), 64); err != nil {
				return nil, badRequest("bbox: want w,s,e,n, got " + quote(s))
			}
		}
		where = append(where, map[string]any{"bbox": box})
	}
	for _, k := range []string{"admin", "admin_name"} {
		s := v.Get(k)
		if s == "" {
			continue
		}
		layer, ref, ok := strings.Cut(s, ":")
		if !ok || layer == "" || ref == "" {
			return nil, badRequest(k + ": want LAYER:" + map[string]string{"admin": "CODE", "admin_name": "NAME"}[k] + ", got " + quote(s))
		}
		a := map[string]string{"layer": layer, "code": ref}
		if k == "admin_name" {
			a = map[string]string{"layer": layer, "name": ref}
		}
		c := map[string]any{"admin": a}
		if pr := v.Get("predicate"); pr != "" {
			c["predicate"] = pr
		}
		where = append(where, c)
	}
	return where, nil
}

// urlPointClause is the clause of lon/lat: a radius, the nearest k or the
// point itself.
func urlPointClause(v Query, lon, lat float64, num func(string) (float64, bool, error)) (any, error) {
	at := map[string]any{"lon": lon, "lat": lat}
	if m, ok, err := num("radius"); err != nil {
		return nil, err
	} else if ok {
		at["m"] = m
		return map[string]any{"radius": at}, nil
	}
	if k, ok, err := num("k"); err != nil {
		return nil, err
	} else if ok {
		at["k"] = k
		if m, ok, err := num("max_m"); err != nil {
			return nil, err
		} else if ok {
			at["max_m"] = m
		}
		return map[string]any{"nearest": at}, nil
	}
	if t, ok, err := num("tolerance_m"); err != nil {
		return nil, err
	} else if ok {
		at["tolerance_m"] = t
	}
	return map[string]any{"point": at}, nil
}

// urlAggs reads agg=count,sum:F,…: an op, or op:field.
func urlAggs(s string) []map[string]string {
	var out []map[string]string
	for _, a := range strings.Split(s, ",") {
		op, field, _ := strings.Cut(strings.TrimSpace(a), ":")
		m := map[string]string{"op": op}
		if field != "" {
			m["field"] = field
		}
		out = append(out, m)
	}
	return out
}
