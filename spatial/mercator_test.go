package spatial

import (
	"math"
	"testing"
)

func TestMercatorY(t *testing.T) {
	tests := []struct {
		lat, want float64
	}{
		{0, 0.5},
		{MaxMercatorLat, 0},
		{-MaxMercatorLat, 1},
		{90, 0},  // clamped
		{-90, 1}, // clamped
	}
	for _, tt := range tests {
		if got := MercatorY(tt.lat); math.Abs(got-tt.want) > 1e-12 {
			t.Errorf("MercatorY(%v) = %v, want %v", tt.lat, got, tt.want)
		}
	}
	// 16°N (Huế): y = 0.5 − atanh(sin φ)/(2π).
	want := 0.5 - math.Atanh(math.Sin(16*math.Pi/180))/(2*math.Pi)
	if got := MercatorY(16); math.Abs(got-want) > 1e-15 {
		t.Errorf("MercatorY(16) = %v, want %v", got, want)
	}
}

// checkMercatorY asserts that the layer's y slab is parallel to its points
// and that every part hands out the y of its own points.
func checkMercatorY(t *testing.T, x *Index, layer string) {
	t.Helper()
	li := x.layer(layer, false)
	if len(li.my) != len(li.pts) {
		t.Fatalf("%d mercator y for %d points", len(li.my), len(li.pts))
	}
	x.ReadLayer(layer, func(lv LayerView) {
		lv.Ascend(0, func(v FeatureView) bool {
			ps := v.Parts()
			for ps.Next() {
				p := ps.Part()
				if len(p.Y) != len(p.Points) {
					t.Fatalf("%s: %d y for %d points", v.ID(), len(p.Y), len(p.Points))
				}
				for i, pt := range p.Points {
					if p.Y[i] != MercatorY(pt[1]) {
						t.Fatalf("%s point %d: y %v, want MercatorY(%v) = %v", v.ID(), i, p.Y[i], pt[1], MercatorY(pt[1]))
					}
				}
			}
			return true
		})
	})
}
