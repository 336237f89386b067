package spatial

import (
	"fmt"
	"testing"

	"github.com/paulmach/orb"
)

// TestLayerViewScanBoundAscend: ScanBound hands out the same features
// and boxes as Scan and the slots hold, Ascend the id order, and HasEmpty
// follows features without geometry through replace and delete.
func TestLayerViewScanBoundAscend(t *testing.T) {
	x := NewIndex()
	line := orb.LineString{{0, 0}, {2, 1}}
	x.Put("l", 1, []*Feature{pointFeature("10", 1, 1), pointFeature("9", 2, 2),
		{ID: "a", Geom: line, Bound: line.Bound()}, {ID: "none", Bound: orb.Bound{Min: orb.Point{4, 4}, Max: orb.Point{4, 4}}}})
	all := orb.Bound{Min: orb.Point{-10, -10}, Max: orb.Point{10, 10}}
	x.ReadLayer("l", func(lv LayerView) {
		if !lv.HasEmpty() {
			t.Error("HasEmpty is false with a feature without geometry")
		}
		got := map[string]orb.Bound{}
		lv.ScanBound(all, func(v FeatureView, b orb.Bound) bool {
			if b != v.Bound() {
				t.Errorf("%s: box %v, slot %v", v.ID(), b, v.Bound())
			}
			got[v.ID()] = b
			return true
		})
		n := 0
		lv.Scan(all, func(v FeatureView) bool { n++; return true })
		if len(got) != 4 || n != 4 || got["a"] != line.Bound() {
			t.Errorf("ScanBound %v, Scan %d", got, n)
		}
		var ids []string
		lv.Ascend(1, func(v FeatureView) bool { ids = append(ids, v.ID()); return true })
		if fmt.Sprint(ids) != "[10 a none]" {
			t.Errorf("Ascend(1) %v", ids)
		}
		if e, ok := lv.Extent(); !ok || e != (orb.Bound{Min: orb.Point{0, 0}, Max: orb.Point{4, 4}}) {
			t.Errorf("extent %v %v", e, ok)
		}
	})
	x.Put("l", 2, []*Feature{pointFeature("none", 4, 4)}) // now has a geometry
	x.ReadLayer("l", func(lv LayerView) {
		if lv.HasEmpty() {
			t.Error("HasEmpty after the empty feature got a geometry")
		}
	})
	x.Put("l", 3, []*Feature{{ID: "e2"}})
	x.Delete("l", 4, []string{"e2"})
	x.ReadLayer("l", func(lv LayerView) {
		if lv.HasEmpty() {
			t.Error("HasEmpty after the empty feature was deleted")
		}
	})
	x.ReadLayer("nope", func(lv LayerView) {
		if lv.HasEmpty() || lv.Count() != 0 {
			t.Error("unknown layer")
		}
		lv.ScanBound(all, func(FeatureView, orb.Bound) bool { t.Error("unknown layer scanned"); return true })
		lv.Ascend(0, func(FeatureView) bool { t.Error("unknown layer ascended"); return true })
	})
}

// TestFeatureViewNumericID: the slot's answer equals NumericID of the id,
// whatever Num the writer gave.
func TestFeatureViewNumericID(t *testing.T) {
	x := NewIndex()
	p := orb.Point{1, 1}
	fs := []*Feature{{ID: "7", Num: 7}, {ID: "8", Num: 3}, {ID: "07", Num: 7}, {ID: "a", Num: 1}, {ID: "18446744073709551615", Num: 18446744073709551615}}
	for _, f := range fs {
		f.Geom, f.Bound = p, p.Bound()
	}
	x.Put("l", 1, fs)
	x.ReadLayer("l", func(lv LayerView) {
		lv.Ascend(0, func(v FeatureView) bool {
			n, ok := v.NumericID()
			wn, wok := NumericID(v.ID())
			if n != wn || ok != wok {
				t.Errorf("%q: NumericID %d %v, want %d %v", v.ID(), n, ok, wn, wok)
			}
			return true
		})
	})
}
