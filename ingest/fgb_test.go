package ingest

import (
	"bytes"
	"encoding/binary"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"bando/internal/testenv"
)

const fgbTypesSource = "testdata/inputs/fgb_types.geojson"

// makeFGBFixtures writes with ogr2ogr (GDAL's FlatGeobuf driver):
// wards_tm3.fgb, the real wards of testdata/inputs/wards_hcm.geojson in
// VN-2000 TM-3 105-45 (EPSG:9210, projected with EPSG:6960 pinned as for
// the Shapefile), mixed polygons and a point, with its spatial index; and
// types.fgb, testdata/inputs/fgb_types.geojson in WGS 84 (every geometry
// type, a polygon with a hole, columns of every kind), without an index.
func makeFGBFixtures(t *testing.T, dir string) (wards, types string) {
	bin := testenv.GDAL(t, "ogr2ogr")
	run := func(args ...string) {
		t.Helper()
		if out, err := exec.Command(bin, args...).CombinedOutput(); err != nil {
			t.Fatalf("ogr2ogr %v: %v\n%s", args, err, out)
		}
	}
	tm3 := toVN("+proj=tmerc +lat_0=0 +lon_0=105.75 +k=0.9999 +x_0=500000 +y_0=0 +ellps=WGS84")
	wards, types = filepath.Join(dir, "wards_tm3.fgb"), filepath.Join(dir, "types.fgb")
	run("-f", "FlatGeobuf", "-t_srs", "EPSG:9210", "-ct", tm3, "-nlt", "GEOMETRY", "-nln", "wards", wards, fixtureSource)
	run("-f", "FlatGeobuf", "-nlt", "GEOMETRY", "-lco", "SPATIAL_INDEX=NO", "-nln", "types", types, fgbTypesSource)
	return wards, types
}

