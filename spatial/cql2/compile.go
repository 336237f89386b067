package cql2

import (
	"encoding/json"
	"time"

	"bando/spatial/query"

	"github.com/paulmach/orb"
)

// GeometryName is the queryable that stands for a feature's geometry.
const GeometryName = "geometry"

// Compile turns a filter into spatial/query's model: the spatial
// predicates ANDed at the top become where clauses (so the index narrows
// the search), the rest one field filter, where a spatial predicate under
// OR or NOT is a "where" filter. Field names are checked when the query
// runs, against what the principal may see: a hidden field is unknown.
func Compile(e Expr) ([]query.Where, *query.Filter, error) {
	var wheres []query.Where
	var rest []*query.Filter
	for _, term := range conjuncts(e) {
		if w, ok, err := topWhere(term); err != nil {
			return nil, nil, err
		} else if ok {
			wheres = append(wheres, w)
			continue
		}
		f, err := toFilter(term)
		if err != nil {
			return nil, nil, err
		}
		rest = append(rest, f)
	}
	switch len(rest) {
	case 0:
		return wheres, nil, nil
	case 1:
		return wheres, rest[0], nil
	}
	return wheres, &query.Filter{Op: "and", Args: rest}, nil
}

// conjuncts flattens nested ANDs.
func conjuncts(e Expr) []Expr {
	if op, ok := e.(Op); ok && op.Name == "and" {
		var out []Expr
		for _, a := range op.Args {
			out = append(out, conjuncts(a)...)
		}
		return out
	}
	return []Expr{e}
}

// topWhere returns the where clause of a spatial predicate that can stand
// as one (not s_disjoint, which is a negation).
func topWhere(e Expr) (query.Where, bool, error) {
	op, ok := e.(Op)
	if !ok || !spatialOps[op.Name] || op.Name == "s_disjoint" {
		return query.Where{}, false, nil
	}
	w, err := spatialWhere(op)
	return w, err == nil, err
}

func toFilter(e Expr) (*query.Filter, error) {
	op, ok := e.(Op)
	if !ok {
		if lit, ok := e.(Literal); ok {
			if b, ok := lit.Value.(bool); ok {
				return constant(b), nil
			}
		}
		return nil, errorf("a filter must be a predicate, got %s", kindOf(e))
	}
	switch op.Name {
	case "and", "or":
		if len(op.Args) < 2 {
			return nil, errorf("%s wants at least 2 arguments", op.Name)
		}
		f := &query.Filter{Op: op.Name}
		for _, a := range op.Args {
			c, err := toFilter(a)
			if err != nil {
				return nil, err
			}
			f.Args = append(f.Args, c)
		}
		return f, nil
	case "not":
		if len(op.Args) != 1 {
			return nil, errorf("not wants 1 argument")
		}
		c, err := toFilter(op.Args[0])
		if err != nil {
			return nil, err
		}
		return &query.Filter{Op: "not", Args: []*query.Filter{c}}, nil
	case "=", "<>", "<", "<=", ">", ">=":
		return comparison(op)
	case "like":
		return like(op)
	case "between":
		return between(op)
	case "in":
		return in(op)
	case "isNull":
		if len(op.Args) != 1 {
			return nil, errorf("isNull wants 1 argument")
		}
		name, err := property(op.Args[0], op.Name)
		if err != nil {
			return nil, err
		}
		return &query.Filter{Op: "is_null", Field: name}, nil
	case "s_disjoint":
		w, err := spatialWhere(Op{Name: "s_intersects", Args: op.Args})
		if err != nil {
			return nil, err
		}
		return &query.Filter{Op: "not", Args: []*query.Filter{{Op: "where", Where: &w}}}, nil
	}
	if spatialOps[op.Name] {
		w, err := spatialWhere(op)
		if err != nil {
			return nil, err
		}
		return &query.Filter{Op: "where", Where: &w}, nil
	}
	if temporalOps[op.Name] {
		return temporal(op)
	}
	return nil, errorf("unsupported operator %q", op.Name)
}

// constant is TRUE or FALSE as a filter the model can hold.
func constant(b bool) *query.Filter {
	if b {
		return &query.Filter{Op: "and", Args: nil}
	}
	return &query.Filter{Op: "or", Args: nil}
}

var flipped = map[string]string{"=": "=", "<>": "<>", "<": ">", "<=": ">=", ">": "<", ">=": "<="}

var modelOp = map[string]string{"=": "=", "<>": "!=", "<": "<", "<=": "<=", ">": ">", ">=": ">="}

