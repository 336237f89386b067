package query

import (
	"encoding/json"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"bando/layers"
	"bando/spatial"
)

// tri is SQL's three-valued logic: a comparison with an absent value is
// unknown, not false, so that not(x = 1) selects what SQL selects.
type tri int8

const (
	triFalse tri = iota
	triTrue
	triNull
)

func triOf(b bool) tri {
	if b {
		return triTrue
	}
	return triFalse
}

func (e *Engine) compileFilter(pl *plan, path string, f *Filter) (func(*feat) tri, error) {
	lim := e.lim
	switch f.Op {
	case "and", "or":
		var args []func(*feat) tri
		for i, a := range f.Args {
			c, err := e.compileFilter(pl, index(join(path, f.Op), i), a)
			if err != nil {
				return nil, err
			}
			args = append(args, c)
		}
		if f.Op == "and" {
			return func(p *feat) tri {
				out := triTrue
				for _, a := range args {
					switch a(p) {
					case triFalse:
						return triFalse
					case triNull:
						out = triNull
					}
				}
				return out
			}, nil
		}
		return func(p *feat) tri {
			out := triFalse
			for _, a := range args {
				switch a(p) {
				case triTrue:
					return triTrue
				case triNull:
					out = triNull
				}
			}
			return out
		}, nil
	case "not":
		a, err := e.compileFilter(pl, join(path, "not"), f.Args[0])
		if err != nil {
			return nil, err
		}
		return func(p *feat) tri {
			switch a(p) {
			case triTrue:
				return triFalse
			case triFalse:
				return triTrue
			}
			return triNull
		}, nil
	case "where":
		return e.compileSpatialFilter(pl, path, f.Where)
	}
	i, er := field(pl.p, pl.layer, join(path, "field"), f.Field)
	if er != nil {
		return nil, er
	}
	fd := &pl.layer.Fields[i]
	if f.Op == "is_null" {
		return func(f *feat) tri { return triOf(f.v.Prop(i).IsNull()) }, nil
	}
	cmp, err := compileCompare(join(path, "value"), fd, f, lim)
	if err != nil {
		return nil, err
	}
	want := propKind(fd.Type)
	return func(f *feat) tri {
		x := f.v.Prop(i)
		if k := x.Kind(); k == spatial.PropNull || k != want && !(want == spatial.PropTrue && k == spatial.PropFalse) {
			return triNull // absent, or not of the field's type (bad data)
		}
		return triOf(cmp(x))
	}, nil
}

// compileCompare returns the test of a present value against the filter's
// value(s), which must suit the field's type.
func compileCompare(path string, fd *layers.Field, f *Filter, lim Limits) (func(spatial.Value) bool, error) {
	if f.Op == "like" {
		return compileLike(path, fd, f)
	}
	if f.Op == "prefix" {
		if fd.Type != layers.TypeString {
			return nil, errf(CodeInvalid, path, "prefix needs a text field; %q is %s", fd.Name, fd.Type)
		}
		s, ok := f.Value.(string)
		if !ok {
			return nil, wrongType(path, "a string", f.Value)
		}
		want := Fold(s)
		return func(v spatial.Value) bool { return strings.HasPrefix(Fold(v.Str()), want) }, nil
	}
	if fd.Type == layers.TypeBool && f.Op != "=" && f.Op != "!=" && f.Op != "in" {
		return nil, errf(CodeInvalid, strings.TrimSuffix(path, ".value")+".op", "%s is not defined for the boolean field %q", f.Op, fd.Name)
	}
	switch f.Op {
	case "in":
		arr := f.Value.([]any)
		if len(arr) > lim.MaxInValues {
			return nil, errf(CodeLimit, path, "%d values, at most %d", len(arr), lim.MaxInValues)
		}
		var keys []any
		for i, x := range arr {
			k, err := typedValue(index(path, i), fd, x)
			if err != nil {
				return nil, err
			}
			keys = append(keys, k)
		}
		return func(v spatial.Value) bool {
			return slices.ContainsFunc(keys, func(k any) bool { return compareValue(v, k) == 0 })
		}, nil
	case "between":
		arr := f.Value.([]any)
		lo, err := typedValue(index(path, 0), fd, arr[0])
		if err != nil {
			return nil, err
		}
		hi, err := typedValue(index(path, 1), fd, arr[1])
		if err != nil {
			return nil, err
		}
		return func(v spatial.Value) bool { return compareValue(v, lo) >= 0 && compareValue(v, hi) <= 0 }, nil
	}
	k, err := typedValue(path, fd, f.Value)
	if err != nil {
		return nil, err
	}
	var ok func(int) bool
	switch f.Op {
	case "=":
		ok = func(c int) bool { return c == 0 }
	case "!=":
		ok = func(c int) bool { return c != 0 }
	case "<":
		ok = func(c int) bool { return c < 0 }
	case "<=":
		ok = func(c int) bool { return c <= 0 }
	case ">":
		ok = func(c int) bool { return c > 0 }
	case ">=":
		ok = func(c int) bool { return c >= 0 }
	default:
		return nil, errf(CodeInvalid, path, "unknown operator %q", f.Op)
	}
	return func(v spatial.Value) bool { return ok(compareValue(v, k)) }, nil
}

