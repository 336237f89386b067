package ingest

import (
	"encoding/binary"
	"math"
	"strconv"

	"github.com/paulmach/orb"
)

// FlatGeobuf geometry types (header.fbs GeometryType) read here; the curve
// and surface types are refused.
const (
	fgbUnknown = iota
	fgbPoint
	fgbLineString
	fgbPolygon
	fgbMultiPoint
	fgbMultiLineString
	fgbMultiPolygon
	fgbCollection
)

var fgbTypeNames = []string{"Unknown", "Point", "LineString", "Polygon", "MultiPoint", "MultiLineString",
	"MultiPolygon", "GeometryCollection", "CircularString", "CompoundCurve", "CurvePolygon", "MultiCurve",
	"MultiSurface", "Curve", "Surface", "PolyhedralSurface", "TIN", "Triangle"}

func fgbTypeName(t uint8) string {
	if int(t) < len(fgbTypeNames) {
		return fgbTypeNames[t]
	}
	return "type " + strconv.Itoa(int(t))
}

// FlatGeobuf column types (header.fbs ColumnType).
const (
	fgbByte = iota
	fgbUByte
	fgbBool
	fgbShort
	fgbUShort
	fgbInt
	fgbUInt
	fgbLong
	fgbULong
	fgbFloat
	fgbDouble
	fgbString
	fgbJSON
	fgbDateTime
	fgbBinary
)

// fgbFeature is a decoded Feature: its geometry or the problem with it,
// and fatal when a value is over a limit (which refuses the input).
type fgbFeature struct {
	geom  orb.Geometry
	gpr   *gproblem
	fatal string
}

// parseFGBFeature reads a Feature table (feature.fbs: geometry 0,
// properties 1, columns 2) into its geometry and vals (by header column).
func parseFGBFeature(b []byte, h *fgbHeader, vals []any, lim Limits) fgbFeature {
	t := fbRoot(b)
	var f fgbFeature
	if _, n := t.vector(2, 4); n > 0 {
		f.gpr = gprob(RuleFlatGeobuf, "the feature has its own column schema, which bando does not read")
		return f
	}
	if props := t.bytes(1); len(props) > 0 {
		if why, fatal := fgbProps(props, h.cols, vals, lim.MaxFieldBytes); why != "" {
			if fatal {
				f.fatal = why
				return f
			}
			f.gpr = gprob(RuleFlatGeobuf, "%s", why)
			return f
		}
	}
	if gt, ok := t.table(0); ok {
		budget := lim.MaxVertices
		f.geom, f.gpr = fgbGeometry(gt, h.geomType, &budget, 0)
		if f.gpr != nil && f.gpr.rule == RuleTooLarge {
			f.fatal, f.gpr = f.gpr.msg, nil
		}
	}
	return f
}

// fgbGeometry reads a Geometry table (ends 0, xy 1, z 2, m 3, t 4, tm 5,
// type 6, parts 7); typ is the type its parent (the header, a collection)
// gives when the table has none. budget counts down the vertices allowed.
func fgbGeometry(t fbTable, typ uint8, budget *int, depth int) (orb.Geometry, *gproblem) {
	if own := t.u8(6, 0); own != fgbUnknown {
		typ = own
	}
	switch typ {
	case fgbPoint:
		pts, pr := fgbPoints(t, budget)
		switch {
		case pr != nil:
			return nil, pr
		case len(pts) == 0 || math.IsNaN(pts[0][0]) && math.IsNaN(pts[0][1]):
			return nil, nil // POINT EMPTY, as GDAL writes it
		case len(pts) > 1:
			return nil, gprob(RuleFlatGeobuf, "a Point of %d positions", len(pts))
		}
		return pts[0], nil
	case fgbLineString:
		pts, pr := fgbPoints(t, budget)
		if pr != nil || len(pts) == 0 {
			return nil, pr
		}
		return orb.LineString(pts), nil
	case fgbMultiPoint:
		pts, pr := fgbPoints(t, budget)
		if pr != nil || len(pts) == 0 {
			return nil, pr
		}
		return orb.MultiPoint(pts), nil
	case fgbPolygon, fgbMultiLineString:
		parts, pr := fgbParts(t, budget)
		if pr != nil || len(parts) == 0 {
			return nil, pr
		}
		if typ == fgbPolygon {
			p := make(orb.Polygon, len(parts))
			for i, ps := range parts {
				p[i] = orb.Ring(ps)
			}
			return p, nil
		}
		ml := make(orb.MultiLineString, len(parts))
		for i, ps := range parts {
			ml[i] = orb.LineString(ps)
		}
		return ml, nil
	case fgbMultiPolygon, fgbCollection:
		return fgbMulti(t, typ, budget, depth)
	case fgbUnknown:
		return nil, gprob(RuleFlatGeobuf, "the geometry has no type, and the header gives none")
	}
	return nil, gprob(RuleGeomType, "%s geometries are not supported (curves and surfaces: convert them with ogr2ogr -nlt CONVERT_TO_LINEAR)", fgbTypeName(typ))
}

