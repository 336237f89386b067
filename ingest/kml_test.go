package ingest

import (
	"bytes"
	"errors"
	"os"
	"strings"
	"testing"
)

// TestIngestKML loads the real wards as GDAL writes them in KML and KMZ
// (testdata/gdal/wards.kml: ogr2ogr -f KML; wards.kmz: -f LIBKML) and
// compares every code, name and vertex with the source GeoJSON.
func TestIngestKML(t *testing.T) {
	byCode := wardsByCode(t)
	for _, c := range []struct {
		path   string
		format Format
	}{{"testdata/gdal/wards.kml", KML}, {"testdata/gdal/wards.kmz", KMZ}} {
		b, err := os.ReadFile(c.path)
		if err != nil {
			t.Fatal(err)
		}
		feats, rep, err := Prepare(layer(t, "wards"), c.format, bytes.NewReader(b), Options{IDField: "code"})
		if err != nil {
			t.Fatal(err)
		}
		if len(feats) != len(byCode) || len(rep.Rejected) > 0 {
			t.Fatalf("%s: %d features (%d rejected: %+v), want %d", c.path, len(feats), len(rep.Rejected), rep.Rejected, len(byCode))
		}
		for _, g := range feats {
			s := byCode[g.Props[0]]
			if s == nil {
				t.Fatalf("%s: feature %s has code %v, not in the source", c.path, g.ID, g.Props[0])
			}
			if g.ID != s.ID || g.Props[1] != s.Props[1] {
				t.Errorf("%s: %s %q, want %s %q", c.path, g.ID, g.Props[1], s.ID, s.Props[1])
			}
			if d := maxVertexDelta(g.Geom, s.Geom); d > 1e-6 {
				t.Errorf("%s: %s vertices %.2g° from the source", c.path, g.ID, d)
			}
		}
	}
}

// TestKMLRefused: what is not KML, or is KML without Placemarks or with
// bad coordinates, is a clear problem, never a crash.
func TestKMLRefused(t *testing.T) {
	for _, c := range []struct{ body, rule string }{
		{`{"type":"FeatureCollection"}`, RuleFormat},
		{`<kml><Document></Document></kml>`, RuleKML},
		{`<kml><Placemark><name>x</name><Point><coordinates>1,2,3,4</coordinates></Point></Placemark></kml>`, RuleCoordinate},
		{`<kml><Placemark><Point><coordinates>a,b</coordinates>`, RuleKML},
	} {
		_, rep, err := Prepare(layer(t, "wards"), KML, strings.NewReader(c.body), Options{IDField: "code"})
		var pe *Error
		found := false
		if errors.As(err, &pe) {
			for _, p := range pe.Problems {
				found = found || p.Rule == c.rule
			}
		} else if err != nil {
			t.Fatalf("%.40s: %v", c.body, err)
		} else {
			for _, p := range rep.Rejected {
				found = found || p.Rule == c.rule
			}
		}
		if !found {
			t.Errorf("%.40s: %v %+v, want rule %s", c.body, err, rep, c.rule)
		}
	}
}

func FuzzKML(f *testing.F) {
	f.Add(`<kml><Placemark id="a"><name>x</name><Point><coordinates>106.7,10.7</coordinates></Point></Placemark></kml>`)
	f.Add(`<kml><Placemark><MultiGeometry><Polygon><outerBoundaryIs><LinearRing><coordinates>0,0 1,0 1,1 0,0</coordinates></LinearRing></outerBoundaryIs></Polygon><LineString><coordinates>0,0 1,1</coordinates></LineString></MultiGeometry></Placemark></kml>`)
	f.Fuzz(func(t *testing.T, body string) {
		feats, rep, err := Prepare(layer(t, "wards"), KML, strings.NewReader(body), Options{IDField: "code", Partial: true})
		if err != nil && !errors.Is(err, ErrInvalid) { // a body that is not KML is refused
			t.Fatal(err)
		}
		if rep == nil || len(feats) > len(body) {
			t.Fatalf("report %v, %d features", rep, len(feats))
		}
	})
}
