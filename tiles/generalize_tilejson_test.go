package tiles

import (
	"encoding/json"
	"reflect"
	"testing"

	"bando/data"
	"bando/layers"
	"bando/spatial"
)

// TestTileJSONGeneralization reads the generalization object of the demo
// parcels and schools as a client would.
func TestTileJSONGeneralization(t *testing.T) {
	cat, err := data.DemoCatalog()
	if err != nil {
		t.Fatal(err)
	}
	s := New(Config{Index: spatial.NewIndex(), Catalog: cat})
	steward := layers.Principal{Name: "s", Clearance: layers.Restricted}
	tests := []struct {
		layer string
		p     layers.Principal
		want  []GenZooms
	}{
		{"parcels", steward, []GenZooms{
			{MinZoom: 8, MaxZoom: 12, Generalized: true, Mode: "density", Simplify: 0.125, MinArea: 1, Cells: 64, Fields: []string{"count", "area_share"}},
			{MinZoom: 13, MaxZoom: 13, Generalized: true, Mode: "features", Simplify: 0.125, MinArea: 1, Fields: []string{"parcel_no", "land_use", "area_m2"}},
			{MinZoom: 14, MaxZoom: 17, Generalized: true, Mode: "features", Simplify: 0.125, MinArea: 1},
			{MinZoom: 18, MaxZoom: 18, Mode: "features"},
		}},
		{"schools", layers.Anonymous, []GenZooms{
			{MinZoom: 11, MaxZoom: 12, Generalized: true, Mode: "cluster", Simplify: 0.125, Cells: 16,
				Fields: []string{"point_count", "cluster", "sum_students", "name", "level", "ownership", "students", "commune_code"}},
			{MinZoom: 13, MaxZoom: 17, Generalized: true, Mode: "features", Simplify: 0.125},
			{MinZoom: 18, MaxZoom: 18, Mode: "features"},
		}},
	}
	for _, tt := range tests {
		b, err := s.TileJSON(tt.p, tt.layer, "")
		if err != nil {
			t.Fatal(err)
		}
		var doc struct {
			Generalization Generalization `json:"generalization"`
		}
		if err := json.Unmarshal(b, &doc); err != nil {
			t.Fatal(err)
		}
		g := doc.Generalization
		if g.PixelUnits != 8 || g.MaxBytes != DefaultTileBytes || !reflect.DeepEqual(g.Zooms, tt.want) {
			t.Errorf("%s: %+v\nwant zooms %+v", tt.layer, g, tt.want)
		}
	}
}
