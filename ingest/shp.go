package ingest

import (
	"encoding/binary"
	"fmt"
	"math"

	"github.com/paulmach/orb"
)

// Shapefile shape types (ESRI Shapefile Technical Description, July 1998).
const (
	shpNull        = 0
	shpPoint       = 1
	shpPolyLine    = 3
	shpPolygon     = 5
	shpMultiPoint  = 8
	shpMultiPatch  = 31
	shpHeaderBytes = 100
)

var shpTypeNames = map[int32]string{
	0: "Null", 1: "Point", 3: "PolyLine", 5: "Polygon", 8: "MultiPoint",
	11: "PointZ", 13: "PolyLineZ", 15: "PolygonZ", 18: "MultiPointZ",
	21: "PointM", 23: "PolyLineM", 25: "PolygonM", 28: "MultiPointM", 31: "MultiPatch",
}

// shpBase maps a Z or M shape type to its 2D type (PointZ 11 and PointM
// 21 to Point 1...); the second result says whether Z or M were there.
func shpBase(t int32) (int32, bool) {
	switch {
	case t > 20 && t < 30:
		return t - 20, true
	case t > 10 && t < 20:
		return t - 10, true
	}
	return t, false
}

// shpHeader is the 100-byte header of a .shp (and .shx).
type shpHeader struct {
	length int64 // file length in bytes, as the header says
	typ    int32
}

func parseShpHeader(b []byte) (shpHeader, error) {
	if len(b) < shpHeaderBytes {
		return shpHeader{}, fmt.Errorf("file of %d bytes is shorter than the 100-byte header", len(b))
	}
	if code := binary.BigEndian.Uint32(b[0:]); code != 9994 {
		return shpHeader{}, fmt.Errorf("file code %d is not 9994: not a shapefile", code)
	}
	if v := binary.LittleEndian.Uint32(b[28:]); v != 1000 {
		return shpHeader{}, fmt.Errorf("version %d is not 1000", v)
	}
	h := shpHeader{length: int64(binary.BigEndian.Uint32(b[24:])) * 2, typ: int32(binary.LittleEndian.Uint32(b[32:]))}
	if _, ok := shpTypeNames[h.typ]; !ok {
		return h, fmt.Errorf("unknown shape type %d", h.typ)
	}
	return h, nil
}

// maxShpContent is the longest record content maxVertices allow: a
// PolygonZM of as many parts as points.
func maxShpContent(maxVertices int) int64 {
	return 44 + 4*int64(maxVertices) + 32*int64(maxVertices) + 32 + 8
}

// shpGeometry decodes one record's content (after the 8-byte record
// header) into a geometry in the file's coordinates. hasZM says that Z or
// M values were dropped. A Null shape is a nil geometry.
func shpGeometry(b []byte, maxVertices int) (g orb.Geometry, hasZM bool, gp *gproblem) {
	if len(b) < 4 {
		return nil, false, gprob(RuleShapefile, "record content of %d bytes has no shape type", len(b))
	}
	typ := int32(binary.LittleEndian.Uint32(b))
	base, zm := shpBase(typ)
	switch base {
	case shpNull:
		return nil, false, nil
	case shpPoint:
		if len(b) < 20 {
			return nil, zm, gprob(RuleShapefile, "%s record of %d bytes is shorter than 20", shpTypeNames[typ], len(b))
		}
		return orb.Point{f64(b[4:]), f64(b[12:])}, zm, nil
	case shpMultiPoint:
		if len(b) < 40 {
			return nil, zm, gprob(RuleShapefile, "%s record of %d bytes is shorter than 40", shpTypeNames[typ], len(b))
		}
		n := int64(binary.LittleEndian.Uint32(b[36:]))
		if n > int64(maxVertices) {
			return nil, zm, gprob(RuleTooLarge, "a geometry of %d points, more than the limit of %d", n, maxVertices)
		}
		if 40+16*n > int64(len(b)) {
			return nil, zm, gprob(RuleShapefile, "%s record says %d points but holds %d bytes", shpTypeNames[typ], n, len(b))
		}
		mp := make(orb.MultiPoint, n)
		for i := range mp {
			mp[i] = orb.Point{f64(b[40+16*i:]), f64(b[48+16*i:])}
		}
		return mp, zm, nil
	case shpPolyLine, shpPolygon:
		parts, gp := shpParts(b, typ, maxVertices)
		if gp != nil {
			return nil, zm, gp
		}
		if base == shpPolyLine {
			if len(parts) == 1 {
				return orb.LineString(parts[0]), zm, nil
			}
			ml := make(orb.MultiLineString, len(parts))
			for i, p := range parts {
				ml[i] = orb.LineString(p)
			}
			return ml, zm, nil
		}
		return assemblePolygon(parts), zm, nil
	case shpMultiPatch:
		return nil, true, gprob(RuleGeomType, "MultiPatch (3D surfaces) is not supported")
	}
	return nil, false, gprob(RuleShapefile, "unknown shape type %d", typ)
}

func f64(b []byte) float64 { return math.Float64frombits(binary.LittleEndian.Uint64(b)) }

// shpParts reads the parts of a PolyLine or Polygon record: box (32
// bytes), numParts, numPoints, the part starts and the points.
func shpParts(b []byte, typ int32, maxVertices int) ([][]orb.Point, *gproblem) {
	name := shpTypeNames[typ]
	if len(b) < 44 {
		return nil, gprob(RuleShapefile, "%s record of %d bytes is shorter than 44", name, len(b))
	}
	np := int64(binary.LittleEndian.Uint32(b[36:]))
	n := int64(binary.LittleEndian.Uint32(b[40:]))
	switch {
	case n > int64(maxVertices) || np > int64(maxVertices):
		return nil, gprob(RuleTooLarge, "a geometry of %d points in %d parts, more than the limit of %d", n, np, maxVertices)
	case 44+4*np+16*n > int64(len(b)):
		return nil, gprob(RuleShapefile, "%s record says %d parts and %d points but holds %d bytes", name, np, n, len(b))
	case np == 0 || n == 0:
		return nil, gprob(RuleEmpty, "%s with no parts or no points", name)
	}
	pts := make([]orb.Point, n)
	off := 44 + 4*np
	for i := range pts {
		pts[i] = orb.Point{f64(b[off+16*int64(i):]), f64(b[off+16*int64(i)+8:])}
	}
	parts := make([][]orb.Point, np)
	for i := range parts {
		start := int64(binary.LittleEndian.Uint32(b[44+4*i:]))
		end := n
		if i+1 < len(parts) {
			end = int64(binary.LittleEndian.Uint32(b[44+4*(i+1):]))
		}
		if i == 0 && start != 0 || start >= end || end > n {
			return nil, gprob(RuleShapefile, "%s part %d starts at point %d, out of order or out of range (%d points)", name, i, start, n)
		}
		parts[i] = pts[start:end:end]
	}
	return parts, nil
}
