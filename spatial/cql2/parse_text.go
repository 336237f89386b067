package cql2

import (
	"strings"
)

// ParseText reads a filter in CQL2 text, e.g.
//
//	building = 'school' AND levels >= 3 AND S_INTERSECTS(geometry, BBOX(106.6,10.7,106.8,10.9))
//
// Supported: comparisons, [NOT] LIKE / BETWEEN / IN, IS [NOT] NULL,
// AND / OR / NOT with parentheses, TRUE / FALSE, TIMESTAMP, DATE,
// INTERVAL, WKT geometries and BBOX, and the S_ and T_ functions.
func ParseText(s string) (Expr, error) {
	toks, err := lex(s)
	if err != nil {
		return nil, err
	}
	p := &parser{toks: toks}
	e, err := p.expr(0)
	if err != nil {
		return nil, err
	}
	if t := p.peek(); t.kind != tEOF {
		return nil, errorf("at %d: unexpected %q after the filter", t.pos, t.text)
	}
	return e, nil
}

type parser struct {
	toks  []token
	i     int
	nodes int
}

func (p *parser) peek() token { return p.toks[p.i] }
func (p *parser) next() token {
	t := p.toks[p.i]
	if t.kind != tEOF {
		p.i++
	}
	return t
}

// keyword reports whether the next token is the keyword kw (any case),
// consuming it if so.
func (p *parser) keyword(kw string) bool {
	if t := p.peek(); t.kind == tIdent && strings.EqualFold(t.text, kw) {
		p.i++
		return true
	}
	return false
}

func (p *parser) punct(s string) bool {
	if t := p.peek(); t.kind == tPunct && t.text == s {
		p.i++
		return true
	}
	return false
}

func (p *parser) expect(s string) error {
	if !p.punct(s) {
		t := p.peek()
		return errorf("at %d: want %q, got %s", t.pos, s, describe(t))
	}
	return nil
}

func describe(t token) string {
	if t.kind == tEOF {
		return "the end"
	}
	return "\"" + t.text + "\""
}

func (p *parser) count(depth int) error {
	if depth > MaxDepth {
		return errorf("nested deeper than %d", MaxDepth)
	}
	if p.nodes++; p.nodes > MaxNodes {
		return errorf("more than %d parts", MaxNodes)
	}
	return nil
}

// expr: and-terms joined by OR.
func (p *parser) expr(depth int) (Expr, error) {
	if err := p.count(depth); err != nil {
		return nil, err
	}
	return p.joined(depth, "or", func() (Expr, error) {
		return p.joined(depth, "and", func() (Expr, error) { return p.not(depth) })
	})
}

func (p *parser) joined(depth int, kw string, term func() (Expr, error)) (Expr, error) {
	first, err := term()
	if err != nil {
		return nil, err
	}
	args := []Expr{first}
	for p.keyword(kw) {
		e, err := term()
		if err != nil {
			return nil, err
		}
		args = append(args, e)
	}
	if len(args) == 1 {
		return first, nil
	}
	return Op{Name: kw, Args: args}, nil
}

func (p *parser) not(depth int) (Expr, error) {
	if p.keyword("not") {
		if err := p.count(depth + 1); err != nil {
			return nil, err
		}
		e, err := p.not(depth + 1)
		if err != nil {
			return nil, err
		}
		return Op{Name: "not", Args: []Expr{e}}, nil
	}
	return p.predicate(depth + 1)
}

// predicate: a parenthesised filter, a function call, or a comparison of
// a scalar with what follows it.
func (p *parser) predicate(depth int) (Expr, error) {
	if err := p.count(depth); err != nil {
		return nil, err
	}
	if p.punct("(") {
		e, err := p.expr(depth + 1)
		if err != nil {
			return nil, err
		}
		return e, p.expect(")")
	}
	if t := p.peek(); t.kind == tIdent && p.toks[p.i+1].text == "(" && p.toks[p.i+1].kind == tPunct {
		if name := strings.ToLower(t.text); spatialOps[name] || temporalOps[name] {
			p.i += 2
			args, err := p.args(depth)
			if err != nil {
				return nil, err
			}
			return Op{Name: name, Args: args}, nil
		}
	}
	left, err := p.scalar(depth)
	if err != nil {
		return nil, err
	}
	negate := p.keyword("not")
	var e Expr
	switch {
	case p.keyword("like"):
		r, err := p.scalar(depth)
		if err != nil {
			return nil, err
		}
		e = Op{Name: "like", Args: []Expr{left, r}}
	case p.keyword("between"):
		lo, err := p.scalar(depth)
		if err != nil {
			return nil, err
		}
		if !p.keyword("and") {
			return nil, errorf("at %d: BETWEEN wants AND, got %s", p.peek().pos, describe(p.peek()))
		}
		hi, err := p.scalar(depth)
		if err != nil {
			return nil, err
		}
		e = Op{Name: "between", Args: []Expr{left, lo, hi}}
	case p.keyword("in"):
		if err := p.expect("("); err != nil {
			return nil, err
		}
		items, err := p.args(depth)
		if err != nil {
			return nil, err
		}
		e = Op{Name: "in", Args: []Expr{left, Array{Items: items}}}
	case negate:
		return nil, errorf("at %d: NOT wants LIKE, BETWEEN or IN, got %s", p.peek().pos, describe(p.peek()))
	case p.keyword("is"):
		neg := p.keyword("not")
		if !p.keyword("null") {
			return nil, errorf("at %d: IS wants NULL, got %s", p.peek().pos, describe(p.peek()))
		}
		e = Op{Name: "isNull", Args: []Expr{left}}
		if neg {
			e = Op{Name: "not", Args: []Expr{e}}
		}
		return e, nil
	default:
		t := p.peek()
		if t.kind == tPunct && compareOps[t.text] {
			p.i++
			r, err := p.scalar(depth)
			if err != nil {
				return nil, err
			}
			return Op{Name: t.text, Args: []Expr{left, r}}, nil
		}
		if lit, ok := left.(Literal); ok {
			if _, ok := lit.Value.(bool); ok {
				return left, nil // TRUE or FALSE alone
			}
		}
		return nil, errorf("at %d: want a comparison, got %s", t.pos, describe(t))
	}
	if negate {
		e = Op{Name: "not", Args: []Expr{e}}
	}
	return e, nil
}

