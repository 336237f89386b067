package ingest

import (
	"archive/zip"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"path"
	"strconv"
	"strings"

	"github.com/paulmach/orb"
)

// KML and KMZ (OGC KML 2.2): each Placemark is a feature. Its columns are
// "name", "description", and the ExtendedData's Data and SchemaData
// values, mapped onto the layer's fields as a table's columns are; its id
// is the id field among them, else the Placemark's id attribute, else its
// number. Geometries are Point, LineString, Polygon (outer and inner
// boundaries) and MultiGeometry of them; KML coordinates are WGS84
// longitude, latitude[, altitude], and altitudes are dropped. The XML is
// read as a stream, one Placemark at a time.

type kmlCoords struct {
	Text string `xml:"coordinates"`
}

type kmlPolygon struct {
	Outer kmlCoords   `xml:"outerBoundaryIs>LinearRing"`
	Inner []kmlCoords `xml:"innerBoundaryIs>LinearRing"`
}

type kmlGeoms struct {
	Points   []kmlCoords  `xml:"Point"`
	Lines    []kmlCoords  `xml:"LineString"`
	Polygons []kmlPolygon `xml:"Polygon"`
	Multi    []kmlGeoms   `xml:"MultiGeometry"`
}

type kmlPlacemark struct {
	ID          string  `xml:"id,attr"`
	Name        *string `xml:"name"`
	Description *string `xml:"description"`
	Data        []struct {
		Name  string `xml:"name,attr"`
		Value string `xml:"value"`
	} `xml:"ExtendedData>Data"`
	SimpleData []struct {
		Name  string `xml:"name,attr"`
		Value string `xml:",chardata"`
	} `xml:"ExtendedData>SchemaData>SimpleData"`
	kmlGeoms
}

// readKML reads a KML document; a document without Placemarks is refused.
func readKML(c *collector, r io.Reader) error {
	if n := readPlacemarks(c, r, ""); n == 0 && !c.full() {
		c.fatalIn("", 0, RuleKML, "no Placemark in the document")
	}
	return nil
}

// readPlacemarks reads the Placemarks of a KML document from r and
// returns how many it read; file names the document in problems.
func readPlacemarks(c *collector, r io.Reader, file string) int {
	d := xml.NewDecoder(r)
	d.Strict = true
	record := 0
	for !c.full() {
		tok, err := d.Token()
		if errors.Is(err, io.EOF) {
			return record
		}
		if err != nil {
			if le, ok := asLimitErr(err); ok {
				c.fatalIn(file, record, RuleTooLarge, le.msg)
				return -1
			}
			c.fatalIn(file, record, RuleKML, "not KML: "+excerpt(err.Error()))
			return -1
		}
		se, ok := tok.(xml.StartElement)
		if !ok || se.Name.Local != "Placemark" {
			continue
		}
		record++
		var pm kmlPlacemark
		if err := d.DecodeElement(&pm, &se); err != nil {
			c.fatalIn(file, record, RuleKML, "Placemark "+strconv.Itoa(record)+": "+excerpt(err.Error()))
			return -1
		}
		c.addPlacemark(&pm, file, record)
	}
	return record
}

func (c *collector) addPlacemark(pm *kmlPlacemark, file string, record int) {
	var names []string
	var vals []any
	col := func(n, v string) {
		names, vals = append(names, n), append(vals, v)
	}
	if pm.Name != nil {
		col("name", strings.TrimSpace(*pm.Name))
	}
	if pm.Description != nil {
		col("description", strings.TrimSpace(*pm.Description))
	}
	for _, d := range pm.Data {
		col(d.Name, strings.TrimSpace(d.Value))
	}
	for _, d := range pm.SimpleData {
		col(d.Name, strings.TrimSpace(d.Value))
	}
	plan := planTable(c, names)
	if plan.id < 0 && pm.ID != "" {
		plan.id = len(vals)
		vals = append(vals, pm.ID)
		plan.slots, plan.mapped = append(plan.slots, slot{}), append(plan.mapped, false)
	}
	g, gpr := pm.geometry(c.sch.lim.MaxVertices)
	c.addRow(plan, file, record, vals, g, gpr, nil)
}

