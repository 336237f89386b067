package spatial

import (
	"testing"

	"github.com/paulmach/orb"
)

func TestIntersectsBound(t *testing.T) {
	box := orb.Bound{Min: orb.Point{0, 0}, Max: orb.Point{10, 10}}
	donut := orb.Polygon{
		{{-10, -10}, {20, -10}, {20, 20}, {-10, 20}, {-10, -10}},
		{{-5, -5}, {15, -5}, {15, 15}, {-5, 15}, {-5, -5}},
	}
	tests := []struct {
		name string
		g    orb.Geometry
		want bool
	}{
		{"point inside", orb.Point{5, 5}, true},
		{"point on edge", orb.Point{10, 5}, true},
		{"point on corner", orb.Point{0, 0}, true},
		{"point outside", orb.Point{10.0001, 5}, false},
		{"line crossing without vertex inside", orb.LineString{{-5, 5}, {15, 5}}, true},
		{"line passing by corner", orb.LineString{{-1, 9}, {9, 21}}, false},
		{"line touching corner", orb.LineString{{-1, 11}, {1, 9}}, true},
		{"line outside bbox-overlapping", orb.LineString{{-5, 8}, {2, 15}}, false},
		{"polygon containing box", orb.Polygon{{{-1, -1}, {11, -1}, {11, 11}, {-1, 11}, {-1, -1}}}, true},
		{"polygon inside box", orb.Polygon{{{1, 1}, {2, 1}, {2, 2}, {1, 1}}}, true},
		{"triangle bbox overlaps, shape does not", orb.Polygon{{{-5, 8}, {2, 15}, {-5, 15}, {-5, 8}}}, false},
		{"box inside hole", donut, false},
		{"polygon sharing an edge", orb.Polygon{{{10, 0}, {20, 0}, {20, 10}, {10, 10}, {10, 0}}}, true},
		{"multipolygon one part hits", orb.MultiPolygon{
			{{{30, 30}, {31, 30}, {31, 31}, {30, 30}}},
			{{{5, 5}, {6, 5}, {6, 6}, {5, 5}}}}, true},
		{"multipoint none inside", orb.MultiPoint{{-1, -1}, {11, 11}}, false},
		{"nil", nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := IntersectsBound(tt.g, box); got != tt.want {
				t.Errorf("IntersectsBound = %v, want %v", got, tt.want)
			}
		})
	}
}
