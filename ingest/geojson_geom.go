package ingest

import (
	"fmt"

	"github.com/paulmach/orb"
)

// maxCollectionDepth bounds nested GeometryCollections.
const maxCollectionDepth = 16

// geometry reads a GeoJSON geometry object (or null). Problems of shape (a
// position that is not an array of numbers, an unknown type) are returned,
// not panicked: the scanner still consumes the whole value.
func (fr *featureReader) geometry(depth int) (orb.Geometry, *gproblem) {
	sc := &fr.sc
	switch c := sc.peek(); c {
	case 'n':
		sc.literal("null")
		return nil, nil
	case '{':
	default:
		sc.skip(depth)
		return nil, gprob(RuleJSON, "geometry must be an object or null, got %s", kindOf(c))
	}
	sc.pos++
	var (
		typ        string
		g          orb.Geometry
		pr         *gproblem
		coordStart = -1
		members    orb.Collection
		hasMembers bool
	)
	first := true
	for sc.more(&first, '}') {
		switch string(sc.key()) {
		case "type":
			if sc.peek() != '"' {
				sc.skip(depth)
				pr = gprob(RuleJSON, "geometry \"type\" must be a string")
				continue
			}
			t := sc.str()
			if typ = geomType(t); typ == "" {
				pr = gprob(RuleGeomType, "unknown geometry type %s", quoteExcerpt(string(t)))
			}
		case "coordinates":
			if typ == "" {
				coordStart = sc.pos
				sc.skip(depth)
			} else {
				coordStart = -1
				g, pr = fr.coords(typ)
			}
		case "geometries":
			hasMembers = true
			members, pr = fr.collection(depth)
		default:
			sc.skip(depth)
		}
	}
	if pr != nil {
		return nil, pr
	}
	if coordStart >= 0 && typ != "" {
		end := sc.pos
		sc.pos = coordStart
		g, pr = fr.coords(typ)
		sc.pos = end
		if pr != nil {
			return nil, pr
		}
	}
	switch {
	case typ == "":
		return nil, gprob(RuleJSON, "geometry has no \"type\"")
	case typ == "GeometryCollection":
		if !hasMembers {
			return nil, gprob(RuleJSON, "GeometryCollection has no \"geometries\"")
		}
		return members, nil
	case g == nil:
		return nil, gprob(RuleJSON, "%s has no \"coordinates\"", typ)
	}
	return g, nil
}

func (fr *featureReader) collection(depth int) (orb.Collection, *gproblem) {
	sc := &fr.sc
	if sc.peek() != '[' {
		sc.skip(depth)
		return nil, gprob(RuleJSON, "\"geometries\" must be an array")
	}
	if depth > maxCollectionDepth {
		sc.skip(depth)
		return nil, gprob(RuleJSON, "geometry collections nested more than %d deep", maxCollectionDepth)
	}
	sc.pos++
	var out orb.Collection
	var pr *gproblem
	first := true
	for sc.more(&first, ']') {
		if len(out) >= fr.sch.lim.MaxVertices {
			sc.failLimit(fmt.Sprintf("a geometry collection with more than %d members (the limit)", fr.sch.lim.MaxVertices))
		}
		g, p := fr.geometry(depth + 1)
		if p == nil && g == nil {
			p = gprob(RuleEmpty, "null member in a geometry collection")
		}
		if pr == nil && p != nil {
			pr = p
		}
		out = append(out, g)
	}
	if pr != nil {
		return nil, pr
	}
	return out, nil
}

// geomType returns the canonical name of a GeoJSON geometry type, "" if t
// is not one. It does not allocate.
func geomType(t []byte) string {
	switch string(t) {
	case "Point":
		return "Point"
	case "MultiPoint":
		return "MultiPoint"
	case "LineString":
		return "LineString"
	case "MultiLineString":
		return "MultiLineString"
	case "Polygon":
		return "Polygon"
	case "MultiPolygon":
		return "MultiPolygon"
	case "GeometryCollection":
		return "GeometryCollection"
	}
	return ""
}

