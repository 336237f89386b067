package mlt

import (
	"encoding/binary"
	"math"
	"sync"
)

// Kind is a feature's geometry kind, as in MVT: the parts decide whether
// it is written as a single or a multi geometry.
type Kind uint8

// Geometry kinds.
const (
	Point   Kind = 1
	Line    Kind = 2
	Polygon Kind = 3
)

// MLT geometry types (the values of the geometry type stream).
const (
	typePoint           = 0
	typeLineString      = 1
	typePolygon         = 2
	typeMultiPoint      = 3
	typeMultiLineString = 4
	typeMultiPolygon    = 5
)

// XY is a vertex on the tile's integer grid (y down).
type XY struct{ X, Y int32 }

// Layer accumulates one layer's features, column by column, and writes
// them as one MLT v1 frame. Get one with NewLayer and give it back with
// Release once written.
type Layer struct {
	name   string
	extent int
	plain  bool

	ids   []uint64
	types []byte // MLT geometry type per feature
	// The geometry, normalised as polygons of rings of vertices: a line is
	// a polygon of one ring, a point a polygon of one one-vertex ring.
	geoms []uint32 // per feature: its polygons (lines, points)
	rings []uint32 // per polygon: its rings
	verts []uint32 // per ring: its vertices
	xy    []int32

	cols   []*column
	colIdx map[colKey]int
	hint   []int     // column of the i-th property of the last feature
	spare  []*column // columns of earlier uses, reused

	// scratch buffers, reused between streams and layers
	buf, scratch, bits []byte
	u32, u32b          []uint32
	u64                []uint64
}

var layerPool = sync.Pool{New: func() any { return &Layer{colIdx: make(map[colKey]int)} }}

// NewLayer returns an empty layer named name with the given extent (tile
// units), from a pool.
func NewLayer(name string, extent int) *Layer {
	l := layerPool.Get().(*Layer)
	l.name, l.extent, l.plain = name, extent, false
	return l
}

// Plain makes the layer use only the spec's plain encodings (varints,
// plain strings): a baseline for measuring the columnar ones.
func (l *Layer) Plain() { l.plain = true }

// Release empties the layer and returns it to the pool.
func (l *Layer) Release() {
	l.ids, l.types = l.ids[:0], l.types[:0]
	l.geoms, l.rings, l.verts, l.xy = l.geoms[:0], l.rings[:0], l.verts[:0], l.xy[:0]
	l.spare = append(l.spare, l.cols...)
	l.cols, l.hint = l.cols[:0], l.hint[:0]
	clear(l.colIdx)
	layerPool.Put(l)
}

// Len returns the number of features added.
func (l *Layer) Len() int { return len(l.ids) }

// Add appends a feature: its id, geometry and properties. Parts are as in
// MVT: for points, one part holding every point; for lines, one part per
// line; for polygons, the rings in order, each exterior (positive area on
// the tile grid, clockwise on screen) followed by its holes, rings open
// (no repeated closing vertex). A feature with more than one point, line
// or exterior ring becomes a multi geometry. A geometry with no vertices
// is not added. Properties with the same key as an earlier one of the
// feature are ignored.
func (l *Layer) Add(id uint64, kind Kind, parts [][]XY, props []Prop) {
	n := 0
	for _, p := range parts {
		n += len(p)
	}
	if n == 0 {
		return
	}
	row := len(l.ids)
	l.ids = append(l.ids, id)
	l.types = append(l.types, l.addGeometry(kind, parts))
	for i, p := range props {
		l.columnAt(i, p.Key, p.Value.kind).add(row, p.Value)
	}
}