// geometry assembles the Placemark's geometry: one of a kind as itself,
// several of one kind as its Multi*, mixed kinds as a collection.
func (g *kmlGeoms) geometry(maxVertices int) (orb.Geometry, *gproblem) {
	var pts orb.MultiPoint
	var lines orb.MultiLineString
	var polys orb.MultiPolygon
	n := 0
	var walk func(k *kmlGeoms) *gproblem
	walk = func(k *kmlGeoms) *gproblem {
		for _, p := range k.Points {
			ps, pr := kmlPositions(p.Text, &n, maxVertices)
			if pr != nil {
				return pr
			}
			if len(ps) != 1 {
				return &gproblem{RuleCoordinate, fmt.Sprintf("a Point with %d positions", len(ps))}
			}
			pts = append(pts, ps[0])
		}
		for _, l := range k.Lines {
			ps, pr := kmlPositions(l.Text, &n, maxVertices)
			if pr != nil {
				return pr
			}
			lines = append(lines, orb.LineString(ps))
		}
		for _, p := range k.Polygons {
			outer, pr := kmlPositions(p.Outer.Text, &n, maxVertices)
			if pr != nil {
				return pr
			}
			poly := orb.Polygon{orb.Ring(outer)}
			for _, in := range p.Inner {
				ring, pr := kmlPositions(in.Text, &n, maxVertices)
				if pr != nil {
					return pr
				}
				poly = append(poly, orb.Ring(ring))
			}
			polys = append(polys, poly)
		}
		for i := range k.Multi {
			if pr := walk(&k.Multi[i]); pr != nil {
				return pr
			}
		}
		return nil
	}
	if pr := walk(g); pr != nil {
		return nil, pr
	}
	var parts []orb.Geometry
	switch len(pts) {
	case 0:
	case 1:
		parts = append(parts, pts[0])
	default:
		parts = append(parts, pts)
	}
	switch len(lines) {
	case 0:
	case 1:
		parts = append(parts, lines[0])
	default:
		parts = append(parts, lines)
	}
	switch len(polys) {
	case 0:
	case 1:
		parts = append(parts, polys[0])
	default:
		parts = append(parts, polys)
	}
	switch len(parts) {
	case 0:
		return nil, nil // build reports the missing geometry
	case 1:
		return parts[0], nil
	}
	return orb.Collection(parts), nil
}

// kmlPositions reads "lon,lat[,alt] lon,lat[,alt] …", counting positions
// into n against the limit.
func kmlPositions(s string, n *int, maxVertices int) ([]orb.Point, *gproblem) {
	var out []orb.Point
	for _, tuple := range strings.Fields(s) {
		if *n++; *n > maxVertices {
			return nil, &gproblem{RuleTooLarge, fmt.Sprintf("a geometry with more than %d positions (the limit)", maxVertices)}
		}
		parts := strings.Split(tuple, ",")
		if len(parts) < 2 || len(parts) > 3 {
			return nil, &gproblem{RuleCoordinate, "position " + quoteExcerpt(tuple) + ": want lon,lat[,alt]"}
		}
		lon, err1 := strconv.ParseFloat(parts[0], 64)
		lat, err2 := strconv.ParseFloat(parts[1], 64)
		if err1 != nil || err2 != nil {
			return nil, &gproblem{RuleCoordinate, "position " + quoteExcerpt(tuple) + " is not numbers"}
		}
		out = append(out, orb.Point{lon, lat})
	}
	return out, nil
}

// readKMZ reads every .kml of a KMZ (a zip): doc.kml and the documents
// it links (GDAL's LIBKML writes one per layer under layers/). The zip was
// spooled by readArchive.
func readKMZ(c *collector, ra *randomAccess) error {
	zr, err := zip.NewReader(ra.r, ra.size)
	if err != nil {
		c.fatalIn("", 0, RuleKML, "not a KMZ (zip): "+excerpt(err.Error()))
		return nil
	}
	total := 0
	for _, f := range zr.File {
		if !strings.EqualFold(path.Ext(f.Name), ".kml") || c.full() {
			continue
		}
		rc, err := f.Open()
		if err != nil {
			c.fatalIn(f.Name, 0, RuleKML, excerpt(err.Error()))
			return nil
		}
		n := readPlacemarks(c, newBoundedReader(rc, c.opt.Limits, nil), f.Name)
		rc.Close()
		if n < 0 {
			return nil
		}
		total += n
	}
	if total == 0 && !c.full() {
		c.fatalIn("", 0, RuleKML, "the KMZ holds no Placemark")
	}
	return nil
}
