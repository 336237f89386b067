package tiles

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"bando/internal/testenv"
	"bando/layers"
)

// mltcheckDir holds the node MLT decoder (tools/mltcheck): MapLibre's
// @maplibre/mlt bundled with esbuild. Install it with `make tools`.
const mltcheckDir = "../tools/mltcheck"

// mltDecoder returns the command that runs the reference MLT decoder,
// skipping the test loudly when it is not installed, and failing it in CI.
func mltDecoder(t *testing.T) []string {
	t.Helper()
	node := testenv.Node(t)
	bundle := filepath.Join(mltcheckDir, "dist", "decode.mjs")
	if _, err := os.Stat(bundle); err != nil {
		testenv.Missing(t, "INDEPENDENT MLT DECODER NOT RUN: "+bundle+" (run `make tools`: npm ci and npm run build in tools/mltcheck)")
	}
	return []string{node, bundle}
}

type mltNodeTile struct {
	File   string `json:"file"`
	Layers map[string]struct {
		Extent   int `json:"extent"`
		Features []struct {
			ID         uint64         `json:"id"`
			Type       uint64         `json:"type"`
			MLTType    int            `json:"mltType"`
			Properties map[string]any `json:"properties"`
			Geometry   [][][2]int64   `json:"geometry"`
		} `json:"features"`
	} `json:"layers"`
}

// TestMLTMatchesMVT renders a seeded set of demo tiles (every layer at
// zooms across its range, and all layers at once at z10–16, for the
// restricted and the anonymous principal) as MVT and as MLT, decodes the
// MVT with the test decoder and the MLT with MapLibre's @maplibre/mlt, and
// requires the same layers, features in the same order, ids, geometry
// types, geometry and properties (absent values included).
func TestMLTMatchesMVT(t *testing.T) {
	cmd := mltDecoder(t)
	s, ls := demoServer(t)
	dir := t.TempDir()
	var files []string
	want := map[string]dTile{}
	for i, dt := range demoTiles(s, ls, 1) {
		mvt, err := s.TileFormat(t.Context(), dt.p, MVT, dt.layers, dt.c.Z, dt.c.X, dt.c.Y)
		if err != nil {
			t.Fatal(err)
		}
		mlt, err := s.TileFormat(t.Context(), dt.p, MLT, dt.layers, dt.c.Z, dt.c.X, dt.c.Y)
		if err != nil {
			t.Fatal(err)
		}
		if mvt.Empty() != mlt.Empty() {
			t.Fatalf("%s %v: MVT empty %v, MLT empty %v", dt.c, dt.layers, mvt.Empty(), mlt.Empty())
		}
		if mvt.Empty() {
			continue
		}
		d, err := decodeTile(mvt.Bytes())
		if err != nil {
			t.Fatal(err)
		}
		f := filepath.Join(dir, fmt.Sprintf("%03d-%d-%d-%d-%d.mlt", i, dt.c.Z, dt.c.X, dt.c.Y, len(dt.layers)))
		if err := os.WriteFile(f, mlt.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		files, want[f] = append(files, f), d
	}
	// The synthetic layers of the unit tests add what the demo lacks: a
	// layer of mixed geometry (collections become several features with
	// one id), time values, and tiny polygons kept at the max zoom.
	data := goldenData()
	data["buildings"] = append(data["buildings"], randomFeatures(9, 400, hue, 0.03)[60:]...)
	data["mixed"] = randomFeatures(10, 100, hue, 0.01)
	syn := testServer(t, Config{}, data)
	for _, z := range []int{12, 14, 16} {
		for _, p := range []layers.Principal{layers.Anonymous, restricted} {
			c := CoordOf(hue, z)
			var tl [2]Tile
			var err error
			for i, f := range []Format{MVT, MLT} {
				if tl[i], err = syn.TileFormat(t.Context(), p, f, visibleIDs(p), c.Z, c.X, c.Y); err != nil {
					t.Fatal(err)
				}
			}
			d, err := decodeTile(tl[0].Bytes())
			if err != nil {
				t.Fatal(err)
			}
			f := filepath.Join(dir, fmt.Sprintf("synthetic-%d-%s.mlt", z, clearance(p)))
			if err := os.WriteFile(f, tl[1].Bytes(), 0o644); err != nil {
				t.Fatal(err)
			}
			files, want[f] = append(files, f), d
		}
	}
	out, err := exec.Command(cmd[0], append(cmd[1:], files...)...).Output()
	if err != nil {
		if ee, ok := err.(*exec.ExitError); ok {
			t.Fatalf("node MLT decoder: %v\n%s", err, ee.Stderr)
		}
		t.Fatalf("node MLT decoder: %v", err)
	}
	var got []mltNodeTile
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatalf("node MLT decoder output: %v", err)
	}
	if len(got) != len(files) {
		t.Fatalf("node decoded %d tiles, want %d", len(got), len(files))
	}
	var st mltCompareStats
	for _, nt := range got {
		st.compareTile(t, nt, want[nt.File])
	}
	t.Logf("MLT and MVT agree on %d tiles (%d multi-layer), %d layers, %d features (%d points, %d lines, %d polygons; %d multi), %d property values, %d absent values of visible fields",
		len(files), st.multi, st.layers, st.features, st.types[1], st.types[2], st.types[3], st.multiGeoms, st.values, st.absent)
	if st.types[1] == 0 || st.types[2] == 0 || st.types[3] == 0 || st.multiGeoms == 0 || st.absent == 0 || st.multi == 0 {
		t.Errorf("the demo tiles did not cover every geometry type, multi geometries, multi-layer tiles and absent values: %+v", st)
	}
	for _, k := range []string{"string", "float64", "bool"} {
		if st.kinds[k] == 0 {
			t.Errorf("no property of kind %s compared", k)
		}
	}
}

