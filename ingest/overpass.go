package ingest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"strconv"
	"unicode/utf8"

	"github.com/paulmach/orb"

	"bando/layers"
)

// osmDoc is the Overpass API JSON output ("out body", "out geom" or
// "out skel"; "out center" ways carry no geometry and are refused).
type osmDoc struct {
	Remark   string       `json:"remark"`
	Elements []osmElement `json:"elements"`
}

type osmElement struct {
	Type     string            `json:"type"`
	ID       int64             `json:"id"`
	Lat      *float64          `json:"lat"`
	Lon      *float64          `json:"lon"`
	Nodes    []int64           `json:"nodes"`
	Geometry []*osmLatLon      `json:"geometry"`
	Members  []osmMember       `json:"members"`
	Tags     map[string]string `json:"tags"`
}

type osmMember struct {
	Type     string       `json:"type"`
	Ref      int64        `json:"ref"`
	Role     string       `json:"role"`
	Geometry []*osmLatLon `json:"geometry"`
}

type osmLatLon struct {
	Lat float64 `json:"lat"`
	Lon float64 `json:"lon"`
}

func readOverpass(c *collector, r io.Reader) error {
	data, ok, err := readAll(c, r)
	if !ok {
		return err
	}
	return readOverpassBytes(c, data)
}

// readOverpassBytes turns Overpass elements into features of the layer; see
// the package documentation for which elements a layer takes.
func readOverpassBytes(c *collector, data []byte) error {
	data = bytes.TrimPrefix(data, bom)
	if !overpassFits(c, data) {
		return nil
	}
	var doc osmDoc
	if err := json.Unmarshal(data, &doc); err != nil {
		lines := lineCounter{data: data}
		var se *json.SyntaxError
		var te *json.UnmarshalTypeError
		switch {
		case errors.As(err, &se):
			c.fatal(-1, lines.at(int(se.Offset)), RuleJSON, se.Error())
		case errors.As(err, &te):
			c.fatal(-1, lines.at(int(te.Offset)), RuleOverpass, fmt.Sprintf("%s: want %s, got %s", excerpt(te.Field), te.Type, excerpt(te.Value)))
		default:
			c.fatal(-1, 0, RuleOverpass, excerpt(err.Error()))
		}
		return nil
	}
	if doc.Elements == nil {
		c.fatal(-1, 0, RuleOverpass, `no "elements" array: this is not Overpass JSON`)
		return nil
	}
	if doc.Remark != "" {
		c.fatal(-1, 0, RuleOverpass, "the Overpass response is incomplete: "+excerpt(doc.Remark))
		return nil
	}
	o := newOSMIndex(doc.Elements)
	for i := range doc.Elements {
		e := &doc.Elements[i]
		geomKind, reason := o.take(c.layer, e)
		if reason != "" {
			if reason != "untagged" {
				c.skip(reason)
			}
			continue
		}
		if c.full() {
			return nil
		}
		it := item{index: len(c.items)}
		g, gpr := o.geometry(e, geomKind)
		vals := osmProps(c, &it, e.Tags)
		num, ok := osmID(e)
		if !ok {
			it.problemf("", RuleBadID, "OSM %s id %d is out of range", excerpt(e.Type), e.ID)
		}
		// Num stays 0: the store takes it from the numeric id, so the
		// vector-tile id is the same id*10+type.
		build(&it, c.sch, strconv.FormatInt(num, 10), g, gpr, vals)
		c.add(it)
	}
	return nil
}

// osmID is the feature id of an OSM element, its id with the element type
// encoded in the last digit as planetiler does: id*10 + 1 for a node, 2 for
// a way, 3 for a relation (negative ids, of unsaved edits, subtract), so
// that node 5, way 5 and relation 5 stay three features.
func osmID(e *osmElement) (int64, bool) {
	var t int64
	switch e.Type {
	case "node":
		t = 1
	case "way":
		t = 2
	case "relation":
		t = 3
	default:
		return 0, false
	}
	const lim = (1<<63 - 1 - 3) / 10
	if e.ID > lim || e.ID < -lim {
		return 0, false
	}
	if e.ID < 0 {
		return e.ID*10 - t, true
	}
	return e.ID*10 + t, true
}

// overpassFits checks, before encoding/json builds anything, that data is
// UTF-8 and within the limits: no string over MaxFieldBytes, no array
// (elements, a way's nodes) over MaxVertices, no object (tags) over
// MaxProperties members, no nesting over MaxDepth. It
// records the problem and reports false when not. Syntax errors are left
// for encoding/json to report.
func overpassFits(c *collector, data []byte) bool {
	if off := invalidUTF8(data); off >= 0 {
		lines := lineCounter{data: data}
		c.fatal(-1, lines.at(off), RuleEncoding, fmt.Sprintf("text is not valid UTF-8 (at byte offset %d)", off))
		return false
	}
	lim := c.opt.Limits
	sc := &scanner{data: data, maxDepth: lim.MaxDepth, maxStr: lim.MaxFieldBytes,
		maxArray: lim.MaxVertices, maxObject: lim.MaxProperties}
	fr := featureReader{sc: *sc}
	se := fr.guard(func() { fr.sc.skip(1) })
	if se != nil && se.rule == RuleTooLarge {
		lines := lineCounter{data: data}
		c.fatal(-1, lines.at(se.off), RuleTooLarge, se.msg)
		return false
	}
	return true
}

