package data_test

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"bando/data"
	"bando/internal/testenv"
	"bando/layers"
	"bando/spatial"
)

// want is what each demo layer must hold.
var want = []struct {
	id       string
	features int
	access   layers.Access
	zoom     layers.Zoom
}{
	{"province", 1, layers.Public, layers.Zoom{Min: 0, Max: 14}},
	{"communes", 168, layers.Public, layers.Zoom{Min: 0, Max: 16}},
	{"sea", 1, layers.Public, layers.Zoom{Min: 0, Max: 12}},
	{"fishing_zones", 3, layers.Public, layers.Zoom{Min: 0, Max: 12}},
	{"coastline", 7, layers.Public, layers.Zoom{Min: 0, Max: 14}},
	{"railways", 127, layers.Public, layers.Zoom{Min: 6, Max: 16}},
	{"roads", 2990, layers.Public, layers.Zoom{Min: 9, Max: 18}},
	{"buildings", 4715, layers.Public, layers.Zoom{Min: 9, Max: 18}},
	{"ports", 51, layers.Public, layers.Zoom{Min: 6, Max: 16}},
	{"parcels", 20000, layers.Internal, layers.Zoom{Min: 8, Max: 18}},
	{"houses", 50000, layers.Public, layers.Zoom{Min: 13, Max: 18}},
	{"street_lights", 5604, layers.Public, layers.Zoom{Min: 13, Max: 18}},
	{"schools", 4116, layers.Public, layers.Zoom{Min: 11, Max: 18}},
	{"clinics", 1353, layers.Public, layers.Zoom{Min: 11, Max: 18}},
	{"commune_stats", 168, layers.Public, layers.Zoom{Min: 8, Max: 16}},
	{"basemap_sea", 4, layers.Public, layers.Zoom{Min: 0, Max: 10}},
	{"basemap_land", 1008, layers.Public, layers.Zoom{Min: 0, Max: 10}},
	{"basemap_provinces", 34, layers.Public, layers.Zoom{Min: 0, Max: 12}},
	{"basemap_railways", 1330, layers.Public, layers.Zoom{Min: 5, Max: 14}},
	{"basemap_ports", 639, layers.Public, layers.Zoom{Min: 7, Max: 14}},
}

// synthetic are the generated layers (data/gen); their descriptions must
// say so and name the seed.
var synthetic = map[string]bool{"parcels": true, "houses": true, "street_lights": true, "schools": true, "clinics": true, "commune_stats": true}

