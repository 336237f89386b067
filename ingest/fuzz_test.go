package ingest

import (
	"bytes"
	"encoding/json"
	"errors"
	"math"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/paulmach/orb"

	"bando/layers"
)

// Every parser is fuzzed: Prepare must not panic, must return either
// features or an *Error (or nothing), and every accepted feature must
// satisfy the rules (checkAccepted, written independently of the
// validator). Run one with e.g.
//
//	go test -run XXX -fuzz '^FuzzGeoJSON$' -fuzztime 20s -fuzzminimizetime 5s ./ingest/
//
// (a short -fuzzminimizetime keeps the fuzzer fuzzing rather than
// minimising large inputs).

var fuzzLayers = []string{"parcels", "roads", "pois", "assets", "buildings"}

// fuzzLimits are small, so that the fuzzer reaches every limit.
var fuzzLimits = Limits{MaxInputBytes: 1 << 20, MaxLineBytes: 4096, MaxFieldBytes: 256, MaxIDBytes: 32,
	MaxVertices: 64, MaxFeatures: 1000, MaxDepth: 16, MaxProperties: 32}

func fuzzPrepare(t *testing.T, format Format, data []byte, which uint8, partial bool) ([]*featureView, error) {
	l := layer(t, fuzzLayers[int(which)%len(fuzzLayers)])
	fs, rep, err := Prepare(l, format, bytes.NewReader(data), Options{Partial: partial, Limits: fuzzLimits})
	if err != nil {
		var e *Error
		if !errors.As(err, &e) {
			t.Fatalf("error that is not an *Error: %v", err)
		}
		if len(e.Problems) == 0 || e.Error() == "" {
			t.Fatalf("empty *Error")
		}
		if fs != nil {
			t.Fatalf("features returned with an error")
		}
		for _, p := range e.Problems {
			// Errors quote excerpts, never the input.
			if len(p.Message) > 1024 || len(p.ID) > 100 || len(p.Field) > 100 {
				t.Fatalf("problem echoes too much: %d bytes of message, %d of id", len(p.Message), len(p.ID))
			}
			if p.Rule == RuleTooLarge && !e.TooLarge() {
				t.Fatalf("too-large problem but not TooLarge: %v", e)
			}
		}
	}
	for _, f := range fs {
		if len(f.ID) > fuzzLimits.MaxIDBytes || badIDText(f.ID) != "" || !utf8.ValidString(f.ID) {
			t.Fatalf("accepted id %q outside the id alphabet", f.ID)
		}
	}
	if rep == nil {
		t.Fatal("no report")
	}
	if err == nil && rep.Accepted != len(fs) {
		t.Fatalf("report says %d accepted, got %d", rep.Accepted, len(fs))
	}
	checkAccepted(t, l, fs)
	return fs, err
}

