package ingest

import (
	"bytes"
	"math"
	"os"
	"path/filepath"
	"testing"

	"bando/spatial/geo"

	"github.com/paulmach/orb"
)

// TestDemoShapefileRoundTrip loads the demo's railways as the demo does —
// the zipped VN-2000 TM-3 Shapefile GDAL made from the WGS 84 source
// (data/prep/railways_tm3.sh) — and checks them against that source: the
// same ids and properties, every vertex within 1 cm. The .prj names the
// datum only (D_Vietnam_2000), so this also checks that it resolves to
// EPSG:6960.
func TestDemoShapefileRoundTrip(t *testing.T) {
	l := demoLayer(t, "railways")
	src, _, err := Prepare(l, GeoJSON, bytes.NewReader(demoFile(t, "railways.geojson.gz")), Options{})
	if err != nil {
		t.Fatal(err)
	}
	format, err := FormatFromPath("railways_tm3.zip")
	if err != nil {
		t.Fatal(err)
	}
	zipped, err := os.ReadFile(filepath.Join("..", "data", "demo", "railways_tm3.zip"))
	if err != nil {
		t.Fatal(err)
	}
	got, rep, err := Prepare(l, format, bytes.NewReader(zipped), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(src) || len(got) < 100 || len(rep.Rejected) > 0 {
		t.Fatalf("%d features from the Shapefile (%d rejected), %d from the GeoJSON", len(got), len(rep.Rejected), len(src))
	}
	byID := map[string]int{}
	for i, f := range src {
		byID[f.ID] = i
	}
	worst := 0.0
	for _, f := range got {
		i, ok := byID[f.ID]
		if !ok {
			t.Fatalf("feature %s is not in the source", f.ID)
		}
		want := src[i]
		for j := range want.Props {
			if want.Props[j] != f.Props[j] {
				t.Errorf("%s: property %s = %v, want %v", f.ID, l.Fields[j].Name, f.Props[j], want.Props[j])
			}
		}
		a, b := f.Geom.(orb.LineString), want.Geom.(orb.LineString)
		if len(a) != len(b) {
			t.Fatalf("%s: %d vertices, want %d", f.ID, len(a), len(b))
		}
		for k := range a {
			worst = math.Max(worst, geo.FastDistance(a[k], b[k]))
		}
	}
	if worst > 0.01 {
		t.Errorf("a vertex lies %.4f m from the source, want ≤ 1 cm", worst)
	}
	t.Logf("%d railways through VN-2000 TM-3 and back: worst vertex %.2g m", len(got), worst)
}
