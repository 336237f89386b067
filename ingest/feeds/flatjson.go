package feeds

import (
	"bytes"
	"strconv"
	"unicode/utf8"
)

// A fast path for the HTTP feed's lines: a flat JSON object of string,
// number and null members, with no escapes, in valid UTF-8. That is every
// line a feed normally sends, and reading it by hand costs a fraction of
// encoding/json's reflection. Anything else — escapes, nesting, a type
// that does not fit, a key that matches a field only case-insensitively —
// makes the fast path give up, and encoding/json reads the line, so both
// paths accept exactly the same lines with the same values (a fuzz test
// checks it).

// flatMember is one member of a flat object: a string (str), a number
// (num) or null.
type flatMember struct {
	key  []byte
	str  []byte
	num  float64
	kind byte // 's', 'n' or '0' (null)
}

// scanFlat calls fn for every member of a flat JSON object, and reports
// false when the line is not one (or fn refused a member).
func scanFlat(b []byte, fn func(m *flatMember) bool) bool {
	i := skipWS(b, 0)
	if i >= len(b) || b[i] != '{' {
		return false
	}
	i = skipWS(b, i+1)
	if i < len(b) && b[i] == '}' {
		return skipWS(b, i+1) == len(b)
	}
	var m flatMember
	for {
		var ok bool
		if m.key, i, ok = flatString(b, i); !ok {
			return false
		}
		i = skipWS(b, i)
		if i >= len(b) || b[i] != ':' {
			return false
		}
		i = skipWS(b, i+1)
		if i >= len(b) {
			return false
		}
		switch c := b[i]; {
		case c == '"':
			m.kind = 's'
			if m.str, i, ok = flatString(b, i); !ok {
				return false
			}
		case c == 'n':
			if !bytes.HasPrefix(b[i:], []byte("null")) {
				return false
			}
			m.kind, i = '0', i+4
		case c == '-' || c >= '0' && c <= '9':
			j := numberEnd(b, i)
			if j < 0 {
				return false
			}
			f, err := strconv.ParseFloat(string(b[i:j]), 64)
			if err != nil {
				return false // out of range: encoding/json refuses it too, with its message
			}
			m.kind, m.num, i = 'n', f, j
		default:
			return false // true, false, objects, arrays: leave them to encoding/json
		}
		if !fn(&m) {
			return false
		}
		i = skipWS(b, i)
		if i >= len(b) {
			return false
		}
		if b[i] == '}' {
			return skipWS(b, i+1) == len(b)
		}
		if b[i] != ',' {
			return false
		}
		i = skipWS(b, i+1)
	}
}

func skipWS(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\r' || b[i] == '\n') {
		i++
	}
	return i
}

// flatString reads a string without escapes or control characters, in
// valid UTF-8, starting at the quote at i.
func flatString(b []byte, i int) ([]byte, int, bool) {
	if i >= len(b) || b[i] != '"' {
		return nil, i, false
	}
	j := i + 1
	ascii := true
	for ; j < len(b); j++ {
		c := b[j]
		if c == '"' {
			s := b[i+1 : j]
			if !ascii && !utf8.Valid(s) {
				return nil, j, false
			}
			return s, j + 1, true
		}
		if c == '\\' || c < 0x20 {
			return nil, j, false
		}
		if c >= 0x80 {
			ascii = false
		}
	}
	return nil, j, false
}

// numberEnd returns the end of the JSON number at i, or -1.
func numberEnd(b []byte, i int) int {
	digits := func(i int) int {
		j := i
		for j < len(b) && b[j] >= '0' && b[j] <= '9' {
			j++
		}
		return j
	}
	if b[i] == '-' {
		i++
	}
	switch {
	case i < len(b) && b[i] == '0':
		i++
	case i < len(b) && b[i] >= '1' && b[i] <= '9':
		i = digits(i)
	default:
		return -1
	}
	if i < len(b) && b[i] == '.' {
		j := digits(i + 1)
		if j == i+1 {
			return -1
		}
		i = j
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		i++
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		j := digits(i)
		if j == i {
			return -1
		}
		i = j
	}
	return i
}

// foldsTo reports whether key matches one of names only ignoring case:
// encoding/json would fill that field, so the fast path must give up.
func foldsTo(key []byte, names ...string) bool {
	for _, n := range names {
		if bytes.EqualFold(key, []byte(n)) {
			return true
		}
	}
	return false
}

var positionKeys = []string{"id", "t", "lon", "lat", "sog", "cog", "source", "status"}

// fastPosition fills pl from a flat line, or reports false.
func fastPosition(line []byte, pl *positionLine) bool {
	return scanFlat(line, func(m *flatMember) bool {
		var sp **string
		var fp **float64
		switch string(m.key) {
		case "id":
			sp = &pl.ID
		case "t":
			sp = &pl.T
		case "source":
			sp = &pl.Source
		case "status":
			sp = &pl.Status
		case "lon":
			fp = &pl.Lon
		case "lat":
			fp = &pl.Lat
		case "sog":
			fp = &pl.SOG
		case "cog":
			fp = &pl.COG
		default:
			return !foldsTo(m.key, positionKeys...)
		}
		return setMember(m, sp, fp)
	})
}

var observationKeys = []string{"sensor", "quantity", "t", "value", "unit"}

// fastObservation fills ol from a flat line, or reports false.
func fastObservation(line []byte, ol *observationLine) bool {
	return scanFlat(line, func(m *flatMember) bool {
		var sp **string
		var fp **float64
		switch string(m.key) {
		case "sensor":
			sp = &ol.Sensor
		case "quantity":
			sp = &ol.Quantity
		case "t":
			sp = &ol.T
		case "unit":
			sp = &ol.Unit
		case "value":
			fp = &ol.Value
		default:
			return !foldsTo(m.key, observationKeys...)
		}
		return setMember(m, sp, fp)
	})
}

// setMember stores a member as encoding/json would into a *string or
// *float64 field: null leaves nil, a value of the other type gives up.
func setMember(m *flatMember, sp **string, fp **float64) bool {
	switch {
	case m.kind == '0':
		if sp != nil {
			*sp = nil
		} else {
			*fp = nil
		}
	case m.kind == 's' && sp != nil:
		s := string(m.str)
		*sp = &s
	case m.kind == 'n' && fp != nil:
		f := m.num
		*fp = &f
	default:
		return false
	}
	return true
}
