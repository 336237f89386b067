package api

import (
	"encoding/json"
	"fmt"
	"html/template"
	"math"
	"strings"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
)

// The small maps of the HTML pages: the features drawn in Web Mercator as
// SVG, fitted to a fixed box (polygons filled, lines stroked, points as
// dots), with no tiles or script.

const svgW, svgH, svgPad = 640.0, 360.0, 12.0

// featuresSVG draws the GeoJSON geometries of a page.
func featuresSVG(raws []json.RawMessage) template.HTML {
	var gs []orb.Geometry
	var b orb.Bound
	for _, raw := range raws {
		g, err := geojson.UnmarshalGeometry(raw)
		if err != nil || g == nil || g.Coordinates == nil {
			continue
		}
		if len(gs) == 0 {
			b = g.Coordinates.Bound()
		} else {
			b = b.Union(g.Coordinates.Bound())
		}
		gs = append(gs, g.Coordinates)
	}
	if len(gs) == 0 {
		return ""
	}
	fit := newFit(b)
	var sb strings.Builder
	for _, g := range gs {
		drawGeom(&sb, fit, g)
	}
	return svgDoc(sb.String())
}

// boxSVG draws a layer's extent.
func boxSVG(b orb.Bound) template.HTML {
	fit := newFit(b.Pad(math.Max(b.Max[0]-b.Min[0], 0.01) * 0.1))
	var sb strings.Builder
	drawGeom(&sb, fit, b.ToPolygon())
	return svgDoc(sb.String())
}

func svgDoc(body string) template.HTML {
	// The body holds only numbers and fixed markup written here.
	return template.HTML(fmt.Sprintf(`<svg class="map" role="img" aria-label="bản đồ (map)" viewBox="0 0 %g %g" width="%g" height="%g">%s</svg>`,
		svgW, svgH, svgW, svgH, body))
}

// fit maps lon/lat to the SVG box, keeping Mercator's proportions.
type fit struct{ x0, y0, k float64 }

func mercY(lat float64) float64 {
	lat = math.Max(-85.05, math.Min(85.05, lat))
	return math.Log(math.Tan(math.Pi/4 + lat*math.Pi/360))
}

func newFit(b orb.Bound) fit {
	x0, x1 := b.Min[0]*math.Pi/180, b.Max[0]*math.Pi/180
	y0, y1 := mercY(b.Min[1]), mercY(b.Max[1])
	w, h := math.Max(x1-x0, 1e-9), math.Max(y1-y0, 1e-9)
	k := math.Min((svgW-2*svgPad)/w, (svgH-2*svgPad)/h)
	// centre the drawing
	cx, cy := (x0+x1)/2, (y0+y1)/2
	return fit{x0: cx - svgW/2/k, y0: cy + svgH/2/k, k: k}
}

func (f fit) at(p orb.Point) (float64, float64) {
	return (p[0]*math.Pi/180 - f.x0) * f.k, (f.y0 - mercY(p[1])) * f.k
}

func (f fit) path(sb *strings.Builder, pts []orb.Point, closed bool) {
	for i, p := range pts {
		x, y := f.at(p)
		if i == 0 {
			fmt.Fprintf(sb, "M%.1f %.1f", x, y)
		} else {
			fmt.Fprintf(sb, "L%.1f %.1f", x, y)
		}
	}
	if closed {
		sb.WriteByte('Z')
	}
}

func drawGeom(sb *strings.Builder, f fit, g orb.Geometry) {
	switch g := g.(type) {
	case orb.Point:
		x, y := f.at(g)
		fmt.Fprintf(sb, `<circle cx="%.1f" cy="%.1f" r="3" fill="#c2410c"/>`, x, y)
	case orb.MultiPoint:
		for _, p := range g {
			drawGeom(sb, f, p)
		}
	case orb.LineString, orb.MultiLineString:
		sb.WriteString(`<path fill="none" stroke="#1b4f9c" stroke-width="1.5" d="`)
		for _, l := range lines(g) {
			f.path(sb, l, false)
		}
		sb.WriteString(`"/>`)
	case orb.Polygon, orb.MultiPolygon:
		sb.WriteString(`<path fill="#1b4f9c" fill-opacity="0.18" stroke="#1b4f9c" stroke-width="1" fill-rule="evenodd" d="`)
		for _, r := range rings(g) {
			f.path(sb, r, true)
		}
		sb.WriteString(`"/>`)
	case orb.Collection:
		for _, m := range g {
			drawGeom(sb, f, m)
		}
	}
}

func lines(g orb.Geometry) [][]orb.Point {
	if l, ok := g.(orb.LineString); ok {
		return [][]orb.Point{l}
	}
	var out [][]orb.Point
	for _, l := range g.(orb.MultiLineString) {
		out = append(out, l)
	}
	return out
}

func rings(g orb.Geometry) [][]orb.Point {
	var out [][]orb.Point
	add := func(p orb.Polygon) {
		for _, r := range p {
			out = append(out, r)
		}
	}
	if p, ok := g.(orb.Polygon); ok {
		add(p)
		return out
	}
	for _, p := range g.(orb.MultiPolygon) {
		add(p)
	}
	return out
}