// coords reads the "coordinates" value of a geometry of type typ and builds
// the orb geometry with one allocation for all its positions.
func (fr *featureReader) coords(typ string) (orb.Geometry, *gproblem) {
	fr.pts, fr.ends1, fr.ends2, fr.gerr = fr.pts[:0], fr.ends1[:0], fr.ends2[:0], nil
	level := 0
	switch typ {
	case "MultiPoint", "LineString":
		level = 1
	case "MultiLineString", "Polygon":
		level = 2
	case "MultiPolygon":
		level = 3
	case "GeometryCollection":
		fr.sc.skip(1)
		return nil, gprob(RuleJSON, "GeometryCollection has \"coordinates\"")
	}
	fr.nested(level)
	if fr.gerr != nil {
		return nil, fr.gerr
	}
	pts := fr.pts
	switch typ {
	case "Point":
		return pts[0], nil
	case "MultiPoint":
		return orb.MultiPoint(clonePoints(pts)), nil
	case "LineString":
		return orb.LineString(clonePoints(pts)), nil
	}
	all := clonePoints(pts)
	lists := func(ends []int, start int) []orb.Ring {
		out := make([]orb.Ring, len(ends))
		for i, e := range ends {
			out[i] = all[start:e:e]
			start = e
		}
		return out
	}
	switch typ {
	case "MultiLineString":
		rs := lists(fr.ends1, 0)
		mls := make(orb.MultiLineString, len(rs))
		for i, r := range rs {
			mls[i] = orb.LineString(r)
		}
		return mls, nil
	case "Polygon":
		return orb.Polygon(lists(fr.ends1, 0)), nil
	}
	rings := lists(fr.ends1, 0)
	mp := make(orb.MultiPolygon, len(fr.ends2))
	start := 0
	for i, e := range fr.ends2 {
		mp[i] = orb.Polygon(rings[start:e:e])
		start = e
	}
	return mp, nil
}

func clonePoints(p []orb.Point) []orb.Point {
	out := make([]orb.Point, len(p))
	copy(out, p)
	return out
}

// nested reads arrays of positions level deep, recording where each list
// ends. Shape problems are kept in fr.gerr (the first one wins).
func (fr *featureReader) nested(level int) {
	sc := &fr.sc
	if level == 0 {
		fr.position()
		return
	}
	if sc.peek() != '[' {
		fr.shapeErr("want an array of positions, got %s", kindOf(sc.peek()))
		sc.skip(1)
		return
	}
	sc.pos++
	first := true
	for sc.more(&first, ']') {
		fr.nested(level - 1)
	}
	if len(fr.ends1)+len(fr.ends2) >= fr.sch.lim.MaxVertices {
		// Empty rings cost memory too: they count against the same limit.
		fr.sc.failLimit(fmt.Sprintf("a geometry with more than %d parts (the limit)", fr.sch.lim.MaxVertices))
	}
	switch level {
	case 1:
		fr.ends1 = append(fr.ends1, len(fr.pts))
	case 2:
		fr.ends2 = append(fr.ends2, len(fr.ends1))
	}
}

func (fr *featureReader) position() {
	sc := &fr.sc
	if sc.peek() != '[' {
		fr.shapeErr("want a position [lon, lat], got %s", kindOf(sc.peek()))
		sc.skip(1)
		fr.addPoint(orb.Point{})
		return
	}
	sc.pos++
	var xy orb.Point
	n := 0
	first := true
	for sc.more(&first, ']') {
		if c := sc.peek(); c != '-' && (c < '0' || c > '9') {
			fr.shapeErr("position values must be numbers, got %s", kindOf(c))
			sc.skip(1)
			continue
		}
		v := sc.num().val
		if n < 2 {
			xy[n] = v
		}
		n++
	}
	if n < 2 {
		fr.shapeErr("a position needs at least 2 numbers [lon, lat], got %d", n)
	}
	fr.addPoint(xy)
}

// addPoint appends a position, refusing a geometry with more than
// Limits.MaxVertices (the scanner's panic ends the input).
func (fr *featureReader) addPoint(p orb.Point) {
	if len(fr.pts) >= fr.sch.lim.MaxVertices {
		fr.sc.failLimit(fmt.Sprintf("a geometry with more than %d positions (the limit)", fr.sch.lim.MaxVertices))
	}
	fr.pts = append(fr.pts, p)
}

func (fr *featureReader) shapeErr(format string, args ...any) {
	if fr.gerr == nil {
		fr.gerr = gprob(RuleCoordinate, format, args...)
	}
}
