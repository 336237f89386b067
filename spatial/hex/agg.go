package hex

import (
	"fmt"
	"strconv"
	"strings"
)

// Op is an aggregate operation.
type Op string

// The operations per cell. Count is always reported, whether asked or not.
const (
	Count Op = "count"
	Sum   Op = "sum"
	Avg   Op = "avg"
)

// Agg is one figure per cell: Count, or Sum / Avg of a numeric field.
// Field names the field; Index is its position in Feature.Props, set by the
// caller from the layer schema (ParseAgg leaves it -1), after checking the
// field exists, is numeric and may be seen by the principal.
//
// Sum and Avg skip features whose value is absent (nil), as SQL does. A sum
// is an integer while every value is an int64 and a float once any value is
// a float64; an average is a float, or null for a cell with no values.
type Agg struct {
	Op    Op
	Field string
	Index int
}

// Key is the figure's name in a cell: "count", "sum_power_w", "avg_floors".
func (a Agg) Key() string {
	if a.Op == Count {
		return "count"
	}
	return string(a.Op) + "_" + a.Field
}

// ParseAgg parses one aggregate as the URL writes it: "count",
// "sum:FIELD" or "avg:FIELD".
func ParseAgg(s string) (Agg, error) {
	op, field, hasField := strings.Cut(s, ":")
	switch Op(op) {
	case Count:
		if hasField {
			return Agg{}, badParam("agg", strconv.Quote(s), "count takes no field")
		}
		return Agg{Op: Count, Index: -1}, nil
	case Sum, Avg:
		if !validField(field) {
			return Agg{}, badParam("agg", strconv.Quote(s), "%s needs a field name: %s:FIELD", op, op)
		}
		return Agg{Op: Op(op), Field: field, Index: -1}, nil
	}
	return Agg{}, badParam("agg", strconv.Quote(s), "want count, sum:FIELD or avg:FIELD")
}

// ParseAggs parses a comma-separated list ("count,sum:power_w"). An empty
// string is count alone; the same figure twice is an error.
func ParseAggs(s string) ([]Agg, error) {
	if s == "" {
		return []Agg{{Op: Count, Index: -1}}, nil
	}
	var out []Agg
	seen := map[string]bool{}
	for part := range strings.SplitSeq(s, ",") {
		a, err := ParseAgg(part)
		if err != nil {
			return nil, err
		}
		if seen[a.Key()] {
			return nil, badParam("agg", strconv.Quote(part), "asked twice")
		}
		seen[a.Key()] = true
		out = append(out, a)
	}
	return out, nil
}

// validField accepts the names a layer schema may give a field: non-empty,
// at most 64 bytes, no separators of the URL form, no control characters.
func validField(f string) bool {
	if f == "" || len(f) > 64 || strings.ContainsAny(f, ",:") {
		return false
	}
	for _, r := range f {
		if r < 0x20 || r == 0x7f || r == '\uFFFD' {
			return false
		}
	}
	return true
}

// number returns v as a number: ok is false for nil (skipped), err for a
// value that is not numeric.
func number(a Agg, v any) (i int64, f float64, isFloat, ok bool, err error) {
	switch v := v.(type) {
	case nil:
		return 0, 0, false, false, nil
	case int64:
		return v, 0, false, true, nil
	case float64:
		return 0, v, true, true, nil
	}
	return 0, 0, false, false, fmt.Errorf("hex: %s of field %q: a %T is not a number", a.Op, a.Field, v)
}

// Bind sets the Index of every Sum and Avg with lookup, which gives a
// field's position in Feature.Props and whether it is numeric (int or
// float), and ok=false for a field the layer does not have or the
// principal may not see: both get the same *Error, so a restricted field
// looks exactly like a missing one.
func Bind(aggs []Agg, lookup func(field string) (index int, numeric, ok bool)) error {
	for i, a := range aggs {
		if a.Op == Count {
			continue
		}
		idx, numeric, ok := lookup(a.Field)
		switch {
		case !ok:
			return badParam("agg", strconv.Quote(string(a.Op)+":"+a.Field), "unknown field %q", a.Field)
		case !numeric:
			return badParam("agg", strconv.Quote(string(a.Op)+":"+a.Field), "field %q is not numeric", a.Field)
		}
		aggs[i].Index = idx
	}
	return nil
}
