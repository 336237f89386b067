package mlt

import (
	"math"
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"
)

// FuzzDecode feeds arbitrary bytes to the test decoder: it must fail with
// an error, never panic; and what it accepts must survive a re-encoding
// (plain and light) unchanged.
func FuzzDecode(f *testing.F) {
	for _, plain := range []bool{true, false} {
		f.Add(encodeFeats("a", plain, randomFeats(rand.New(rand.NewPCG(5, 6)), 30)))
		f.Add(encodeFeats("b", plain, []feat{{1 << 40, Polygon, [][]XY{square, hole, tri}, []Prop{{"s", String("x")}}}}))
	}
	f.Add([]byte{})
	f.Add([]byte{3, 2, 0, 0})
	f.Fuzz(func(t *testing.T, b []byte) {
		got, err := decode(b)
		if err != nil {
			return
		}
		for _, plain := range []bool{true, false} {
			var ls []*Layer
			for _, dl := range got {
				l := NewLayer(dl.Name, dl.Extent)
				if plain {
					l.Plain()
				}
				for _, df := range dl.Features {
					l.Add(df.ID, Kind(df.Type%3+1), df.Parts, propsOf(df.Props))
				}
				ls = append(ls, l)
			}
			again, err := decode(Encode(ls...))
			for _, l := range ls {
				l.Release()
			}
			if err != nil {
				t.Fatalf("re-encoded tile does not decode: %v", err)
			}
			if !sameContent(got, again) {
				t.Fatalf("re-encoding changed the tile:\n%+v\n%+v", got, again)
			}
		}
	})
}

// propsOf turns decoded properties back into props, in key order.
func propsOf(m map[string]any) []Prop {
	var out []Prop
	for k, v := range m {
		var val Value
		switch v := v.(type) {
		case string:
			val = String(v)
		case int64:
			val = Int(v)
		case float64:
			val = Float(v)
		case bool:
			val = Bool(v)
		}
		out = append(out, Prop{k, val})
	}
	slices.SortFunc(out, func(a, b Prop) int {
		if a.Key < b.Key {
			return -1
		}
		if a.Key > b.Key {
			return 1
		}
		return 0
	})
	return out
}

// sameContent compares layers by name, extent and each feature's id,
// parts and properties (not the MLT type, which the encoder derives from
// the rings' winding), with NaN equal to NaN. A decoded layer without
// features is left out when re-encoded.
func sameContent(a, b []dLayer) bool {
	a = slices.DeleteFunc(slices.Clone(a), func(l dLayer) bool { return len(l.Features) == 0 })
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i].Name != b[i].Name || a[i].Extent != b[i].Extent || len(a[i].Features) != len(b[i].Features) {
			return false
		}
		for j, fa := range a[i].Features {
			fb := b[i].Features[j]
			if fa.ID != fb.ID || !reflect.DeepEqual(fa.Parts, fb.Parts) || len(fa.Props) != len(fb.Props) {
				return false
			}
			for k, va := range fa.Props {
				vb, ok := fb.Props[k]
				fa, aok := va.(float64)
				fb, bok := vb.(float64)
				if !ok || !(va == vb || aok && bok && math.IsNaN(fa) && math.IsNaN(fb)) {
					return false
				}
			}
		}
	}
	return true
}

// FuzzRoundTrip encodes seeded random layers, plain and light, and
// requires the decoder to give back every feature.
func FuzzRoundTrip(f *testing.F) {
	f.Add(uint64(1), uint16(10))
	f.Add(uint64(2), uint16(300))
	f.Add(uint64(3), uint16(1))
	f.Fuzz(func(t *testing.T, seed uint64, n uint16) {
		fs := wildFeats(rand.New(rand.NewPCG(seed, 9)), int(n%500)+1)
		var want []dFeature
		for _, f := range fs {
			want = append(want, wantFeature(f))
		}
		for _, plain := range []bool{true, false} {
			got, err := decode(encodeFeats("l", plain, fs))
			if err != nil {
				t.Fatalf("plain %v: %v", plain, err)
			}
			if len(got) != 1 || !reflect.DeepEqual(got[0].Features, want) {
				t.Fatalf("plain %v: features differ", plain)
			}
		}
	})
}

// wildFeats makes features with extreme values: ids up to 2^64−1 in any
// order, coordinates anywhere in int32 range, multi geometries, values of
// every kind and size, keys with several kinds.
func wildFeats(rng *rand.Rand, n int) []feat {
	coord := func() int32 {
		if rng.IntN(4) == 0 {
			return int32(rng.Uint32())
		}
		return int32(rng.IntN(8192) - 4096)
	}
	pt := func() XY { return XY{coord(), coord()} }
	ring := func(exterior bool) []XY {
		p := pt()
		d := int32(1 + rng.IntN(50))
		r := []XY{p, {p.X + d, p.Y}, {p.X + d, p.Y + d}, {p.X, p.Y + d}}
		if !exterior {
			slices.Reverse(r)
		}
		return r
	}
	var fs []feat
	for range n {
		f := feat{id: rng.Uint64() >> uint(rng.IntN(64))}
		switch rng.IntN(3) {
		case 0:
			f.kind = Point
			var pts []XY
			for range 1 + rng.IntN(3) {
				pts = append(pts, pt())
			}
			f.parts = [][]XY{pts}
		case 1:
			f.kind = Line
			for range 1 + rng.IntN(3) {
				f.parts = append(f.parts, []XY{pt(), pt(), pt()}[:2+rng.IntN(2)])
			}
		default:
			f.kind = Polygon
			for range 1 + rng.IntN(2) {
				f.parts = append(f.parts, ring(true))
				for range rng.IntN(2) {
					f.parts = append(f.parts, ring(false))
				}
			}
		}
		for _, k := range []string{"a", "b", "c", "d"} {
			switch rng.IntN(6) {
			case 0:
				f.props = append(f.props, Prop{k, String(string(rune(rng.IntN(0x2000))))})
			case 1:
				f.props = append(f.props, Prop{k, Int(int64(rng.Uint64()) >> uint(rng.IntN(64)))})
			case 2:
				f.props = append(f.props, Prop{k, Float(rng.NormFloat64())})
			case 3:
				f.props = append(f.props, Prop{k, Bool(rng.IntN(2) == 0)})
			}
		}
		fs = append(fs, f)
	}
	return fs
}
