package tiles

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"testing"
)

// The fixtures are Mapbox's mvt-fixtures (see testdata/mvt-fixtures/README.md).
// They check the test decoder against an independent reference, and the
// geometry encoder against the spec's own examples.

type fixtureFeature struct {
	ID       *uint64  `json:"id"`
	Tags     []uint32 `json:"tags"`
	Type     uint64   `json:"type"`
	Geometry []uint32 `json:"geometry"`
}

type fixtureLayer struct {
	Version  uint64           `json:"version"`
	Name     string           `json:"name"`
	Extent   uint64           `json:"extent"`
	Keys     []string         `json:"keys"`
	RawVals  []map[string]any `json:"values"`
	Features []fixtureFeature `json:"features"`
}

func readFixture(t *testing.T, id string) ([]byte, []fixtureLayer) {
	t.Helper()
	dir := filepath.Join("testdata", "mvt-fixtures", id)
	mvt, err := os.ReadFile(filepath.Join(dir, "tile.mvt"))
	if err != nil {
		t.Fatal(err)
	}
	js, err := os.ReadFile(filepath.Join(dir, "tile.json"))
	if err != nil {
		t.Fatal(err)
	}
	var f struct {
		Layers []fixtureLayer `json:"layers"`
	}
	dec := json.NewDecoder(bytes.NewReader(js))
	dec.UseNumber()
	if err := dec.Decode(&f); err != nil {
		t.Fatalf("fixture %s: %v", id, err)
	}
	return mvt, f.Layers
}

// fixtureValue converts a tile.json value ({"int_value": 6}) to the Go value
// the test decoder produces.
func fixtureValue(t *testing.T, v map[string]any) any {
	t.Helper()
	for k, x := range v {
		if k == "string_value" {
			return x.(string)
		}
		if k == "bool_value" {
			return x.(bool)
		}
		n := string(x.(json.Number))
		switch k {
		case "int_value", "sint_value":
			i, _ := strconv.ParseInt(n, 10, 64)
			return i
		case "uint_value":
			u, _ := strconv.ParseUint(n, 10, 64)
			return u
		case "float_value":
			f, _ := strconv.ParseFloat(n, 32)
			return float64(float32(f))
		case "double_value":
			f, _ := strconv.ParseFloat(n, 64)
			return f
		}
	}
	t.Fatalf("unknown fixture value %v", v)
	return nil
}

func TestFixturesDecode(t *testing.T) {
	for _, id := range []string{"002", "017", "018", "019", "020", "021", "022", "038", "043", "053"} {
		t.Run(id, func(t *testing.T) {
			mvt, want := readFixture(t, id)
			got, err := decodeTile(mvt)
			if err != nil {
				t.Fatalf("decode: %v", err)
			}
			if len(got.Layers) != len(want) {
				t.Fatalf("layers = %d, want %d", len(got.Layers), len(want))
			}
			for i, wl := range want {
				gl := got.Layers[i]
				if gl.Name != wl.Name || gl.Version != wl.Version || gl.Extent != wl.Extent {
					t.Errorf("layer %d = %q v%d extent %d, want %q v%d extent %d",
						i, gl.Name, gl.Version, gl.Extent, wl.Name, wl.Version, wl.Extent)
				}
				if !reflect.DeepEqual(gl.Keys, wl.Keys) {
					t.Errorf("keys = %v, want %v", gl.Keys, wl.Keys)
				}
				for k, rv := range wl.RawVals {
					if w := fixtureValue(t, rv); !reflect.DeepEqual(gl.Values[k], w) {
						t.Errorf("value %d = %#v, want %#v", k, gl.Values[k], w)
					}
				}
				if len(gl.Features) != len(wl.Features) {
					t.Fatalf("features = %d, want %d", len(gl.Features), len(wl.Features))
				}
				for k, wf := range wl.Features {
					gf := gl.Features[k]
					if (wf.ID != nil) != gf.HasID || wf.ID != nil && *wf.ID != gf.ID {
						t.Errorf("feature %d id = %d (%v), want %v", k, gf.ID, gf.HasID, wf.ID)
					}
					if gf.Type != wf.Type || !reflect.DeepEqual(gf.Tags, wf.Tags) || !reflect.DeepEqual(gf.Geometry, wf.Geometry) {
						t.Errorf("feature %d = type %d tags %v geom %v, want %d %v %v",
							k, gf.Type, gf.Tags, gf.Geometry, wf.Type, wf.Tags, wf.Geometry)
					}
				}
			}
		})
	}
}

