package ingest

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"
)

func TestCSV(t *testing.T) {
	tests := []struct {
		name, layer, in string
		opt             Options
		rules           []string
		check           func(t *testing.T, fs []*featureView, rep *Report)
	}{
		{name: "lon lat", layer: "pois", in: "id,name,lon,lat\n1,Chợ,106.7,10.77\n",
			check: func(t *testing.T, fs []*featureView, rep *Report) { wantGeom(t, fs, orb.Point{106.7, 10.77}) }},
		{name: "detected names, any case", layer: "pois", in: "ID,Name,Longitude,Latitude\n1,Chợ,106.7,10.77\n",
			check: func(t *testing.T, fs []*featureView, rep *Report) { wantProp(t, fs, 0, "Chợ") }},
		{name: "named columns", layer: "pois", in: "id,name,kinh_do,vi_do\n1,Chợ,106.7,10.77\n",
			opt:   Options{LonField: "kinh_do", LatField: "vi_do"},
			check: func(t *testing.T, fs []*featureView, rep *Report) { wantGeom(t, fs, orb.Point{106.7, 10.77}) }},
		{name: "bom and quotes", layer: "pois", in: "\ufeffid,name,lon,lat\n1,\"Nhà \"\"A\"\", B\",106.7,10.77\n",
			check: func(t *testing.T, fs []*featureView, rep *Report) { wantProp(t, fs, 0, `Nhà "A", B`) }},
		{name: "crlf and semicolons", layer: "pois", in: "id;name;lon;lat\r\n1;Chợ;106.7;10.77\r\n",
			check: func(t *testing.T, fs []*featureView, rep *Report) { wantID(t, fs, "1") }},
		{name: "tabs", layer: "pois", in: "id\tname\tlon\tlat\n1\tChợ\t106.7\t10.77\n",
			check: func(t *testing.T, fs []*featureView, rep *Report) { wantID(t, fs, "1") }},
		{name: "decomposed text normalised", layer: "pois", in: "id,name,lon,lat\n1,Nguye\u0302\u0303n,106.7,10.77\n",
			check: func(t *testing.T, fs []*featureView, rep *Report) { wantProp(t, fs, 0, "Nguyễn") }},
		{name: "text converted per type", layer: "parcels",
			in: "id,parcel_no,area,floors,public,surveyed,wkt\n1,A,12.5,3,yes,2024-05-17,\"POLYGON((0 0,1 0,1 1,0 0))\"\n",
			check: func(t *testing.T, fs []*featureView, rep *Report) {
				wantProp(t, fs, 1, 12.5)
				wantProp(t, fs, 2, int64(3))
				wantProp(t, fs, 5, true)
				wantProp(t, fs, 4, time.Date(2024, 5, 17, 0, 0, 0, 0, time.UTC))
			}},
		{name: "bad cell", layer: "parcels", in: "id,parcel_no,floors,wkt\n1,A,ba,\"POLYGON((0 0,1 0,1 1,0 0))\"\n", rules: []string{RuleType}},
		{name: "nan property", layer: "parcels", in: "id,parcel_no,area,wkt\n1,A,NaN,\"POLYGON((0 0,1 0,1 1,0 0))\"\n", rules: []string{RuleType}},
		{name: "nan coordinate", layer: "pois", in: "id,name,lon,lat\n1,A,NaN,10\n", rules: []string{RuleNaN}},
		{name: "empty coordinate", layer: "pois", in: "id,name,lon,lat\n1,A,,10\n", rules: []string{RuleEmpty}},
		{name: "wkt nan", layer: "assets", in: "id,wkt\n1,POINT(NaN 1)\n", rules: []string{RuleNaN}},
		{name: "wkt polygon not closed", layer: "assets", in: "id,wkt\n1,\"POLYGON((0 0,1 0,1 1,0 1))\"\n", rules: []string{RuleRingClosed}},
		{name: "wkt garbage", layer: "assets", in: "id,wkt\n1,POLYGON((0 0\n", rules: []string{RuleWKT}},
		{name: "wkt empty", layer: "assets", in: "id,wkt\n1,POINT EMPTY\n", rules: []string{RuleEmpty}},
		{name: "lon/lat wins over wkt", layer: "pois", in: "id,name,lon,lat,wkt\n1,A,106,10,POINT(1 1)\n",
			check: func(t *testing.T, fs []*featureView, rep *Report) { wantGeom(t, fs, orb.Point{106, 10}) }},
		{name: "wkt when asked", layer: "pois", in: "id,name,lon,lat,wkt\n1,A,106,10,POINT(1 1)\n", opt: Options{WKTField: "wkt"},
			check: func(t *testing.T, fs []*featureView, rep *Report) { wantGeom(t, fs, orb.Point{1, 1}) }},
		{name: "ignored column", layer: "pois", in: "id,name,lon,lat,ghi_chu\n1,A,106,10,x\n",
			check: func(t *testing.T, fs []*featureView, rep *Report) {
				if !slices.Equal(rep.IgnoredFields, []string{"ghi_chu"}) {
					t.Errorf("ignored %q", rep.IgnoredFields)
				}
			}},
		{name: "short row", layer: "pois", in: "id,name,lon,lat\n1,A,106\n", rules: []string{RuleCSV}},
		{name: "bad quote is fatal", layer: "pois", in: "id,name,lon,lat\n1,\"A,106,10\n2,B,106,10\n", opt: Options{Partial: true}, rules: []string{RuleCSV}},
		{name: "no header", layer: "pois", in: "", rules: []string{RuleCSV}},
		{name: "no geometry columns", layer: "pois", in: "id,name\n1,A\n", rules: []string{RuleCSV}},
		{name: "duplicate column", layer: "pois", in: "id,name,name,lon,lat\n1,A,B,1,1\n", rules: []string{RuleCSV}},
		{name: "missing id", layer: "pois", in: "name,lon,lat\nA,106,10\n", rules: []string{RuleMissingID}},
		{name: "header only", layer: "pois", in: "id,name,lon,lat\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := layer(t, tt.layer)
			fs, rep, err := Prepare(l, CSV, strings.NewReader(tt.in), tt.opt)
			if got := rules(err); !slices.Equal(got, tt.rules) {
				t.Fatalf("problems %q, want %q (err: %v)", got, tt.rules, err)
			}
			checkAccepted(t, l, fs)
			if tt.check != nil {
				if len(fs) == 0 {
					t.Fatal("no features")
				}
				tt.check(t, fs, rep)
			}
		})
	}
}

func TestCSVLineNumbers(t *testing.T) {
	in := "id,name,lon,lat\n1,A,106,10\n2,\"multi\nline\",106,10\n3,,106,10\n"
	_, _, err := Prepare(layer(t, "pois"), CSV, strings.NewReader(in), Options{})
	var e *Error
	if !asError(err, &e) || e.Problems[0].Line != 5 || e.Problems[0].Index != 2 {
		t.Fatalf("want the problem on line 5 (feature 2), got %v", err)
	}
}
