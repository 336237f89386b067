package query

import (
	"encoding/json"
	"fmt"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
)

const whereKinds = "point, nearest, radius, zone, admin, bbox"

func parseWheres(path string, v any) ([]Where, *Error) {
	arr, e := array(path, v)
	if e != nil {
		return nil, e
	}
	out := make([]Where, len(arr))
	nearest := false
	for i, item := range arr {
		p := index(path, i)
		if out[i], e = parseWhere(p, item); e != nil {
			return nil, e
		}
		if out[i].Kind == KindNearest {
			if nearest {
				return nil, errf(CodeInvalid, p, "only one nearest clause is allowed")
			}
			nearest = true
		}
	}
	return out, nil
}

func parseWhere(path string, v any) (Where, *Error) {
	obj, e := object(path, v)
	if e != nil {
		return Where{}, e
	}
	var w Where
	var pred any
	hasPred := false
	for _, k := range sortedKeys(obj) {
		val := obj[k]
		p := join(path, k)
		if k == "predicate" {
			pred, hasPred = val, true
			continue
		}
		if w.Kind != "" {
			return Where{}, errf(CodeInvalid, path, "one kind per clause, got %s and %s (use several clauses)", w.Kind, k)
		}
		switch Kind(k) {
		case KindPoint:
			e = parsePoint(p, val, &w)
		case KindNearest:
			e = parseNearest(p, val, &w)
		case KindRadius:
			e = parseRadius(p, val, &w)
		case KindZone:
			w.Zone, e = parseZone(p, val)
		case KindAdmin:
			e = parseAdmin(p, val, &w)
		case KindBBox:
			w.BBox, e = parseBBox(p, val)
		default:
			return Where{}, unknownKey(path, k, whereKinds+", predicate")
		}
		if e != nil {
			return Where{}, e
		}
		w.Kind = Kind(k)
	}
	if w.Kind == "" {
		return Where{}, errf(CodeInvalid, path, "a clause needs one of %s", whereKinds)
	}
	if hasPred {
		p := join(path, "predicate")
		if w.Kind != KindZone && w.Kind != KindAdmin {
			return Where{}, errf(CodeInvalid, p, "only zone and admin clauses take a predicate")
		}
		s, e := str(p, pred)
		if e != nil {
			return Where{}, e
		}
		switch Predicate(s) {
		case Intersects, Within, Contains:
			w.Predicate = Predicate(s)
		default:
			return Where{}, errf(CodeInvalid, p, "unknown predicate %q: want intersects, within or contains", s)
		}
	}
	return w, nil
}

// fields decodes an object's keys into the given setters, refusing
// unknown keys and requiring those marked required.
func fields(path string, v any, known string, required []string, set func(k string, v any) *Error) *Error {
	obj, e := object(path, v)
	if e != nil {
		return e
	}
	for _, k := range sortedKeys(obj) {
		if e := set(k, obj[k]); e != nil {
			return e
		}
	}
	for _, k := range required {
		if _, ok := obj[k]; !ok {
			return errf(CodeInvalid, join(path, k), "is required")
		}
	}
	return nil
}

func lonLat(path, k string, v any, at *orb.Point) (bool, *Error) {
	switch k {
	case "lon":
		f, e := num(join(path, k), v)
		if e == nil && (f < -180 || f > 180) {
			e = errf(CodeInvalid, join(path, k), "longitude %v is outside [-180, 180]", f)
		}
		at[0] = f
		return true, e
	case "lat":
		f, e := num(join(path, k), v)
		if e == nil && (f < -90 || f > 90) {
			e = errf(CodeInvalid, join(path, k), "latitude %v is outside [-90, 90]", f)
		}
		at[1] = f
		return true, e
	}
	return false, nil
}

func parsePoint(path string, v any, w *Where) *Error {
	return fields(path, v, "", []string{"lon", "lat"}, func(k string, v any) *Error {
		if ok, e := lonLat(path, k, v, &w.At); ok {
			return e
		}
		if k != "tolerance_m" {
			return unknownKey(path, k, "lon, lat, tolerance_m")
		}
		f, e := num(join(path, k), v)
		if e == nil && f < 0 {
			e = errf(CodeInvalid, join(path, k), "must not be negative, got %v", f)
		}
		w.ToleranceM = f
		return e
	})
}

func parseNearest(path string, v any, w *Where) *Error {
	return fields(path, v, "", []string{"lon", "lat", "k"}, func(k string, v any) *Error {
		if ok, e := lonLat(path, k, v, &w.At); ok {
			return e
		}
		var e *Error
		switch k {
		case "k":
			w.K, e = nonNegInt(join(path, k), v)
			if e == nil && w.K == 0 {
				e = errf(CodeInvalid, join(path, k), "must be at least 1")
			}
		case "max_m":
			w.MaxM, e = num(join(path, k), v)
			if e == nil && w.MaxM <= 0 {
				e = errf(CodeInvalid, join(path, k), "must be positive, got %v", w.MaxM)
			}
		default:
			e = unknownKey(path, k, "lon, lat, k, max_m")
		}
		return e
	})
}

