package hex

import (
	"fmt"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"
)

// Cover returns the cells a geometry counts in at res, sorted and distinct.
// This is the rule the aggregation uses:
//   - a Point is in its cell; a MultiPoint in its points' cells;
//   - a LineString or MultiLineString covers LineCells (vertex cells joined
//     by grid paths);
//   - a Polygon, MultiPolygon, Ring or Bound covers PolygonCells (centre
//     containment); one that holds no cell centre at all counts in the cell
//     of its representative point (its centroid when inside, else the first
//     vertex of its first exterior ring), so no feature goes uncounted;
//   - a Collection covers the union of its members' covers.
//
// max bounds the cells of the whole geometry (0: DefaultMaxFeatureCells).
func Cover(g orb.Geometry, res, max int) ([]Cell, error) {
	if err := CheckRes("res", res); err != nil {
		return nil, err
	}
	max = orDefault(max)
	var out []Cell
	switch g := g.(type) {
	case nil:
		return nil, nil
	case orb.Point:
		c, err := CellOf(g[0], g[1], res)
		if err != nil {
			return nil, err
		}
		return []Cell{c}, nil
	case orb.MultiPoint:
		for _, p := range g {
			c, err := CellOf(p[0], p[1], res)
			if err != nil {
				return nil, err
			}
			out = append(out, c)
		}
	case orb.LineString:
		return LineCells(g, res, max)
	case orb.MultiLineString:
		for _, l := range g {
			cs, err := LineCells(l, res, max)
			if err != nil {
				return nil, err
			}
			out = append(out, cs...)
		}
	case orb.Polygon:
		return polygonsCover(orb.MultiPolygon{g}, res, max)
	case orb.MultiPolygon:
		return polygonsCover(g, res, max)
	case orb.Ring:
		return polygonsCover(orb.MultiPolygon{{g}}, res, max)
	case orb.Bound:
		return polygonsCover(orb.MultiPolygon{g.ToPolygon()}, res, max)
	case orb.Collection:
		for _, m := range g {
			cs, err := Cover(m, res, max)
			if err != nil {
				return nil, err
			}
			out = append(out, cs...)
		}
	default:
		return nil, fmt.Errorf("hex: cover of a %T: unsupported geometry", g)
	}
	out = sortedSet(out)
	if len(out) > max {
		return nil, &LimitError{What: "cells of one feature", Limit: max, Got: len(out), Hint: "use a coarser res"}
	}
	return out, nil
}

func polygonsCover(mp orb.MultiPolygon, res, max int) ([]Cell, error) {
	var out []Cell
	for _, p := range mp {
		cs, err := PolygonCells(p, res, max)
		if err != nil {
			return nil, err
		}
		out = append(out, cs...)
	}
	if len(out) == 0 {
		for _, p := range mp {
			if len(p) > 0 && len(p[0]) > 0 {
				r := representative(p)
				c, err := CellOf(r[0], r[1], res)
				if err != nil {
					return nil, err
				}
				return []Cell{c}, nil
			}
		}
		return nil, nil
	}
	out = sortedSet(out)
	if len(out) > max {
		return nil, &LimitError{What: "cells of one feature", Limit: max, Got: len(out), Hint: "use a coarser res"}
	}
	return out, nil
}

// representative returns a point of the polygon to count it by when it
// covers no cell centre: its centroid when that lies inside, else the first
// vertex of its exterior ring.
func representative(p orb.Polygon) orb.Point {
	if c, _ := planar.CentroidArea(p); planar.PolygonContains(p, c) {
		return c
	}
	return p[0][0]
}
