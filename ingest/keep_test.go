package ingest

import (
	"reflect"
	"strings"
	"testing"

	"bando/layers"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
)

// TestKeepInvalid: with KeepInvalid a geometry that breaks a validity rule
// is stored exactly as given and listed with its rule; one that cannot be
// a geometry at all is still refused; without it nothing changes.
func TestKeepInvalid(t *testing.T) {
	l := layer(t, "parcels")
	tests := []struct {
		name     string
		coords   string
		keptRule string // "" when the feature is refused even with KeepInvalid
		plain    string // what happens without: "repaired" or "refused"
	}{
		{"bow-tie", "[[[0,0],[2,2],[2,0],[0,2],[0,0]]]", "self-intersection", "repaired"},
		{"spike", "[[[0,0],[4,0],[4,4],[4,6],[4,4],[0,4],[0,0]]]", "spike", "repaired"},
		{"crossing twice", "[[[0,0],[4,0],[0,2],[4,2],[0,4],[4,4],[0,0]]]", "self-intersection", "refused"},
		{"hole outside", "[[[0,0],[4,0],[4,4],[0,4],[0,0]],[[5,5],[6,5],[6,6],[5,6],[5,5]]]", "hole-outside", "refused"},
		{"collinear", "[[[0,0],[1,0],[2,0],[0,0]]]", "degenerate", "refused"},
		{"unclosed", "[[[0,0],[1,0],[1,1],[0,1]]]", "", "refused"},
		{"three positions", "[[[0,0],[1,1],[0,0]]]", "", "refused"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			body := `{"type":"Feature","id":"x","properties":{"parcel_no":"1"},"geometry":{"type":"Polygon","coordinates":` + tt.coords + `}}`
			want, err := geojson.UnmarshalGeometry([]byte(`{"type":"Polygon","coordinates":` + tt.coords + `}`))
			if err != nil {
				t.Fatal(err)
			}
			fs, rep, err := Prepare(l, GeoJSON, strings.NewReader(body), Options{KeepInvalid: true})
			switch {
			case tt.keptRule == "":
				if err == nil {
					t.Fatalf("kept %v", fs[0].Geom)
				}
			case err != nil:
				t.Fatalf("refused: %v", err)
			case !reflect.DeepEqual(fs[0].Geom, want.Geometry()) || fs[0].Bound != want.Geometry().Bound():
				t.Fatalf("stored %v, want it unchanged %v", fs[0].Geom, want.Geometry())
			case len(rep.KeptInvalid) != 1 || rep.KeptInvalid[0].Rule != tt.keptRule || rep.KeptInvalid[0].ID != "x" || len(rep.Repaired) != 0:
				t.Fatalf("report %+v", rep)
			}
			fs, rep, err = Prepare(l, GeoJSON, strings.NewReader(body), Options{})
			switch tt.plain {
			case "refused":
				if err == nil {
					t.Fatalf("accepted without KeepInvalid: %v", fs[0].Geom)
				}
			case "repaired":
				if err != nil || len(rep.Repaired) == 0 || len(rep.KeptInvalid) != 0 || reflect.DeepEqual(fs[0].Geom, want.Geometry()) {
					t.Fatalf("without KeepInvalid: %v %+v", err, rep)
				}
			}
		})
	}
	// A required field may be absent: kept and listed.
	body0 := `{"type":"Feature","id":"r","properties":{},"geometry":{"type":"Point","coordinates":[1,1]}}`
	if _, _, err := Prepare(layer(t, "pois"), GeoJSON, strings.NewReader(body0), Options{}); err == nil {
		t.Fatal("a missing required field accepted without KeepInvalid")
	}
	fs0, rep0, err := Prepare(layer(t, "pois"), GeoJSON, strings.NewReader(body0), Options{KeepInvalid: true})
	if err != nil || len(fs0) != 1 || len(rep0.KeptInvalid) != 1 || rep0.KeptInvalid[0].Rule != RuleRequired || rep0.KeptInvalid[0].Field != "name" {
		t.Fatalf("missing required field with KeepInvalid: %v %+v", err, rep0)
	}
	// Expected fields are counted where absent.
	exp := *layer(t, "pois")
	exp.Fields = append([]layers.Field(nil), exp.Fields...)
	exp.Fields[1].Expected = true // category
	if err := exp.Validate(); err != nil {
		t.Fatal(err)
	}
	two := `{"type":"Feature","id":"a","properties":{"name":"A"},"geometry":{"type":"Point","coordinates":[1,1]}}
{"type":"Feature","id":"b","properties":{"name":"B","category":"cafe"},"geometry":{"type":"Point","coordinates":[1,2]}}`
	if _, rep, err := Prepare(&exp, NDJSON, strings.NewReader(two), Options{}); err != nil || len(rep.MissingExpected) != 1 || rep.MissingExpected["category"] != 1 {
		t.Fatalf("missing expected: %v %+v", err, rep)
	}
	// Repeated positions are still removed: GEOS finds them valid, and a
	// kept geometry is stored exactly only when it is invalid.
	body := `{"type":"Feature","id":"d","properties":{"parcel_no":"1"},"geometry":{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,0],[1,1],[0,0]]]}}`
	fs, rep, err := Prepare(l, GeoJSON, strings.NewReader(body), Options{KeepInvalid: true})
	if err != nil || len(rep.KeptInvalid) != 0 || len(fs[0].Geom.(orb.Polygon)[0]) != 4 {
		t.Fatalf("repeated position: %v %+v %v", err, rep, fs[0].Geom)
	}
}