// typedValue converts a JSON value to the in-memory type of the field, or
// says what the field wants.
func typedValue(path string, fd *layers.Field, v any) (any, error) {
	mismatch := func(want string) error {
		return errf(CodeInvalid, path, "field %q is %s: want %s, got %s", fd.Name, fd.Type, want, typeName(v))
	}
	switch fd.Type {
	case layers.TypeString:
		if s, ok := v.(string); ok {
			return s, nil
		}
		return nil, mismatch("a string")
	case layers.TypeBool:
		if b, ok := v.(bool); ok {
			return b, nil
		}
		return nil, mismatch("true or false")
	case layers.TypeInt:
		n, ok := v.(json.Number)
		if !ok {
			return nil, mismatch("an integer")
		}
		if i, err := strconv.ParseInt(string(n), 10, 64); err == nil {
			return i, nil
		}
		f, err := n.Float64()
		if err != nil || f != math.Trunc(f) || math.Abs(f) > 1<<53 {
			return nil, errf(CodeInvalid, path, "field %q is int: want an integer, got %s", fd.Name, n)
		}
		return int64(f), nil
	case layers.TypeFloat:
		n, ok := v.(json.Number)
		if !ok {
			return nil, mismatch("a number")
		}
		f, err := n.Float64()
		if err != nil || math.IsInf(f, 0) {
			return nil, errf(CodeInvalid, path, "number %s is out of range", n)
		}
		return f, nil
	case layers.TypeTime:
		s, ok := v.(string)
		if !ok {
			return nil, mismatch("an RFC 3339 time string")
		}
		t, err := time.Parse(time.RFC3339Nano, s)
		if err != nil {
			return nil, errf(CodeInvalid, path, "field %q is time: want an RFC 3339 time such as 2025-07-01T00:00:00Z, got %q", fd.Name, s)
		}
		return t, nil
	}
	return nil, mismatch("a value")
}

// compare orders two values of one field type (strings by bytes, as a C
// collation; false before true).
func compare(a, b any) int {
	switch a := a.(type) {
	case string:
		return strings.Compare(a, b.(string))
	case int64:
		bi := b.(int64)
		switch {
		case a < bi:
			return -1
		case a > bi:
			return 1
		}
		return 0
	case float64:
		bf := b.(float64)
		switch {
		case a < bf:
			return -1
		case a > bf:
			return 1
		}
		return 0
	case bool:
		bb := b.(bool)
		switch {
		case a == bb:
			return 0
		case !a:
			return -1
		}
		return 1
	case time.Time:
		return a.Compare(b.(time.Time))
	}
	return 0
}

// propKind is the stored kind of a field type's values (PropTrue standing
// for both booleans).
func propKind(t layers.FieldType) spatial.PropKind {
	switch t {
	case layers.TypeString:
		return spatial.PropString
	case layers.TypeInt:
		return spatial.PropInt
	case layers.TypeFloat:
		return spatial.PropFloat
	case layers.TypeBool:
		return spatial.PropTrue
	case layers.TypeTime:
		return spatial.PropTime
	}
	return spatial.PropNull
}

// compareValue is compare for a stored value read in place (of the type
// of k, which the caller checked), without boxing it.
func compareValue(v spatial.Value, k any) int {
	switch v.Kind() {
	case spatial.PropString:
		return strings.Compare(v.Str(), k.(string))
	case spatial.PropInt:
		return cmpOrdered(v.Int(), k.(int64))
	case spatial.PropFloat:
		return cmpOrdered(v.Float(), k.(float64))
	case spatial.PropFalse, spatial.PropTrue:
		a, b := v.Bool(), k.(bool)
		switch {
		case a == b:
			return 0
		case !a:
			return -1
		}
		return 1
	case spatial.PropTime:
		return v.Time().Compare(k.(time.Time))
	}
	return 0
}

// cmpOrdered is cmp.Compare without its NaN ordering: NaN compares equal
// to everything, as compare's explicit < and > make it.
func cmpOrdered[T int64 | float64](a, b T) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
