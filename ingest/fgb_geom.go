package ingest

import (
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
