package spatial

import (
	"encoding/binary"

	"github.com/paulmach/orb"
)

// GeomKind is the kind of a stored geometry (or of one of its parts).
type GeomKind uint8

// Geometry kinds: one per orb geometry type.
const (
	KindNone GeomKind = iota // a nil geometry
	KindPoint
	KindMultiPoint
	KindLineString
	KindMultiLineString
	KindRing
	KindPolygon
	KindMultiPolygon
	KindCollection
	KindBound

	kindFree GeomKind = 0xff // a slot without a feature
)

// A geometry's shape is a byte string of kinds and uvarint counts, in
// the order its points are stored; the points themselves are in the pts
// arena:
//
//	Point            kind                      1 point
//	LineString, Ring kind n                    n points
//	Polygon          kind r n1 … nr            n1+…+nr points
//	Bound            kind                      5 points: its closed ring
//	MultiPoint, MultiLineString, MultiPolygon, Collection
//	                 kind c child1 … childc    each child with its own kind
//
// Every child carries its own kind, so a reader that only wants the
// primitives (points, lines, polygons) walks the shape front to back and
// skips the headers of multi-geometries (parts.go).

func isMulti(k GeomKind) bool {
	return k == KindMultiPoint || k == KindMultiLineString || k == KindMultiPolygon
}

func kindOf(g orb.Geometry) GeomKind {
	switch g.(type) {
	case orb.Point:
		return KindPoint
	case orb.MultiPoint:
		return KindMultiPoint
	case orb.LineString:
		return KindLineString
	case orb.MultiLineString:
		return KindMultiLineString
	case orb.Ring:
		return KindRing
	case orb.Polygon:
		return KindPolygon
	case orb.MultiPolygon:
		return KindMultiPolygon
	case orb.Collection:
		return KindCollection
	case orb.Bound:
		return KindBound
	}
	return KindNone
}

func appendCount(b []byte, n int) []byte { return binary.AppendUvarint(b, uint64(n)) }

// appendShape appends the shape of g.
func appendShape(b []byte, g orb.Geometry) []byte {
	b = append(b, byte(kindOf(g)))
	switch g := g.(type) {
	case orb.MultiPoint:
		b = appendCount(b, len(g))
		for range g {
			b = append(b, byte(KindPoint))
		}
	case orb.LineString:
		b = appendCount(b, len(g))
	case orb.Ring:
		b = appendCount(b, len(g))
	case orb.MultiLineString:
		b = appendCount(b, len(g))
		for _, l := range g {
			b = appendCount(append(b, byte(KindLineString)), len(l))
		}
	case orb.Polygon:
		b = appendRings(b, g)
	case orb.MultiPolygon:
		b = appendCount(b, len(g))
		for _, p := range g {
			b = appendRings(append(b, byte(KindPolygon)), p)
		}
	case orb.Collection:
		b = appendCount(b, len(g))
		for _, c := range g {
			b = appendShape(b, c)
		}
	}
	return b
}

func appendRings(b []byte, p orb.Polygon) []byte {
	b = appendCount(b, len(p))
	for _, r := range p {
		b = appendCount(b, len(r))
	}
	return b
}

// appendPoints appends the points of g in shape order.
func appendPoints(pts []orb.Point, g orb.Geometry) []orb.Point {
	switch g := g.(type) {
	case orb.Point:
		pts = append(pts, g)
	case orb.MultiPoint:
		pts = append(pts, g...)
	case orb.LineString:
		pts = append(pts, g...)
	case orb.Ring:
		pts = append(pts, g...)
	case orb.MultiLineString:
		for _, l := range g {
			pts = append(pts, l...)
		}
	case orb.Polygon:
		for _, r := range g {
			pts = append(pts, r...)
		}
	case orb.MultiPolygon:
		for _, p := range g {
			for _, r := range p {
				pts = append(pts, r...)
			}
		}
	case orb.Collection:
		for _, c := range g {
			pts = appendPoints(pts, c)
		}
	case orb.Bound:
		pts = append(pts, g.ToRing()...)
	}
	return pts
}

// shapeReader decodes a shape and its points front to back.
type shapeReader struct {
	shape []byte
	pts   []orb.Point
}

func (r *shapeReader) kind() GeomKind {
	k := GeomKind(r.shape[0])
	r.shape = r.shape[1:]
	return k
}

func (r *shapeReader) count() int {
	n, w := binary.Uvarint(r.shape)
	r.shape = r.shape[w:]
	return int(n)
}

// take returns the next n points as a new slice.
func (r *shapeReader) take(n int) []orb.Point {
	out := make([]orb.Point, n)
	copy(out, r.pts[:n])
	r.pts = r.pts[n:]
	return out
}

// geometry materialises the next geometry as new orb values.
func (r *shapeReader) geometry() orb.Geometry {
	switch k := r.kind(); k {
	case KindPoint:
		p := r.pts[0]
		r.pts = r.pts[1:]
		return p
	case KindMultiPoint:
		mp := make(orb.MultiPoint, r.count())
		for i := range mp {
			mp[i] = r.geometry().(orb.Point)
		}
		return mp
	case KindLineString:
		return orb.LineString(r.take(r.count()))
	case KindRing:
		return orb.Ring(r.take(r.count()))
	case KindMultiLineString:
		ml := make(orb.MultiLineString, r.count())
		for i := range ml {
			ml[i] = r.geometry().(orb.LineString)
		}
		return ml
	case KindPolygon:
		return r.polygon()
	case KindMultiPolygon:
		mp := make(orb.MultiPolygon, r.count())
		for i := range mp {
			mp[i] = r.geometry().(orb.Polygon)
		}
		return mp
	case KindCollection:
		c := make(orb.Collection, r.count())
		for i := range c {
			c[i] = r.geometry()
		}
		return c
	case KindBound:
		ring := r.pts[:5]
		r.pts = r.pts[5:]
		return orb.Bound{Min: ring[0], Max: ring[2]}
	}
	return nil
}

func (r *shapeReader) polygon() orb.Polygon {
	p := make(orb.Polygon, r.count())
	lens := make([]int, len(p))
	for i := range p {
		lens[i] = r.count()
	}
	for i := range p {
		p[i] = orb.Ring(r.take(lens[i]))
	}
	return p
}