func parseRadius(path string, v any, w *Where) *Error {
	return fields(path, v, "", []string{"lon", "lat", "m"}, func(k string, v any) *Error {
		if ok, e := lonLat(path, k, v, &w.At); ok {
			return e
		}
		if k != "m" {
			return unknownKey(path, k, "lon, lat, m")
		}
		f, e := num(join(path, k), v)
		if e == nil && f < 0 {
			e = errf(CodeInvalid, join(path, k), "radius must not be negative, got %v", f)
		}
		w.M = f
		return e
	})
}

func parseAdmin(path string, v any, w *Where) *Error {
	e := fields(path, v, "", []string{"layer"}, func(k string, v any) *Error {
		var e *Error
		switch k {
		case "layer":
			w.Admin.Layer, e = str(join(path, k), v)
		case "code":
			w.Admin.Code, e = str(join(path, k), v)
		case "name":
			w.Admin.Name, e = str(join(path, k), v)
		default:
			e = unknownKey(path, k, "layer, code, name")
		}
		return e
	})
	if e != nil {
		return e
	}
	if (w.Admin.Code == "") == (w.Admin.Name == "") {
		return errf(CodeInvalid, path, "give one of code or name")
	}
	return nil
}

func parseBBox(path string, v any) (orb.Bound, *Error) {
	arr, e := array(path, v)
	if e != nil {
		return orb.Bound{}, e
	}
	if len(arr) != 4 {
		return orb.Bound{}, errf(CodeInvalid, path, "want [west, south, east, north], got %d numbers", len(arr))
	}
	var c [4]float64
	for i, x := range arr {
		if c[i], e = num(index(path, i), x); e != nil {
			return orb.Bound{}, e
		}
	}
	switch {
	case c[0] < -180 || c[2] > 180 || c[1] < -90 || c[3] > 90:
		return orb.Bound{}, errf(CodeInvalid, path, "box %v is outside [-180, -90, 180, 90]", c)
	case c[0] > c[2] || c[1] > c[3]:
		return orb.Bound{}, errf(CodeInvalid, path, "box %v has west > east or south > north", c)
	}
	return orb.Bound{Min: orb.Point{c[0], c[1]}, Max: orb.Point{c[2], c[3]}}, nil
}

// parseZone reads a GeoJSON Polygon or MultiPolygon (or a Feature holding
// one) and checks its coordinates; its validity is checked when the query
// runs, against the configured vertex limit.
func parseZone(path string, v any) (orb.Geometry, *Error) {
	obj, e := object(path, v)
	if e != nil {
		return nil, e
	}
	if obj["type"] == "Feature" {
		path = join(path, "geometry")
		if obj, e = object(path, obj["geometry"]); e != nil {
			return nil, e
		}
	}
	t, _ := obj["type"].(string)
	if t != "Polygon" && t != "MultiPolygon" {
		return nil, errf(CodeInvalid, join(path, "type"), "a zone is a GeoJSON Polygon or MultiPolygon, got %s", describe(obj["type"]))
	}
	raw, err := json.Marshal(obj)
	if err != nil {
		return nil, errf(CodeInvalid, path, "%v", err)
	}
	g, err := geojson.UnmarshalGeometry(raw)
	if err != nil {
		return nil, errf(CodeInvalid, join(path, "coordinates"), "not a GeoJSON %s: %v", t, err)
	}
	geom := g.Geometry()
	if geom == nil {
		return nil, errf(CodeInvalid, join(path, "coordinates"), "empty %s", t)
	}
	if e := checkPositions(join(path, "coordinates"), geom); e != nil {
		return nil, e
	}
	return geom, nil
}

func describe(v any) string {
	if s, ok := v.(string); ok {
		return fmt.Sprintf("%q", s)
	}
	return typeName(v)
}

func checkPositions(path string, g orb.Geometry) *Error {
	var bad *orb.Point
	visit := func(r orb.Ring) {
		for i := range r {
			if p := r[i]; bad == nil && (p[0] < -180 || p[0] > 180 || p[1] < -90 || p[1] > 90) {
				bad = &p
			}
		}
	}
	switch g := g.(type) {
	case orb.Polygon:
		for _, r := range g {
			visit(r)
		}
	case orb.MultiPolygon:
		for _, pg := range g {
			for _, r := range pg {
				visit(r)
			}
		}
	}
	if bad != nil {
		return errf(CodeInvalid, path, "position %v is outside [-180, 180] × [-90, 90]", *bad)
	}
	return nil
}
