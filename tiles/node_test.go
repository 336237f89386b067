package tiles

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"testing"

	"bando/layers"
)

// mvtcheckDir holds the node decoder (tools/mvtcheck): Mapbox's
// @mapbox/vector-tile on pbf. Install it with
//
//	npm ci --prefix tools/mvtcheck
const mvtcheckDir = "../tools/mvtcheck"

// nodeDecoder returns the command prefix that runs the reference decoder,
// skipping the test loudly when it is not installed, and failing it in CI.
func nodeDecoder(t *testing.T) []string {
	t.Helper()
	missing := func(why string) {
		msg := "INDEPENDENT MVT DECODER NOT RUN: " + why +
			"; install it with `npm ci --prefix tools/mvtcheck` (needs node ≥ 18)"
		if os.Getenv("CI") == "true" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	node, err := exec.LookPath("node")
	if err != nil {
		missing("node is not on PATH")
	}
	if _, err := os.Stat(filepath.Join(mvtcheckDir, "node_modules", "@mapbox", "vector-tile")); err != nil {
		missing(mvtcheckDir + "/node_modules is missing")
	}
	return []string{node, filepath.Join(mvtcheckDir, "decode.js")}
}

type nodeTile struct {
	File   string `json:"file"`
	Layers map[string]struct {
		Version  int `json:"version"`
		Extent   int `json:"extent"`
		Features []struct {
			ID         uint64         `json:"id"`
			Type       uint64         `json:"type"`
			Properties map[string]any `json:"properties"`
			Geometry   [][][2]int64   `json:"geometry"`
			Polygons   int            `json:"polygons"`
		} `json:"features"`
	} `json:"layers"`
}

// TestNodeDecoderAgrees writes tiles of every geometry type and field type,
// decodes them with Mapbox's JavaScript decoder, and compares layers, ids,
// types, properties, geometry and polygon classification (by winding) with
// what bando meant to write.
func TestNodeDecoderAgrees(t *testing.T) {
	cmd := nodeDecoder(t)
	data := goldenData()
	data["buildings"] = append(data["buildings"], randomFeatures(9, 400, hue, 0.03)[60:]...)
	data["mixed"] = randomFeatures(10, 100, hue, 0.01)
	s := testServer(t, Config{}, data)
	dir := t.TempDir()
	var files []string
	want := map[string]dTile{}
	for _, z := range []int{12, 14, 15, 16} {
		for _, p := range []layers.Principal{layers.Anonymous, restricted} {
			c := CoordOf(hue, z)
			tl, err := s.Tile(t.Context(), p, visibleIDs(p), c.Z, c.X, c.Y)
			if err != nil {
				t.Fatal(err)
			}
			if tl.Empty() {
				continue
			}
			f := filepath.Join(dir, fmt.Sprintf("%d-%s.mvt", z, p.Clearance))
			if err := os.WriteFile(f, tl.Bytes(), 0o644); err != nil {
				t.Fatal(err)
			}
			d, err := decodeTile(tl.Bytes())
			if err != nil {
				t.Fatal(err)
			}
			files, want[f] = append(files, f), d
		}
	}
	out, err := exec.Command(cmd[0], append(cmd[1:], files...)...).Output()
	if err != nil {
		if ee, ok := err.(*exec.ExitError); ok {
			t.Fatalf("node decoder: %v\n%s", err, ee.Stderr)
		}
		t.Fatalf("node decoder: %v", err)
	}
	var got []nodeTile
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatalf("node decoder output: %v", err)
	}
	if len(got) != len(files) {
		t.Fatalf("node decoded %d tiles, want %d", len(got), len(files))
	}
	compared := 0
	for _, nt := range got {
		d := want[nt.File]
		if len(nt.Layers) != len(d.Layers) {
			t.Errorf("%s: node sees %d layers, want %d", nt.File, len(nt.Layers), len(d.Layers))
		}
		for _, l := range d.Layers {
			nl, ok := nt.Layers[l.Name]
			if !ok || nl.Version != 2 || nl.Extent != 4096 || len(nl.Features) != len(l.Features) {
				t.Errorf("%s/%s: node layer %v missing or different", nt.File, l.Name, ok)
				continue
			}
			for i, f := range l.Features {
				nf := nl.Features[i]
				where := fmt.Sprintf("%s/%s feature %d", filepath.Base(nt.File), l.Name, f.ID)
				if nf.ID != f.ID || nf.Type != f.Type {
					t.Errorf("%s: node id/type %d/%d", where, nf.ID, nf.Type)
				}
				if wp := jsonProps(f.Props); !reflect.DeepEqual(nf.Properties, wp) {
					t.Errorf("%s: node properties %v, want %v", where, nf.Properties, wp)
				}
				if g := nodeParts(f.Type, nf.Geometry); !reflect.DeepEqual(g, f.Parts) {
					t.Errorf("%s: node geometry %v, want %v", where, g, f.Parts)
				}
				if f.Type == 3 && nf.Polygons != countExteriors(f.Parts) {
					t.Errorf("%s: node finds %d polygons, want %d", where, nf.Polygons, countExteriors(f.Parts))
				}
				compared++
			}
		}
	}
	t.Logf("node decoder agreed on %d features in %d tiles", compared, len(files))
}

// visibleIDs returns the test layers p may see, in a fixed order.
func visibleIDs(p layers.Principal) []string {
	if p.Clearance == layers.Public {
		return []string{"roads", "buildings"}
	}
	return []string{"roads", "buildings", "sensors", "mixed"}
}

// jsonProps turns decoded property values into what JSON gives back.
func jsonProps(props map[string]any) map[string]any {
	out := map[string]any{}
	for k, v := range props {
		switch v := v.(type) {
		case int64:
			out[k] = float64(v)
		case uint64:
			out[k] = float64(v)
		default:
			out[k] = v
		}
	}
	return out
}

// nodeParts converts loadGeometry output to the Go decoder's parts: rings
// lose their closing point, and points (one part each) become one part.
func nodeParts(typ uint64, g [][][2]int64) [][][2]int64 {
	switch typ {
	case 1:
		var pts [][2]int64
		for _, p := range g {
			pts = append(pts, p...)
		}
		return [][][2]int64{pts}
	case 3:
		out := make([][][2]int64, len(g))
		for i, r := range g {
			out[i] = r[:len(r)-1]
		}
		return out
	}
	return g
}

func countExteriors(rings [][][2]int64) int {
	n := 0
	for _, r := range rings {
		if ringArea2(r) > 0 {
			n++
		}
	}
	return n
}