func comparison(op Op) (*query.Filter, error) {
	if len(op.Args) != 2 {
		return nil, errorf("%s wants 2 arguments", op.Name)
	}
	a, b, name := op.Args[0], op.Args[1], op.Name
	if _, ok := a.(Property); !ok {
		a, b, name = b, a, flipped[name]
	}
	field, err := property(a, op.Name)
	if err != nil {
		return nil, err
	}
	v, err := value(b)
	if err != nil {
		return nil, err
	}
	return &query.Filter{Op: modelOp[name], Field: field, Value: v}, nil
}

func like(op Op) (*query.Filter, error) {
	if len(op.Args) != 2 {
		return nil, errorf("like wants 2 arguments")
	}
	field, err := property(op.Args[0], "like")
	if err != nil {
		return nil, err
	}
	lit, ok := op.Args[1].(Literal)
	s, isStr := lit.Value.(string)
	if !ok || !isStr {
		return nil, errorf("like wants a quoted pattern, got %s", kindOf(op.Args[1]))
	}
	return &query.Filter{Op: "like", Field: field, Value: s}, nil
}

func between(op Op) (*query.Filter, error) {
	if len(op.Args) != 3 {
		return nil, errorf("between wants 3 arguments")
	}
	field, err := property(op.Args[0], "between")
	if err != nil {
		return nil, err
	}
	lo, err := value(op.Args[1])
	if err != nil {
		return nil, err
	}
	hi, err := value(op.Args[2])
	if err != nil {
		return nil, err
	}
	return &query.Filter{Op: "between", Field: field, Value: []any{lo, hi}}, nil
}

func in(op Op) (*query.Filter, error) {
	if len(op.Args) != 2 {
		return nil, errorf("in wants 2 arguments")
	}
	field, err := property(op.Args[0], "in")
	if err != nil {
		return nil, err
	}
	arr, ok := op.Args[1].(Array)
	if !ok || len(arr.Items) == 0 {
		return nil, errorf("in wants a non-empty list")
	}
	var vals []any
	for _, x := range arr.Items {
		v, err := value(x)
		if err != nil {
			return nil, err
		}
		vals = append(vals, v)
	}
	return &query.Filter{Op: "in", Field: field, Value: vals}, nil
}

// property returns the name of a property argument; the geometry is not
// a field.
func property(e Expr, op string) (string, error) {
	p, ok := e.(Property)
	if !ok {
		return "", errorf("%s wants a property, got %s", op, kindOf(e))
	}
	if p.Name == GeometryName {
		return "", errorf("%s is not defined on the geometry; use a spatial predicate", op)
	}
	return p.Name, nil
}

// value is a literal as the model's filter value: a string, json.Number,
// bool, or an RFC 3339 string for an instant.
func value(e Expr) (any, error) {
	switch e := e.(type) {
	case Literal:
		return e.Value, nil
	case Instant:
		t, err := instant(e)
		if err != nil {
			return nil, err
		}
		return t.Format(time.RFC3339Nano), nil
	}
	return nil, errorf("want a literal value, got %s", kindOf(e))
}

func instant(e Instant) (time.Time, error) {
	if e.Date {
		t, err := time.Parse(time.DateOnly, e.Value)
		if err != nil {
			return time.Time{}, errorf("DATE(%q): want YYYY-MM-DD", e.Value)
		}
		return t, nil
	}
	t, err := time.Parse(time.RFC3339Nano, e.Value)
	if err != nil {
		return time.Time{}, errorf("TIMESTAMP(%q): want RFC 3339, such as 2025-07-01T00:00:00Z", e.Value)
	}
	return t.UTC(), nil
}

func kindOf(e Expr) string {
	switch e := e.(type) {
	case Op:
		return "the operation " + e.Name
	case Property:
		return "the property " + e.Name
	case Literal:
		b, _ := json.Marshal(e.Value)
		return "the value " + string(b)
	case Instant:
		return "a time"
	case Interval:
		return "an interval"
	case Geometry, BBox:
		return "a geometry"
	case Array:
		return "a list"
	}
	return "nothing"
}

// zoneOf returns a geometry argument as a zone (polygon or multipolygon,
// a BBOX as its rectangle).
func zoneOf(e Expr) (orb.Geometry, bool) {
	switch e := e.(type) {
	case BBox:
		return e.B.ToPolygon(), true
	case Geometry:
		switch e.G.(type) {
		case orb.Polygon, orb.MultiPolygon:
			return e.G, true
		}
	}
	return nil, false
}