// fgbMulti reads the parts of a MultiPolygon (each a Polygon) or a
// GeometryCollection (each of its own type).
func fgbMulti(t fbTable, typ uint8, budget *int, depth int) (orb.Geometry, *gproblem) {
	if depth >= maxCollectionDepth {
		return nil, gprob(RuleFlatGeobuf, "geometries nested more than %d deep", maxCollectionDepth)
	}
	parts := t.tables(7)
	if len(parts) == 0 {
		return nil, nil
	}
	var mp orb.MultiPolygon
	var coll orb.Collection
	for _, pt := range parts {
		want := uint8(fgbPolygon)
		if typ == fgbCollection {
			want = fgbUnknown
		}
		g, pr := fgbGeometry(pt, want, budget, depth+1)
		if pr != nil {
			return nil, pr
		}
		if typ == fgbCollection {
			if g != nil {
				coll = append(coll, g)
			}
			continue
		}
		p, ok := g.(orb.Polygon)
		if !ok {
			return nil, gprob(RuleFlatGeobuf, "a MultiPolygon part is a %s, not a Polygon", fgbGeometryName(g))
		}
		mp = append(mp, p)
	}
	if typ == fgbCollection {
		return coll, nil
	}
	return mp, nil
}

func fgbGeometryName(g orb.Geometry) string {
	if g == nil {
		return "empty geometry"
	}
	return g.GeoJSONType()
}

// fgbPoints reads the xy vector as positions.
func fgbPoints(t fbTable, budget *int) ([]orb.Point, *gproblem) {
	start, n := t.vector(1, 8)
	if n%2 != 0 {
		return nil, gprob(RuleFlatGeobuf, "xy holds %d numbers, an odd count", n)
	}
	if *budget -= n / 2; *budget < 0 {
		return nil, gprob(RuleTooLarge, "the geometry has more vertices than the limit")
	}
	pts := make([]orb.Point, n/2)
	for i := range pts {
		pts[i] = orb.Point{t.f64(start, 2*i), t.f64(start, 2*i+1)}
	}
	return pts, nil
}

// fgbParts splits the positions at ends (the cumulative position count at
// the end of each ring or line); no ends means one part.
func fgbParts(t fbTable, budget *int) ([][]orb.Point, *gproblem) {
	pts, pr := fgbPoints(t, budget)
	if pr != nil || len(pts) == 0 {
		return nil, pr
	}
	es, ne := t.vector(0, 4)
	if ne == 0 {
		return [][]orb.Point{pts}, nil
	}
	parts := make([][]orb.Point, 0, min(ne, len(pts)))
	prev := 0
	for k := range ne {
		end := t.u32At(es, k)
		if end <= prev || end > len(pts) {
			return nil, gprob(RuleFlatGeobuf, "part %d ends at position %d, after %d and within %d", k+1, end, prev, len(pts))
		}
		parts = append(parts, pts[prev:end:end])
		prev = end
	}
	if prev != len(pts) {
		return nil, gprob(RuleFlatGeobuf, "the parts end at position %d of %d", prev, len(pts))
	}
	return parts, nil
}

