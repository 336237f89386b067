package query

import (
	"encoding/json"
	"net/url"
	"strings"
)

// ParseValues reads the URL form of a query, for simple questions:
//
//	layer=L                          the layer (required)
//	lon=&lat=&radius=M               a radius clause
//	lon=&lat=&k=K[&max_m=M]          a nearest clause
//	lon=&lat=[&tolerance_m=M]        a point clause (no radius, no k)
//	bbox=w,s,e,n                     a bbox clause
//	admin=LAYER:CODE                 an admin clause by code
//	admin_name=LAYER:NAME            an admin clause by name
//	predicate=within                 for the admin clause
//	filter={…}                       a filter in its JSON form
//	group_by=admin:communes,field:s  groupings (comma-separated)
//	agg=count,sum:power_w,area_m2    aggregates (op or op:field)
//	properties=a,b  limit=N  offset=N
//
// Errors are *Error whose Path names the parameter.
func ParseValues(v url.Values) (Query, error) {
	top := map[string]any{}
	var where []any
	var params []string // the parameter behind each where clause
	for k := range v {
		switch k {
		case "layer", "lon", "lat", "radius", "k", "max_m", "tolerance_m", "bbox", "admin", "admin_name",
			"predicate", "filter", "group_by", "agg", "properties", "limit", "offset", "f":
		default:
			return Query{}, errf(CodeInvalid, k, "unknown parameter (known: layer, lon, lat, radius, k, max_m, tolerance_m, bbox, admin, admin_name, predicate, filter, group_by, agg, properties, limit, offset)")
		}
	}
	if s := v.Get("layer"); v.Has("layer") {
		top["layer"] = s
	}
	num := func(k string) any { return json.Number(strings.TrimSpace(v.Get(k))) }
	if v.Has("lon") || v.Has("lat") {
		at := map[string]any{"lon": num("lon"), "lat": num("lat")}
		switch {
		case v.Has("radius"):
			at["m"] = num("radius")
			where, params = append(where, map[string]any{"radius": at}), append(params, "radius")
		case v.Has("k"):
			at["k"] = num("k")
			if v.Has("max_m") {
				at["max_m"] = num("max_m")
			}
			where, params = append(where, map[string]any{"nearest": at}), append(params, "k")
		default:
			if v.Has("tolerance_m") {
				at["tolerance_m"] = num("tolerance_m")
			}
			where, params = append(where, map[string]any{"point": at}), append(params, "lon")
		}
	} else if v.Has("radius") || v.Has("k") {
		return Query{}, errf(CodeInvalid, "lon", "radius and k need lon and lat")
	}
	if v.Has("bbox") {
		var box []any
		for _, s := range strings.Split(v.Get("bbox"), ",") {
			box = append(box, json.Number(strings.TrimSpace(s)))
		}
		where, params = append(where, map[string]any{"bbox": box}), append(params, "bbox")
	}
	for _, k := range []string{"admin", "admin_name"} {
		if !v.Has(k) {
			continue
		}
		layer, ref, ok := strings.Cut(v.Get(k), ":")
		if !ok || layer == "" || ref == "" {
			return Query{}, errf(CodeInvalid, k, "want LAYER:%s, got %q", map[string]string{"admin": "CODE", "admin_name": "NAME"}[k], v.Get(k))
		}
		a := map[string]any{"layer": layer}
		if k == "admin" {
			a["code"] = ref
		} else {
			a["name"] = ref
		}
		c := map[string]any{"admin": a}
		if v.Has("predicate") {
			c["predicate"] = v.Get("predicate")
		}
		where, params = append(where, c), append(params, k)
	}
	if where != nil {
		top["where"] = where
	}
	if v.Has("filter") {
		var f any
		dec := json.NewDecoder(strings.NewReader(v.Get("filter")))
		dec.UseNumber()
		if err := dec.Decode(&f); err != nil {
			return Query{}, errf(CodeSyntax, "filter", "malformed JSON: %v", err)
		}
		top["filter"] = f
	}
	if v.Has("group_by") {
		top["group_by"] = list(v["group_by"])
	}
	if v.Has("agg") {
		var aggs []any
		for _, s := range list(v["agg"]) {
			op, field, _ := strings.Cut(s.(string), ":")
			a := map[string]any{"op": op}
			if field != "" {
				a["field"] = field
			}
			aggs = append(aggs, a)
		}
		top["aggregate"] = aggs
	}
	if v.Has("properties") {
		top["properties"] = list(v["properties"])
	}
	for _, k := range []string{"limit", "offset"} {
		if v.Has(k) {
			top[k] = num(k)
		}
	}
	var q Query
	if e := parseTop(&q, top); e != nil {
		return Query{}, renamePath(e, params)
	}
	return q, nil
}

// list splits comma-separated values of repeated parameters.
func list(vs []string) []any {
	var out []any
	for _, v := range vs {
		for _, s := range strings.Split(v, ",") {
			if s = strings.TrimSpace(s); s != "" {
				out = append(out, s)
			}
		}
	}
	return out
}

// renamePath names the URL parameter instead of the JSON path.
func renamePath(e *Error, params []string) *Error {
	for i, p := range params {
		prefix := index("where", i)
		if e.Path == prefix || strings.HasPrefix(e.Path, prefix+".") {
			rest := strings.TrimPrefix(strings.TrimPrefix(e.Path, prefix), ".")
			switch {
			case strings.HasSuffix(rest, ".m"):
				e.Path = "radius"
			case strings.HasSuffix(rest, ".lon"), strings.HasSuffix(rest, ".lat"), strings.HasSuffix(rest, ".k"),
				strings.HasSuffix(rest, ".max_m"), strings.HasSuffix(rest, ".tolerance_m"):
				e.Path = rest[strings.LastIndexByte(rest, '.')+1:]
			default:
				e.Path = p
			}
			return e
		}
	}
	if strings.HasPrefix(e.Path, "aggregate") {
		e.Path = "agg"
	}
	return e
}
