package crs

import (
	"math"
	"testing"

	"github.com/paulmach/orb"
)

// TestFromWGS84AgainstGDAL: GDAL's WGS84 answers for the positions of
// gdalCases, taken back with FromWGS84, land on those positions within
// the tolerance TestAgainstGDAL allows the other way: 1 cm in the
// projected systems, 1e-7° in the geographic one (GDAL's own round trip
// is off by 1e-8°).
func TestFromWGS84AgainstGDAL(t *testing.T) {
	want := readGolden(t)
	for _, tc := range gdalCases {
		c, err := Parse(tc.ours)
		if err != nil {
			t.Fatal(err)
		}
		tol := 1e-2
		if !c.Projected() {
			tol = 1e-7
		}
		for _, p := range tc.pts {
			w := want[caseKey(tc.ours, p)]
			x, y := c.FromWGS84(w[0], w[1])
			if math.Abs(x-p[0]) > tol || math.Abs(y-p[1]) > tol {
				t.Errorf("%s %v: FromWGS84(GDAL's %.10f %.10f) = %.6f %.6f", tc.ours, p, w[0], w[1], x, y)
			}
		}
	}
}

func TestWebMercator(t *testing.T) {
	for _, c := range []struct{ lon, lat, x, y float64 }{
		{0, 0, 0, 0},
		{180, 0, 20037508.342789244, 0},
		{-180, 85.0511287798066, -20037508.342789244, 20037508.342789244},
		{106.7, 10.78, 11877789.6676423, 1207167.38122247}, // gdaltransform -s_srs EPSG:4326 -t_srs EPSG:3857
	} {
		x, y := WebMercator.FromWGS84(c.lon, c.lat)
		if math.Abs(x-c.x) > 1e-3 || math.Abs(y-c.y) > 1e-3 {
			t.Errorf("%g %g: %.3f %.3f, want %.3f %.3f", c.lon, c.lat, x, y, c.x, c.y)
		}
		lon, lat := WebMercator.ToWGS84(x, y)
		if math.Abs(lon-c.lon) > 1e-9 || math.Abs(lat-c.lat) > 1e-9 {
			t.Errorf("back: %g %g, want %g %g", lon, lat, c.lon, c.lat)
		}
	}
}

func TestTransformFromSwapsAxes(t *testing.T) {
	g := orb.LineString{{106.7, 10.78}, {106.8, 10.9}}
	got := WGS84.TransformFrom(g, true).(orb.LineString)
	if got[0] != (orb.Point{10.78, 106.7}) || got[1] != (orb.Point{10.9, 106.8}) {
		t.Errorf("swap: %v", got)
	}
	if !WGS84.LatLon() || WebMercator.LatLon() {
		t.Error("axis order: EPSG:4326 is latitude first, EPSG:3857 is not")
	}
}
