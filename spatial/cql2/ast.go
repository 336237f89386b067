// Package cql2 reads OGC CQL2 filters, in the text and the JSON encoding,
// into one syntax tree, and compiles the tree onto spatial/query's model
// (where clauses and a field filter): bando has one evaluator, and CQL2 is
// only another way to ask it.
//
// The tree follows CQL2 JSON: an operation is {"op": name, "args": [...]}
// and its arguments are properties, literals, temporal and geometry
// literals or arrays. The text parser builds the same tree, so both
// encodings compile alike.
package cql2

import (
	"encoding/json"
	"fmt"

	"github.com/paulmach/orb"
)

// Expr is a node of a filter.
type Expr interface{ node() }

// Op is an operation: a logical one (and, or, not), a comparison (=, <>,
// <, <=, >, >=, like, between, in, isNull), a spatial (s_intersects, …)
// or a temporal one (t_after, …). Names are lower case as in CQL2 JSON.
type Op struct {
	Name string
	Args []Expr
}

// Property is a queryable, by name.
type Property struct{ Name string }

// Literal is a string, a number (json.Number) or a boolean.
type Literal struct{ Value any }

// Instant is a TIMESTAMP (RFC 3339) or a DATE (YYYY-MM-DD) literal.
type Instant struct {
	Value string
	Date  bool
}

// Interval is INTERVAL(start, end); an open end is the string "..".
type Interval struct{ Start, End Expr }

// Geometry is a geometry literal (WKT in text, GeoJSON in JSON).
type Geometry struct{ G orb.Geometry }

// BBox is a BBOX literal: west, south, east, north.
type BBox struct{ B orb.Bound }

// Array is a list of values (the right side of in).
type Array struct{ Items []Expr }

func (Op) node()       {}
func (Property) node() {}
func (Literal) node()  {}
func (Instant) node()  {}
func (Interval) node() {}
func (Geometry) node() {}
func (BBox) node()     {}
func (Array) node()    {}

// Error is a filter that does not parse or cannot be compiled; the API
// answers it with 400 and the message.
type Error struct {
	Msg string
}

func (e *Error) Error() string { return "filter: " + e.Msg }

func errorf(format string, a ...any) *Error { return &Error{Msg: fmt.Sprintf(format, a...)} }

// Limits of a filter, so that a hostile one costs little to refuse.
const (
	MaxDepth = 32
	MaxNodes = 1000
)

// number makes a json.Number from a literal's text.
func number(s string) Literal { return Literal{Value: json.Number(s)} }

// Languages of the filter-lang parameter.
const (
	LangText = "cql2-text"
	LangJSON = "cql2-json"
)

// Parse reads a filter in lang ("" is CQL2 text, the OGC default).
// langTextDraft is the draft name of CQL2 text, which GDAL up to 3.6
// sends (filter-lang=cql-text); the text it writes is CQL2 text.
const langTextDraft = "cql-text"

func Parse(s, lang string) (Expr, error) {
	switch lang {
	case "", LangText, langTextDraft:
		return ParseText(s)
	case LangJSON:
		return ParseJSON([]byte(s))
	}
	return nil, errorf("unknown filter-lang %q: want %s or %s", lang, LangText, LangJSON)
}
