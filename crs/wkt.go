package crs

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// wktNode is one KEYWORD[...] of a WKT text: its quoted strings and numbers
// in args (numbers kept as written), nested nodes in kids.
type wktNode struct {
	key  string
	args []string
	kids []*wktNode
}

func (n *wktNode) kid(key string) *wktNode {
	for _, k := range n.kids {
		if strings.EqualFold(k.key, key) {
			return k
		}
	}
	return nil
}

func (n *wktNode) num(i int) (float64, bool) {
	if i >= len(n.args) {
		return 0, false
	}
	v, err := strconv.ParseFloat(n.args[i], 64)
	return v, err == nil && !math.IsNaN(v) && !math.IsInf(v, 0)
}

// Limits of a WKT text: a .prj is a few hundred bytes.
const (
	maxWKTBytes = 64 << 10
	maxWKTDepth = 16
)

// parseWKT reads the tree of a WKT 1 text (OGC or ESRI flavour; brackets
// or parentheses).
func parseWKT(s string) (*wktNode, error) {
	if len(s) > maxWKTBytes {
		return nil, fmt.Errorf("WKT of %d bytes is longer than %d", len(s), maxWKTBytes)
	}
	p := &wktParser{s: strings.TrimSpace(strings.TrimPrefix(s, "\ufeff"))}
	n, err := p.node(0)
	if err != nil {
		return nil, err
	}
	if p.skip(); p.i < len(p.s) {
		return nil, fmt.Errorf("unexpected %q after the WKT at byte %d", p.s[p.i], p.i)
	}
	return n, nil
}

type wktParser struct {
	s string
	i int
}

func (p *wktParser) skip() {
	for p.i < len(p.s) && strings.IndexByte(" \t\r\n", p.s[p.i]) >= 0 {
		p.i++
	}
}

func (p *wktParser) node(depth int) (*wktNode, error) {
	if depth > maxWKTDepth {
		return nil, fmt.Errorf("WKT nested deeper than %d", maxWKTDepth)
	}
	p.skip()
	start := p.i
	for p.i < len(p.s) && (isAlpha(p.s[p.i]) || p.s[p.i] == '_' || p.i > start && isDigit(p.s[p.i])) {
		p.i++
	}
	n := &wktNode{key: strings.ToUpper(p.s[start:p.i])}
	if n.key == "" {
		return nil, fmt.Errorf("want a WKT keyword at byte %d", start)
	}
	p.skip()
	if p.i >= len(p.s) || p.s[p.i] != '[' && p.s[p.i] != '(' {
		return n, nil // a bare keyword such as EAST
	}
	closer := byte(']')
	if p.s[p.i] == '(' {
		closer = ')'
	}
	p.i++
	for {
		p.skip()
		if p.i >= len(p.s) {
			return nil, fmt.Errorf("WKT ends inside %s", n.key)
		}
		switch c := p.s[p.i]; {
		case c == '"':
			end := strings.IndexByte(p.s[p.i+1:], '"')
			if end < 0 {
				return nil, fmt.Errorf("unterminated string at byte %d", p.i)
			}
			n.args = append(n.args, p.s[p.i+1:p.i+1+end])
			p.i += end + 2
		case c == '-' || c == '+' || c == '.' || isDigit(c):
			start := p.i
			for p.i < len(p.s) && strings.IndexByte("+-.eE0123456789", p.s[p.i]) >= 0 {
				p.i++
			}
			n.args = append(n.args, p.s[start:p.i])
		case isAlpha(c):
			k, err := p.node(depth + 1)
			if err != nil {
				return nil, err
			}
			n.kids = append(n.kids, k)
		default:
			return nil, fmt.Errorf("unexpected %q at byte %d", c, p.i)
		}
		p.skip()
		if p.i >= len(p.s) {
			return nil, fmt.Errorf("WKT ends inside %s", n.key)
		}
		if p.s[p.i] == ',' {
			p.i++
			continue
		}
		if p.s[p.i] == closer {
			p.i++
			return n, nil
		}
		return nil, fmt.Errorf("want ',' or %q in %s at byte %d", closer, n.key, p.i)
	}
}

func isAlpha(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }
func isDigit(c byte) bool { return c >= '0' && c <= '9' }
