package query

import "slices"

// Comparison operators of a filter.
var compareOps = []string{"=", "!=", "<", "<=", ">", ">=", "in", "between", "is_null", "prefix", "like"}

func parseFilter(path string, v any, depth int, nodes *int) (*Filter, *Error) {
	if depth > MaxFilterDepth {
		return nil, errf(CodeLimit, path, "filter nested deeper than %d", MaxFilterDepth)
	}
	if *nodes++; *nodes > MaxFilterNodes {
		return nil, errf(CodeLimit, path, "filter has more than %d parts", MaxFilterNodes)
	}
	obj, e := object(path, v)
	if e != nil {
		return nil, e
	}
	for _, op := range []string{"and", "or", "not"} {
		if _, ok := obj[op]; ok {
			if len(obj) != 1 {
				return nil, errf(CodeInvalid, path, "%q stands alone in its object", op)
			}
			return parseLogic(join(path, op), op, obj[op], depth, nodes)
		}
	}
	f := &Filter{}
	hasValue := false
	for _, k := range sortedKeys(obj) {
		val := obj[k]
		p := join(path, k)
		switch k {
		case "field":
			if f.Field, e = str(p, val); e == nil && f.Field == "" {
				e = errf(CodeInvalid, p, "must not be empty")
			}
		case "op":
			f.Op, e = str(p, val)
			if e == nil && !slices.Contains(compareOps, f.Op) {
				e = errf(CodeInvalid, p, "unknown operator %q: want one of = != < <= > >= in between is_null prefix like", f.Op)
			}
		case "value":
			f.Value, hasValue = val, true
		default:
			e = unknownKey(path, k, "field, op, value, and, or, not")
		}
		if e != nil {
			return nil, e
		}
	}
	switch {
	case f.Field == "":
		return nil, errf(CodeInvalid, join(path, "field"), "is required")
	case f.Op == "":
		return nil, errf(CodeInvalid, join(path, "op"), "is required")
	case f.Op == "is_null" && hasValue:
		return nil, errf(CodeInvalid, join(path, "value"), "is_null takes no value")
	case f.Op != "is_null" && !hasValue:
		return nil, errf(CodeInvalid, join(path, "value"), "is required for %s", f.Op)
	}
	return f, checkValueShape(join(path, "value"), f)
}

// checkValueShape checks what does not depend on the field's type: a list
// for in, a pair for between, a scalar otherwise.
func checkValueShape(path string, f *Filter) *Error {
	switch f.Op {
	case "is_null":
		return nil
	case "in":
		arr, e := array(path, f.Value)
		if e != nil {
			return e
		}
		if len(arr) == 0 {
			return errf(CodeInvalid, path, "in needs at least one value")
		}
		for i, x := range arr {
			if !scalar(x) {
				return wrongType(index(path, i), "a string, number or boolean", x)
			}
		}
	case "between":
		arr, e := array(path, f.Value)
		if e != nil {
			return e
		}
		if len(arr) != 2 || !scalar(arr[0]) || !scalar(arr[1]) {
			return errf(CodeInvalid, path, "between needs [low, high]")
		}
	default:
		if !scalar(f.Value) {
			return wrongType(path, "a string, number or boolean", f.Value)
		}
	}
	return nil
}

func scalar(v any) bool {
	switch v.(type) {
	case []any, map[string]any, nil:
		return false
	}
	return true
}

func parseLogic(path, op string, v any, depth int, nodes *int) (*Filter, *Error) {
	f := &Filter{Op: op}
	if op == "not" {
		a, e := parseFilter(path, v, depth+1, nodes)
		if e != nil {
			return nil, e
		}
		f.Args = []*Filter{a}
		return f, nil
	}
	arr, e := array(path, v)
	if e != nil {
		return nil, e
	}
	if len(arr) == 0 {
		return nil, errf(CodeInvalid, path, "%s needs at least one filter", op)
	}
	for i, x := range arr {
		a, e := parseFilter(index(path, i), x, depth+1, nodes)
		if e != nil {
			return nil, e
		}
		f.Args = append(f.Args, a)
	}
	return f, nil
}
