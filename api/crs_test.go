package api

import (
	"encoding/json"
	"fmt"
	"math"
	"net/url"
	"os/exec"
	"strings"
	"testing"

	"bando/internal/testenv"
)

// TestItemsInAnotherCRS: crs= answers in the asked system (EPSG:4326
// latitude first), says so in Content-Crs, and bbox-crs / filter-crs
// select in that system. The projected coordinates are GDAL's.
func TestItemsInAnotherCRS(t *testing.T) {
	gdal := testenv.GDAL(t, "gdaltransform")
	s := newTestServer(t)
	body := `{"type":"FeatureCollection","features":[
{"type":"Feature","id":"hcm","properties":{"name":"Bến Thành"},"geometry":{"type":"Point","coordinates":[106.698,10.7725]}},
{"type":"Feature","id":"hn","properties":{"name":"Hoàn Kiếm"},"geometry":{"type":"Point","coordinates":[105.8522,21.0287]}}]}`
	if r := call(s, "POST", "/collections/pois/items", "s3cret", "application/geo+json", body); r.Status != 201 {
		t.Fatalf("POST: %d %s", r.Status, r.Body)
	}
	// GDAL's VN-2000 / UTM 48N position of the Bến Thành point.
	cmd := exec.Command(gdal, "-s_srs", "EPSG:4326", "-t_srs", "+proj=utm +zone=48 +ellps=WGS84 "+vnTowgs84ForTest)
	cmd.Stdin = strings.NewReader("106.698 10.7725\n")
	out, err := cmd.Output()
	if err != nil {
		t.Fatal(err)
	}
	var e, n float64
	fmt.Sscan(string(out), &e, &n)

	get := func(q string) (int, string, [][2]float64) {
		r := call(s, "GET", "/collections/pois/items?"+q, "", "", "")
		var fc struct {
			Features []struct {
				ID       string `json:"id"`
				Geometry struct {
					Coordinates [2]float64 `json:"coordinates"`
				} `json:"geometry"`
			} `json:"features"`
		}
		json.Unmarshal(r.Body, &fc)
		var pts [][2]float64
		var ids []string
		for _, f := range fc.Features {
			pts = append(pts, f.Geometry.Coordinates)
			ids = append(ids, f.ID)
		}
		if r.Status != 200 {
			return r.Status, string(r.Body), nil
		}
		return r.Status, r.Header.Get("Content-Crs") + " " + strings.Join(ids, ","), pts
	}
	const utm = "http://www.opengis.net/def/crs/EPSG/0/3405"
	st, hdr, pts := get("crs=" + url.QueryEscape(utm) + "&filter=" + url.QueryEscape("name = 'Bến Thành'"))
	if st != 200 || !strings.HasPrefix(hdr, "<"+utm+">") || len(pts) != 1 {
		t.Fatalf("crs=3405: %d %s %v", st, hdr, pts)
	}
	if math.Abs(pts[0][0]-e) > 0.01 || math.Abs(pts[0][1]-n) > 0.01 {
		t.Errorf("crs=3405: %.3f %.3f, GDAL %.3f %.3f", pts[0][0], pts[0][1], e, n)
	}
	if st, _, pts = get("crs=EPSG:4326&filter=" + url.QueryEscape("name = 'Bến Thành'")); st != 200 || pts[0] != [2]float64{10.7725, 106.698} {
		t.Errorf("crs=EPSG:4326: %d %v, want latitude first", st, pts)
	}
	// A 200 m box around the point in UTM finds it, one beside it does not.
	box := func(dx float64) string {
		return fmt.Sprintf("bbox=%f,%f,%f,%f&bbox-crs=%s", e-100+dx, n-100, e+100+dx, n+100, url.QueryEscape(utm))
	}
	if _, hdr, _ = get(box(0)); !strings.HasSuffix(hdr, " hcm") {
		t.Errorf("bbox-crs=3405 around the point: %s", hdr)
	}
	if _, hdr, _ = get(box(300)); !strings.HasSuffix(hdr, "> ") {
		t.Errorf("bbox-crs=3405 beside the point: %s", hdr)
	}
	// EPSG:4326 boxes and filter geometries are latitude first.
	if _, hdr, _ = get("bbox=10.7,106.6,10.8,106.8&bbox-crs=EPSG:4326"); !strings.HasSuffix(hdr, " hcm") {
		t.Errorf("bbox-crs=4326: %s", hdr)
	}
	f := url.QueryEscape("S_INTERSECTS(geometry, POLYGON((21 105.8, 21 105.9, 21.1 105.9, 21.1 105.8, 21 105.8)))")
	if _, hdr, _ = get("filter=" + f + "&filter-crs=" + url.QueryEscape("http://www.opengis.net/def/crs/EPSG/0/4326")); !strings.HasSuffix(hdr, " hn") {
		t.Errorf("filter-crs=4326: %s", hdr)
	}
	for _, q := range []string{"crs=EPSG:2154", "bbox-crs=EPSG:27700&bbox=0,0,1,1", "crs=nonsense"} {
		if st, body, _ := get(q); st != 400 || !strings.Contains(body, "crs") {
			t.Errorf("%s: %d %s, want 400", q, st, body)
		}
	}
	if r := call(s, "GET", "/collections/pois/items/hn?crs=EPSG:3857", "", "", ""); r.Status != 200 || r.Header.Get("Content-Crs") != "<http://www.opengis.net/def/crs/EPSG/0/3857>" {
		t.Errorf("item crs=3857: %d %q", r.Status, r.Header.Get("Content-Crs"))
	}
}

// vnTowgs84ForTest is EPSG:6960 as PROJ's +towgs84 (position vector).
const vnTowgs84ForTest = "+towgs84=-191.90441429,-39.30318279,-111.45032835,0.00928836,-0.01975479,0.00427372,0.252906278"