// invalidUTF8 returns the offset of the first byte of data that is not
// valid UTF-8, or -1.
func invalidUTF8(data []byte) int {
	if utf8.Valid(data) {
		return -1
	}
	for i := 0; i < len(data); {
		if data[i] < utf8.RuneSelf {
			i++
			continue
		}
		r, n := utf8.DecodeRune(data[i:])
		if r == utf8.RuneError && n == 1 {
			return i
		}
		i += n
	}
	return -1
}

// osmIndex finds nodes and ways by id.
type osmIndex struct {
	nodes map[int64]orb.Point
	ways  map[int64]*osmElement
}

func newOSMIndex(els []osmElement) *osmIndex {
	o := &osmIndex{nodes: make(map[int64]orb.Point), ways: make(map[int64]*osmElement)}
	for i := range els {
		e := &els[i]
		switch e.Type {
		case "node":
			if e.Lat != nil && e.Lon != nil {
				o.nodes[e.ID] = orb.Point{*e.Lon, *e.Lat}
			}
		case "way":
			o.ways[e.ID] = e
		}
	}
	return o
}

// take decides whether element e is a feature of layer l, and as what
// geometry; otherwise it returns why not.
func (o *osmIndex) take(l *layers.Layer, e *osmElement) (layers.GeometryType, string) {
	if len(e.Tags) == 0 {
		return "", "untagged" // way vertices and relation members
	}
	switch l.Kind {
	case layers.KindBuilding:
		if v, ok := e.Tags["building"]; !ok || v == "no" {
			return "", "kind"
		}
	case layers.KindRoad:
		if _, ok := e.Tags["highway"]; !ok || e.Type != "way" {
			return "", "kind"
		}
	}
	var g layers.GeometryType
	switch e.Type {
	case "node":
		g = layers.GeomPoint
	case "way":
		g = layers.GeomLineString
		if isArea(e.Tags) && (o.closed(e) || l.Geometry == layers.GeomPolygon) {
			g = layers.GeomPolygon
		}
	case "relation":
		if t := e.Tags["type"]; t != "multipolygon" && t != "boundary" {
			return "", "relation-type"
		}
		g = layers.GeomPolygon
	default:
		return "", "element-type"
	}
	if l.Geometry != layers.GeomAny && l.Geometry != g {
		return "", "geometry-type"
	}
	return g, ""
}

func (o *osmIndex) closed(e *osmElement) bool {
	if n := len(e.Nodes); n >= 4 {
		return e.Nodes[0] == e.Nodes[n-1]
	}
	if n := len(e.Geometry); n >= 4 && e.Geometry[0] != nil && e.Geometry[n-1] != nil {
		return *e.Geometry[0] == *e.Geometry[n-1]
	}
	return false
}

// geometry builds the element's geometry of the given kind.
func (o *osmIndex) geometry(e *osmElement, kind layers.GeometryType) (orb.Geometry, *gproblem) {
	switch e.Type {
	case "node":
		if e.Lat == nil || e.Lon == nil {
			return nil, gprob(RuleEmpty, "node has no lat/lon")
		}
		return orb.Point{*e.Lon, *e.Lat}, nil
	case "way":
		pts, pr := o.wayPoints(e, e.Geometry)
		if pr != nil {
			return nil, pr
		}
		if kind == layers.GeomPolygon {
			return orb.Polygon{orb.Ring(pts)}, nil
		}
		return orb.LineString(pts), nil
	}
	return o.multipolygon(e)
}

// wayPoints returns a way's positions from its inline geometry or its node
// references.
func (o *osmIndex) wayPoints(w *osmElement, inline []*osmLatLon) ([]orb.Point, *gproblem) {
	if len(inline) > 0 {
		pts := make([]orb.Point, len(inline))
		for i, ll := range inline {
			if ll == nil {
				return nil, gprob(RuleMissingNode, "way/%d: position %d is missing from the file", w.ID, i)
			}
			pts[i] = orb.Point{ll.Lon, ll.Lat}
		}
		return pts, nil
	}
	if len(w.Nodes) == 0 {
		return nil, gprob(RuleMissingNode, "way/%d has neither node references nor geometry (use \"out body\" or \"out geom\")", w.ID)
	}
	pts := make([]orb.Point, len(w.Nodes))
	missing, firstMissing := 0, int64(0)
	for i, id := range w.Nodes {
		p, ok := o.nodes[id]
		if !ok {
			if missing == 0 {
				firstMissing = id
			}
			missing++
		}
		pts[i] = p
	}
	if missing > 0 {
		return nil, gprob(RuleMissingNode, "way/%d refers to %d node%s not in the file (first node/%d); query with \"(._;>;);\" or \"out geom\"",
			w.ID, missing, plural(missing), firstMissing)
	}
	return pts, nil
}

// osmProps converts tags to field values. OSM is free-form text, so the
// conversion is lenient: a value that does not convert is dropped (noted in
// Report.Dropped) and the feature is kept.
func osmProps(c *collector, it *item, tags map[string]string) []any {
	var p props
	p.reset(len(c.sch.fields))
	for _, k := range slices.Sorted(maps.Keys(tags)) {
		v := tags[k]
		sl, ok := c.sch.byKey[k]
		if !ok {
			c.ignored.add(k)
			continue
		}
		f := &c.sch.fields[sl.field]
		val, why := convertText(f, v, true)
		if why != "" {
			it.dropped = append(it.dropped, Problem{Index: it.index, Field: f.Name, Rule: RuleUnparsedTag,
				Message: fmt.Sprintf("tag %s=%s dropped: %s", excerpt(k), quoteExcerpt(v), why)})
			continue
		}
		if val != nil {
			p.set(sl, val)
		}
	}
	return p.vals
}