// columnAt returns the column for the i-th property of a feature.
// Features of a layer list their properties in the same order, so it is
// usually the column the previous feature's i-th property used; and with
// few columns, comparing names beats hashing the key.
func (l *Layer) columnAt(i int, key string, kind byte) *column {
	if i < len(l.hint) {
		if c := l.cols[l.hint[i]]; c.kind == kind && c.name == key {
			return c
		}
	}
	for len(l.hint) <= i {
		l.hint = append(l.hint, 0)
	}
	if len(l.cols) <= 16 {
		for j, c := range l.cols {
			if c.kind == kind && c.name == key {
				l.hint[i] = j
				return c
			}
		}
	}
	c := l.column(key, kind)
	l.hint[i] = l.colIdx[colKey{c.name, kind}]
	return c
}

// addGeometry appends the geometry's topology and vertices and returns its
// MLT type.
func (l *Layer) addGeometry(kind Kind, parts [][]XY) byte {
	switch kind {
	case Point:
		n := 0
		for _, part := range parts {
			for _, p := range part {
				l.rings = append(l.rings, 1)
				l.verts = append(l.verts, 1)
				l.xy = append(l.xy, p.X, p.Y)
				n++
			}
		}
		l.geoms = append(l.geoms, uint32(n))
		return single(n, typePoint)
	case Line:
		n := 0
		for _, part := range parts {
			if len(part) == 0 {
				continue
			}
			l.rings = append(l.rings, 1)
			l.addRing(part)
			n++
		}
		l.geoms = append(l.geoms, uint32(n))
		return single(n, typeLineString)
	}
	n := 0
	for _, ring := range parts {
		if len(ring) == 0 {
			continue
		}
		if n == 0 || area2(ring) > 0 {
			l.rings = append(l.rings, 0)
			n++
		}
		l.rings[len(l.rings)-1]++
		l.addRing(ring)
	}
	l.geoms = append(l.geoms, uint32(n))
	return single(n, typePolygon)
}

func (l *Layer) addRing(pts []XY) {
	l.verts = append(l.verts, uint32(len(pts)))
	for _, p := range pts {
		l.xy = append(l.xy, p.X, p.Y)
	}
}

// single returns the single type t for one part, its multi type otherwise.
func single(n int, t byte) byte {
	if n == 1 {
		return t
	}
	return t + 3
}

// area2 is twice the signed area of an open ring on the tile grid:
// positive for exterior rings (clockwise on screen, y down).
func area2(r []XY) int64 {
	var s int64
	for i := range r {
		a, b := r[i], r[(i+1)%len(r)]
		s += int64(a.X)*int64(b.Y) - int64(b.X)*int64(a.Y)
	}
	return s
}

// AppendTo appends the layer's frame to b; a layer without features
// appends nothing (as MVT, empty layers are left out).
func (l *Layer) AppendTo(b []byte) []byte {
	if len(l.ids) == 0 {
		return b
	}
	body := l.buf[:0]
	body = append(body, tagV1)
	body = appendString(body, l.name)
	body = binary.AppendUvarint(body, uint64(l.extent))
	body = binary.AppendUvarint(body, uint64(2+len(l.cols)))
	idWide := l.idsWide()
	if idWide {
		body = append(body, colLongID)
	} else {
		body = append(body, colID)
	}
	body = append(body, colGeometry)
	for _, c := range l.cols {
		body = binary.AppendUvarint(body, uint64(c.typeCode(len(l.ids), l.plain)))
		body = appendString(body, c.name)
	}
	body = l.appendIDs(body, idWide)
	body = l.appendGeometry(body)
	for _, c := range l.cols {
		body = c.appendTo(body, l, len(l.ids))
	}
	l.buf = body
	b = binary.AppendUvarint(b, uint64(len(body)))
	return append(b, body...)
}

// Encode writes a tile holding the layers in order. A tile without
// features is empty (nil).
func Encode(layers ...*Layer) []byte {
	var out []byte
	for _, l := range layers {
		out = l.AppendTo(out)
	}
	return out
}

func (l *Layer) idsWide() bool {
	for _, id := range l.ids {
		if id > math.MaxUint32 {
			return true
		}
	}
	return false
}
