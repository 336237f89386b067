package cql2

import (
	"math"
	"strconv"
	"strings"

	"github.com/paulmach/orb"
)

var wktKinds = map[string]bool{
	"POINT": true, "LINESTRING": true, "POLYGON": true, "MULTIPOINT": true,
	"MULTILINESTRING": true, "MULTIPOLYGON": true, "GEOMETRYCOLLECTION": true,
}

// wkt reads a WKT geometry after its kind keyword (a Z marker is accepted
// and the heights are dropped: bando is two-dimensional).
func (p *parser) wkt(kind string) (Expr, error) {
	g, err := p.geometry(kind, 0)
	if err != nil {
		return nil, err
	}
	return Geometry{G: g}, nil
}

func (p *parser) geometry(kind string, depth int) (orb.Geometry, error) {
	if depth > 4 {
		return nil, errorf("geometry collections nested too deep")
	}
	p.keyword("z")
	if err := p.expect("("); err != nil {
		return nil, err
	}
	switch kind {
	case "POINT":
		pt, err := p.position()
		if err != nil {
			return nil, err
		}
		return pt, p.expect(")")
	case "LINESTRING":
		ls, err := p.positions()
		return orb.LineString(ls), err
	case "POLYGON":
		return p.polygon()
	case "MULTIPOINT":
		var mp orb.MultiPoint
		for {
			paren := p.punct("(")
			pt, err := p.position()
			if err != nil {
				return nil, err
			}
			if paren {
				if err := p.expect(")"); err != nil {
					return nil, err
				}
			}
			mp = append(mp, pt)
			if p.punct(")") {
				return mp, nil
			}
			if err := p.expect(","); err != nil {
				return nil, err
			}
		}
	case "MULTILINESTRING":
		var ml orb.MultiLineString
		err := p.list(func() error {
			ls, err := p.positions()
			ml = append(ml, ls)
			return err
		})
		return ml, err
	case "MULTIPOLYGON":
		var mp orb.MultiPolygon
		err := p.list(func() error {
			pg, err := p.polygon()
			mp = append(mp, pg)
			return err
		})
		return mp, err
	}
	var c orb.Collection
	for {
		t := p.next()
		k := strings.ToUpper(t.text)
		if t.kind != tIdent || !wktKinds[k] {
			return nil, errorf("at %d: want a geometry, got %s", t.pos, describe(t))
		}
		g, err := p.geometry(k, depth+1)
		if err != nil {
			return nil, err
		}
		c = append(c, g)
		if p.punct(")") {
			return c, nil
		}
		if err := p.expect(","); err != nil {
			return nil, err
		}
	}
}

// list reads "(item), (item) …)" after the opening parenthesis.
func (p *parser) list(item func() error) error {
	for {
		if err := p.expect("("); err != nil {
			return err
		}
		if err := item(); err != nil {
			return err
		}
		if p.punct(")") {
			return nil
		}
		if err := p.expect(","); err != nil {
			return err
		}
	}
}

func (p *parser) polygon() (orb.Polygon, error) {
	var pg orb.Polygon
	err := p.list(func() error {
		r, err := p.positions()
		pg = append(pg, orb.Ring(r))
		return err
	})
	return pg, err
}

// positions reads "x y, x y …)" (the closing parenthesis included).
func (p *parser) positions() ([]orb.Point, error) {
	var out []orb.Point
	for {
		pt, err := p.position()
		if err != nil {
			return nil, err
		}
		out = append(out, pt)
		if p.punct(")") {
			return out, nil
		}
		if err := p.expect(","); err != nil {
			return nil, err
		}
	}
}

// position reads "x y" or "x y z".
func (p *parser) position() (orb.Point, error) {
	x, err := p.float()
	if err != nil {
		return orb.Point{}, err
	}
	y, err := p.float()
	if err != nil {
		return orb.Point{}, err
	}
	if p.peek().kind == tNumber {
		p.next()
	}
	return orb.Point{x, y}, nil
}

func (p *parser) float() (float64, error) {
	t := p.next()
	if t.kind != tNumber {
		return 0, errorf("at %d: want a number, got %s", t.pos, describe(t))
	}
	f, err := strconv.ParseFloat(t.text, 64)
	if err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
		return 0, errorf("at %d: bad number %q", t.pos, t.text)
	}
	return f, nil
}

// bboxOf reads 4 numbers (or 6, with heights) as a BBOX.
func bboxOf(n []float64) (Expr, error) {
	switch len(n) {
	case 4:
	case 6:
		n = []float64{n[0], n[1], n[3], n[4]}
	default:
		return nil, errorf("BBOX wants 4 or 6 numbers, got %d", len(n))
	}
	if n[0] > n[2] || n[1] > n[3] {
		return nil, errorf("BBOX(%v, %v, %v, %v): west after east or south after north", n[0], n[1], n[2], n[3])
	}
	return BBox{B: orb.Bound{Min: orb.Point{n[0], n[1]}, Max: orb.Point{n[2], n[3]}}}, nil
}
