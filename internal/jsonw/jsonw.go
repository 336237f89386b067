// Package jsonw writes JSON by appending to byte slices: strings escaped
// as RFC 8259 wants, property values, and GeoJSON features. The API's item
// pages and the query model's answers both write features through it, so
// they escape and format values the same way, and write polygons with the
// winding RFC 7946 requires.
package jsonw

import (
	"math"
	"strconv"
	"time"
	"unicode/utf8"

	"bando/spatial"
)

const hexDigits = "0123456789abcdef"

// AppendString appends s as a JSON string (RFC 8259): quotes,
// backslashes and control characters escaped, U+2028/U+2029 escaped (as
// encoding/json does, for JavaScript), and invalid UTF-8 replaced by
// U+FFFD, so the output always parses. Go's strconv quoting is not JSON:
// it writes \a, \x07 and \U0001F600, which JSON parsers refuse.
func AppendString(buf []byte, s string) []byte {
	buf = append(buf, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c >= 0x20 && c != '"' && c != '\\' && c < utf8.RuneSelf {
			i++
			continue
		}
		if c < utf8.RuneSelf {
			buf = append(buf, s[start:i]...)
			switch c {
			case '"', '\\':
				buf = append(buf, '\\', c)
			case '\n':
				buf = append(buf, '\\', 'n')
			case '\r':
				buf = append(buf, '\\', 'r')
			case '\t':
				buf = append(buf, '\\', 't')
			default:
				buf = append(buf, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			buf = append(buf, s[start:i]...)
			buf = append(buf, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			buf = append(buf, s[start:i]...)
			buf = append(buf, '\\', 'u', '2', '0', '2', hexDigits[r&0xf])
			i += size
			start = i
			continue
		}
		i += size
	}
	buf = append(buf, s[start:]...)
	return append(buf, '"')
}

// Quote is AppendString as a string.
func Quote(s string) string { return string(AppendString(nil, s)) }

// AppendValue appends a property value as Feature.Props holds it: string,
// int64, float64 (NaN and infinities as null: JSON has none), bool,
// time.Time (RFC 3339, UTC); anything else, nil included, as null.
func AppendValue(buf []byte, v any) []byte {
	switch v := v.(type) {
	case string:
		return AppendString(buf, v)
	case int64:
		return strconv.AppendInt(buf, v, 10)
	case float64:
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return append(buf, "null"...)
		}
		return strconv.AppendFloat(buf, v, 'g', -1, 64)
	case bool:
		return strconv.AppendBool(buf, v)
	case time.Time:
		return AppendString(buf, v.UTC().Format(time.RFC3339Nano))
	}
	return append(buf, "null"...)
}

// AppendFeature appends f as a GeoJSON Feature with the fields at the
// given indexes (name gives a field's name by index; absent values are
// left out). Integer ids are written as JSON numbers, others as
// strings. extra, if not nil, appends more properties after them, each
// preceded by a comma when sep is true on entry.
func AppendFeature(buf []byte, f *spatial.Feature, name func(field int) string, fields []int, extra func(buf []byte, sep bool) []byte) ([]byte, error) {
	buf = append(buf, `{"type":"Feature","id":`...)
	if _, ok := spatial.NumericID(f.ID); ok {
		buf = append(buf, f.ID...)
	} else {
		buf = AppendString(buf, f.ID)
	}
	buf = append(buf, `,"geometry":`...)
	buf, err := AppendGeometry(buf, f.Geom)
	if err != nil {
		return nil, err
	}
	buf = append(buf, `,"properties":{`...)
	sep := false
	for _, i := range fields {
		if i >= len(f.Props) || f.Props[i] == nil {
			continue
		}
		if sep {
			buf = append(buf, ',')
		}
		sep = true
		buf = AppendString(buf, name(i))
		buf = append(buf, ':')
		buf = AppendValue(buf, f.Props[i])
	}
	if extra != nil {
		buf = extra(buf, sep)
	}
	return append(buf, "}}"...), nil
}
