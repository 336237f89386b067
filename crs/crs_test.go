package crs

import (
	"errors"
	"math"
	"strings"
	"testing"
)

// esriTM3 is a .prj as Vietnamese GIS software (MicroStation/ArcGIS
// exports of cadastral maps) writes a TM-3 zone: the datum only named.
const esriTM3 = `PROJCS["VN_2000_TM3_Quang_Nam",GEOGCS["GCS_VN_2000",DATUM["D_Vietnam_2000",SPHEROID["WGS_1984",6378137.0,298.257223563]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],PROJECTION["Transverse_Mercator"],PARAMETER["False_Easting",500000.0],PARAMETER["False_Northing",0.0],PARAMETER["Central_Meridian",107.75],PARAMETER["Scale_Factor",0.9999],PARAMETER["Latitude_Of_Origin",0.0],UNIT["Meter",1.0]]`

// gdalUTM is what GDAL writes for EPSG:3405 (OGC WKT 1 with TOWGS84).
const gdalUTM = `PROJCS["VN-2000 / UTM zone 48N",GEOGCS["VN-2000",DATUM["Vietnam_2000",SPHEROID["WGS 84",6378137,298.257223563,AUTHORITY["EPSG","7030"]],TOWGS84[-191.90441429,-39.30318279,-111.45032835,0.00928836,-0.01975479,0.00427372,0.252906278],AUTHORITY["EPSG","6756"]],PRIMEM["Greenwich",0],UNIT["degree",0.0174532925199433]],PROJECTION["Transverse_Mercator"],PARAMETER["latitude_of_origin",0],PARAMETER["central_meridian",105],PARAMETER["scale_factor",0.9996],PARAMETER["false_easting",500000],PARAMETER["false_northing",0],UNIT["metre",1],AXIS["Easting",EAST],AXIS["Northing",NORTH]]`

