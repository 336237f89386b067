package tiles

import (
	"reflect"
	"testing"

	"github.com/paulmach/orb"
)

var sq = square{lo: 0, hi: 10}

func TestClipRing(t *testing.T) {
	tests := []struct {
		name string
		in   orb.Ring
		want orb.Ring
	}{
		{"inside, closed", orb.Ring{{1, 1}, {2, 1}, {2, 2}, {1, 1}}, orb.Ring{{1, 1}, {2, 1}, {2, 2}}},
		{"inside, open", orb.Ring{{1, 1}, {2, 1}, {2, 2}}, orb.Ring{{1, 1}, {2, 1}, {2, 2}}},
		{"outside", orb.Ring{{11, 11}, {12, 11}, {12, 12}, {11, 11}}, nil},
		{"empty", orb.Ring{}, nil},
		{"straddles the east edge", orb.Ring{{8, 2}, {12, 2}, {12, 4}, {8, 4}, {8, 2}},
			orb.Ring{{8, 2}, {10, 2}, {10, 4}, {8, 4}}},
		{"covers the square", orb.Ring{{-5, -5}, {15, -5}, {15, 15}, {-5, 15}, {-5, -5}},
			orb.Ring{{0, 0}, {10, 0}, {10, 10}, {0, 10}}},
		{"touches the square along an edge", orb.Ring{{10, 2}, {12, 2}, {12, 4}, {10, 4}, {10, 2}},
			orb.Ring{{10, 2}, {10, 4}}},
		{"diagonal corner cut", orb.Ring{{8, 8}, {12, 8}, {8, 12}, {8, 8}},
			orb.Ring{{8, 8}, {10, 8}, {10, 10}, {8, 10}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := append(orb.Ring{}, tt.in...)
			got := clipRing(tt.in, sq)
			if !reflect.DeepEqual(normRing(got), normRing(tt.want)) {
				t.Errorf("clipRing = %v, want %v", got, tt.want)
			}
			if !reflect.DeepEqual(tt.in, before) {
				t.Errorf("clipRing modified its input: %v, was %v", tt.in, before)
			}
			if len(got) > 0 && len(tt.in) > 0 && &got[0] == &tt.in[0] {
				t.Error("clipRing returned its input slice")
			}
		})
	}
}

// normRing removes consecutive (and wrap-around) duplicate points and
// rotates the ring to start at its smallest point, so rings that differ
// only in where Sutherland–Hodgman starts them compare equal.
func normRing(r orb.Ring) orb.Ring {
	var out orb.Ring
	for i, p := range r {
		if i > 0 && p == r[i-1] {
			continue
		}
		out = append(out, p)
	}
	for len(out) > 1 && out[0] == out[len(out)-1] {
		out = out[:len(out)-1]
	}
	start := 0
	for i, p := range out {
		if p[0] < out[start][0] || p[0] == out[start][0] && p[1] < out[start][1] {
			start = i
		}
	}
	if len(out) == 0 {
		return nil
	}
	return append(append(orb.Ring{}, out[start:]...), out[:start]...)
}

func TestClipLine(t *testing.T) {
	tests := []struct {
		name string
		in   orb.LineString
		want []orb.LineString
	}{
		{"inside", orb.LineString{{1, 1}, {5, 5}, {9, 1}}, []orb.LineString{{{1, 1}, {5, 5}, {9, 1}}}},
		{"outside", orb.LineString{{11, 1}, {15, 5}}, nil},
		{"crosses", orb.LineString{{-5, 5}, {15, 5}}, []orb.LineString{{{0, 5}, {10, 5}}}},
		{"leaves and re-enters", orb.LineString{{5, 5}, {15, 5}, {15, 8}, {5, 8}},
			[]orb.LineString{{{5, 5}, {10, 5}}, {{10, 8}, {5, 8}}}},
		{"enters, turns, leaves", orb.LineString{{-5, 2}, {5, 2}, {5, 15}},
			[]orb.LineString{{{0, 2}, {5, 2}, {5, 10}}}},
		{"touches a corner", orb.LineString{{12, 8}, {8, 12}}, []orb.LineString{{{10, 10}, {10, 10}}}},
		{"single point inside", orb.LineString{{3, 3}}, []orb.LineString{{{3, 3}}}},
		{"along the edge", orb.LineString{{10, -2}, {10, 12}}, []orb.LineString{{{10, 0}, {10, 10}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := append(orb.LineString(nil), tt.in...)
			got := clipLine(tt.in, sq)
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("clipLine = %v, want %v", got, tt.want)
			}
			if !reflect.DeepEqual(tt.in, before) {
				t.Errorf("clipLine modified its input: %v, was %v", tt.in, before)
			}
			for _, g := range got {
				if len(g) > 0 && &g[0] == &tt.in[0] {
					t.Error("clipLine returned its input slice")
				}
			}
		})
	}
}

func TestDouglasPeucker(t *testing.T) {
	tests := []struct {
		name string
		in   []orb.Point
		tol  float64
		want []orb.Point
	}{
		{"collinear", []orb.Point{{0, 0}, {1, 0}, {2, 0}, {3, 0}}, 1, []orb.Point{{0, 0}, {3, 0}}},
		{"small wiggle", []orb.Point{{0, 0}, {1, 0.5}, {2, -0.5}, {3, 0}}, 1, []orb.Point{{0, 0}, {3, 0}}},
		{"corner kept", []orb.Point{{0, 0}, {5, 0}, {5, 5}}, 1, []orb.Point{{0, 0}, {5, 0}, {5, 5}}},
		{"closed ring keeps its far point", []orb.Point{{0, 0}, {4, 0}, {4, 4}, {0, 0}}, 1,
			[]orb.Point{{0, 0}, {4, 0}, {4, 4}, {0, 0}}},
		{"two points", []orb.Point{{0, 0}, {0, 0}}, 1, []orb.Point{{0, 0}, {0, 0}}},
		{"zero tolerance keeps bends", []orb.Point{{0, 0}, {1, 0.1}, {2, 0}}, 0, []orb.Point{{0, 0}, {1, 0.1}, {2, 0}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := append([]orb.Point(nil), tt.in...)
			got := douglasPeucker(tt.in, tt.tol)
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("douglasPeucker = %v, want %v", got, tt.want)
			}
			if !reflect.DeepEqual(tt.in, before) {
				t.Errorf("douglasPeucker modified its input")
			}
		})
	}
}
