package spatial

import (
	"encoding/binary"

	"github.com/paulmach/orb"
)

// Parts iterates over the primitives of a stored geometry in order: each
// point, line string and polygon of it, with multi-geometries and
// collections flattened. It allocates nothing.
//
//	ps := v.Parts()
//	for ps.Next() {
//		p := ps.Part()
//		…
//	}
type Parts struct {
	r    shapeReader
	my   []float64 // the MercatorY of r.pts, advanced with it
	part Part
}

// Part is one primitive of a geometry. Points points into the store's
// memory (read only, valid inside the callback).
type Part struct {
	// Kind is KindPoint, KindLineString, KindPolygon, KindRing (a polygon
	// stored as a bare orb.Ring) or KindBound (an orb.Bound, stored as its
	// closed ring).
	Kind GeomKind
	// Points holds every point of the part: the point, the line's points,
	// or the polygon's rings one after the other.
	Points []orb.Point
	// Y holds MercatorY(p[1]) of each point of Points, same indexes,
	// prepared when the feature was written (read only).
	Y []float64
	// lens holds the uvarint ring lengths of a polygon.
	lens   []byte
	nrings int
}

// Next advances to the next primitive and reports whether there is one.
func (ps *Parts) Next() bool {
	r := &ps.r
	for len(r.shape) > 0 {
		k := r.kind()
		switch k {
		case KindMultiPoint, KindMultiLineString, KindMultiPolygon, KindCollection:
			r.count() // the children follow, each with its kind
			continue
		case KindPoint:
			ps.part = ps.take(k, 1)
			return true
		case KindLineString:
			ps.part = ps.take(k, r.count())
			return true
		case KindRing, KindBound:
			n := 5
			if k == KindRing {
				n = r.count()
			}
			ps.part = ps.take(k, n)
			ps.part.nrings = 1
			return true
		case KindPolygon:
			ps.part = ps.polygon()
			return true
		}
	}
	return false
}

func (ps *Parts) polygon() Part {
	r := &ps.r
	nr := r.count()
	lens := r.shape
	total := 0
	for range nr {
		total += r.count()
	}
	p := ps.take(KindPolygon, total)
	p.lens, p.nrings = lens, nr
	return p
}

// take returns a part of kind k of the next n points.
func (ps *Parts) take(k GeomKind, n int) Part {
	p := Part{Kind: k, Points: ps.r.pts[:n:n], Y: ps.my[:n:n]}
	ps.r.pts, ps.my = ps.r.pts[n:], ps.my[n:]
	return p
}

// Part returns the current primitive.
func (ps *Parts) Part() Part { return ps.part }

// NumRings returns the number of rings of a polygon part (1 for KindRing
// and KindBound, 0 otherwise).
func (p Part) NumRings() int { return p.nrings }

// Rings appends the rings of a polygon part to dst (exterior first) and
// returns it; each ring is a slice of Points. Pass a reused dst to avoid
// allocation.
func (p Part) Rings(dst [][]orb.Point) [][]orb.Point {
	if p.Kind == KindRing || p.Kind == KindBound {
		return append(dst, p.Points)
	}
	pts, lens := p.Points, p.lens
	for range p.nrings {
		n, w := binary.Uvarint(lens)
		lens = lens[w:]
		dst = append(dst, pts[:n:n])
		pts = pts[n:]
	}
	return dst
}

// Bound returns the rectangle of a KindBound part.
func (p Part) Bound() orb.Bound { return orb.Bound{Min: p.Points[0], Max: p.Points[2]} }