func TestFromWKT(t *testing.T) {
	cases := []struct {
		name, wkt string
		epsg      int
		note      string // a substring of Note, "" for none
		err       string
	}{
		{"esri tm3", esriTM3, 5899, "datum name", ""},
		{"gdal utm", gdalUTM, 3405, "", ""},
		{"wrong towgs84", strings.Replace(gdalUTM, "0.00928836,-0.01975479,0.00427372", "0,0,0", 1), 3405, "not EPSG:6960", ""},
		{"tm3 without code", strings.Replace(esriTM3, "107.75", "108.1", 1), 0, "datum name", ""},
		{"geographic", `GEOGCS["GCS_VN_2000",DATUM["D_Vietnam_2000",SPHEROID["WGS_1984",6378137.0,298.257223563]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]]`, 4756, "datum name", ""},
		{"wgs84", `GEOGCS["GCS_WGS_1984",DATUM["D_WGS_1984",SPHEROID["WGS_1984",6378137.0,298.257223563]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]]`, 4326, "", ""},
		{"hanoi72", `GEOGCS["Hanoi 1972",DATUM["Hanoi_1972",SPHEROID["Krassowsky 1940",6378245,298.3]],PRIMEM["Greenwich",0],UNIT["degree",0.0174532925199433]]`, 0, "", "not WGS 84's"},
		{"unknown datum", strings.Replace(esriTM3, "D_Vietnam_2000", "D_Indian_1960", 1), 0, "", "datum"},
		{"lcc", strings.Replace(esriTM3, "Transverse_Mercator", "Lambert_Conformal_Conic", 1), 0, "", "projection"},
		{"truncated", esriTM3[:100], 0, "", "ends inside SPHEROID"},
		{"unterminated", esriTM3[:len(esriTM3)-2], 0, "", "ends inside"},
		{"garbage", "hello", 0, "", "PROJCS or GEOGCS"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c, err := FromWKT(tc.wkt)
			if tc.err != "" {
				if err == nil || !errors.Is(err, ErrUnknown) || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("err %v, want ErrUnknown with %q", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if c.EPSG != tc.epsg {
				t.Errorf("EPSG %d, want %d (%s)", c.EPSG, tc.epsg, c.Name)
			}
			if tc.note == "" && c.Note != "" || !strings.Contains(c.Note, tc.note) {
				t.Errorf("note %q, want %q", c.Note, tc.note)
			}
		})
	}
}

// TestWKTMatchesEPSG: a .prj and the EPSG code of the same zone give the
// same positions.
func TestWKTMatchesEPSG(t *testing.T) {
	a, err := FromWKT(esriTM3)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := FromEPSG(5899)
	for _, p := range [][2]float64{{548000, 1776000}, {430000, 1720000}} {
		x1, y1 := a.ToWGS84(p[0], p[1])
		x2, y2 := b.ToWGS84(p[0], p[1])
		if x1 != x2 || y1 != y2 {
			t.Errorf("%v: prj %v %v, EPSG %v %v", p, x1, y1, x2, y2)
		}
	}
}

func TestTmercRoundTrip(t *testing.T) {
	tm := newTmerc(wgs84Ellipsoid, 0, 105, tm3K0, 500000, 0)
	for lat := 8.0; lat <= 23.5; lat += 0.5 {
		for lon := 101.0; lon <= 110; lon += 0.75 {
			x, y := tm.forward(lon, lat)
			l2, p2 := tm.inverse(x, y)
			if math.Abs(l2-lon) > 1e-11 || math.Abs(p2-lat) > 1e-11 {
				t.Fatalf("%v %v → %v %v → %v %v", lon, lat, x, y, l2, p2)
			}
		}
	}
	// On the central meridian at the equator: the false easting, northing 0.
	if x, y := tm.forward(105, 0); math.Abs(x-500000) > 1e-9 || math.Abs(y) > 1e-9 {
		t.Errorf("origin at %v %v", x, y)
	}
}

func TestParse(t *testing.T) {
	cases := []struct {
		in   string
		epsg int
		mer  float64 // central meridian, 0 for none
		err  bool
	}{
		{"EPSG:4326", 4326, 0, false},
		{"epsg:3405", 3405, 105, false},
		{"32649", 32649, 111, false},
		{"VN2000:TM3:107-45", 5899, 107.75, false},
		{"VN2000:TM3:108", 5898, 108, false},
		{"VN2000:Đà Nẵng", 5899, 107.75, false},
		{"VN2000:thanh pho ho chi minh", 9210, 105.75, false},
		{"VN2000:Quảng Ngãi", 5898, 108, false},
		{"VN2000:TM3:108-10", 0, 108 + 1.0/6, false},
		{"VN2000:Gia Lai", 9218, 108.5, false},      // pre-2025 Gia Lai: its own zone
		{"VN2000:52", 9217, 108.25, false},          // 2025 Gia Lai (code of Bình Định)
		{"VN2000:Thừa Thiên Huế", 9214, 107, false}, // pre-2025 name
		{"VN2000:Huế", 9214, 107, false},
		{"VN2000:Atlantis", 0, 0, true},
		{"EPSG:2154", 0, 0, true},
		{"VN2000:TM3:107-75", 0, 0, true},
		{"utm", 0, 0, true},
	}
	for _, tc := range cases {
		c, err := Parse(tc.in)
		if tc.err {
			if !errors.Is(err, ErrUnknown) {
				t.Errorf("%s: err %v, want ErrUnknown", tc.in, err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", tc.in, err)
			continue
		}
		if c.EPSG != tc.epsg {
			t.Errorf("%s: EPSG %d, want %d (%s)", tc.in, c.EPSG, tc.epsg, c.Name)
		}
		if tc.mer != 0 && (c.proj == nil || math.Abs(c.proj.lon0/deg-tc.mer) > 1e-12) {
			t.Errorf("%s: not a zone on %v", tc.in, tc.mer)
		}
	}
}

// TestProvinces2025: 34 provinces, each with a meridian inside Vietnam's
// zones and every merged province in the Circular 973 table.
func TestProvinces2025(t *testing.T) {
	ps := Provinces2025()
	if len(ps) != 34 {
		t.Fatalf("%d provinces, want 34", len(ps))
	}
	seen := map[string]bool{}
	olds := 0
	for _, p := range ps {
		if seen[p.Code] || p.Meridian < 102.9 || p.Meridian > 108.6 {
			t.Errorf("%s %s: duplicate or meridian %v", p.Code, p.Name, p.Meridian)
		}
		seen[p.Code] = true
		for _, w := range p.Was {
			if w.Meridian == 0 {
				t.Errorf("%s: merged %s has no meridian", p.Name, w.Name)
			}
			olds++
		}
	}
	if olds != 63 {
		t.Errorf("%d pre-2025 provinces merged, want 63", olds)
	}
}

// FuzzPRJ: any text is a CRS or an ErrUnknown, never a panic, and a CRS
// maps a position in its zone to finite coordinates.
func FuzzPRJ(f *testing.F) {
	for _, s := range []string{esriTM3, gdalUTM, "GEOGCS[]", `PROJCS["a",GEOGCS["b",DATUM["VN_2000"]]]`, "[[[["} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c, err := FromWKT(s)
		if err != nil {
			if !errors.Is(err, ErrUnknown) {
				t.Fatalf("error %v is not ErrUnknown", err)
			}
			return
		}
		lon, lat := c.ToWGS84(500000, 1500000)
		_, _ = lon, lat
	})
}