func addGeoJSONSeeds(f *testing.F) {
	ok := `{"parcel_no":"A1","name":"x"}`
	seeds := []string{
		`{"type":"FeatureCollection","features":[` + feat(`"a"`, square, ok) + `]}`,
		feat(`1`, square, ok),
		feat(`"a"`, square, ok) + "\n" + feat(`"b"`, square, ok) + "\n",
		feat(`"a"`, poly(`[[0,0],[2,2],[2,0],[0,2],[0,0]]`), ok),
		feat(`"a"`, poly(`[[0,0],[2,0],[1,1],[2,2],[3,1],[2,0],[4,0],[4,4],[0,4],[0,0]]`), ok),
		feat(`"a"`, poly(`[[0,0],[1,0],[1,1],[2,2],[1,1],[0,1],[0,0]]`, `[[0.2,0.2],[0.5,0.2],[0.5,0.5],[0.2,0.2]]`), ok),
		feat(`"a"`, `{"type":"MultiPolygon","coordinates":[[[[0,0],[1,0],[1,1],[0,0]]]]}`, ok),
		feat(`"a"`, `{"type":"LineString","coordinates":[[0,0],[1,1],[1,1]]}`, ok),
		feat(`"a"`, `{"type":"MultiLineString","coordinates":[[[0,0],[1,1]]]}`, ok),
		feat(`"a"`, `{"type":"Point","coordinates":[106.7,10.7,3]}`, `{"name":"Nguye\u0302\u0303n","category":1}`),
		feat(`"a"`, `{"type":"MultiPoint","coordinates":[[1,2],[3,4]]}`, ok),
		feat(`"a"`, `{"type":"GeometryCollection","geometries":[{"type":"Point","coordinates":[1,2]}]}`, ok),
		feat(`2.0`, `{"coordinates":[1e999,0],"type":"Point"}`, `{"floors":12.0,"area":1,"public":true,"surveyed":"2024-01-02"}`),
		`{"type":"Feature","id":"x","geometry":null,"properties":{"id":"y","building:levels":"3"}}`,
		"\x1e" + feat(`"a"`, square, ok),
		`{"type":"FeatureCollection","features":[{"type":"Feature"`,
		// Limits and text.
		feat("\"a\xff\"", square, ok) + "\n" + feat("\"a\xfe\"", square, ok),
		feat(`"a\ud800"`, square, `{"parcel_no":"A\udc00x"}`),
		feat(`"a\u0007"`, square, ok),
		feat(`"`+strings.Repeat("i", 40)+`"`, square, ok),
		feat(`"a"`, square, `{"parcel_no":"`+strings.Repeat("p", 300)+`"}`),
		feat(`"a"`, poly(`[`+strings.Repeat("[0,0],", 70)+`[0,0]]`), ok),
		feat(`"a"`, `{"type":"Polygon","coordinates":`+strings.Repeat("[", 20)+strings.Repeat("]", 20)+`}`, ok),
		feat(`"a"`, square, `{`+strings.Repeat(`"k":1,`, 40)+`"parcel_no":"A"}`),
		`{"type":"FeatureCollection","features":[` + feat(`"a"`, square, ok) + "]}\n",
		"{\n\"type\":\"FeatureCollection\",\"features\":[]}",
		"id,lon,lat\na,1,2\n",
	}
	for i, s := range seeds {
		f.Add([]byte(s), uint8(i))
	}
}

func FuzzGeoJSON(f *testing.F) {
	addGeoJSONSeeds(f)
	f.Add(readTestdata(f, "inputs/parcels.geojson"), uint8(0))
	f.Fuzz(func(t *testing.T, data []byte, which uint8) {
		_, err := fuzzPrepare(t, GeoJSON, data, which, which&0x80 != 0)
		// A document (not NDJSON, not gzip, not Overpass) the scanner
		// accepted in full must be JSON by encoding/json's measure too.
		d := bytes.TrimPrefix(data, bom)
		if err == nil && !looksNDJSON(d) && !bytes.HasPrefix(d, []byte{0x1f, 0x8b}) && !json.Valid(d) {
			t.Fatalf("accepted input that is not JSON: %q", data)
		}
	})
}

func FuzzNDJSON(f *testing.F) {
	addGeoJSONSeeds(f)
	f.Add(readTestdata(f, "inputs/parcels_mixed.ndjson"), uint8(0))
	f.Fuzz(func(t *testing.T, data []byte, which uint8) {
		fs, _ := fuzzPrepare(t, NDJSON, data, which, true)
		if len(fs) == 0 || bytes.HasPrefix(data, []byte{0x1f, 0x8b}) {
			return
		}
		// Each line that yielded a feature is JSON.
		for _, line := range bytes.Split(data, []byte{'\n'}) {
			line = bytes.TrimLeft(bytes.TrimSpace(line), "\x1e")
			if len(line) > 0 && scanValid(line) != json.Valid(line) {
				t.Fatalf("scanner and encoding/json disagree on %q", line)
			}
		}
	})
}

