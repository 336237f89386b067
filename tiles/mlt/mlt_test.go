package mlt

import (
	"encoding/hex"
	"math"
	"math/rand/v2"
	"reflect"
	"testing"
)

// feat is a feature to encode and what decoding must give back.
type feat struct {
	id    uint64
	kind  Kind
	parts [][]XY
	props []Prop
}

var (
	square = []XY{{0, 0}, {10, 0}, {10, 10}, {0, 10}}
	hole   = []XY{{2, 2}, {2, 4}, {4, 4}, {4, 2}}
	tri    = []XY{{20, 20}, {30, 20}, {30, 30}}
)

func encodeFeats(name string, plain bool, fs []feat) []byte {
	l := NewLayer(name, 4096)
	defer l.Release()
	if plain {
		l.Plain()
	}
	for _, f := range fs {
		l.Add(f.id, f.kind, f.parts, f.props)
	}
	return Encode(l)
}

// wantFeature is what the decoder should give for f.
func wantFeature(f feat) dFeature {
	d := dFeature{ID: f.id, Parts: f.parts}
	switch f.kind {
	case Point:
		d.Type = int(single(len(f.parts[0]), typePoint))
	case Line:
		d.Type = int(single(len(f.parts), typeLineString))
	default:
		n := 0
		for _, r := range f.parts {
			if n == 0 || area2(r) > 0 {
				n++
			}
		}
		d.Type = int(single(n, typePolygon))
	}
	for _, p := range f.props {
		if d.Props == nil {
			d.Props = map[string]any{}
		}
		if _, dup := d.Props[p.Key]; dup {
			continue
		}
		switch p.Value.kind {
		case kindString:
			d.Props[p.Key] = p.Value.s
		case kindInt:
			d.Props[p.Key] = int64(p.Value.n)
		case kindFloat:
			d.Props[p.Key] = math.Float64frombits(p.Value.n)
		case kindBool:
			d.Props[p.Key] = p.Value.n == 1
		}
	}
	return d
}

func TestRoundTrip(t *testing.T) {
	pt := func(x, y int32) [][]XY { return [][]XY{{{x, y}}} }
	for _, tt := range []struct {
		name string
		fs   []feat
	}{
		{"one point", []feat{{1, Point, pt(5, 5), nil}}},
		{"points and multipoints", []feat{
			{1, Point, pt(5, 5), []Prop{{"n", Int(-3)}}},
			{2, Point, [][]XY{{{1, 2}, {3, 4}}}, []Prop{{"n", Int(7)}, {"s", String("a")}}},
		}},
		{"lines only", []feat{
			{3, Line, [][]XY{{{0, 0}, {5, 5}}}, []Prop{{"b", Bool(true)}}},
			{4, Line, [][]XY{{{0, 0}, {5, 5}}, {{1, 1}, {2, 2}, {3, 1}}}, []Prop{{"b", Bool(false)}}},
		}},
		{"one polygon with a hole", []feat{{5, Polygon, [][]XY{square, hole}, nil}}},
		{"polygons and a multipolygon", []feat{
			{5, Polygon, [][]XY{square}, []Prop{{"f", Float(0.5)}}},
			{6, Polygon, [][]XY{square, hole, tri}, []Prop{{"f", Float(0.1)}}},
		}},
		{"every type, nulls and 64-bit values", []feat{
			{1, Point, pt(5, 5), []Prop{{"s", String("x")}, {"i", Int(-3)}}},
			{2, Point, [][]XY{{{5, 5}, {7, 8}}}, []Prop{{"s", String("x")}, {"f", Float(1.5)}, {"b", Bool(true)}}},
			{3, Line, [][]XY{{{0, 0}, {5, 5}}}, []Prop{{"i", Int(1 << 40)}, {"f", Float(math.Pi)}}},
			{1 << 35, Line, [][]XY{{{0, 0}, {-5, 5}}, {{1, 1}, {2, 2}}}, []Prop{{"b", Bool(false)}, {"s", String("")}}},
			{1 << 35, Polygon, [][]XY{square, hole}, nil},
			{9, Polygon, [][]XY{square, hole, tri}, []Prop{{"s", String("y")}, {"s", String("ignored")}}},
		}},
		{"a key with two kinds", []feat{
			{1, Point, pt(1, 1), []Prop{{"v", String("x")}}},
			{2, Point, pt(2, 2), []Prop{{"v", Int(2)}}},
		}},
		{"a sequence of ids and repeated values", func() []feat {
			var fs []feat
			for i := range 300 {
				fs = append(fs, feat{uint64(100 + 3*i), Polygon, [][]XY{square}, []Prop{
					{"kind", String([]string{"house", "shop"}[i%2])}, {"floors", Int(2)}, {"ok", Bool(i%7 != 0)},
				}})
			}
			return fs
		}()},
	} {
		for _, plain := range []bool{true, false} {
			b := encodeFeats("l", plain, tt.fs)
			got, err := decode(b)
			if err != nil {
				t.Fatalf("%s (plain %v): %v", tt.name, plain, err)
			}
			if len(got) != 1 || got[0].Name != "l" || got[0].Extent != 4096 {
				t.Fatalf("%s (plain %v): layers %+v", tt.name, plain, got)
			}
			var want []dFeature
			for _, f := range tt.fs {
				want = append(want, wantFeature(f))
			}
			if !reflect.DeepEqual(got[0].Features, want) {
				t.Errorf("%s (plain %v):\n got %+v\nwant %+v", tt.name, plain, got[0].Features, want)
			}
		}
	}
}

