package ingest

import (
	"archive/zip"
	"bytes"
	"encoding/binary"
	"errors"
	"strings"
	"testing"
)

// zipOf makes a zip of named members.
func zipOf(t testing.TB, files map[string][]byte, method uint16) []byte {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for name, b := range files {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: name, Method: method})
		if err != nil {
			t.Fatal(err)
		}
		w.Write(b)
	}
	zw.Close()
	return buf.Bytes()
}

// fixtureMembers returns the members of the committed GDAL shapefile zip.
func fixtureMembers(t testing.TB) map[string][]byte {
	b := readTestdata(t, "gdal/wards_tm3.zip")
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]byte{}
	for _, f := range zr.File {
		if strings.HasPrefix(f.Name, "wards_tm3") {
			rc, _ := f.Open()
			var m bytes.Buffer
			m.ReadFrom(rc)
			out[f.Name] = m.Bytes()
		}
	}
	return out
}

// TestHostileArchives: broken and hostile files are refused whole, with a
// problem naming the file, the record and what is wrong.
func TestHostileArchives(t *testing.T) {
	m := fixtureMembers(t)
	lying := bytes.Clone(m["wards_tm3.shp"])
	binary.BigEndian.PutUint32(lying[104:], 1<<30) // record 1 says 2 GiB of content
	truncated := m["wards_tm3.shp"][:len(m["wards_tm3.shp"])-50]
	unknownPrj := []byte(`PROJCS["Hanoi_1972",GEOGCS["GCS_Hanoi_1972",DATUM["D_Hanoi_1972",SPHEROID["Krasovsky_1940",6378245.0,298.3]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],PROJECTION["Transverse_Mercator"],PARAMETER["Central_Meridian",105.0],UNIT["Meter",1.0]]`)
	with := func(name string, b []byte) map[string][]byte {
		out := map[string][]byte{}
		for k, v := range m {
			out[k] = v
		}
		out[name] = b
		return out
	}
	cases := []struct {
		name   string
		format Format
		body   []byte
		want   []string // substrings of the error
		large  bool     // refused as too large (413) rather than malformed (400)
	}{
		{"lying record length", Shapefile, zipOf(t, with("wards_tm3.shp", lying), zip.Deflate), []string{"wards_tm3.shp", "record 1", "only"}, false},
		{"truncated shp", Shapefile, zipOf(t, with("wards_tm3.shp", truncated), zip.Deflate), []string{"wards_tm3.shp", "record 3"}, false},
		{"unknown prj", Shapefile, zipOf(t, with("wards_tm3.prj", unknownPrj), zip.Deflate), []string{"wards_tm3.prj", "Krasovsky"}, false},
		{"short dbf", Shapefile, zipOf(t, with("wards_tm3.dbf", m["wards_tm3.dbf"][:200]), zip.Deflate), []string{"wards_tm3.dbf"}, false},
		{"not a zip", Shapefile, []byte("hello"), []string{"not a zip"}, false},
		{"zip bomb", Shapefile, zipOf(t, with("wards_tm3.dbf", make([]byte, 8<<20)), zip.Deflate), []string{"wards_tm3.dbf", "decompression bomb"}, true},
		{"bad gpkg header", GeoPackage, append([]byte("SQLite format 2\x00"), make([]byte, 4096)...), []string{"GeoPackage"}, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			feats, _, err := Prepare(layer(t, "wards"), tc.format, bytes.NewReader(tc.body), Options{IDField: "code", Partial: true})
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

func FuzzShapefile(f *testing.F) {
	m := fixtureMembers(f)
	f.Add(m["wards_tm3.shp"], m["wards_tm3.dbf"])
	f.Add(m["wards_tm3.shp"][:120], m["wards_tm3.dbf"][:40])
	f.Fuzz(func(t *testing.T, shp, dbf []byte) {
		body := zipOf(t, map[string][]byte{"a.shp": shp, "a.dbf": dbf}, zip.Store)
		lim := Limits{MaxVertices: 10000, MaxFeatures: 1000}
		feats, _, err := Prepare(layer(t, "wards"), Shapefile, bytes.NewReader(body), Options{Partial: true, Limits: lim})
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

func FuzzDBF(f *testing.F) {
	m := fixtureMembers(f)
	f.Add(m["wards_tm3.dbf"])
	f.Fuzz(func(t *testing.T, b []byte) {
		d, err := openDBF(bytes.NewReader(b), int64(len(b)), 100)
		if err != nil {
			return
		}
		d.setDecoder(decoderFor(detectEncoding(b)))
		vals := make([]any, len(d.fields))
		for range 1000 {
			if _, err := d.next(vals); err != nil {
				return
			}
		}
	})
}

func FuzzGeoPackageGeom(f *testing.F) {
	f.Add([]byte("GP\x00\x01\x00\x00\x00\x00\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"))
	f.Add([]byte("GP\x00\x03\xe6\x10\x00\x00" + strings.Repeat("\x00", 32) + "\x01\x03\x00\x00\x00\x01\x00\x00\x00\x04\x00\x00\x00"))
	f.Fuzz(func(t *testing.T, b []byte) {
		g, _, _, err := gpkgGeometry(b, 1000)
		if err == nil && g != nil {
			if n := len(flattenAny(g)); n > 1000 {
				t.Fatalf("%d vertices, over the budget", n)
			}
		}
	})
}

// FuzzLegacyText: the decoders turn any bytes into valid UTF-8.
func FuzzLegacyText(f *testing.F) {
	f.Add([]byte("Phuù Hoøa Ñoâng"))
	f.Add([]byte("Ph\xf3 H\xdfa \xa7\xabng"))
	f.Fuzz(func(t *testing.T, b []byte) {
		for _, enc := range []string{EncTCVN3, EncVNI, EncCP1258} {
			if s := decoderFor(enc)(b); !utf8Valid(s) {
				t.Fatalf("%s: %q decodes to invalid UTF-8", enc, b)
			}
		}
	})
}