// TestIngestFGBLive makes the fixtures with ogr2ogr now and loads them;
// with -update it refreshes the committed ones in testdata/gdal.
func TestIngestFGBLive(t *testing.T) {
	wards, types := makeFGBFixtures(t, t.TempDir())
	if *update {
		for _, p := range []string{wards, types} {
			b, _ := os.ReadFile(p)
			if err := os.WriteFile(filepath.Join("testdata/gdal", filepath.Base(p)), b, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	checkFixture(t, wards, FlatGeobuf, 4)
	checkFGBTypes(t, types)
}

// TestIngestFGBFixtures loads the committed ogr2ogr output: every vertex
// of the TM-3 wards within 1e-7° of the source, and every geometry and
// value of types.fgb equal to the GeoJSON GDAL wrote it from.
func TestIngestFGBFixtures(t *testing.T) {
	checkFixture(t, "testdata/gdal/wards_tm3.fgb", FlatGeobuf, 4)
	checkFGBTypes(t, "testdata/gdal/types.fgb")
	h := fgbFixtureHeader(t, "testdata/gdal/wards_tm3.fgb")
	if h.indexNodeSize != 16 || h.count != 4 || h.crsCode != 9210 {
		t.Errorf("wards_tm3.fgb header: index node size %d, %d features, EPSG:%d; want a 16-node index over 4 features in EPSG:9210",
			h.indexNodeSize, h.count, h.crsCode)
	}
}

func checkFGBTypes(t *testing.T, path string) {
	t.Helper()
	src, err := os.ReadFile(fgbTypesSource)
	if err != nil {
		t.Fatal(err)
	}
	want, _, err := Prepare(layer(t, "things"), GeoJSON, bytes.NewReader(src), Options{IDField: "name"})
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	got, rep, err := Prepare(layer(t, "things"), FlatGeobuf, bytes.NewReader(b), Options{IDField: "name"})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(want) || rep.Total != len(want) {
		t.Fatalf("%s: %d features (header says %d), want %d", path, len(got), rep.Total, len(want))
	}
	for i, g := range got {
		w := want[i]
		if g.ID != w.ID || !reflect.DeepEqual(g.Geom, w.Geom) {
			t.Errorf("%s: feature %d %s %v, want %s %v", path, i, g.ID, g.Geom, w.ID, w.Geom)
		}
		for k := range w.Props {
			if k == 2 { // big: GeoJSON reads it through a float64; ogrinfo says 9007199254740993
				continue
			}
			if !reflect.DeepEqual(g.Props[k], w.Props[k]) {
				t.Errorf("%s: %s field %d = %#v, want %#v", path, g.ID, k, g.Props[k], w.Props[k])
			}
		}
	}
	if big := got[0].Props[2]; big != int64(9007199254740993) {
		t.Errorf("%s: big = %#v, want int64 9007199254740993 (as ogrinfo reads it)", path, big)
	}
}

// fgbFixtureHeader parses the header of a FlatGeobuf file.
func fgbFixtureHeader(t testing.TB, path string) fgbHeader {
	b := readTestdata(t, strings.TrimPrefix(path, "testdata/"))
	var h fgbHeader
	if err := fbDecode(func() { h = parseFGBHeader(b[12 : 12+binary.LittleEndian.Uint32(b[8:])]) }); err != nil {
		t.Fatal(err)
	}
	return h
}

// fgbHeaderField returns the position in the file of a header field.
func fgbHeaderField(t testing.TB, b []byte, field, width int) int {
	hb := b[12 : 12+binary.LittleEndian.Uint32(b[8:])]
	var p int
	if err := fbDecode(func() { p = fbRoot(hb).field(field, width) }); err != nil || p == 0 {
		t.Fatalf("header field %d: %v", field, err)
	}
	return 12 + p
}

// TestFGBHostile: truncated files, sizes that lie and counts that are huge
// are refused whole, naming the problem, with nothing accepted.
func TestFGBHostile(t *testing.T) {
	good := readTestdata(t, "gdal/wards_tm3.fgb")
	hsize := int(binary.LittleEndian.Uint32(good[8:]))
	patch := func(off int, v uint64, width int) []byte {
		b := bytes.Clone(good)
		switch width {
		case 4:
			binary.LittleEndian.PutUint32(b[off:], uint32(v))
		case 8:
			binary.LittleEndian.PutUint64(b[off:], v)
		}
		return b
	}
	countAt := fgbHeaderField(t, good, 8, 8)
	first := 12 + hsize + int(fgbIndexBytes(4, 16)) // the first feature's size prefix
	cases := []struct {
		name  string
		body  []byte
		want  []string
		large bool
	}{
		{"not fgb", []byte(`{"type":"FeatureCollection"}`), []string{"not a FlatGeobuf"}, false},
		{"empty", nil, []string{"not a FlatGeobuf"}, false},
		{"truncated header", good[:40], []string{"header", "ends after"}, false},
		{"lying header size", patch(8, 1<<31, 4), []string{"header", "more than the limit"}, false},
		{"huge count", patch(countAt, 1<<30, 8), []string{"header says 1073741824 features"}, true},
		{"huge count, no limit", patch(countAt, 1<<62, 8), []string{"more than any file holds"}, false},
		{"count lies upward", patch(countAt, 5, 8), []string{"feature 1", "ends after"}, false}, // the index skipped is one node longer
		{"truncated index", good[:12+hsize+100], []string{"spatial index", "ends after"}, false},
		{"lying feature size", patch(first, 1<<31, 4), []string{"feature 1", "more than the limit"}, true},
		{"feature size past the end", patch(first, 1<<20, 4), []string{"feature 1", "ends after"}, false},
		{"truncated feature", good[:len(good)-30], []string{"feature 4", "ends after"}, false},
		{"garbage feature", append(bytes.Clone(good[:first+4]), bytes.Repeat([]byte{0xff}, 64)...), []string{"feature 1"}, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			lim := Limits{}
			if tc.name == "huge count, no limit" {
				lim.MaxFeatures, lim.MaxInputBytes = -1, -1 // as bando ingest reads a file
			}
			if tc.name == "garbage feature" {
				binary.LittleEndian.PutUint32(tc.body[first:], 64)
			}
			feats, _, err := Prepare(layer(t, "wards"), FlatGeobuf, bytes.NewReader(tc.body), Options{IDField: "code", Partial: true, Limits: lim})
			var ie *Error
			if !errors.As(err, &ie) || len(feats) > 0 {
				t.Fatalf("got %d features, err %v; want a refusal", len(feats), err)
			}
			if ie.TooLarge() != tc.large || !tc.large && !ie.Malformed() {
				t.Errorf("too large %v, malformed %v: %v", ie.TooLarge(), ie.Malformed(), err)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not say %q", err, w)
				}
			}
		})
	}
}

// FuzzFlatGeobuf: any bytes are read or refused with ErrInvalid, within
// the limits, and what is accepted has an id and a geometry.
func FuzzFlatGeobuf(f *testing.F) {
	f.Add(readTestdata(f, "gdal/wards_tm3.fgb"))
	f.Add(readTestdata(f, "gdal/types.fgb"))
	f.Fuzz(func(t *testing.T, body []byte) {
		lim := Limits{MaxVertices: 10000, MaxFeatures: 1000, MaxLineBytes: 1 << 20}
		feats, _, err := Prepare(layer(t, "things"), FlatGeobuf, bytes.NewReader(body), Options{Partial: true, Limits: lim})
		if err != nil && !errors.Is(err, ErrInvalid) {
			t.Fatalf("error %v is not ErrInvalid", err)
		}
		for _, ft := range feats {
			if ft.Geom == nil || ft.ID == "" {
				t.Fatalf("accepted feature %+v", ft)
			}
		}
	})
}

// FuzzFGBFeature fuzzes one Feature table under the header of types.fgb
// (every column type), where whole-file mutations mostly break the header:
// any bytes decode or fail with an error, never a panic, within the budget.
func FuzzFGBFeature(f *testing.F) {
	b := readTestdata(f, "gdal/types.fgb")
	hsize := int(binary.LittleEndian.Uint32(b[8:]))
	var h fgbHeader
	if err := fbDecode(func() { h = parseFGBHeader(b[12 : 12+hsize]) }); err != nil {
		f.Fatal(err)
	}
	for off := 12 + hsize; off+4 <= len(b); {
		n := int(binary.LittleEndian.Uint32(b[off:]))
		f.Add(b[off+4 : off+4+n])
		off += 4 + n
	}
	lim := Limits{MaxVertices: 1000, MaxFieldBytes: 1000}
	f.Fuzz(func(t *testing.T, feat []byte) {
		vals := make([]any, len(h.cols))
		var out fgbFeature
		if err := fbDecode(func() { out = parseFGBFeature(feat, &h, vals, lim) }); err != nil {
			return
		}
		if out.geom != nil && len(flattenAny(out.geom)) > lim.MaxVertices {
			t.Fatalf("%d vertices, over the budget", len(flattenAny(out.geom)))
		}
	})
}
