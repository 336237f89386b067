package ingest

import (
	"archive/zip"
	"bytes"
	"fmt"
	"io"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/paulmach/orb"

	"bando/internal/testenv"
	"bando/spatial"
)

// vn6960 is EPSG:6960 as a PROJ step, and toVN a pipeline from GeoJSON
// (lon/lat, which ogr2ogr hands over as lat/lon) to a VN-2000 transverse
// Mercator: ogr2ogr must not pick its own VN-2000 shift (in the south it
// picks EPSG:5194, 80 cm away), so the fixtures pin 6960 like bando.
const vn6960 = "+proj=helmert +x=-191.90441429 +y=-39.30318279 +z=-111.45032835 +rx=-0.00928836 +ry=0.01975479 +rz=-0.00427372 +s=0.252906278 +convention=coordinate_frame"

func toVN(tmerc string) string {
	return "+proj=pipeline +step +proj=axisswap +order=2,1 +step +proj=unitconvert +xy_in=deg +xy_out=rad " +
		"+step +proj=push +v_3 +step +proj=cart +ellps=WGS84 +step +inv " + vn6960 +
		" +step +inv +proj=cart +ellps=WGS84 +step +proj=pop +v_3 +step " + tmerc
}

const fixtureSource = "testdata/inputs/wards_hcm.geojson"