func TestEmptyLayerIsLeftOut(t *testing.T) {
	l := NewLayer("empty", 4096)
	l.Add(1, Line, [][]XY{{}}, nil) // no vertices: not added
	if b := Encode(l); b != nil || l.Len() != 0 {
		t.Errorf("empty layer encodes to %x, %d features", b, l.Len())
	}
}

// TestLighterEncodingsPay encodes a dense synthetic layer both ways: the
// columnar encodings must be smaller than the plain ones and decode to the
// same features.
func TestLighterEncodingsPay(t *testing.T) {
	fs := randomFeats(rand.New(rand.NewPCG(1, 2)), 2000)
	plain, light := encodeFeats("l", true, fs), encodeFeats("l", false, fs)
	a, err := decode(plain)
	if err != nil {
		t.Fatal(err)
	}
	b, err := decode(light)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(a, b) {
		t.Fatal("plain and light encodings decode differently")
	}
	if len(light) >= len(plain)*9/10 {
		t.Errorf("light %d bytes, plain %d: want at least 10%% smaller", len(light), len(plain))
	}
	t.Logf("plain %d bytes, light %d (%.0f%%)", len(plain), len(light), 100*float64(len(light))/float64(len(plain)))
}

// randomFeats makes n features of every kind with ascending ids, nearby
// vertices and properties drawn from small sets, some missing.
func randomFeats(rng *rand.Rand, n int) []feat {
	var fs []feat
	id := uint64(rng.IntN(1000))
	at := func() XY { return XY{int32(rng.IntN(4096)), int32(rng.IntN(4096))} }
	for i := range n {
		id += uint64(1 + rng.IntN(3))
		p := at()
		var f feat
		switch i % 3 {
		case 0:
			f = feat{id, Point, [][]XY{{p}}, nil}
		case 1:
			f = feat{id, Line, [][]XY{{p, {p.X + 5, p.Y + 3}, {p.X + 9, p.Y - 2}}}, nil}
		default:
			f = feat{id, Polygon, [][]XY{{p, {p.X + 8, p.Y}, {p.X + 8, p.Y + 8}, {p.X, p.Y + 8}}}, nil}
		}
		if rng.IntN(4) > 0 {
			f.props = append(f.props, Prop{"kind", String([]string{"residential", "commercial", "school"}[rng.IntN(3)])})
		}
		if rng.IntN(3) > 0 {
			f.props = append(f.props, Prop{"floors", Int(int64(rng.IntN(6)))})
		}
		f.props = append(f.props, Prop{"area", Float(float64(rng.IntN(1000)) / 4)}, Prop{"poor", Bool(rng.IntN(9) == 0)})
		fs = append(fs, f)
	}
	return fs
}

func TestBoolRLE(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for n := range 600 {
		var bits bitset
		want := make([]bool, n)
		for i := range want {
			// runs of equal bytes and noise, to exercise both headers
			if (i/64)%2 == 0 || rng.IntN(2) == 0 {
				want[i] = true
				bits = bits.set(i)
			}
		}
		var b []byte
		b, _ = boolStream(b, streamData, bits, n, nil)
		s, err := readStream(&reader{b})
		if err != nil {
			t.Fatal(err)
		}
		got, err := s.bools()
		if err != nil || !reflect.DeepEqual(got, want) {
			t.Fatalf("n=%d: %v, %v", n, err, got)
		}
	}
}

// TestDecodesReferenceEncoder decodes a tile written by @maplibre/mlt
// 1.3.0's encodeTile (its plain encodings), so the test decoder is
// checked against an implementation it shares nothing with:
//
//	encodeTile([{name: 'a', features: [
//	  {id: 1, geometry: {type: 'Point', coordinates: [1, 2]}, properties: {x: 'y', n: 5}},
//	  {id: 7, geometry: {type: 'LineString', coordinates: [[1, 2], [3, 4]]}, properties: {n: 2 ** 40}}]}])
func TestDecodesReferenceEncoder(t *testing.T) {
	b, err := hex.DecodeString("4601016180200400041d017814016e100202020107033002020200013202010102130206060204020406080300020202ff0130020101011000000179100202070a808080808040")
	if err != nil {
		t.Fatal(err)
	}
	got, err := decode(b)
	if err != nil {
		t.Fatal(err)
	}
	want := []dLayer{{Name: "a", Extent: 4096, Features: []dFeature{
		{ID: 1, Type: typePoint, Parts: [][]XY{{{1, 2}}}, Props: map[string]any{"x": "y", "n": int64(5)}},
		{ID: 7, Type: typeLineString, Parts: [][]XY{{{1, 2}, {3, 4}}}, Props: map[string]any{"n": int64(1 << 40)}},
	}}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %+v\nwant %+v", got, want)
	}
}