func FuzzScanner(f *testing.F) {
	for _, s := range scannerSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if got, want := scanValid(data), json.Valid(data); got != want {
			t.Fatalf("%q: scanner valid=%v, encoding/json valid=%v", data, got, want)
		}
		d := bytes.TrimSpace(data)
		if len(d) > 0 && d[0] == '"' && json.Valid(d) {
			var want string
			json.Unmarshal(d, &want)
			sc := &scanner{data: d}
			if got := string(sc.str()); got != want {
				t.Fatalf("%q: string %q, want %q", d, got, want)
			}
		}
		if len(d) > 0 && (d[0] == '-' || d[0] >= '0' && d[0] <= '9') && json.Valid(d) {
			want, _ := strconv.ParseFloat(string(d), 64)
			sc := &scanner{data: d}
			if got := sc.num().val; math.Float64bits(got) != math.Float64bits(want) {
				t.Fatalf("%s: number %v, want %v", d, got, want)
			}
		}
	})
}

func FuzzCSV(f *testing.F) {
	f.Add(readTestdata(f, "inputs/pois.csv"), uint8(2))
	f.Add(readTestdata(f, "inputs/assets_wkt.csv"), uint8(3))
	for i, s := range []string{
		"id,parcel_no,floors,public,surveyed,wkt\n1,A,3,yes,2024-01-02,\"POLYGON((0 0,2 2,2 0,0 2,0 0))\"\n",
		"id;name;lon;lat\n1;\"a;b\";106;10\n2;x;NaN;1\n",
		"id,wkt\n1,\"MULTIPOLYGON(((0 0,1 0,1 1,0 0)),((5 5,6 5,6 6,5 5)))\"\n2,GEOMETRYCOLLECTION(POINT(1 2))\n",
		"id,wkt\n1,LINESTRING(0 0,0 0)\n2,\"SRID=4326;POINT(1 1)\"\n",
		"id,name,lon,lat\n\"a\nb\",\"x\ny\",106,10\n",
		"id,name,lon,lat" + strings.Repeat(",", 40) + "\na,n,106,10\n",
		"id,name,lon,lat\na," + strings.Repeat("n", 300) + ",106,10\n",
		"id,wkt\n1,\"LINESTRING(" + strings.Repeat("0 0,", 70) + "1 1)\"\n",
		"id,name,lon,lat\na\x07,n,106,10\nb\xff,n,106,10\n",
		`{"type":"Feature"}`,
	} {
		f.Add([]byte(s), uint8(i))
	}
	f.Fuzz(func(t *testing.T, data []byte, which uint8) {
		fuzzPrepare(t, CSV, data, which, which&0x80 != 0)
	})
}

func FuzzOverpass(f *testing.F) {
	f.Add(readTestdata(f, "fuzz_overpass_seed.json"), uint8(4))
	f.Add(readTestdata(f, "fuzz_overpass_seed.json"), uint8(1))
	f.Add([]byte(`{"elements":[{"type":"node","id":1,"lat":0,"lon":0},{"type":"node","id":2,"lat":0,"lon":1},{"type":"node","id":3,"lat":1,"lon":1},`+
		`{"type":"way","id":4,"nodes":[1,2,3,1],"tags":{"building":"yes","building:levels":"2"}},`+
		`{"type":"relation","id":5,"members":[{"type":"way","ref":4,"role":"outer"}],"tags":{"type":"multipolygon","building":"yes"}}]}`), uint8(4))
	f.Add([]byte(`{"elements":[{"type":"way","id":1,"geometry":[{"lat":0,"lon":0},{"lat":0,"lon":1},{"lat":1,"lon":0},{"lat":1,"lon":1},{"lat":0,"lon":0}],"tags":{"area":"yes"}}]}`), uint8(3))
	f.Add([]byte("{\"elements\":[{\"type\":\"node\",\"id\":-5,\"lat\":0,\"lon\":0,\"tags\":{\"name\":\"\xff\"}}]}"), uint8(2))
	f.Add([]byte(`{"elements":[{"type":"node","id":5,"lat":0,"lon":0,"tags":{"name":"n"}},{"type":"way","id":5,"nodes":[`+strings.Repeat("5,", 70)+`5],"tags":{"highway":"primary"}}]}`), uint8(1))
	f.Add([]byte(`{"type":"FeatureCollection","features":[]}`), uint8(3))
	f.Fuzz(func(t *testing.T, data []byte, which uint8) {
		fuzzPrepare(t, Overpass, data, which, which&0x80 != 0)
	})
}

