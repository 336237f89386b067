package cql2

import (
	"encoding/json"
	"strings"

	"bando/spatial/query"

	"github.com/paulmach/orb"
)

// spatialWhere is a spatial predicate as a where clause:
//
//	S_INTERSECTS(geometry, BBOX)          bbox clause
//	S_INTERSECTS(geometry, POINT)         point clause, exact
//	S_INTERSECTS(geometry, POLYGON)       zone clause, intersects
//	S_WITHIN(geometry, POLYGON or BBOX)   zone clause, within
//	S_CONTAINS(geometry, POLYGON or BBOX) zone clause, contains
//	S_DWITHIN(geometry, POINT, metres)    radius clause (ellipsoidal)
//
// The literal may come first: S_WITHIN(zone, geometry) is
// S_CONTAINS(geometry, zone).
func spatialWhere(op Op) (query.Where, error) {
	name := op.Name
	args := op.Args
	if name == "s_dwithin" {
		return dwithin(args)
	}
	if len(args) != 2 {
		return query.Where{}, errorf("%s wants 2 arguments", name)
	}
	if _, ok := args[0].(Property); !ok {
		args = []Expr{args[1], args[0]}
		switch name {
		case "s_within":
			name = "s_contains"
		case "s_contains":
			name = "s_within"
		}
	}
	if err := geometryProperty(args[0], name); err != nil {
		return query.Where{}, err
	}
	if b, ok := args[1].(BBox); ok && name == "s_intersects" {
		return query.Where{Kind: query.KindBBox, BBox: b.B}, nil
	}
	if g, ok := args[1].(Geometry); ok && name == "s_intersects" {
		if pt, ok := g.G.(orb.Point); ok {
			// The point clause with a reach of a micrometre: ST_Intersects
			// with a point, to within floating point.
			return query.Where{Kind: query.KindPoint, At: pt, ToleranceM: pointReachM}, nil
		}
	}
	zone, ok := zoneOf(args[1])
	if !ok {
		return query.Where{}, errorf("%s wants a POLYGON, MULTIPOLYGON or BBOX literal, got %s", strings.ToUpper(name), kindOf(args[1]))
	}
	w := query.Where{Kind: query.KindZone, Zone: zone}
	switch name {
	case "s_intersects":
		w.Predicate = query.Intersects
	case "s_within":
		w.Predicate = query.Within
	case "s_contains":
		w.Predicate = query.Contains
	default:
		return query.Where{}, errorf("%s is not supported (S_INTERSECTS, S_WITHIN, S_CONTAINS, S_DWITHIN, S_DISJOINT are)", strings.ToUpper(name))
	}
	return w, nil
}

// pointReachM is how near a point or line must pass to intersect a point.
const pointReachM = 1e-6

func dwithin(args []Expr) (query.Where, error) {
	if len(args) == 4 { // a units argument, as some clients send
		if u, ok := args[3].(Literal); !ok || !isMetres(u.Value) {
			return query.Where{}, errorf("S_DWITHIN distances are in metres")
		}
		args = args[:3]
	}
	if len(args) != 3 {
		return query.Where{}, errorf("S_DWITHIN wants (geometry, POINT, metres)")
	}
	if _, ok := args[0].(Property); !ok {
		args = []Expr{args[1], args[0], args[2]}
	}
	if err := geometryProperty(args[0], "s_dwithin"); err != nil {
		return query.Where{}, err
	}
	g, ok := args[1].(Geometry)
	pt, isPt := g.G.(orb.Point)
	if !ok || !isPt {
		return query.Where{}, errorf("S_DWITHIN wants a POINT, got %s", kindOf(args[1]))
	}
	lit, ok := args[2].(Literal)
	n, isNum := lit.Value.(json.Number)
	if !ok || !isNum {
		return query.Where{}, errorf("S_DWITHIN wants a distance in metres, got %s", kindOf(args[2]))
	}
	m, err := n.Float64()
	if err != nil || m < 0 {
		return query.Where{}, errorf("S_DWITHIN distance %s is not a non-negative number", n)
	}
	return query.Where{Kind: query.KindRadius, At: pt, M: m}, nil
}

func isMetres(v any) bool {
	s, _ := v.(string)
	switch strings.ToLower(s) {
	case "m", "meters", "metres", "meter", "metre":
		return true
	}
	return false
}

func geometryProperty(e Expr, op string) error {
	p, ok := e.(Property)
	if !ok {
		return errorf("%s wants the property %q and a geometry literal", strings.ToUpper(op), GeometryName)
	}
	if p.Name != GeometryName {
		return errorf("unknown spatial queryable %q: the geometry is %q", p.Name, GeometryName)
	}
	return nil
}