var compareOps = map[string]bool{"=": true, "<>": true, "<": true, "<=": true, ">": true, ">=": true}

var spatialOps = map[string]bool{
	"s_intersects": true, "s_within": true, "s_contains": true, "s_dwithin": true, "s_disjoint": true,
	"s_equals": true, "s_touches": true, "s_overlaps": true, "s_crosses": true,
}

var temporalOps = map[string]bool{
	"t_after": true, "t_before": true, "t_equals": true, "t_intersects": true, "t_during": true,
	"t_disjoint": true, "t_contains": true, "t_finishedby": true, "t_finishes": true, "t_meets": true,
	"t_metby": true, "t_overlappedby": true, "t_overlaps": true, "t_startedby": true, "t_starts": true,
}

// args reads scalars separated by commas up to the closing parenthesis
// (the opening one is read).
func (p *parser) args(depth int) ([]Expr, error) {
	var out []Expr
	if p.punct(")") {
		return out, nil
	}
	for {
		e, err := p.scalar(depth + 1)
		if err != nil {
			return nil, err
		}
		out = append(out, e)
		if p.punct(")") {
			return out, nil
		}
		if err := p.expect(","); err != nil {
			return nil, err
		}
	}
}

// scalar: a property, a literal, a temporal or a geometry literal.
func (p *parser) scalar(depth int) (Expr, error) {
	if err := p.count(depth); err != nil {
		return nil, err
	}
	t := p.next()
	switch t.kind {
	case tString:
		return Literal{Value: t.text}, nil
	case tNumber:
		return number(t.text), nil
	case tQuoted:
		return Property{Name: t.text}, nil
	case tIdent:
		kw := strings.ToUpper(t.text)
		switch kw {
		case "TRUE", "FALSE":
			return Literal{Value: kw == "TRUE"}, nil
		case "TIMESTAMP", "DATE":
			return p.instant(kw == "DATE")
		case "INTERVAL":
			return p.interval(depth)
		case "BBOX":
			return p.bbox()
		}
		if wktKinds[kw] {
			return p.wkt(kw)
		}
		if p.peek().text == "(" && p.peek().kind == tPunct {
			return nil, errorf("at %d: unsupported function %s", t.pos, t.text)
		}
		if reserved[kw] {
			return nil, errorf("at %d: want a value, got %q", t.pos, t.text)
		}
		return Property{Name: t.text}, nil
	}
	return nil, errorf("at %d: want a value, got %s", t.pos, describe(t))
}

var reserved = map[string]bool{"AND": true, "OR": true, "NOT": true, "LIKE": true, "BETWEEN": true, "IN": true, "IS": true, "NULL": true}

func (p *parser) instant(date bool) (Expr, error) {
	if err := p.expect("("); err != nil {
		return nil, err
	}
	t := p.next()
	if t.kind != tString {
		return nil, errorf("at %d: want a quoted time, got %s", t.pos, describe(t))
	}
	return Instant{Value: t.text, Date: date}, p.expect(")")
}

func (p *parser) interval(depth int) (Expr, error) {
	if err := p.expect("("); err != nil {
		return nil, err
	}
	args, err := p.args(depth)
	if err != nil {
		return nil, err
	}
	if len(args) != 2 {
		return nil, errorf("INTERVAL wants 2 values, got %d", len(args))
	}
	return Interval{Start: args[0], End: args[1]}, nil
}

func (p *parser) bbox() (Expr, error) {
	if err := p.expect("("); err != nil {
		return nil, err
	}
	var n []float64
	for {
		x, err := p.float()
		if err != nil {
			return nil, err
		}
		n = append(n, x)
		if p.punct(")") {
			break
		}
		if err := p.expect(","); err != nil {
			return nil, err
		}
	}
	return bboxOf(n)
}