// FuzzWKT drives the WKT path alone and through the validator.
func FuzzWKT(f *testing.F) {
	for _, s := range []string{"POINT(1 2)", "POINT EMPTY", "LINESTRING(0 0,1 1)", "POLYGON((0 0,2 2,2 0,0 2,0 0))",
		"POLYGON((0 0,4 0,4 4,0 4,0 0),(1 1,2 1,2 2,1 1))", "MULTIPOLYGON(((0 0,1 0,1 1,0 0)))", "MULTIPOINT((1 2),(3 4))",
		"MULTILINESTRING((0 0,1 1),(2 2,3 3))", "GEOMETRYCOLLECTION(POINT(1 2),LINESTRING(0 0,1 1))", "SRID=4326;POINT(1 1)",
		"POINT(NaN Inf)", "POLYGON((0 0,1 0))", "POINT Z (1 2 3)"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		g, pr := parseWKT(s)
		if pr != nil {
			if pr.rule == "" || pr.msg == "" {
				t.Fatal("empty problem")
			}
			return
		}
		out, _, pr := checkGeometry(layers.GeomAny, g)
		if pr == nil {
			checkGeom(t, layers.GeomAny, "wkt", out, true)
		}
		if !strings.ContainsAny(s, "\n\r") {
			csv := "id,wkt\n1,\"" + strings.ReplaceAll(s, `"`, `""`) + "\"\n"
			fuzzPrepare(t, CSV, []byte(csv), 3, false)
		}
	})
}

// FuzzPolygonRepair feeds rings on a small grid, where duplicates, spikes,
// touches and crossings are common, straight to the validator.
func FuzzPolygonRepair(f *testing.F) {
	f.Add([]byte{0, 0, 2, 2, 2, 0, 0, 2, 0, 0}, uint8(0))
	f.Add([]byte{0, 0, 4, 0, 4, 4, 0, 4, 0, 0, 1, 1, 2, 1, 2, 2, 1, 1}, uint8(5))
	f.Add([]byte{0, 0, 2, 0, 1, 1, 2, 2, 3, 1, 2, 0, 4, 0, 4, 4, 0, 4, 0, 0}, uint8(0))
	f.Fuzz(func(t *testing.T, data []byte, split uint8) {
		if len(data) > 200 {
			return
		}
		var pts []orb.Point
		for i := 0; i+1 < len(data); i += 2 {
			pts = append(pts, orb.Point{float64(data[i] % 8), float64(data[i+1] % 8)})
		}
		var p orb.Polygon
		cut := int(split)
		if cut == 0 || cut >= len(pts) {
			cut = len(pts)
		}
		for _, part := range [][]orb.Point{pts[:cut], pts[cut:]} {
			if len(part) > 0 {
				r := append(orb.Ring(nil), part...)
				if r[0] != r[len(r)-1] {
					r = append(r, r[0])
				}
				p = append(p, r)
			}
		}
		orig := p.Clone()
		g, _, pr := checkGeometry(layers.GeomPolygon, p)
		if !orb.Equal(orig, p) {
			t.Fatal("checkGeometry modified its input")
		}
		if pr == nil {
			checkGeom(t, layers.GeomPolygon, "p", g, true)
		}
	})
}
