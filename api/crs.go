package api

import (
	"fmt"
	"strconv"
	"strings"

	"bando/crs"
	"bando/spatial/query"

	"github.com/paulmach/orb"
)

// OGC API – Features Part 2: answers in another CRS (crs=), boxes and
// filters given in one (bbox-crs=, filter-crs=). Everything is stored in
// CRS84; the transformations are the crs package's, VN-2000 through
// EPSG:6960.

// answerCRS are the EPSG systems a client may ask for, after CRS84.
var answerCRS = []int{4326, 3857, 4756, 3405, 3406, 32648, 32649,
	5896, 5897, 5898, 5899, 9205, 9206, 9207, 9208, 9209, 9210, 9211, 9212, 9213, 9214, 9215, 9216, 9217, 9218}

const epsgURI = "http://www.opengis.net/def/crs/EPSG/0/"

// crsURIs lists every system's URI, CRS84 first, for /collections.
func crsURIs() []string {
	out := []string{crs84}
	for _, c := range answerCRS {
		out = append(out, epsgURI+strconv.Itoa(c))
	}
	return out
}

// crsChoice is a system of a request: sys nil is CRS84 (longitude,
// latitude: nothing to do); swap means positions go latitude first.
type crsChoice struct {
	uri  string
	sys  *crs.CRS
	swap bool
}

var crs84Choice = crsChoice{uri: crs84}

func (c crsChoice) isCRS84() bool { return c.sys == nil }

// parseCRS reads the value of a crs, bbox-crs or filter-crs parameter: an
// OGC URI, or the EPSG:n / [EPSG:n] / OGC:CRS84 short forms.
func parseCRS(param, v string) (crsChoice, error) {
	t := strings.TrimSuffix(strings.TrimPrefix(strings.TrimSpace(v), "["), "]")
	switch t {
	case "", crs84, "OGC:CRS84", "http://www.opengis.net/def/crs/OGC/0/CRS84":
		return crs84Choice, nil
	}
	code := ""
	if s, ok := strings.CutPrefix(t, epsgURI); ok {
		code = s
	} else if s, ok := strings.CutPrefix(t, "EPSG:"); ok {
		code = s
	}
	n, err := strconv.Atoi(code)
	if err == nil {
		for _, c := range answerCRS {
			if c == n {
				sys, err := crs.FromEPSG(n)
				if err != nil {
					return crsChoice{}, badRequest(param + ": " + err.Error())
				}
				return crsChoice{uri: epsgURI + code, sys: sys, swap: sys.LatLon()}, nil
			}
		}
	}
	return crsChoice{}, badRequest(fmt.Sprintf("%s %s is not supported; use %s or %s followed by one of %v",
		param, quote(v), crs84, epsgURI, answerCRS))
}

// out returns a copy of g, from CRS84 to the system.
func (c crsChoice) out(g orb.Geometry) orb.Geometry {
	if c.isCRS84() || g == nil {
		return g
	}
	return c.sys.TransformFrom(orb.Clone(g), c.swap)
}

// in returns a copy of g, from the system to CRS84.
func (c crsChoice) in(g orb.Geometry) orb.Geometry {
	if c.isCRS84() || g == nil {
		return g
	}
	g = orb.Clone(g)
	if c.swap {
		g = swapAxes(g)
	}
	return c.sys.Transform(g)
}

func swapAxes(g orb.Geometry) orb.Geometry {
	return crs.WGS84.TransformFrom(g, true) // WGS84's FromWGS84 is the identity
}

// zone returns a box given in the system (its axis order) as a CRS84
// polygon, each edge cut in pieces so that the curve it becomes in CRS84
// is followed to well under a metre.
func (c crsChoice) zone(n [4]float64) orb.Polygon {
	const pieces = 32
	x0, y0, x1, y1 := n[0], n[1], n[2], n[3]
	var ring orb.Ring
	edge := func(ax, ay, bx, by float64) {
		for i := range pieces {
			f := float64(i) / pieces
			ring = append(ring, orb.Point{ax + f*(bx-ax), ay + f*(by-ay)})
		}
	}
	edge(x0, y0, x1, y0)
	edge(x1, y0, x1, y1)
	edge(x1, y1, x0, y1)
	edge(x0, y1, x0, y0)
	ring = append(ring, ring[0])
	return c.in(orb.Polygon{ring}).(orb.Polygon)
}

// whereIn moves the geometries of compiled filter clauses from the system
// to CRS84: points, zones, and boxes (which become zones, to stay exact).
func (c crsChoice) whereIn(ws []query.Where, f *query.Filter) {
	if c.isCRS84() {
		return
	}
	for i := range ws {
		c.moveWhere(&ws[i])
	}
	var walk func(*query.Filter)
	walk = func(f *query.Filter) {
		if f == nil {
			return
		}
		if f.Where != nil {
			c.moveWhere(f.Where)
		}
		for _, a := range f.Args {
			walk(a)
		}
	}
	walk(f)
}

func (c crsChoice) moveWhere(w *query.Where) {
	switch w.Kind {
	case query.KindBBox:
		b := w.BBox
		*w = query.Where{Kind: query.KindZone, Zone: c.zone([4]float64{b.Min[0], b.Min[1], b.Max[0], b.Max[1]})}
	case query.KindZone:
		w.Zone = c.in(w.Zone)
	default:
		if w.At != (orb.Point{}) {
			w.At = c.in(w.At).(orb.Point)
		}
	}
}
