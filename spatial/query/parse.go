package query

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"maps"
	"math"
	"slices"
	"strings"
)

// MaxFilterDepth bounds the nesting of and/or/not in a filter, and
// MaxFilterNodes its size, so that a hostile body cannot make evaluation
// deep or long.
const (
	MaxFilterDepth = 32
	MaxFilterNodes = 1000
)

// Parse reads a query from its JSON form (see the package documentation).
// It checks the shape and every value that needs no catalog: coordinates,
// radii, counts, predicates, operators. Whether the layer, its fields and
// admin units exist, and whether values fit the fields' types, is checked
// when the query runs. Errors are *Error with a JSON path.
func Parse(b []byte) (Query, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return Query{}, syntaxError(err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return Query{}, errf(CodeSyntax, "", "unexpected data after the query object")
	}
	obj, e := object("", v)
	if e != nil {
		return Query{}, e
	}
	var q Query
	if e := parseTop(&q, obj); e != nil {
		return Query{}, e
	}
	return q, nil
}

func syntaxError(err error) *Error {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return errf(CodeSyntax, "", "malformed JSON at byte %d: %v", se.Offset, se)
	}
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return errf(CodeSyntax, "", "malformed JSON: unexpected end of input")
	}
	return errf(CodeSyntax, "", "malformed JSON: %v", err)
}

func parseTop(q *Query, obj map[string]any) *Error {
	for _, k := range sortedKeys(obj) {
		v := obj[k]
		var e *Error
		switch k {
		case "layer":
			q.Layer, e = str(k, v)
			if e == nil && q.Layer == "" {
				e = errf(CodeInvalid, k, "must not be empty")
			}
		case "where":
			q.Where, e = parseWheres(k, v)
		case "filter":
			n := 0
			q.Filter, e = parseFilter(k, v, 0, &n)
		case "group_by":
			q.GroupBy, e = parseGroupBy(k, v)
		case "aggregate":
			q.Aggregate, e = parseAggregates(k, v)
		case "properties":
			q.Properties, e = strs(k, v)
			if e == nil && q.Properties == nil {
				q.Properties = []string{}
			}
		case "limit":
			q.Limit, e = nonNegInt(k, v)
		case "offset":
			q.Offset, e = nonNegInt(k, v)
		default:
			e = unknownKey("", k, "layer, where, filter, group_by, aggregate, properties, limit, offset")
		}
		if e != nil {
			return e
		}
	}
	if _, ok := obj["layer"]; !ok {
		return errf(CodeInvalid, "layer", "is required")
	}
	return nil
}

func parseGroupBy(path string, v any) ([]GroupKey, *Error) {
	ss, e := strs(path, v)
	if e != nil {
		return nil, e
	}
	out := make([]GroupKey, len(ss))
	for i, s := range ss {
		p := index(path, i)
		kind, name, ok := strings.Cut(s, ":")
		switch {
		case !ok || name == "":
			return nil, errf(CodeInvalid, p, "want \"field:<name>\" or \"admin:<layer>\", got %q", s)
		case kind == "field":
			out[i].Field = name
		case kind == "admin":
			out[i].AdminLayer = name
		default:
			return nil, errf(CodeInvalid, p, "unknown grouping %q: want \"field:<name>\" or \"admin:<layer>\"", kind)
		}
		for j := range i {
			if out[j].Name() == out[i].Name() {
				return nil, errf(CodeInvalid, p, "%q is grouped by twice", out[i].Name())
			}
		}
	}
	return out, nil
}

func parseAggregates(path string, v any) ([]Aggregate, *Error) {
	arr, e := array(path, v)
	if e != nil {
		return nil, e
	}
	out := make([]Aggregate, len(arr))
	for i, item := range arr {
		p := index(path, i)
		obj, e := object(p, item)
		if e != nil {
			return nil, e
		}
		a := &out[i]
		for _, k := range sortedKeys(obj) {
			v := obj[k]
			switch k {
			case "op":
				a.Op, e = str(join(p, k), v)
			case "field":
				a.Field, e = str(join(p, k), v)
			default:
				e = unknownKey(p, k, "op, field")
			}
			if e != nil {
				return nil, e
			}
		}
		switch a.Op {
		case "count", "area_m2", "length_m":
			if a.Field != "" {
				return nil, errf(CodeInvalid, join(p, "field"), "%s takes no field", a.Op)
			}
		case "sum", "avg", "min", "max":
			if a.Field == "" {
				return nil, errf(CodeInvalid, join(p, "field"), "%s needs a field", a.Op)
			}
		case "":
			return nil, errf(CodeInvalid, join(p, "op"), "is required")
		default:
			return nil, errf(CodeInvalid, join(p, "op"), "unknown aggregate %q: want count, sum, avg, min, max, area_m2 or length_m", a.Op)
		}
		for j := range i {
			if out[j].Name() == a.Name() {
				return nil, errf(CodeInvalid, p, "%s is asked twice", a.Name())
			}
		}
	}
	return out, nil
}

// JSON value helpers: each names the path and the expected type.

func typeName(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case bool:
		return "a boolean"
	case json.Number:
		return "a number"
	case string:
		return "a string"
	case []any:
		return "an array"
	case map[string]any:
		return "an object"
	}
	return "a value"
}

func wrongType(path, want string, v any) *Error {
	return errf(CodeInvalid, path, "want %s, got %s", want, typeName(v))
}

func unknownKey(path, k, known string) *Error {
	return errf(CodeInvalid, join(path, k), "unknown key (known: %s)", known)
}

func object(path string, v any) (map[string]any, *Error) {
	m, ok := v.(map[string]any)
	if !ok {
		return nil, wrongType(path, "an object", v)
	}
	return m, nil
}

func array(path string, v any) ([]any, *Error) {
	a, ok := v.([]any)
	if !ok {
		return nil, wrongType(path, "an array", v)
	}
	return a, nil
}

func str(path string, v any) (string, *Error) {
	s, ok := v.(string)
	if !ok {
		return "", wrongType(path, "a string", v)
	}
	return s, nil
}

func strs(path string, v any) ([]string, *Error) {
	arr, e := array(path, v)
	if e != nil {
		return nil, e
	}
	out := make([]string, len(arr))
	for i, x := range arr {
		if out[i], e = str(index(path, i), x); e != nil {
			return nil, e
		}
	}
	return out, nil
}

func num(path string, v any) (float64, *Error) {
	n, ok := v.(json.Number)
	if !ok {
		return 0, wrongType(path, "a number", v)
	}
	f, err := n.Float64()
	if err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
		return 0, errf(CodeInvalid, path, "number %s is out of range", n)
	}
	return f, nil
}

func nonNegInt(path string, v any) (int, *Error) {
	f, e := num(path, v)
	if e != nil {
		return 0, e
	}
	if f != math.Trunc(f) || f < 0 || f > 1<<31 {
		return 0, errf(CodeInvalid, path, "want a non-negative integer, got %v", v)
	}
	return int(f), nil
}

// sortedKeys makes error reports deterministic: the first bad key in
// byte order is the one named.
func sortedKeys(m map[string]any) []string { return slices.Sorted(maps.Keys(m)) }
