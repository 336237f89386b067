package layers

import (
	"math"
	"strconv"
	"time"
)

// maxExactFloat is 2^53: integers up to it convert to float64 exactly.
const maxExactFloat = 1 << 53

// Convert returns v as a value of type t, and whether it converts without
// loss. It is what a field type change relies on: a stored value of the
// old type is read under the new one when it converts (an int read as a
// float, any value read as its text, a text that spells a number read as
// one), and a change is refused when a stored value does not.
func (t FieldType) Convert(v any) (any, bool) {
	if t.Accepts(v) {
		return v, true
	}
	switch t {
	case TypeString:
		return toString(v)
	case TypeInt:
		return toInt(v)
	case TypeFloat:
		return toFloat(v)
	case TypeBool:
		if s, ok := v.(string); ok && (s == "true" || s == "false") {
			return s == "true", true
		}
	case TypeTime:
		if s, ok := v.(string); ok {
			if tm, err := time.Parse(time.RFC3339Nano, s); err == nil {
				return tm.UTC(), true
			}
		}
	}
	return nil, false
}

func toString(v any) (any, bool) {
	switch v := v.(type) {
	case int64:
		return strconv.FormatInt(v, 10), true
	case float64:
		return strconv.FormatFloat(v, 'g', -1, 64), true
	case bool:
		return strconv.FormatBool(v), true
	case time.Time:
		return v.UTC().Format(time.RFC3339Nano), true
	}
	return nil, false
}

func toInt(v any) (any, bool) {
	switch v := v.(type) {
	case float64:
		if v == math.Trunc(v) && math.Abs(v) <= maxExactFloat {
			return int64(v), true
		}
	case string:
		if n, err := strconv.ParseInt(v, 10, 64); err == nil {
			return n, true
		}
	}
	return nil, false
}

func toFloat(v any) (any, bool) {
	switch v := v.(type) {
	case int64:
		if v >= -maxExactFloat && v <= maxExactFloat {
			return float64(v), true
		}
	case string:
		if f, err := strconv.ParseFloat(v, 64); err == nil && !math.IsInf(f, 0) && !math.IsNaN(f) {
			return f, true
		}
	}
	return nil, false
}
