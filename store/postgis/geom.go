package postgis

import (
	"encoding/binary"
	"fmt"

	"github.com/paulmach/orb"
	"github.com/twpayne/go-geom"
	"github.com/twpayne/go-geom/encoding/ewkb"
)

// The PostGIS edge: geometries travel as EWKB (SRID 4326) through
// go-geom's codec and become orb geometries here, once, on the way in and
// out; nothing past this file sees go-geom.

const srid = 4326

// encodeGeom returns g as little-endian EWKB with SRID 4326. A ring and a
// bound become polygons, as the embedded store's WKB makes them.
func encodeGeom(g orb.Geometry) ([]byte, error) {
	t, err := toGeom(g)
	if err != nil {
		return nil, err
	}
	return ewkb.Marshal(t, binary.LittleEndian)
}

func toGeom(g orb.Geometry) (geom.T, error) {
	switch g := g.(type) {
	case orb.Point:
		return geom.NewPointFlat(geom.XY, []float64{g[0], g[1]}).SetSRID(srid), nil
	case orb.MultiPoint:
		return geom.NewMultiPointFlat(geom.XY, flatPoints(nil, g)).SetSRID(srid), nil
	case orb.LineString:
		return geom.NewLineStringFlat(geom.XY, flatPoints(nil, g)).SetSRID(srid), nil
	case orb.MultiLineString:
		flat, ends := flatLines(g)
		return geom.NewMultiLineStringFlat(geom.XY, flat, ends).SetSRID(srid), nil
	case orb.Ring:
		return toGeom(orb.Polygon{g})
	case orb.Bound:
		return toGeom(g.ToPolygon())
	case orb.Polygon:
		flat, ends := flatPolygon(nil, nil, g)
		return geom.NewPolygonFlat(geom.XY, flat, ends).SetSRID(srid), nil
	case orb.MultiPolygon:
		var flat []float64
		endss := make([][]int, len(g))
		for i, p := range g {
			flat, endss[i] = flatPolygon(flat, nil, p)
		}
		return geom.NewMultiPolygonFlat(geom.XY, flat, endss).SetSRID(srid), nil
	case orb.Collection:
		c := geom.NewGeometryCollection()
		for _, m := range g {
			t, err := toGeom(m)
			if err != nil {
				return nil, err
			}
			if err := c.Push(t); err != nil {
				return nil, fmt.Errorf("postgis: geometry collection: %w", err)
			}
		}
		return c.SetSRID(srid), nil
	case nil:
		return nil, fmt.Errorf("postgis: no geometry")
	}
	return nil, fmt.Errorf("postgis: unsupported geometry %T", g)
}

func flatPoints(flat []float64, ps []orb.Point) []float64 {
	for _, p := range ps {
		flat = append(flat, p[0], p[1])
	}
	return flat
}

func flatLines(ls orb.MultiLineString) ([]float64, []int) {
	var flat []float64
	ends := make([]int, len(ls))
	for i, l := range ls {
		flat = flatPoints(flat, l)
		ends[i] = len(flat)
	}
	return flat, ends
}

func flatPolygon(flat []float64, ends []int, p orb.Polygon) ([]float64, []int) {
	for _, r := range p {
		flat = flatPoints(flat, r)
		ends = append(ends, len(flat))
	}
	return flat, ends
}

// decodeGeom turns EWKB from PostGIS into an orb geometry (2D: any Z or M
// is dropped, as bando's engine is 2D).
func decodeGeom(b []byte) (orb.Geometry, error) {
	if err := checkEWKB(b); err != nil {
		return nil, err
	}
	t, err := ewkb.Unmarshal(b)
	if err != nil {
		return nil, fmt.Errorf("postgis: ewkb: %w", err)
	}
	return fromGeom(t)
}

func fromGeom(t geom.T) (orb.Geometry, error) {
	if c, ok := t.(*geom.GeometryCollection); ok { // no flat coordinates of its own
		return fromCollection(c)
	}
	flat, stride := t.FlatCoords(), t.Stride()
	if stride < 2 {
		return nil, fmt.Errorf("postgis: geometry of stride %d", stride)
	}
	switch g := t.(type) {
	case *geom.Point:
		if g.Empty() {
			return nil, fmt.Errorf("postgis: empty point")
		}
		return orb.Point{flat[0], flat[1]}, nil
	case *geom.MultiPoint:
		return orb.MultiPoint(points(flat, stride)), nil
	case *geom.LineString:
		return orb.LineString(points(flat, stride)), nil
	case *geom.MultiLineString:
		ls := make(orb.MultiLineString, 0, len(g.Ends()))
		start := 0
		for _, end := range g.Ends() {
			ls = append(ls, points(flat[start:end], stride))
			start = end
		}
		return ls, nil
	case *geom.Polygon:
		return polygon(flat, stride, 0, g.Ends()), nil
	case *geom.MultiPolygon:
		mp := make(orb.MultiPolygon, 0, len(g.Endss()))
		start := 0
		for _, ends := range g.Endss() {
			mp = append(mp, polygon(flat, stride, start, ends))
			if len(ends) > 0 {
				start = ends[len(ends)-1]
			}
		}
		return mp, nil
	}
	return nil, fmt.Errorf("postgis: unsupported geometry %T", t)
}

func fromCollection(g *geom.GeometryCollection) (orb.Geometry, error) {
	c := make(orb.Collection, 0, g.NumGeoms())
	for _, m := range g.Geoms() {
		o, err := fromGeom(m)
		if err != nil {
			return nil, err
		}
		c = append(c, o)
	}
	return c, nil
}

// points reads a run of flat coordinates as 2D points.
func points(flat []float64, stride int) []orb.Point {
	ps := make([]orb.Point, len(flat)/stride)
	for i := range ps {
		ps[i] = orb.Point{flat[i*stride], flat[i*stride+1]}
	}
	return ps
}

func polygon(flat []float64, stride, start int, ends []int) orb.Polygon {
	p := make(orb.Polygon, 0, len(ends))
	for _, end := range ends {
		p = append(p, orb.Ring(points(flat[start:end], stride)))
		start = end
	}
	return p
}