// TestFixturesGeometryEncode re-encodes the decoded geometry of the spec's
// example fixtures and expects the fixtures' exact command streams, and
// checks that their polygons follow the winding bando writes (exterior
// positive area in tile coordinates, holes negative).
func TestFixturesGeometryEncode(t *testing.T) {
	for _, id := range []string{"017", "018", "019", "020", "021", "022", "053"} {
		t.Run(id, func(t *testing.T) {
			mvt, want := readFixture(t, id)
			got, err := decodeTile(mvt)
			if err != nil {
				t.Fatal(err)
			}
			f := got.Layers[0].Features[0]
			g := tileGeom{typ: geomType(f.Type)}
			for _, p := range f.Parts {
				var part []ipoint
				for _, q := range p {
					part = append(part, ipoint{int32(q[0]), int32(q[1])})
				}
				g.parts = append(g.parts, part)
			}
			if cmds := appendCommands(nil, g); !reflect.DeepEqual(cmds, want[0].Features[0].Geometry) {
				t.Errorf("commands = %v, want %v", cmds, want[0].Features[0].Geometry)
			}
			if f.Type == 3 {
				checkWinding(t, f.Parts, id == "022")
			}
		})
	}
}

// checkWinding checks polygon rings: the first ring is an exterior (area >
// 0); with multi, later positive rings start new polygons.
func checkWinding(t *testing.T, rings [][][2]int64, multi bool) {
	t.Helper()
	if len(rings) == 0 {
		t.Fatal("no rings")
	}
	if a := ringArea2(rings[0]); a <= 0 {
		t.Errorf("first ring area2 = %d, want > 0 (clockwise exterior)", a)
	}
	for i, r := range rings {
		if a := ringArea2(r); a == 0 {
			t.Errorf("ring %d has zero area", i)
		} else if a > 0 && i > 0 && !multi {
			t.Errorf("ring %d is a second exterior in a single polygon", i)
		}
	}
}

func TestFixturesInvalid(t *testing.T) {
	for _, id := range []string{"005", "040", "044", "047"} {
		t.Run(id, func(t *testing.T) {
			mvt, _ := readFixture(t, id)
			if _, err := decodeTile(mvt); err == nil {
				t.Errorf("decoded invalid fixture %s without error", id)
			}
		})
	}
}

// TestFixtureEncode043 rebuilds fixture 043 (six points sharing one key
// with distinct values) with the layer encoder and expects the same bytes.
func TestFixtureEncode043(t *testing.T) {
	mvt, want := readFixture(t, "043")
	wl := want[0]
	e := newLayerEncoder(wl.Name, int(wl.Extent))
	dec, err := decodeTile(mvt)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range dec.Layers[0].Features {
		p := f.Parts[0][0]
		g := tileGeom{typ: geomPoint, parts: [][]ipoint{{{int32(p[0]), int32(p[1])}}}}
		e.addFeature(f.ID, []prop{{key: "poi", value: f.Props["poi"]}}, g)
	}
	got := encodeTile([]*layerEncoder{e})
	again, err := decodeTile(got)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(again, dec) {
		t.Errorf("re-encoded 043 decodes to\n%+v\nwant\n%+v", again, dec)
	}
	if !bytes.Equal(got, mvt) {
		t.Logf("re-encoded 043 differs in bytes but not in content (encoding choices): %d vs %d bytes", len(got), len(mvt))
	}
}