// makeGDALFixtures writes with ogr2ogr, from the real wards of
// testdata/inputs/wards_hcm.geojson: wards_tm3.zip (the polygons in VN-2000
// TM-3 105-45, EPSG:9210, DBF in UTF-8; and the commune point in a second
// shapefile with its DBF in TCVN3, .cpg "TCVN5712-1"), and wards_utm.gpkg
// (everything in VN-2000 / UTM 48N, EPSG:3405).
func makeGDALFixtures(t *testing.T, dir string) (zipPath, gpkgPath string) {
	bin := testenv.GDAL(t, "ogr2ogr")
	run := func(args ...string) {
		t.Helper()
		if out, err := exec.Command(bin, args...).CombinedOutput(); err != nil {
			t.Fatalf("ogr2ogr %v: %v\n%s", args, err, out)
		}
	}
	tm3 := toVN("+proj=tmerc +lat_0=0 +lon_0=105.75 +k=0.9999 +x_0=500000 +y_0=0 +ellps=WGS84")
	utm := toVN("+proj=utm +zone=48 +ellps=WGS84")
	run("-f", "ESRI Shapefile", "-t_srs", "EPSG:9210", "-ct", tm3, "-lco", "ENCODING=UTF-8",
		"-where", "OGR_GEOMETRY='MULTIPOLYGON'", filepath.Join(dir, "wards_tm3.shp"), fixtureSource)
	run("-f", "ESRI Shapefile", "-t_srs", "EPSG:9210", "-ct", tm3, "-lco", "ENCODING=TCVN5712-1",
		"-where", "OGR_GEOMETRY='POINT'", filepath.Join(dir, "communes_tcvn3.shp"), fixtureSource)
	gpkgPath = filepath.Join(dir, "wards_utm.gpkg")
	run("-f", "GPKG", "-t_srs", "EPSG:3405", "-ct", utm, "-nln", "wards", "-nlt", "GEOMETRY", gpkgPath, fixtureSource)
	zipPath = filepath.Join(dir, "wards_tm3.zip")
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, base := range []string{"wards_tm3", "communes_tcvn3"} {
		for _, ext := range []string{".shp", ".shx", ".dbf", ".prj", ".cpg"} {
			b, err := os.ReadFile(filepath.Join(dir, base+ext))
			if err != nil {
				t.Fatal(err)
			}
			w, _ := zw.Create(base + ext)
			w.Write(b)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(zipPath, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return zipPath, gpkgPath
}

// TestIngestGDALLive makes the fixtures with ogr2ogr now and loads them;
// with -update it also refreshes testdata/gdal.
func TestIngestGDALLive(t *testing.T) {
	zipPath, gpkgPath := makeGDALFixtures(t, t.TempDir())
	if *update {
		for _, p := range []string{zipPath, gpkgPath} {
			b, _ := os.ReadFile(p)
			os.MkdirAll("testdata/gdal", 0o755)
			if err := os.WriteFile(filepath.Join("testdata/gdal", filepath.Base(p)), b, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	checkFixture(t, zipPath, Shapefile, 4)
	checkFixture(t, gpkgPath, GeoPackage, 4)
}

// TestIngestGDALFixtures loads the committed ogr2ogr output.
func TestIngestGDALFixtures(t *testing.T) {
	checkFixture(t, "testdata/gdal/wards_tm3.zip", Shapefile, 4)
	checkFixture(t, "testdata/gdal/wards_utm.gpkg", GeoPackage, 4)
}

// checkFixture loads a GDAL-written file, from a file and from bytes, and
// compares every vertex with the source GeoJSON (1e-7°, about 1 cm: GDAL
// projected with EPSG:6960, bando inverts it) and every name.
func checkFixture(t *testing.T, path string, format Format, want int) {
	t.Helper()
	byCode := wardsByCode(t)
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	b, _ := io.ReadAll(f)
	f.Seek(0, io.SeekStart)
	for name, r := range map[string]io.Reader{"file": f, "bytes": bytes.NewReader(b), "stream": io.MultiReader(bytes.NewReader(b))} {
		feats, rep, err := Prepare(layer(t, "wards"), format, r, Options{IDField: "code"})
		if err != nil {
			t.Fatalf("%s (%s): %v", path, name, err)
		}
		if len(feats) != want || rep.CRS == "" {
			t.Fatalf("%s (%s): %d features, crs %q; want %d from VN-2000", path, name, len(feats), rep.CRS, want)
		}
		for _, g := range feats {
			s := byCode[g.Props[0]]
			if s == nil {
				t.Fatalf("%s: feature %s has code %v, not in the source", path, g.ID, g.Props[0])
			}
			if g.Props[1] != s.Props[1] {
				t.Errorf("%s: %s name %q, want %q", path, g.ID, g.Props[1], s.Props[1])
			}
			if d := maxVertexDelta(g.Geom, s.Geom); d > 1e-7 {
				t.Errorf("%s: %s vertices %.2g° from the source", path, g.ID, d)
			}
		}
	}
}

// maxVertexDelta is the largest coordinate difference between two
// geometries of the same shape, +Inf if their vertex counts differ.
// wardsByCode loads the source wards (the fixtures' origin) by code.
func wardsByCode(t *testing.T) map[any]*spatial.Feature {
	t.Helper()
	src, _, err := Prepare(layer(t, "wards"), GeoJSON, bytes.NewReader(readTestdata(t, "inputs/wards_hcm.geojson")), Options{IDField: "code"})
	if err != nil {
		t.Fatal(err)
	}
	byCode := map[any]*spatial.Feature{}
	for _, f := range src {
		byCode[f.Props[0]] = f
	}
	return byCode
}

func maxVertexDelta(a, b orb.Geometry) float64 {
	pa, pb := flatten(a), flatten(b)
	if len(pa) != len(pb) {
		return math.Inf(1)
	}
	d := 0.0
	for i := range pa {
		d = max(d, math.Abs(pa[i][0]-pb[i][0]), math.Abs(pa[i][1]-pb[i][1]))
	}
	return d
}

func flatten(g orb.Geometry) []orb.Point {
	switch g := g.(type) {
	case orb.Point:
		return []orb.Point{g}
	case orb.MultiPoint:
		return g
	case orb.LineString:
		return g
	case orb.Ring:
		return g
	case orb.Polygon:
		var out []orb.Point
		for _, r := range g {
			out = append(out, r...)
		}
		return out
	case orb.MultiPolygon:
		var out []orb.Point
		for _, p := range g {
			out = append(out, flatten(p)...)
		}
		return out
	case orb.MultiLineString:
		var out []orb.Point
		for _, l := range g {
			out = append(out, l...)
		}
		return out
	}
	panic(fmt.Sprintf("flatten %T", g))
}