type mltCompareStats struct {
	multi, layers, features, multiGeoms, values, absent int
	types                                               [4]int
	kinds                                               map[string]int
}

func (st *mltCompareStats) compareTile(t *testing.T, nt mltNodeTile, d dTile) {
	t.Helper()
	name := filepath.Base(nt.File)
	if len(nt.Layers) != len(d.Layers) {
		t.Errorf("%s: MLT has %d layers, MVT %d", name, len(nt.Layers), len(d.Layers))
	}
	if len(d.Layers) > 1 {
		st.multi++
	}
	if st.kinds == nil {
		st.kinds = map[string]int{}
	}
	for _, l := range d.Layers {
		nl, ok := nt.Layers[l.Name]
		if !ok || nl.Extent != int(l.Extent) || len(nl.Features) != len(l.Features) {
			t.Errorf("%s/%s: MLT layer present %v, extent %d, %d features; MVT extent %d, %d features",
				name, l.Name, ok, nl.Extent, len(nl.Features), l.Extent, len(l.Features))
			continue
		}
		st.layers++
		keys := map[string]bool{}
		for _, f := range l.Features {
			for k := range f.Props {
				keys[k] = true
			}
		}
		for i, f := range l.Features {
			nf := nl.Features[i]
			where := fmt.Sprintf("%s/%s feature %d (#%d)", name, l.Name, f.ID, i)
			if nf.ID != f.ID || nf.Type != f.Type {
				t.Errorf("%s: MLT id/type %d/%d, MVT %d/%d", where, nf.ID, nf.Type, f.ID, f.Type)
			}
			if wp := jsonProps(f.Props); !reflect.DeepEqual(nf.Properties, wp) {
				t.Errorf("%s: MLT properties %v, MVT %v", where, nf.Properties, wp)
			}
			if g := nodeParts(f.Type, nf.Geometry); !reflect.DeepEqual(g, f.Parts) {
				t.Errorf("%s: MLT geometry %v, MVT %v", where, short(g), short(f.Parts))
			}
			if multi := isMulti(f); (nf.MLTType >= 3) != multi {
				t.Errorf("%s: MLT type %d, but the MVT geometry is multi: %v", where, nf.MLTType, multi)
			} else if multi {
				st.multiGeoms++
			}
			st.features++
			st.types[f.Type]++
			st.values += len(f.Props)
			st.absent += len(keys) - len(f.Props)
			for _, v := range f.Props {
				st.kinds[fmt.Sprintf("%T", v)]++
			}
		}
	}
}

// isMulti reports whether an MVT feature is a multi geometry: several
// points, lines or exterior rings.
func isMulti(f dFeature) bool {
	switch f.Type {
	case 1:
		return len(f.Parts) > 0 && len(f.Parts[0]) > 1
	case 2:
		return len(f.Parts) > 1
	}
	return countExteriors(f.Parts) > 1
}

// short prints at most the start of a geometry.
func short(g [][][2]int64) string {
	s := fmt.Sprint(g)
	if len(s) > 200 {
		return s[:200] + "…"
	}
	return strings.TrimSpace(s)
}