func catalog(t *testing.T) *layers.Catalog {
	t.Helper()
	c, err := data.DemoCatalog()
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// live are the layers the twin fills from its feeds: no demo file.
var live = map[string]layers.Kind{"vessels": layers.KindVessel, "sensors": layers.KindSensor}

func TestDemoCatalog(t *testing.T) {
	c := catalog(t)
	if got := len(c.All()); got != len(want)+len(live) {
		t.Errorf("%d layers, want %d", got, len(want)+len(live))
	}
	for id, kind := range live {
		l, err := c.Get(id)
		if err != nil || l.Kind != kind || l.Demo != "" || l.Update <= 0 {
			t.Errorf("live layer %s: %+v %v (want kind %s, no demo file, an update interval)", id, l, err, kind)
		}
	}
	for _, w := range want {
		l, err := c.Get(w.id)
		if err != nil {
			t.Error(err)
			continue
		}
		if l.Access != w.access || l.Zoom != w.zoom {
			t.Errorf("%s: access %s zoom %v, want %s %v", w.id, l.Access, l.Zoom, w.access, w.zoom)
		}
		if l.Demo == "" || l.Source == "" || l.License == "" || l.Update <= 0 {
			t.Errorf("%s: demo, source, license and update_interval are all needed", w.id)
		}
		if l.Synthetic != synthetic[w.id] {
			t.Errorf("%s: synthetic = %v", w.id, l.Synthetic)
		}
		if l.Synthetic && (!strings.Contains(l.Description.EN, "SYNTHETIC") || !strings.Contains(l.Description.VI, "MÔ PHỎNG") || !strings.Contains(l.Source, "seed 79")) {
			t.Errorf("%s: a synthetic layer's description must say SYNTHETIC / MÔ PHỎNG and its source the seed", w.id)
		}
		if l.Style.LegendVI == "" || l.Style.LegendEN == "" || l.Style.Color == "" {
			t.Errorf("%s: style needs a colour and both legends", w.id)
		}
	}
}

func TestDemoAccess(t *testing.T) {
	c := catalog(t)
	for _, l := range c.Visible(layers.Anonymous) {
		if l.ID == "parcels" {
			t.Fatal("anonymous users see the parcels layer")
		}
	}
	anon := layers.Anonymous
	officer := layers.Principal{Name: "officer", Clearance: layers.Internal}
	steward := layers.Principal{Name: "steward", Clearance: layers.Restricted}
	tests := []struct {
		layer string
		who   layers.Principal
		want  string
	}{
		{"parcels", anon, ""},
		{"parcels", officer, "parcel_no commune_code land_use area_m2 land_price"},
		{"parcels", steward, "parcel_no commune_code land_use area_m2 land_price owner_status"},
		// Houses are on the public map; the welfare fields are personal data.
		{"houses", anon, "commune_code floors"},
		{"houses", officer, "commune_code floors"},
		{"houses", steward, "commune_code floors household_status temporary_house"},
	}
	for _, tt := range tests {
		l, err := c.Get(tt.layer)
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, i := range layers.VisibleFields(tt.who, l) {
			names = append(names, l.Fields[i].Name)
		}
		if got := strings.Join(names, " "); got != tt.want {
			t.Errorf("%s sees %s fields %q, want %q", tt.who.Name, tt.layer, got, tt.want)
		}
	}
}

// TestDemoIndicators checks the three demo indicators read the scenario
// layers, and that the one built on restricted fields is public only with
// small-count suppression.
func TestDemoIndicators(t *testing.T) {
	c := catalog(t)
	tests := []struct {
		id, num, den string
		direction    layers.Direction
		access       layers.Access
	}{
		{"street_lights_per_km", "street_lights", "roads", layers.Higher, layers.Public},
		{"temporary_house_share", "houses", "houses", layers.Lower, layers.Public},
		{"clinics_per_10k", "clinics", "commune_stats", layers.Higher, layers.Public},
	}
	if n := len(c.Indicators()); n != len(tests) {
		t.Errorf("%d indicators, want %d", n, len(tests))
	}
	for _, tt := range tests {
		ind, err := c.Indicator(tt.id)
		if err != nil {
			t.Error(err)
			continue
		}
		if ind.Admin != "communes" || ind.Numerator.Layer != tt.num || ind.Denominator == nil || ind.Denominator.Layer != tt.den ||
			ind.Direction != tt.direction || ind.Access != tt.access || ind.MinDenominator <= 0 {
			t.Errorf("%s: %+v", tt.id, ind)
		}
		if ind.Colour(ind.Target) != layers.Green || ind.Unit.VI == "" || ind.Description.EN == "" {
			t.Errorf("%s: target %v is %s; unit and description needed", tt.id, ind.Target, ind.Colour(ind.Target))
		}
	}
}

// empty lists the fields that no demo feature fills: kept in the schema for
// real loads (no ferry terminal of the city has a name:vi tag).
var empty = map[string]bool{"ports.name_vi": true}

// feature is one decoded demo feature, whatever the file format.
type feature struct {
	id    string
	geom  string
	props map[string]any
}

func TestDemoFiles(t *testing.T) {
	c := catalog(t)
	for _, w := range want {
		t.Run(w.id, func(t *testing.T) {
			l, _ := c.Get(w.id)
			fs := readFeatures(t, l.Demo)
			if len(fs) != w.features {
				t.Errorf("%d features, want %d", len(fs), w.features)
			}
			known := map[string]bool{}
			for _, f := range l.Fields {
				known[f.Name] = true
				for _, alias := range f.From {
					known[alias] = true
				}
			}
			seenID := map[string]bool{}
			seenKey := map[string]bool{}
			for _, f := range fs {
				if _, ok := spatial.NumericID(f.id); !ok || seenID[f.id] {
					t.Fatalf("feature id %q: want unique integer ids (vector-tile ids)", f.id)
				}
				seenID[f.id] = true
				if !geometryFits(l.Geometry, f.geom) {
					t.Fatalf("feature %s: %s in a %s layer", f.id, f.geom, l.Geometry)
				}
				for _, fd := range l.Fields {
					if fd.Required && f.props[fd.Name] == nil {
						t.Fatalf("feature %s: required field %s missing", f.id, fd.Name)
					}
				}
				for k := range f.props {
					seenKey[k] = true
					if !known[k] && !strings.HasSuffix(l.Demo, ".overpass.json.gz") {
						t.Fatalf("feature %s: property %q is not in the schema", f.id, k)
					}
				}
			}
			for _, fd := range l.Fields {
				found := seenKey[fd.Name]
				for _, alias := range fd.From {
					found = found || seenKey[alias]
				}
				if !found && !empty[w.id+"."+fd.Name] {
					t.Errorf("field %s has no value in any feature", fd.Name)
				}
			}
		})
	}
}

func geometryFits(layer layers.GeometryType, g string) bool {
	return layer == layers.GeomAny || strings.TrimPrefix(g, "Multi") == string(layer)
}

func gunzip(t *testing.T, name string) []byte {
	t.Helper()
	f, err := data.Demo().Open(name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	b, err := io.ReadAll(zr)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return b
}

type geoJSONFeature struct {
	ID         json.RawMessage `json:"id"`
	Properties map[string]any  `json:"properties"`
	Geometry   struct {
		Type string `json:"type"`
	} `json:"geometry"`
}

func (g geoJSONFeature) feature() feature {
	return feature{id: strings.Trim(string(g.ID), `"`), geom: g.Geometry.Type, props: g.Properties}
}

// readFeatures decodes a demo file by its extension. For Overpass JSON the
// features are the tagged elements: closed ways and relations of a building
// layer are polygons, other ways lines.
func readFeatures(t *testing.T, name string) []feature {
	if strings.HasSuffix(name, ".zip") {
		return readShapefile(t, name)
	}
	b := gunzip(t, name)
	var out []feature
	switch {
	case strings.HasSuffix(name, ".geojson.gz"):
		var fc struct{ Features []geoJSONFeature }
		if err := json.Unmarshal(b, &fc); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		for _, f := range fc.Features {
			out = append(out, f.feature())
		}
	case strings.HasSuffix(name, ".ndjson.gz"):
		sc := bufio.NewScanner(bytes.NewReader(b))
		for sc.Scan() {
			var f geoJSONFeature
			if err := json.Unmarshal(sc.Bytes(), &f); err != nil {
				t.Fatalf("%s line %d: %v", name, len(out)+1, err)
			}
			out = append(out, f.feature())
		}
	case strings.HasSuffix(name, ".overpass.json.gz"):
		var doc struct {
			Elements []struct {
				Type  string         `json:"type"`
				ID    int64          `json:"id"`
				Nodes []int64        `json:"nodes"`
				Tags  map[string]any `json:"tags"`
			} `json:"elements"`
		}
		if err := json.Unmarshal(b, &doc); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		for _, e := range doc.Elements {
			if e.Tags == nil {
				continue
			}
			geom := "LineString"
			if e.Type == "relation" || e.Tags["building"] != nil && len(e.Nodes) > 3 && e.Nodes[0] == e.Nodes[len(e.Nodes)-1] {
				geom = "Polygon"
			}
			out = append(out, feature{id: strconv.FormatInt(e.ID, 10), geom: geom, props: e.Tags})
		}
	default:
		t.Fatalf("%s: unknown demo format", name)
	}
	return out
}

func TestDemoAttribution(t *testing.T) {
	b, err := fs.ReadFile(data.Demo(), "ATTRIBUTION.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range catalog(t).All() {
		if !bytes.Contains(b, []byte(l.Demo)) {
			t.Errorf("ATTRIBUTION.md does not mention %s", l.Demo)
		}
	}
	lic, err := fs.ReadDir(data.Demo(), "licenses")
	if err != nil || len(lic) == 0 {
		t.Errorf("licenses/: %v, %d files", err, len(lic))
	}
}

func TestDemoSize(t *testing.T) {
	var total int64
	err := fs.WalkDir(data.Demo(), ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		info, err := d.Info()
		total += info.Size()
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if total > 10<<20 {
		t.Errorf("demo data is %d bytes, want under 10 MiB", total)
	}
}

// readShapefile reads a zipped Shapefile of the demo with GDAL (an
// independent reader); its "id" column is the feature id, as bando reads it.
func readShapefile(t *testing.T, name string) []feature {
	ogr := testenv.GDAL(t, "ogr2ogr")
	b, err := fs.ReadFile(data.Demo(), name)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(ogr, "-f", "GeoJSON", "/vsistdout/", "/vsizip/"+path).Output()
	if err != nil {
		t.Fatalf("ogr2ogr %s: %v", name, err)
	}
	var fc struct{ Features []geoJSONFeature }
	if err := json.Unmarshal(out, &fc); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	var fs []feature
	for _, g := range fc.Features {
		f := g.feature()
		f.id = fmt.Sprint(f.props["id"])
		if n, ok := f.props["id"].(float64); ok {
			f.id = strconv.FormatFloat(n, 'f', -1, 64)
		}
		delete(f.props, "id")
		fs = append(fs, f)
	}
	return fs
}

// TestDemoBasemap checks the basemap layers (data/prep/basemap.sh): exactly
// they are marked basemap, public; the provinces are the 34 units of 2025
// by code and name; and the land lies in the box it was clipped to.
func TestDemoBasemap(t *testing.T) {
	c := catalog(t)
	var marked []string
	for _, l := range c.All() {
		if l.Style.Basemap {
			marked = append(marked, l.ID)
			if l.Access != layers.Public || !strings.HasPrefix(l.Demo, "basemap_") {
				t.Errorf("%s: basemap layers are public and load a basemap_ file, got %s %q", l.ID, l.Access, l.Demo)
			}
		}
	}
	if got := strings.Join(marked, " "); got != "basemap_sea basemap_land basemap_provinces basemap_railways basemap_ports" {
		t.Errorf("basemap layers: %s", got)
	}
	codes := "1 4 8 11 12 14 15 19 20 22 24 25 31 33 37 38 40 42 44 46 48 51 52 56 66 68 75 79 80 82 86 91 92 96"
	var ids []string
	for _, f := range readFeatures(t, "basemap_provinces.geojson.gz") {
		ids = append(ids, f.id)
		name, _ := f.props["name"].(string)
		code, _ := f.props["code"].(string)
		if !strings.HasPrefix(name, "Tỉnh ") && !strings.HasPrefix(name, "Thành phố ") || strings.TrimLeft(code, "0") != f.id {
			t.Errorf("province %s: name %q code %q", f.id, name, code)
		}
	}
	if got := strings.Join(ids, " "); got != codes {
		t.Errorf("province ids %s, want the 34 codes %s", got, codes)
	}
	var land struct {
		Features []struct {
			Geometry struct {
				Coordinates [][][2]float64 `json:"coordinates"`
			} `json:"geometry"`
		} `json:"features"`
	}
	if err := json.Unmarshal(gunzip(t, "basemap_land.geojson.gz"), &land); err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, f := range land.Features {
		for _, ring := range f.Geometry.Coordinates {
			for _, p := range ring {
				n++
				if p[0] < 85 || p[0] > 135 || p[1] < -12 || p[1] > 32 {
					t.Fatalf("land vertex %v outside 85–135° E, 12° S – 32° N", p)
				}
			}
		}
	}
	if n < 20000 {
		t.Errorf("land has %d vertices", n)
	}
}
