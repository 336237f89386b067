package jsonw

import (
	"fmt"
	"math"
	"strconv"

	"github.com/paulmach/orb"
)

// AppendGeometry appends g as a GeoJSON geometry (RFC 7946) with the
// winding §3.1.6 requires: exterior rings counter-clockwise, holes
// clockwise. Stored geometry keeps the winding it came with (tiles and
// the questions do not depend on it); only the output is turned, ring by
// ring, as it is written. Numbers are formatted as encoding/json formats
// float64, so the output is what orb's geojson package writes apart from
// the winding. A ring is a Polygon and a bound its rectangle, as orb
// writes them; a NaN or infinite coordinate is an error (JSON has none).
func AppendGeometry(buf []byte, g orb.Geometry) ([]byte, error) {
	switch g := g.(type) {
	case orb.Point:
		buf = append(buf, `{"type":"Point","coordinates":`...)
		buf = appendPoint(buf, g)
	case orb.MultiPoint:
		buf = append(buf, `{"type":"MultiPoint","coordinates":`...)
		buf = appendPoints(buf, g, false)
	case orb.LineString:
		buf = append(buf, `{"type":"LineString","coordinates":`...)
		buf = appendPoints(buf, g, false)
	case orb.MultiLineString:
		buf = append(buf, `{"type":"MultiLineString","coordinates":[`...)
		for i, ls := range g {
			if i > 0 {
				buf = append(buf, ',')
			}
			buf = appendPoints(buf, ls, false)
		}
		buf = append(buf, ']')
	case orb.Ring:
		buf = append(buf, `{"type":"Polygon","coordinates":`...)
		buf = appendPolygon(buf, orb.Polygon{g})
	case orb.Bound:
		buf = append(buf, `{"type":"Polygon","coordinates":`...)
		buf = appendPolygon(buf, g.ToPolygon())
	case orb.Polygon:
		buf = append(buf, `{"type":"Polygon","coordinates":`...)
		buf = appendPolygon(buf, g)
	case orb.MultiPolygon:
		buf = append(buf, `{"type":"MultiPolygon","coordinates":[`...)
		for i, p := range g {
			if i > 0 {
				buf = append(buf, ',')
			}
			buf = appendPolygon(buf, p)
		}
		buf = append(buf, ']')
	case orb.Collection:
		buf = append(buf, `{"type":"GeometryCollection","geometries":[`...)
		for i, m := range g {
			if i > 0 {
				buf = append(buf, ',')
			}
			var err error
			if buf, err = AppendGeometry(buf, m); err != nil {
				return nil, err
			}
		}
		return append(buf, "]}"...), nil
	case nil:
		return append(buf, "null"...), nil
	default:
		return nil, fmt.Errorf("jsonw: unsupported geometry %T", g)
	}
	if !finite(g) {
		return nil, fmt.Errorf("jsonw: %s with a NaN or infinite coordinate", g.GeoJSONType())
	}
	return append(buf, '}'), nil
}

// appendPolygon writes the rings, the first counter-clockwise and the
// others clockwise.
func appendPolygon(buf []byte, p orb.Polygon) []byte {
	buf = append(buf, '[')
	for i, r := range p {
		if i > 0 {
			buf = append(buf, ',')
		}
		a := signedArea(r)
		reverse := (i == 0 && a < 0) || (i > 0 && a > 0)
		buf = appendPoints(buf, r, reverse)
	}
	return append(buf, ']')
}

// signedArea is twice the ring's planar area in degrees, positive when
// the ring turns counter-clockwise. Orientation is all it is used for, and
// for that lon/lat are as good as any plane.
func signedArea(r orb.Ring) float64 {
	s := 0.0
	for i := 0; i+1 < len(r); i++ {
		s += r[i][0]*r[i+1][1] - r[i+1][0]*r[i][1]
	}
	if n := len(r); n > 2 && r[0] != r[n-1] {
		s += r[n-1][0]*r[0][1] - r[0][0]*r[n-1][1]
	}
	return s
}

func appendPoints(buf []byte, ps []orb.Point, reverse bool) []byte {
	buf = append(buf, '[')
	for i := range ps {
		if i > 0 {
			buf = append(buf, ',')
		}
		j := i
		if reverse {
			j = len(ps) - 1 - i
		}
		buf = appendPoint(buf, ps[j])
	}
	return append(buf, ']')
}

func appendPoint(buf []byte, p orb.Point) []byte {
	buf = append(buf, '[')
	buf = appendFloat(buf, p[0])
	buf = append(buf, ',')
	buf = appendFloat(buf, p[1])
	return append(buf, ']')
}

// appendFloat formats f as encoding/json does: the shortest decimal that
// round-trips, in exponent form only below 1e-6 or from 1e21, with the
// exponent's leading zero dropped (1e-07 → 1e-7).
func appendFloat(buf []byte, f float64) []byte {
	abs := math.Abs(f)
	format := byte('f')
	if abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		format = 'e'
	}
	buf = strconv.AppendFloat(buf, f, format, -1, 64)
	if format == 'e' {
		if n := len(buf); n >= 4 && buf[n-4] == 'e' && buf[n-3] == '-' && buf[n-2] == '0' {
			buf[n-2] = buf[n-1]
			buf = buf[:n-1]
		}
	}
	return buf
}

// finite reports whether every coordinate of g is a finite number (a
// bound is not enough: orb's bounds skip NaN after the first point).
func finite(g orb.Geometry) bool {
	ok := true
	walk(g, func(p orb.Point) {
		ok = ok && !math.IsNaN(p[0]) && !math.IsNaN(p[1]) && !math.IsInf(p[0], 0) && !math.IsInf(p[1], 0)
	})
	return ok
}

// walk calls fn for every point of g (collections are checked member by
// member as they are written).
func walk(g orb.Geometry, fn func(orb.Point)) {
	switch g := g.(type) {
	case orb.Point:
		fn(g)
	case orb.MultiPoint:
		for _, p := range g {
			fn(p)
		}
	case orb.LineString:
		walk(orb.MultiPoint(g), fn)
	case orb.Ring:
		walk(orb.MultiPoint(g), fn)
	case orb.MultiLineString:
		for _, l := range g {
			walk(orb.MultiPoint(l), fn)
		}
	case orb.Polygon:
		for _, r := range g {
			walk(orb.MultiPoint(r), fn)
		}
	case orb.MultiPolygon:
		for _, p := range g {
			walk(p, fn)
		}
	case orb.Bound:
		fn(g.Min)
		fn(g.Max)
	}
}
