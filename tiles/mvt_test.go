package tiles

import (
	"math"
	"math/rand/v2"
	"reflect"
	"testing"
	"time"
)

// TestGeometryRoundTrip encodes random geometries of every type and decodes
// them with the test decoder.
func TestGeometryRoundTrip(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 5))
	coord := func() int32 { return int32(rng.IntN(4096+512) - 256) }
	for i := range 500 {
		g := tileGeom{typ: geomType(i%3 + 1)}
		nparts := 1 + rng.IntN(3)
		for range nparts {
			n := 1 + rng.IntN(6)
			if g.typ != geomPoint {
				n++
			}
			part := make([]ipoint, n)
			for k := range part {
				part[k] = ipoint{coord(), coord()}
			}
			g.parts = append(g.parts, part)
		}
		e := newLayerEncoder("l", DefaultExtent)
		e.addFeature(uint64(i), nil, g)
		d, err := decodeTile(encodeTile([]*layerEncoder{e}))
		if err != nil {
			t.Fatal(err)
		}
		f := d.Layers[0].Features[0]
		want := g.parts
		if g.typ == geomPoint {
			want = [][]ipoint{concat(g.parts)}
		}
		var got [][]ipoint
		for _, p := range f.Parts {
			var part []ipoint
			for _, q := range p {
				part = append(part, ipoint{int32(q[0]), int32(q[1])})
			}
			got = append(got, part)
		}
		if f.ID != uint64(i) || f.Type != uint64(g.typ) || !reflect.DeepEqual(got, want) {
			t.Fatalf("feature %d: decoded id %d type %d %v, want type %d %v", i, f.ID, f.Type, got, g.typ, want)
		}
	}
}

func TestValueEncoding(t *testing.T) {
	when := time.Date(2025, 1, 2, 10, 4, 5, 6, time.FixedZone("ICT", 7*3600))
	props := []prop{
		{"s", "Thừa Thiên Huế"}, {"empty", ""}, {"zero", int64(0)}, {"neg", int64(-1)},
		{"min", int64(math.MinInt64)}, {"max", int64(math.MaxInt64)}, {"f", 0.1}, {"nan", math.NaN()},
		{"inf", math.Inf(-1)}, {"t", true}, {"false", false}, {"when", when}, {"nil", nil}, {"int", 3},
	}
	e := newLayerEncoder("l", DefaultExtent)
	pt := tileGeom{typ: geomPoint, parts: [][]ipoint{{{1, 2}}}}
	e.addFeature(1, props, pt)
	e.addFeature(2, props, pt)                                                 // same values again: the tables must not grow
	e.addFeature(3, nil, tileGeom{typ: geomLine, parts: [][]ipoint{{{1, 1}}}}) // nothing to draw: not written
	d, err := decodeTile(encodeTile([]*layerEncoder{e}))
	if err != nil {
		t.Fatal(err)
	}
	l := d.Layers[0]
	if len(l.Features) != 2 {
		t.Fatalf("%d features, want 2", len(l.Features))
	}
	got := l.Features[0].Props
	if v := got["nan"].(float64); !math.IsNaN(v) {
		t.Errorf("nan = %v", v)
	}
	delete(got, "nan")
	want := map[string]any{
		"s": "Thừa Thiên Huế", "empty": "", "zero": int64(0), "neg": int64(-1),
		"min": int64(math.MinInt64), "max": int64(math.MaxInt64), "f": 0.1, "inf": math.Inf(-1),
		"t": true, "false": false, "when": "2025-01-02T03:04:05Z",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("props = %v, want %v", got, want)
	}
	if len(l.Keys) != 12 || len(l.Values) != 12 {
		t.Errorf("%d keys, %d values; want 12 each (nil and unsupported types left out, no duplicates)", len(l.Keys), len(l.Values))
	}
	if encodeTile([]*layerEncoder{newLayerEncoder("empty", DefaultExtent)}) != nil {
		t.Error("a tile with only an empty layer is not empty")
	}
}
