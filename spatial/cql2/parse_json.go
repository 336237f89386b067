package cql2

import (
	"bytes"
	"encoding/json"
	"math"
	"strings"

	"github.com/paulmach/orb/geojson"
)

// ParseJSON reads a filter in CQL2 JSON, e.g.
//
//	{"op":"and","args":[{"op":"=","args":[{"property":"building"},"school"]},
//	  {"op":"s_intersects","args":[{"property":"geometry"},{"bbox":[106.6,10.7,106.8,10.9]}]}]}
func ParseJSON(b []byte) (Expr, error) {
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		return nil, errorf("not JSON: %v", err)
	}
	if d.More() {
		return nil, errorf("more than one JSON value")
	}
	nodes := 0
	return fromJSON(v, 0, &nodes)
}

func fromJSON(v any, depth int, nodes *int) (Expr, error) {
	if depth > MaxDepth {
		return nil, errorf("nested deeper than %d", MaxDepth)
	}
	if *nodes++; *nodes > MaxNodes {
		return nil, errorf("more than %d parts", MaxNodes)
	}
	switch v := v.(type) {
	case string, json.Number, bool:
		return Literal{Value: v}, nil
	case []any:
		arr := Array{Items: []Expr{}}
		for _, x := range v {
			e, err := fromJSON(x, depth+1, nodes)
			if err != nil {
				return nil, err
			}
			arr.Items = append(arr.Items, e)
		}
		return arr, nil
	case map[string]any:
		return objectFromJSON(v, depth, nodes)
	case nil:
		return nil, errorf("null is not a value")
	}
	return nil, errorf("unexpected %T", v)
}

func objectFromJSON(v map[string]any, depth int, nodes *int) (Expr, error) {
	if op, ok := v["op"]; ok {
		name, ok := op.(string)
		if !ok {
			return nil, errorf(`"op" must be a string`)
		}
		args, ok := v["args"].([]any)
		if !ok && v["args"] != nil {
			return nil, errorf(`"args" of %q must be an array`, name)
		}
		if len(v) > 2 || len(v) == 2 && v["args"] == nil {
			return nil, errorf(`an operation has only "op" and "args"`)
		}
		if strings.EqualFold(name, "bbox") {
			// cql2-rs writes a BBOX literal as an operation:
			// {"op":"bbox","args":[w,s,e,n]}; the spec's form is {"bbox":[…]}.
			return bboxFromJSON(args)
		}
		out := Op{Name: strings.ToLower(name)}
		if out.Name == "isnull" {
			out.Name = "isNull"
		}
		for _, a := range args {
			e, err := fromJSON(a, depth+1, nodes)
			if err != nil {
				return nil, err
			}
			out.Args = append(out.Args, e)
		}
		return out, nil
	}
	if len(v) != 1 && v["type"] == nil {
		return nil, errorf("unknown object with keys %v", keys(v))
	}
	switch {
	case v["property"] != nil:
		s, ok := v["property"].(string)
		if !ok || s == "" {
			return nil, errorf(`"property" must be a name`)
		}
		return Property{Name: s}, nil
	case v["timestamp"] != nil, v["date"] != nil:
		s, ok := v["timestamp"].(string)
		date := false
		if !ok {
			s, ok = v["date"].(string)
			date = true
		}
		if !ok {
			return nil, errorf("a timestamp or date must be a string")
		}
		return Instant{Value: s, Date: date}, nil
	case v["interval"] != nil:
		arr, ok := v["interval"].([]any)
		if !ok || len(arr) != 2 {
			return nil, errorf(`"interval" wants [start, end]`)
		}
		var ends [2]Expr
		for i, x := range arr {
			s, ok := x.(string)
			if !ok {
				e, err := fromJSON(x, depth+1, nodes)
				if err != nil {
					return nil, err
				}
				ends[i] = e
				continue
			}
			ends[i] = intervalEnd(s)
		}
		return Interval{Start: ends[0], End: ends[1]}, nil
	case v["bbox"] != nil:
		arr, ok := v["bbox"].([]any)
		if !ok {
			return nil, errorf(`"bbox" wants 4 numbers`)
		}
		return bboxFromJSON(arr)
	case v["type"] != nil:
		b, _ := json.Marshal(v)
		g, err := geojson.UnmarshalGeometry(b)
		if err != nil {
			return nil, errorf("geometry: %v", err)
		}
		return Geometry{G: g.Geometry()}, nil
	}
	return nil, errorf("unknown object with keys %v", keys(v))
}

// intervalEnd reads a string end of a JSON interval: "..", a date or a
// timestamp.
func intervalEnd(s string) Expr {
	if s == ".." {
		return Literal{Value: s}
	}
	return Instant{Value: s, Date: len(s) == len("2006-01-02")}
}

func keys(m map[string]any) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

// bboxFromJSON reads the numbers of a BBOX literal.
func bboxFromJSON(arr []any) (Expr, error) {
	var n []float64
	for _, x := range arr {
		num, ok := x.(json.Number)
		f, err := num.Float64()
		if !ok || err != nil || math.IsInf(f, 0) {
			return nil, errorf(`"bbox" wants numbers, got %v`, x)
		}
		n = append(n, f)
	}
	return bboxOf(n)
}
