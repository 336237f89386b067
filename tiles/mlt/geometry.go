package mlt

import "encoding/binary"

// appendIDs writes the id column: one stream, no stream count. Ids are
// unsigned (32-bit unless one needs more), sorted by the renderer, so
// delta or delta-RLE usually wins.
func (l *Layer) appendIDs(b []byte, wide bool) []byte {
	allow := techPlain | techDelta | techDeltaRLE
	if l.plain {
		allow = techPlain
	}
	b, l.scratch = appendInts(b, streamData, dictNone, l.ids, allow, l.scratch)
	_ = wide // the width is in the column type code; the varints are the same
	return b
}

// appendGeometry writes the geometry column: the stream count, the
// geometry types, the topology length streams and the vertices.
//
// Which length streams are written, and which geometries have an entry in
// each, follows how decoders expand them (the reference decoder reads each
// combination differently):
//
//   - GEOMETRIES, when any feature is a multi geometry: the parts of each
//     multi geometry.
//   - PARTS, when any feature is not a point. With polygons present: the
//     rings of each polygon. Otherwise: the vertices of each line.
//   - RINGS, when any polygon is present: the vertices of each ring and of
//     each line.
func (l *Layer) appendGeometry(b []byte) []byte {
	var hasMulti, hasPolygon, hasLine bool
	for _, t := range l.types {
		hasMulti = hasMulti || t >= typeMultiPoint
		hasPolygon = hasPolygon || t == typePolygon || t == typeMultiPolygon
		hasLine = hasLine || t == typeLineString || t == typeMultiLineString
	}
	numStreams := 2
	if hasMulti {
		numStreams++
	}
	if hasMulti || hasPolygon || hasLine {
		numStreams++
	}
	if hasPolygon {
		numStreams++
	}
	b = binary.AppendUvarint(b, uint64(numStreams))
	lengths := techPlain | techRLE
	if l.plain {
		lengths = techPlain
	}
	b, l.scratch = appendInts(b, streamData, dictNone, l.types, lengths, l.scratch)

	geoms, parts, rings := l.topology(hasMulti, hasPolygon)
	if hasMulti {
		b, l.scratch = appendInts(b, streamLength, lengthGeometries, geoms, lengths, l.scratch)
	}
	if hasMulti || hasPolygon || hasLine {
		b, l.scratch = appendInts(b, streamLength, lengthParts, parts, lengths, l.scratch)
	}
	if hasPolygon {
		b, l.scratch = appendInts(b, streamLength, lengthRings, rings, lengths, l.scratch)
	}
	return l.appendVertices(b)
}

// topology returns the GEOMETRIES, PARTS and RINGS length streams (see
// appendGeometry), in l.u32.
func (l *Layer) topology(hasMulti, hasPolygon bool) (geoms, parts, rings []uint32) {
	// First pass: count, to slice one buffer three ways.
	var ng, np, nr int
	pi := 0
	for i, t := range l.types {
		polys := int(l.geoms[i])
		polygonal := t == typePolygon || t == typeMultiPolygon
		linear := t == typeLineString || t == typeMultiLineString
		if t >= typeMultiPoint {
			ng++
		}
		for range polys {
			nrings := int(l.rings[pi])
			pi++
			switch {
			case hasPolygon && polygonal:
				np++
				nr += nrings
			case hasPolygon && linear:
				nr++
			case linear:
				np++
			}
		}
	}
	buf := l.u32[:0]
	for range ng + np + nr {
		buf = append(buf, 0)
	}
	l.u32 = buf
	geoms, parts, rings = buf[:0:ng], buf[ng:ng:ng+np], buf[ng+np:ng+np:ng+np+nr]
	pi, ri := 0, 0
	for i, t := range l.types {
		polys := int(l.geoms[i])
		polygonal := t == typePolygon || t == typeMultiPolygon
		linear := t == typeLineString || t == typeMultiLineString
		if hasMulti && t >= typeMultiPoint {
			geoms = append(geoms, uint32(polys))
		}
		for range polys {
			nrings := int(l.rings[pi])
			pi++
			switch {
			case hasPolygon && polygonal:
				parts = append(parts, uint32(nrings))
				rings = append(rings, l.verts[ri:ri+nrings]...)
			case hasPolygon && linear:
				rings = append(rings, l.verts[ri])
			case linear:
				parts = append(parts, l.verts[ri])
			}
			ri += nrings
		}
	}
	return geoms, parts, rings
}

// appendVertices writes the vertex buffer: x, y pairs as zig-zag varints,
// either absolute (plain) or as differences from the previous vertex of
// the layer (componentwise delta), whichever is smaller.
func (l *Layer) appendVertices(b []byte) []byte {
	s := stream{kind: streamData, sub: dictVertex, phys: physVarint, numValues: len(l.xy)}
	useDelta := false
	if !l.plain {
		var plain, dlt int
		var px, py int32
		for i := 0; i+1 < len(l.xy); i += 2 {
			x, y := l.xy[i], l.xy[i+1]
			plain += uvarintLen(uint64(zigzag32(x))) + uvarintLen(uint64(zigzag32(y)))
			dlt += uvarintLen(uint64(zigzag32(x-px))) + uvarintLen(uint64(zigzag32(y-py)))
			px, py = x, y
		}
		useDelta = dlt < plain
	}
	p := l.scratch[:0]
	if useDelta {
		s.log1 = logComponentwiseDelta
		var px, py int32
		for i := 0; i+1 < len(l.xy); i += 2 {
			x, y := l.xy[i], l.xy[i+1]
			p = binary.AppendUvarint(p, uint64(zigzag32(x-px)))
			p = binary.AppendUvarint(p, uint64(zigzag32(y-py)))
			px, py = x, y
		}
	} else {
		for _, v := range l.xy {
			p = binary.AppendUvarint(p, uint64(zigzag32(v)))
		}
	}
	l.scratch = p
	return appendStream(b, s, p)
}
