package ingest

import (
	"encoding/binary"
	"fmt"
	"math"

	"github.com/paulmach/orb"
)

// gpkgGeometry decodes a GeoPackage geometry blob (OGC 12-128r18, 2.1.3):
// the "GP" header (version, flags, srs id, optional envelope), then
// standard or extended WKB (ISO and EWKB-style Z/M flags). It returns the
// geometry in the table's coordinates, the srs id, and whether Z or M
// values were dropped.
func gpkgGeometry(b []byte, maxVertices int) (g orb.Geometry, srs int32, zm bool, err error) {
	if len(b) < 8 || b[0] != 'G' || b[1] != 'P' {
		return nil, 0, false, fmt.Errorf("blob does not start with the GeoPackage magic \"GP\"")
	}
	if b[2] != 0 {
		return nil, 0, false, fmt.Errorf("GeoPackage geometry version %d, want 0", b[2])
	}
	flags := b[3]
	if flags&0x20 != 0 {
		return nil, 0, false, fmt.Errorf("extended GeoPackage geometry (flag X) is not supported")
	}
	var order binary.ByteOrder = binary.BigEndian
	if flags&1 != 0 {
		order = binary.LittleEndian
	}
	srs = int32(order.Uint32(b[4:]))
	env := [...]int{0, 32, 48, 48, 64}
	e := int(flags>>1) & 7
	if e >= len(env) {
		return nil, srs, false, fmt.Errorf("envelope indicator %d is not 0–4", e)
	}
	off := 8 + env[e]
	if off > len(b) {
		return nil, srs, false, fmt.Errorf("blob of %d bytes ends inside its envelope", len(b))
	}
	if flags&0x10 != 0 { // empty geometry
		return nil, srs, false, nil
	}
	d := &wkbReader{b: b[off:], budget: maxVertices}
	g = d.geometry(0)
	if d.err != nil {
		return nil, srs, d.zm, d.err
	}
	return g, srs, d.zm, nil
}

// wkbReader decodes WKB with bounds checks on every read: a count is
// checked against the bytes left and the vertex budget before anything is
// allocated.
type wkbReader struct {
	b      []byte
	i      int
	order  binary.ByteOrder
	budget int // vertices left
	zm     bool
	err    error
}

func (d *wkbReader) fail(format string, args ...any) {
	if d.err == nil {
		d.err = fmt.Errorf("WKB at byte %d: %s", d.i, fmt.Sprintf(format, args...))
	}
}

func (d *wkbReader) u32() uint32 {
	if d.err != nil || d.i+4 > len(d.b) {
		d.fail("ends early")
		return 0
	}
	v := d.order.Uint32(d.b[d.i:])
	d.i += 4
	return v
}

func (d *wkbReader) f64() float64 {
	if d.err != nil || d.i+8 > len(d.b) {
		d.fail("ends early")
		return 0
	}
	v := math.Float64frombits(d.order.Uint64(d.b[d.i:]))
	d.i += 8
	return v
}

// count reads a count of items of at least size bytes each.
func (d *wkbReader) count(size int) int {
	n := int(d.u32())
	if d.err == nil && (n < 0 || n > (len(d.b)-d.i)/size) {
		d.fail("count %d is more than the %d bytes left hold", n, len(d.b)-d.i)
		return 0
	}
	return n
}

func (d *wkbReader) points(dims int) []orb.Point {
	n := d.count(8 * dims)
	if d.budget -= n; d.budget < 0 {
		d.fail("more vertices than the limit")
		return nil
	}
	ps := make([]orb.Point, n)
	for i := range ps {
		ps[i] = orb.Point{d.f64(), d.f64()}
		for range dims - 2 {
			d.f64()
		}
	}
	return ps
}

const maxWKBDepth = 8

func (d *wkbReader) geometry(depth int) orb.Geometry {
	if depth > maxWKBDepth {
		d.fail("collections nested deeper than %d", maxWKBDepth)
		return nil
	}
	if d.i >= len(d.b) {
		d.fail("ends early")
		return nil
	}
	switch d.b[d.i] {
	case 0:
		d.order = binary.BigEndian
	case 1:
		d.order = binary.LittleEndian
	default:
		d.fail("byte order %d is not 0 or 1", d.b[d.i])
		return nil
	}
	d.i++
	t := d.u32()
	dims := 2
	if t&0x80000000 != 0 { // EWKB Z
		dims++
	}
	if t&0x40000000 != 0 { // EWKB M
		dims++
	}
	t &= 0x0fffffff
	switch t / 1000 {
	case 1, 2:
		dims++
	case 3:
		dims += 2
	}
	if dims > 2 {
		d.zm = true
	}
	switch t % 1000 {
	case 1:
		ps := d.points1(dims)
		if ps == nil {
			return nil
		}
		return *ps
	case 2:
		return orb.LineString(d.points(dims))
	case 3:
		n := d.count(4)
		p := make(orb.Polygon, 0, n)
		for range n {
			p = append(p, orb.Ring(d.points(dims)))
		}
		return p
	case 4, 5, 6, 7:
		n := d.count(5)
		return d.members(t%1000, n, depth)
	}
	d.fail("geometry type %d is not supported", t)
	return nil
}

// points1 reads one point; NaN coordinates are an empty point (GeoPackage
// 2.1.3.1.1).
func (d *wkbReader) points1(dims int) *orb.Point {
	if d.budget--; d.budget < 0 {
		d.fail("more vertices than the limit")
	}
	p := orb.Point{d.f64(), d.f64()}
	for range dims - 2 {
		d.f64()
	}
	if math.IsNaN(p[0]) && math.IsNaN(p[1]) {
		return nil
	}
	return &p
}

func (d *wkbReader) members(kind uint32, n, depth int) orb.Geometry {
	var mp orb.MultiPoint
	var ml orb.MultiLineString
	var mpoly orb.MultiPolygon
	var col orb.Collection
	for range n {
		g := d.geometry(depth + 1)
		if d.err != nil {
			return nil
		}
		switch v := g.(type) {
		case orb.Point:
			if kind == 4 {
				mp = append(mp, v)
				continue
			}
		case orb.LineString:
			if kind == 5 {
				ml = append(ml, v)
				continue
			}
		case orb.Polygon:
			if kind == 6 {
				mpoly = append(mpoly, v)
				continue
			}
		case nil:
			if kind != 7 {
				continue // an empty member
			}
		}
		if kind != 7 {
			d.fail("a %T inside a multi-geometry of type %d", g, kind)
			return nil
		}
		if g != nil {
			col = append(col, g)
		}
	}
	switch kind {
	case 4:
		return mp
	case 5:
		return ml
	case 6:
		return mpoly
	}
	return col
}
