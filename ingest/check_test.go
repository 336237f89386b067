package ingest

import (
	"testing"

	"github.com/paulmach/orb"

	"bando/layers"
)

func TestCheckGeometry(t *testing.T) {
	sq := orb.Polygon{{{0, 0}, {1, 0}, {1, 1}, {0, 1}, {0, 0}}}
	bowtie := orb.Polygon{{{0, 0}, {1, 1}, {1, 0}, {0, 1}, {0, 0}}}
	open := orb.Polygon{{{0, 0}, {1, 0}, {1, 1}, {0, 1}}}
	tests := []struct {
		name    string
		g       orb.Geometry
		rule    string
		repairs int
	}{
		{"valid", sq, "", 0},
		{"bow tie is split", bowtie, "", 1},
		{"not closed", open, RuleRingClosed, 0},
		{"point in a polygon layer", orb.Point{1, 2}, RuleGeomType, 0},
		{"out of range", orb.Polygon{{{0, 0}, {200, 0}, {1, 1}, {0, 0}}}, RuleRange, 0},
	}
	for _, tt := range tests {
		g, reps, pr := CheckGeometry(layers.GeomPolygon, tt.g)
		switch {
		case tt.rule != "" && (pr == nil || pr.Rule != tt.rule || pr.Index != -1 || pr.Field != "geometry" || pr.Message == ""):
			t.Errorf("%s: problem %+v, want rule %s", tt.name, pr, tt.rule)
		case tt.rule == "" && (pr != nil || g == nil || len(reps) != tt.repairs):
			t.Errorf("%s: %v %v %+v", tt.name, g, reps, pr)
		}
	}
	if g, _, _ := CheckGeometry(layers.GeomPolygon, bowtie); g.GeoJSONType() != "MultiPolygon" {
		t.Errorf("bow tie repaired to %s", g.GeoJSONType())
	}
}
