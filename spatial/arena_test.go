package spatial

import (
	"fmt"
	"math"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"
)

var when = time.Date(2026, 7, 1, 8, 30, 15, 123456789, time.UTC)

// geometries holds one geometry of every kind the store keeps.
var geometries = []struct {
	name string
	g    orb.Geometry
}{
	{"point", orb.Point{106.5, 16.25}},
	{"multipoint", orb.MultiPoint{{1, 2}, {3, 4}, {-5, 6}}},
	{"empty multipoint", orb.MultiPoint{}},
	{"linestring", orb.LineString{{0, 0}, {1, 1}, {2, 0.5}}},
	{"multilinestring", orb.MultiLineString{{{0, 0}, {1, 1}}, {{5, 5}, {6, 6}, {7, 5}}}},
	{"ring", orb.Ring{{0, 0}, {1, 0}, {1, 1}, {0, 0}}},
	{"polygon with hole", orb.Polygon{
		{{0, 0}, {10, 0}, {10, 10}, {0, 10}, {0, 0}},
		{{2, 2}, {2, 3}, {3, 3}, {2, 2}}}},
	{"multipolygon", orb.MultiPolygon{
		{{{0, 0}, {1, 0}, {1, 1}, {0, 0}}},
		{{{5, 5}, {6, 5}, {6, 6}, {5, 5}}, {{5.2, 5.1}, {5.3, 5.1}, {5.3, 5.2}, {5.2, 5.1}}}}},
	{"collection", orb.Collection{orb.Point{1, 1}, orb.LineString{{0, 0}, {2, 2}},
		orb.Collection{orb.Polygon{{{0, 0}, {1, 0}, {1, 1}, {0, 0}}}}}},
	{"bound", orb.Bound{Min: orb.Point{1, 2}, Max: orb.Point{3, 4}}},
	{"exact coordinates", orb.Point{math.Nextafter(106, 107), -math.SmallestNonzeroFloat64}},
}

func TestArenaRoundTrip(t *testing.T) {
	props := []any{"Phường Thuận Hoá", int64(-42), 3.25, true, false, when, nil, "", int64(math.MaxInt64), math.Inf(-1)}
	for _, tt := range geometries {
		t.Run(tt.name, func(t *testing.T) {
			x := NewIndex()
			in := &Feature{ID: "f-" + tt.name, Num: 7, Seq: 9, Geom: tt.g, Bound: tt.g.Bound(), Props: props}
			x.Put("l", 1, []*Feature{in})
			got, ok := x.Get("l", in.ID)
			if !ok {
				t.Fatal("not found")
			}
			if !reflect.DeepEqual(got, in) {
				t.Fatalf("round trip\n got %#v\nwant %#v", got, in)
			}
			if got == in || len(got.Props) > 0 && &got.Props[0] == &in.Props[0] {
				t.Fatal("Get returned the caller's memory")
			}
			checkMercatorY(t, x, "l")
		})
	}
}

func TestViewAccessors(t *testing.T) {
	x := NewIndex()
	g := orb.MultiPolygon{
		{{{0, 0}, {4, 0}, {4, 4}, {0, 0}}, {{1, 0.5}, {2, 0.5}, {2, 1}, {1, 0.5}}},
		{{{10, 10}, {11, 10}, {11, 11}, {10, 10}}}}
	x.Put("l", 1, []*Feature{{ID: "a", Num: 3, Seq: 5, Geom: g, Bound: g.Bound(),
		Props: []any{"x", int64(2), 1.5, true, when, nil}}})
	calls := 0
	x.Scan("l", g.Bound(), func(v FeatureView) bool {
		calls++
		if v.ID() != "a" || v.Num() != 3 || v.Seq() != 5 || v.Bound() != g.Bound() || v.Kind() != KindMultiPolygon {
			t.Errorf("header: %q %d %d %v %d", v.ID(), v.Num(), v.Seq(), v.Bound(), v.Kind())
		}
		if s := v.Prop(0); s.Kind() != PropString || s.Str() != "x" {
			t.Errorf("prop 0: %+v", s)
		}
		if i := v.Prop(1); i.Kind() != PropInt || i.Int() != 2 {
			t.Errorf("prop 1: %+v", i)
		}
		if f := v.Prop(2); f.Kind() != PropFloat || f.Float() != 1.5 {
			t.Errorf("prop 2: %+v", f)
		}
		if b := v.Prop(3); b.Kind() != PropTrue || !b.Bool() {
			t.Errorf("prop 3: %+v", b)
		}
		if tm := v.Prop(4); tm.Kind() != PropTime || !tm.Time().Equal(when) {
			t.Errorf("prop 4: %+v", tm)
		}
		if !v.Prop(5).IsNull() || !v.Prop(99).IsNull() || v.PropAny(99) != nil {
			t.Errorf("absent props are not null")
		}
		var rings [][]orb.Point
		var kinds []GeomKind
		ps := v.Parts()
		for ps.Next() {
			p := ps.Part()
			kinds = append(kinds, p.Kind)
			rings = p.Rings(rings)
		}
		want := [][]orb.Point{g[0][0], g[0][1], g[1][0]}
		if fmt.Sprint(kinds) != "[6 6]" || !reflect.DeepEqual(rings, want) {
			t.Errorf("parts %v rings %v", kinds, rings)
		}
		return true
	})
	if calls != 1 {
		t.Fatalf("%d calls", calls)
	}
}

// TestViewIntersectsMatchesPredicate checks the in-place exact test
// against IntersectsBound on the materialised geometry (which is checked
// against PostGIS in postgis_test.go).
func TestViewIntersectsMatchesPredicate(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	x := NewIndex()
	var fs []*Feature
	for i := range 300 {
		g := randomGeometry(rng)
		if i%7 == 0 {
			g = orb.Collection{g, randomGeometry(rng)}
		}
		fs = append(fs, &Feature{ID: fmt.Sprint(i), Geom: g, Bound: g.Bound()})
	}
	for _, tt := range geometries {
		fs = append(fs, &Feature{ID: tt.name, Geom: tt.g, Bound: tt.g.Bound()})
	}
	x.Put("l", 1, fs)
	for range 200 {
		px, py := rng.Float64()*12-1, rng.Float64()*12-1
		b := orb.Bound{Min: orb.Point{px, py}, Max: orb.Point{px + rng.Float64()*3, py + rng.Float64()*3}}
		want := map[string]bool{}
		for _, f := range fs {
			if IntersectsBound(f.Geom, b) {
				want[f.ID] = true
			}
		}
		got := map[string]bool{}
		x.ScanIntersecting("l", b, func(v FeatureView) bool { got[strings.Clone(v.ID())] = true; return true })
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("box %v: got %d features, want %d", b, len(got), len(want))
		}
	}
}
