package admincode

import (
	"errors"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/paulmach/orb"

	"bando/data"
	"bando/ingest"
	"bando/layers"
	"bando/spatial"
)

// communePoint is a point inside a 2025 commune of the demo data.
func communePoint(t *testing.T, code string) orb.Point {
	t.Helper()
	cat, _ := data.DemoCatalog()
	l, _ := cat.Get("communes")
	f, err := data.Demo().Open(data.CommunesFile)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	feats, _, err := ingest.Prepare(l, ingest.GeoJSON, f, ingest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, ft := range feats {
		if ft.ID == code {
			p, _ := spatial.PointOnSurface(ft.Geom)
			return p
		}
	}
	t.Fatalf("no demo commune %s", code)
	return orb.Point{}
}

// TestRecode uses real codes of the crosswalk: Phường Phú Thọ (25753) went
// whole into Phường Thủ Dầu Một (25747); Phường Hiệp Thành (25741) was split
// between Thủ Dầu Một (25747) and Phú Lợi (25750), so a record of it goes
// where its geometry lies; Phường Ngọc Hà of Hà Nội (00016) was split too,
// but the demo has no Hà Nội polygons.
func TestRecode(t *testing.T) {
	cw, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	if cw.Len() != 10052 {
		t.Errorf("%d old codes, want 10052 (dvhcvn/20250701)", cw.Len())
	}
	inTDM, inPL, inBanCo := communePoint(t, "25747"), communePoint(t, "25750"), communePoint(t, "27154")
	tests := []struct {
		name string
		old  string
		g    orb.Geometry
		want ingest.AdminRecode
	}{
		{"whole", "25753", nil, ingest.AdminRecode{Code: "25747", How: ingest.AdminMapped}},
		{"whole, padded", " 25753 ", inBanCo, ingest.AdminRecode{Code: "25747", How: ingest.AdminMapped}},
		{"split, in Thủ Dầu Một", "25741", inTDM, ingest.AdminRecode{Code: "25747", How: ingest.AdminSpatial, Candidates: []string{"25747", "25750"}}},
		{"split, in Phú Lợi", "25741", orb.MultiPoint{inPL}, ingest.AdminRecode{Code: "25750", How: ingest.AdminSpatial, Candidates: []string{"25747", "25750"}}},
		{"split, no geometry", "25741", nil, ingest.AdminRecode{How: ingest.AdminNoGeometry, Candidates: []string{"25747", "25750"}}},
		{"split, elsewhere", "25741", inBanCo, ingest.AdminRecode{How: ingest.AdminOutside, Candidates: []string{"25747", "25750"}}},
		{"split, no polygons", "00016", orb.Point{105.83, 21.03}, ingest.AdminRecode{How: ingest.AdminOutside, Candidates: []string{"00004", "00008"}}},
		{"unknown", "99999", inTDM, ingest.AdminRecode{How: ingest.AdminUnknown}},
	}
	for _, tt := range tests {
		if got := cw.Recode(tt.old, tt.g); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%s: Recode(%q) = %+v, want %+v", tt.name, tt.old, got, tt.want)
		}
	}
}

const parcelsYAML = `layers:
  - id: parcels
    title: {vi: "Thửa đất", en: "Parcels"}
    kind: parcel
    geometry: Point
    access: internal
    zoom: {min: 10, max: 20}
    attribution: "test"
    synthetic: true
    fields:
      - {name: commune, type: string}
`

// TestIngestAdminField: Prepare with AdminField converts the codes of
// every record and reports the split unit without a geometry.
func TestIngestAdminField(t *testing.T) {
	cw, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	cat, err := layers.Parse([]byte(parcelsYAML))
	if err != nil {
		t.Fatal(err)
	}
	l, _ := cat.Get("parcels")
	p := communePoint(t, "25750")
	csv := "id,lon,lat,commune\n" +
		"a,106.70,10.78,25753\n" +
		"b," + ftoa(p[0]) + "," + ftoa(p[1]) + ",25741\n" +
		"c,,,25741\n"
	feats, rep, err := ingest.Prepare(l, ingest.CSV, strings.NewReader(csv), ingest.Options{Partial: true, AdminField: "commune", AdminCodes: cw})
	if err != nil {
		t.Fatal(err)
	}
	if len(feats) != 2 || feats[0].Props[0] != "25747" || feats[1].Props[0] != "25750" {
		t.Fatalf("features %v %v", feats[0].Props, feats[1].Props)
	}
	a := rep.Admin
	if a == nil || a.Mapped != 1 || a.Spatial != 1 || len(a.Unresolved) != 1 {
		t.Fatalf("admin report %+v", a)
	}
	if u := a.Unresolved[0]; u.ID != "c" || u.Code != "25741" || !u.Rejected || !strings.Contains(u.Reason, "no geometry") {
		t.Errorf("unresolved %+v", u)
	}
	_, _, err = ingest.Prepare(l, ingest.CSV, strings.NewReader(csv), ingest.Options{AdminField: "nope", AdminCodes: cw})
	var ie *ingest.Error
	if !errors.As(err, &ie) || !strings.Contains(err.Error(), `"nope"`) {
		t.Errorf("unknown admin field: %v", err)
	}
}

func ftoa(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }
