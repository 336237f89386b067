package ingest

import (
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"bando/layers"
)

// schema maps input property names onto a layer's fields.
type schema struct {
	layer   *layers.Layer
	fields  []layers.Field
	byKey   map[string]slot
	idField string
	lim     Limits // resolved
	admin   *adminPlan
	keep    bool // Options.KeepInvalid
}

// slot is where an input key lands: a field, reached by its own name or by
// one of its From aliases. When one feature has values under several keys of
// a field, the field's own name wins, then the alias listed first in From.
type slot struct {
	field int
	alias bool
	rank  uint16 // 0 for the name, 1+i for From[i]
}

func newSchema(l *layers.Layer, opt Options) *schema {
	s := &schema{layer: l, fields: l.Fields, byKey: make(map[string]slot, 2*len(l.Fields)), idField: opt.IDField,
		lim: opt.Limits.resolved(), keep: opt.KeepInvalid}
	if s.idField == "" {
		s.idField = "id"
	}
	for i, f := range l.Fields {
		for j, a := range f.From {
			if _, taken := s.byKey[a]; !taken {
				s.byKey[a] = slot{field: i, alias: true, rank: uint16(min(j+1, 1<<15))}
			}
		}
	}
	for i, f := range l.Fields { // names override aliases
		s.byKey[f.Name] = slot{field: i}
	}
	return s
}

// lookup finds the slot for an input key given as bytes; the map lookup
// with string(key) does not allocate.
func (s *schema) lookup(key []byte) (slot, bool) {
	sl, ok := s.byKey[string(key)]
	if !ok && !isASCII(key) {
		sl, ok = s.byKey[norm.NFC.String(string(key))]
	}
	return sl, ok
}

// props holds the property values of the feature being built.
type props struct {
	vals []any
	from []uint16 // 1 + rank of the key that set each field, 0 if unset
}

func (p *props) reset(n int) {
	p.vals = make([]any, n) // becomes Feature.Props: fresh per feature
	if cap(p.from) < n {
		p.from = make([]uint16, n)
	}
	p.from = p.from[:n]
	clear(p.from)
}

func (p *props) set(sl slot, v any) {
	if r := p.from[sl.field]; r != 0 && r <= sl.rank {
		return // set already under a key of higher priority
	}
	p.from[sl.field] = sl.rank + 1
	p.vals[sl.field] = v
}

// nfc returns s in Unicode normalisation form C. ASCII, and text already in
// NFC, is returned as is without copying.
func nfc(s string) string {
	if isASCIIString(s) {
		return s
	}
	return norm.NFC.String(s)
}

// nfcBytes returns b as an NFC string; it always copies.
func nfcBytes(b []byte) string {
	if isASCII(b) || norm.NFC.IsNormal(b) {
		return string(b)
	}
	return string(norm.NFC.Bytes(b))
}

func isASCII(b []byte) bool {
	for _, c := range b {
		if c >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

func isASCIIString(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// parseTime accepts RFC 3339 (with or without fractional seconds) and a bare
// date YYYY-MM-DD, read as midnight UTC.
func parseTime(s string) (time.Time, bool) {
	if len(s) == len(time.DateOnly) {
		t, err := time.Parse(time.DateOnly, s)
		return t, err == nil
	}
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t, true
	}
	return time.Time{}, false
}

func parseBool(s string) (bool, bool) {
	switch strings.ToLower(s) {
	case "true", "1", "yes":
		return true, true
	case "false", "0", "no":
		return false, true
	}
	return false, false
}

// convertText converts a text value (a CSV cell or an OSM tag) to the type
// of field f. An empty string is absent (nil). The second result is the
// reason the value does not convert, "" when it does.
func convertText(f *layers.Field, s string, osm bool) (any, string) {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, ""
	}
	switch f.Type {
	case layers.TypeString:
		return nfc(s), ""
	case layers.TypeInt:
		if n, err := strconv.ParseInt(s, 10, 64); err == nil {
			return n, ""
		}
		v, ok := parseNumberText(s, osm)
		if !ok || !isIntegral(v) {
			return nil, "want int, got " + quoteValue(s)
		}
		return int64(v), ""
	case layers.TypeFloat:
		v, ok := parseNumberText(s, osm)
		if !ok {
			return nil, "want float, got " + quoteValue(s)
		}
		return v, ""
	case layers.TypeBool:
		b, ok := parseBool(s)
		if !ok {
			return nil, "want bool (true/false/1/0/yes/no), got " + quoteValue(s)
		}
		return b, ""
	case layers.TypeTime:
		t, ok := parseTime(s)
		if !ok {
			return nil, "want time (RFC 3339 or YYYY-MM-DD), got " + quoteValue(s)
		}
		return t, ""
	}
	return nil, "unknown field type " + string(f.Type)
}

// parseNumberText parses a finite decimal number. For OSM tags it also takes
// a number followed by the unit "m" ("12 m", "12m"), the unit OSM assumes
// for height and width; other units are not converted.
func parseNumberText(s string, osm bool) (float64, bool) {
	if osm {
		if t, ok := strings.CutSuffix(s, "m"); ok {
			s = strings.TrimSpace(t)
		}
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
		return 0, false
	}
	for i := 0; i < len(s); i++ { // refuse "Inf", "0x1p3", "1_000": decimal only
		c := s[i]
		if !(c >= '0' && c <= '9' || c == '.' || c == '-' || c == '+' || c == 'e' || c == 'E') {
			return 0, false
		}
	}
	return v, true
}

func isIntegral(v float64) bool {
	return v == math.Trunc(v) && v >= -(1<<63) && v < 1<<63
}

// quoteValue renders an input value for a message, shortened to 40 runes.
func quoteValue(s string) string {
	if utf8.RuneCountInString(s) > 40 {
		r := []rune(s)
		s = string(r[:40]) + "…"
	}
	return "string " + strconv.Quote(s)
}
