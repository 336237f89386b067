package jsonw

import (
	"encoding/json"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
)

var (
	ccw  = orb.Ring{{0, 0}, {10, 0}, {10, 10}, {0, 10}, {0, 0}}
	cw   = orb.Ring{{0, 0}, {0, 10}, {10, 10}, {10, 0}, {0, 0}}
	hole = orb.Ring{{2, 2}, {2, 4}, {4, 4}, {4, 2}, {2, 2}} // clockwise
)

func reversed(r orb.Ring) orb.Ring {
	out := make(orb.Ring, len(r))
	for i := range r {
		out[i] = r[len(r)-1-i]
	}
	return out
}

func TestAppendGeometryWinding(t *testing.T) {
	good := orb.Polygon{ccw, hole}
	for _, tc := range []struct {
		name string
		in   orb.Geometry
		want orb.Geometry
	}{
		{"right already", orb.Polygon{ccw, hole}, good},
		{"clockwise exterior", orb.Polygon{cw, hole}, good},
		{"counter-clockwise hole", orb.Polygon{ccw, reversed(hole)}, good},
		{"both wrong", orb.Polygon{cw, reversed(hole)}, good},
		{"multipolygon", orb.MultiPolygon{{cw}, {ccw, reversed(hole)}}, orb.MultiPolygon{{ccw}, {ccw, hole}}},
		{"ring", cw, orb.Polygon{ccw}},
		{"collection", orb.Collection{orb.Polygon{cw}, orb.Point{1, 2}}, orb.Collection{orb.Polygon{ccw}, orb.Point{1, 2}}},
		{"bound", orb.Bound{Min: orb.Point{0, 0}, Max: orb.Point{10, 10}}, orb.Polygon{ccw}},
		{"line untouched", orb.LineString{{3, 3}, {1, 1}}, orb.LineString{{3, 3}, {1, 1}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := orb.Clone(tc.in)
			got, err := AppendGeometry(nil, tc.in)
			if err != nil {
				t.Fatal(err)
			}
			want, err := geojson.NewGeometry(tc.want).MarshalJSON()
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != string(want) {
				t.Errorf("got  %s\nwant %s", got, want)
			}
			if !orb.Equal(in, tc.in) {
				t.Error("the input geometry was modified")
			}
		})
	}
}

// TestAppendGeometryLikeOrb: for geometries already wound as RFC 7946
// wants, the output is byte for byte what orb's geojson package writes
// (through encoding/json), numbers included.
func TestAppendGeometryLikeOrb(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 7))
	num := func() float64 {
		switch rng.IntN(6) {
		case 0:
			return 1e-7 * rng.Float64()
		case 1:
			return -rng.Float64() * 1e22
		case 2:
			return math.Round(rng.Float64()*1000) / 10
		}
		return (rng.Float64() - 0.5) * 360
	}
	for i := 0; i < 2000; i++ {
		var g orb.Geometry
		switch i % 3 {
		case 0:
			g = orb.Point{num(), num()}
		case 1:
			g = orb.LineString{{num(), num()}, {num(), num()}, {num(), num()}}
		default:
			x, y, d := num(), num(), math.Abs(num())+1e-3
			g = orb.Polygon{{{x, y}, {x + d, y}, {x + d, y + d}, {x, y}}}
		}
		got, err := AppendGeometry(nil, g)
		if err != nil {
			t.Fatal(err)
		}
		want, _ := geojson.NewGeometry(g).MarshalJSON()
		if string(got) != string(want) {
			t.Fatalf("got  %s\nwant %s", got, want)
		}
	}
}

func TestAppendGeometryRefusesNaN(t *testing.T) {
	for _, g := range []orb.Geometry{
		orb.Point{math.NaN(), 1},
		orb.LineString{{0, 0}, {math.Inf(1), 1}},
		orb.Polygon{{{0, 0}, {1, 0}, {1, math.NaN()}, {0, 0}}},
		orb.Collection{orb.Point{0, 0}, orb.Point{math.NaN(), 0}},
	} {
		if b, err := AppendGeometry(nil, g); err == nil {
			t.Errorf("%v: no error, wrote %s", g, b)
		}
	}
}

func TestAppendGeometryParses(t *testing.T) {
	b, err := AppendGeometry(nil, orb.Collection{orb.MultiPoint{{1, 2}}, orb.MultiLineString{{{0, 0}, {1, 1}}}, orb.MultiPolygon{{cw}}})
	if err != nil {
		t.Fatal(err)
	}
	var v map[string]any
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatalf("%s: %v", b, err)
	}
	if !strings.HasPrefix(string(b), `{"type":"GeometryCollection","geometries":[`) {
		t.Errorf("got %s", b)
	}
}

func BenchmarkAppendGeometry(b *testing.B) {
	p := orb.Polygon{make(orb.Ring, 0, 201)}
	for i := range 200 {
		a := float64(i) / 200 * 2 * math.Pi
		p[0] = append(p[0], orb.Point{106.7 + 0.01*math.Cos(a), 10.8 - 0.01*math.Sin(a)})
	}
	p[0] = append(p[0], p[0][0])
	var buf []byte
	b.Run("jsonw", func(b *testing.B) {
		for b.Loop() {
			buf, _ = AppendGeometry(buf[:0], p)
		}
	})
	b.Run("orb-geojson", func(b *testing.B) {
		for b.Loop() {
			buf, _ = geojson.NewGeometry(p).MarshalJSON()
		}
	})
}
