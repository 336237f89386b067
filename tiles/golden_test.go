package tiles

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/paulmach/orb"

	"bando/layers"
	"bando/spatial"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

// golden compares got with testdata/golden/name, or rewrites it with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", "golden", name)
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./tiles -run %s -update to create it)", err, t.Name())
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file (%d bytes, want %d); if the change is intended, rerun with -update and review the diff", path, len(got), len(want))
	}
}

// goldenData is a small fixed data set around Huế.
func goldenData() map[string][]*spatial.Feature {
	return map[string][]*spatial.Feature{
		"buildings": randomFeatures(42, 60, hue, 0.004),
		"roads": {
			feature(100, orb.LineString{{hue[0] - 0.01, hue[1] - 0.001}, {hue[0], hue[1]}, {hue[0] + 0.01, hue[1] + 0.002}}, "Lê Lợi"),
			feature(101, orb.MultiLineString{{{hue[0], hue[1] - 0.01}, {hue[0], hue[1] + 0.01}}}, "Hùng Vương"),
		},
		"sensors": {feature(200, hue, 1.25)},
	}
}

func TestGoldenTiles(t *testing.T) {
	s := testServer(t, Config{}, goldenData())
	tests := []struct {
		name string
		p    layers.Principal
		ids  []string
		z    int
	}{
		{"buildings_z16_anonymous", layers.Anonymous, []string{"buildings"}, 16},
		{"buildings_z14_restricted", restricted, []string{"buildings"}, 14},
		{"roads_buildings_sensors_z15_internal", internal, []string{"roads", "buildings", "sensors"}, 15},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := CoordOf(hue, tt.z)
			tl, err := s.Tile(t.Context(), tt.p, tt.ids, c.Z, c.X, c.Y)
			if err != nil {
				t.Fatal(err)
			}
			d, err := decodeTile(tl.Bytes())
			if err != nil {
				t.Fatal(err)
			}
			for _, l := range d.Layers {
				for _, f := range l.Features {
					if f.Type == 3 {
						checkWinding(t, f.Parts, true)
					}
				}
			}
			golden(t, tt.name+".mvt", tl.Bytes())
			golden(t, tt.name+".json", tileText(t, d))
		})
	}
}

// tileText renders a decoded tile as JSON with one line per layer header
// and one per feature, so golden diffs show which features changed.
func tileText(t *testing.T, d dTile) []byte {
	t.Helper()
	var b bytes.Buffer
	line := func(v any) {
		js, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		b.Write(js)
		b.WriteByte('\n')
	}
	for _, l := range d.Layers {
		features := l.Features
		l.Features = nil
		line(l)
		for _, f := range features {
			line(f)
		}
	}
	return b.Bytes()
}

func TestTileJSON(t *testing.T) {
	idx := spatial.NewIndex()
	s := testServer(t, Config{Index: idx}, goldenData())
	indent := func(b []byte) []byte {
		var out bytes.Buffer
		if err := json.Indent(&out, b, "", " "); err != nil {
			t.Fatal(err)
		}
		return append(out.Bytes(), '\n')
	}
	for _, tt := range []struct {
		name  string
		p     layers.Principal
		layer string
	}{
		{"buildings_anonymous", layers.Anonymous, "buildings"},
		{"buildings_restricted", restricted, "buildings"},
		{"mixed_empty_layer", layers.Anonymous, "mixed"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			b, err := s.TileJSON(tt.p, tt.layer, "https://ioc.example.vn/api/")
			if err != nil {
				t.Fatal(err)
			}
			golden(t, "tilejson_"+tt.name+".json", indent(b))
		})
	}
	_, hidden := s.TileJSON(layers.Anonymous, "sensors", "")
	_, missing := s.TileJSON(layers.Anonymous, "sensorz", "")
	if !errors.Is(hidden, layers.ErrUnknownLayer) || !errors.Is(missing, layers.ErrUnknownLayer) {
		t.Errorf("hidden: %v, missing: %v; want ErrUnknownLayer for both", hidden, missing)
	}
}