// fgbProps decodes a properties buffer: (uint16 column, value) pairs, the
// value's encoding set by the column's type. why says what is wrong;
// fatal marks a value over maxField.
func fgbProps(b []byte, cols []fgbColumn, vals []any, maxField int) (why string, fatal bool) {
	le := binary.LittleEndian
	for len(b) > 0 {
		if len(b) < 2 {
			return "properties end inside a column index", false
		}
		ci := int(le.Uint16(b))
		b = b[2:]
		if ci >= len(cols) {
			return "a property of column " + strconv.Itoa(ci) + ", the header has " + strconv.Itoa(len(cols)), false
		}
		col := cols[ci]
		size := fgbValueSize(col.typ)
		if size == 0 {
			return "column " + strconv.Quote(col.name) + " has unknown type " + strconv.Itoa(int(col.typ)), false
		}
		if size < 0 { // a length-prefixed value
			if len(b) < 4 {
				return "property " + strconv.Quote(col.name) + " ends inside its length", false
			}
			n := le.Uint32(b)
			b = b[4:]
			if uint64(n) > uint64(len(b)) {
				return "property " + strconv.Quote(col.name) + " says " + strconv.FormatUint(uint64(n), 10) + " bytes, " + strconv.Itoa(len(b)) + " are left", false
			}
			if int(n) > maxField {
				return "property " + strconv.Quote(col.name) + " of " + byteSize(int64(n)) + " is longer than the limit of " + byteSize(int64(maxField)), true
			}
			vals[ci] = fgbText(col.typ, b[:n])
			b = b[n:]
			continue
		}
		if len(b) < size {
			return "property " + strconv.Quote(col.name) + " ends after " + strconv.Itoa(len(b)) + " of " + strconv.Itoa(size) + " bytes", false
		}
		vals[ci] = fgbScalar(col.typ, b[:size])
		b = b[size:]
	}
	return "", false
}

// fgbValueSize is the encoded size of a value of column type typ: -1 for
// a length-prefixed one, 0 for a type not in the schema.
func fgbValueSize(typ uint8) int {
	switch typ {
	case fgbByte, fgbUByte, fgbBool:
		return 1
	case fgbShort, fgbUShort:
		return 2
	case fgbInt, fgbUInt, fgbFloat:
		return 4
	case fgbLong, fgbULong, fgbDouble:
		return 8
	case fgbString, fgbJSON, fgbDateTime, fgbBinary:
		return -1
	}
	return 0
}

// fgbScalar is a fixed-size value as addRow takes it: int64, float64 or
// bool.
func fgbScalar(typ uint8, b []byte) any {
	le := binary.LittleEndian
	switch typ {
	case fgbByte:
		return int64(int8(b[0]))
	case fgbUByte:
		return int64(b[0])
	case fgbBool:
		return b[0] != 0
	case fgbShort:
		return int64(int16(le.Uint16(b)))
	case fgbUShort:
		return int64(le.Uint16(b))
	case fgbInt:
		return int64(int32(le.Uint32(b)))
	case fgbUInt:
		return int64(le.Uint32(b))
	case fgbLong:
		return int64(le.Uint64(b))
	case fgbULong:
		if u := le.Uint64(b); u <= math.MaxInt64 {
			return int64(u)
		} else {
			return float64(u)
		}
	case fgbFloat:
		return fgbFloat32(le.Uint32(b))
	case fgbDouble:
		return math.Float64frombits(le.Uint64(b))
	}
	return nil
}

// fgbText is a length-prefixed value: text (string, JSON, an ISO 8601
// date-time) as a string, a binary value as nothing (no field type holds
// it, as for a GeoPackage blob). Text that is not UTF-8 is kept as it is:
// convertValue refuses it by the field.
func fgbText(typ uint8, b []byte) any {
	if typ == fgbBinary {
		return nil
	}
	return string(b)
}
