package ingest

import (
	"bytes"
	"compress/gzip"
	"errors"
	"strings"
	"testing"
)

func TestFormatFromContentType(t *testing.T) {
	tests := []struct {
		ct   string
		want Format
	}{
		{"application/geo+json", GeoJSON},
		{"application/json; charset=utf-8", GeoJSON},
		{"application/x-ndjson", NDJSON},
		{"application/geo+json-seq", NDJSON},
		{"text/csv; charset=utf-8", CSV},
		{"application/vnd.osm.overpass+json", Overpass},
		{"application/json; format=overpass", Overpass},
		{"application/flatgeobuf", FlatGeobuf},
		{"application/geopackage+sqlite3", GeoPackage},
		{"application/octet-stream; format=fgb", FlatGeobuf},
		{"text/plain", ""},
		{"", ""},
	}
	for _, tt := range tests {
		got, err := FormatFromContentType(tt.ct)
		if got != tt.want || (err != nil) != (tt.want == "") {
			t.Errorf("FormatFromContentType(%q) = %q, %v; want %q", tt.ct, got, err, tt.want)
		}
	}
}

func TestFormatFromPath(t *testing.T) {
	tests := []struct {
		path string
		want Format
	}{
		{"a/b.geojson", GeoJSON},
		{"x.JSON", GeoJSON},
		{"x.ndjson", NDJSON},
		{"x.geojsonl.gz", NDJSON},
		{"x.csv", CSV},
		{"x.csv.gz", CSV},
		{"hcmc.osm.json", Overpass},
		{"hcmc.overpass.json.gz", Overpass},
		{"x.shp", ""},
		{"parcels.FGB", FlatGeobuf},
		{"x.kmz", KMZ},
	}
	for _, tt := range tests {
		got, err := FormatFromPath(tt.path)
		if got != tt.want || (err != nil) != (tt.want == "") {
			t.Errorf("FormatFromPath(%q) = %q, %v; want %q", tt.path, got, err, tt.want)
		}
	}
	for _, name := range []string{"geojson", "NDJSON", "csv", "osm", "overpass"} {
		if _, err := ParseFormat(name); err != nil {
			t.Errorf("ParseFormat(%q): %v", name, err)
		}
	}
}

func gz(t *testing.T, s string) []byte {
	var b bytes.Buffer
	w := gzip.NewWriter(&b)
	w.Write([]byte(s))
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestGzip(t *testing.T) {
	in := feat(`"a"`, square, `{"parcel_no":"A1"}`) + "\n" + feat(`"b"`, square, `{"parcel_no":"A2"}`) + "\n"
	for _, f := range []Format{GeoJSON, NDJSON} {
		fs, _, err := Prepare(layer(t, "parcels"), f, bytes.NewReader(gz(t, in)), Options{})
		if err != nil || len(fs) != 2 {
			t.Errorf("%s: got %d features, %v", f, len(fs), err)
		}
	}
	fs, _, err := Prepare(layer(t, "pois"), CSV, bytes.NewReader(gz(t, "id,name,lon,lat\n1,A,1,1\n")), Options{})
	if err != nil || len(fs) != 1 {
		t.Errorf("csv: got %d features, %v", len(fs), err)
	}
	for f, body := range map[Format]string{GeoJSON: in, NDJSON: in, CSV: "id,name,lon,lat\n1,A,1,1\n2,B,2,2\n", Overpass: `{"elements":[]}`} {
		broken := gz(t, body)
		broken = broken[:len(broken)-10]
		_, _, err = Prepare(layer(t, "pois"), f, bytes.NewReader(broken), Options{Partial: true})
		var e *Error
		if !errors.As(err, &e) || !slices0(rules(err), RuleGzip) || !e.Malformed() {
			t.Errorf("%s: truncated gzip: got %v", f, err)
		}
	}
}

func slices0(rs []string, r string) bool { return len(rs) > 0 && rs[0] == r }

// TestGeoJSONShapes: the geojson format takes a FeatureCollection, a single
// Feature, and newline-delimited Features.
func TestGeoJSONShapes(t *testing.T) {
	a := feat(`"a"`, square, `{"parcel_no":"A1"}`)
	b := feat(`"b"`, square, `{"parcel_no":"A2"}`)
	tests := []struct {
		name, in string
		n        int
		rules    []string
	}{
		{"collection", `{"type":"FeatureCollection","features":[` + a + "," + b + `]}`, 2, nil},
		{"collection with foreign members", `{"features":[` + a + `],"crs":{"x":[1,2]},"type":"FeatureCollection","bbox":[0,0,1,1]}`, 1, nil},
		{"empty collection", `{"type":"FeatureCollection","features":[]}`, 0, nil},
		{"single feature", "\ufeff" + a, 1, nil},
		{"ndjson", a + "\n" + b + "\n", 2, nil},
		{"geojson text sequence", "\x1e" + a + "\n\x1e" + b + "\n", 2, nil},
		{"pretty feature", strings.ReplaceAll(a, ",", ",\n"), 1, nil},
		{"truncated collection", `{"type":"FeatureCollection","features":[` + a + ",", 0, []string{RuleJSON}},
		{"trailing comma", `{"type":"FeatureCollection","features":[` + a + `,]}`, 0, []string{RuleJSON}},
		{"garbage after", `{"type":"FeatureCollection","features":[]} x`, 0, []string{RuleJSON}},
		{"bare geometry", square, 0, []string{RuleJSON}},
		{"array", `[1]`, 0, []string{RuleJSON}},
		{"empty", ``, 0, []string{RuleJSON}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fs, rep, err := Prepare(layer(t, "parcels"), GeoJSON, strings.NewReader(tt.in), Options{Partial: true})
			if got := rules(err); !equalStrings(got, tt.rules) {
				t.Fatalf("problems %q, want %q (%v)", got, tt.rules, err)
			}
			if len(fs) != tt.n || err == nil && rep.Accepted != tt.n {
				t.Fatalf("got %d features, want %d", len(fs), tt.n)
			}
		})
	}
}

func equalStrings(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// TestNDJSONParallelOrder: with several workers, features and problems come
// back in input order, and MaxFeatures still holds.
func TestNDJSONParallelOrder(t *testing.T) {
	data := parcelsNDJSON(3000)
	lines := strings.Split(strings.TrimSpace(string(data)), "\n")
	lines[1234] = "{broken"
	in := strings.Join(lines, "\n")
	fs, rep, err := Prepare(layer(t, "parcels"), NDJSON, strings.NewReader(in), Options{Partial: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(fs) != 2999 || len(rep.Rejected) != 1 || rep.Rejected[0].Index != 1234 || rep.Rejected[0].Line != 1235 {
		t.Fatalf("got %d features, rejected %+v", len(fs), rep.Rejected)
	}
	for i, f := range fs {
		want := i + 1
		if i >= 1234 {
			want++
		}
		if f.ID != itoa(want) {
			t.Fatalf("feature %d has id %s, want %d", i, f.ID, want)
		}
	}
	_, _, err = Prepare(layer(t, "parcels"), NDJSON, bytes.NewReader(data), Options{Limits: Limits{MaxFeatures: 1000}})
	if got := rules(err); !equalStrings(got, []string{RuleTooMany}) {
		t.Fatalf("MaxFeatures: got %v", err)
	}
}
