package cql2

import (
	"strings"
	"time"

	"bando/spatial/query"
)

// temporal compiles a temporal predicate on an instant property (a time
// field) against an instant or an interval, to comparisons:
//
//	T_AFTER(t, x)       t > end of x
//	T_BEFORE(t, x)      t < start of x
//	T_EQUALS(t, i)      t = i
//	T_INTERSECTS(t, x)  start of x <= t <= end of x
//	T_DURING(t, x)      start of x < t < end of x
//	T_DISJOINT(t, x)    not T_INTERSECTS(t, x)
//
// An open end ("..") drops its bound.
func temporal(op Op) (*query.Filter, error) {
	if len(op.Args) != 2 {
		return nil, errorf("%s wants 2 arguments", strings.ToUpper(op.Name))
	}
	name, a, b := op.Name, op.Args[0], op.Args[1]
	if _, ok := a.(Property); !ok {
		a, b = b, a
		switch name {
		case "t_after":
			name = "t_before"
		case "t_before":
			name = "t_after"
		case "t_during", "t_contains":
			return nil, errorf("%s wants the property first", strings.ToUpper(op.Name))
		}
	}
	field, err := property(a, op.Name)
	if err != nil {
		return nil, err
	}
	lo, hi, err := span(b)
	if err != nil {
		return nil, err
	}
	cmp := func(o string, v any) *query.Filter {
		if v == nil {
			return nil
		}
		return &query.Filter{Op: o, Field: field, Value: v}
	}
	switch name {
	case "t_after":
		return orTrue(cmp(">", hi)), nil
	case "t_before":
		return orTrue(cmp("<", lo)), nil
	case "t_equals":
		if _, ok := b.(Interval); ok {
			return nil, errorf("T_EQUALS of an instant field and an interval is never true; use T_INTERSECTS")
		}
		return cmp("=", lo), nil
	case "t_intersects":
		return both(cmp(">=", lo), cmp("<=", hi), field), nil
	case "t_during":
		return both(cmp(">", lo), cmp("<", hi), field), nil
	case "t_disjoint":
		return &query.Filter{Op: "not", Args: []*query.Filter{both(cmp(">=", lo), cmp("<=", hi), field)}}, nil
	}
	return nil, errorf("%s is not supported (T_AFTER, T_BEFORE, T_EQUALS, T_INTERSECTS, T_DURING, T_DISJOINT are)", strings.ToUpper(op.Name))
}

// orTrue is f, or "the field is present" when an open end removed it.
func orTrue(f *query.Filter) *query.Filter {
	if f == nil {
		return constant(true)
	}
	return f
}

// both ANDs the bounds that are set; with none, the field must be present
// (a comparison with an absent value is unknown, as in SQL).
func both(a, b *query.Filter, field string) *query.Filter {
	switch {
	case a != nil && b != nil:
		return &query.Filter{Op: "and", Args: []*query.Filter{a, b}}
	case a != nil:
		return a
	case b != nil:
		return b
	}
	return &query.Filter{Op: "not", Args: []*query.Filter{{Op: "is_null", Field: field}}}
}

// span returns the bounds of an instant (both the same) or an interval
// (nil for an open end), as RFC 3339 strings.
func span(e Expr) (lo, hi any, err error) {
	switch e := e.(type) {
	case Instant:
		v, err := value(e)
		return v, v, err
	case Interval:
		if lo, err = end(e.Start); err != nil {
			return nil, nil, err
		}
		if hi, err = end(e.End); err != nil {
			return nil, nil, err
		}
		return lo, hi, nil
	case Literal:
		if s, ok := e.Value.(string); ok {
			return span(intervalEnd(s))
		}
	}
	return nil, nil, errorf("want a TIMESTAMP, DATE or INTERVAL, got %s", kindOf(e))
}

func end(e Expr) (any, error) {
	if l, ok := e.(Literal); ok {
		if s, _ := l.Value.(string); s == ".." || s == "" {
			return nil, nil
		}
		if s, ok := l.Value.(string); ok {
			e = intervalEnd(s)
		}
	}
	in, ok := e.(Instant)
	if !ok {
		return nil, errorf("an interval end must be a time or \"..\", got %s", kindOf(e))
	}
	t, err := instant(in)
	if err != nil {
		return nil, err
	}
	return t.Format(time.RFC3339Nano), nil
}
