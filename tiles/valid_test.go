package tiles

import (
	"math"
	"reflect"
	"slices"
	"testing"
)

// pts builds a ring from x, y pairs.
func pts(xy ...int32) []ipoint {
	out := make([]ipoint, 0, len(xy)/2)
	for i := 0; i+1 < len(xy); i += 2 {
		out = append(out, ipoint{xy[i], xy[i+1]})
	}
	return out
}

func cloneRings(rs [][]ipoint) [][]ipoint {
	out := make([][]ipoint, len(rs))
	for i, r := range rs {
		out[i] = slices.Clone(r)
	}
	return out
}

// canonical describes polygons independently of where rings start and of
// the order of polygons and holes: each ring rotated to its smallest
// vertex, holes sorted, polygons sorted.
func canonical(rings [][]ipoint) [][][]ipoint {
	var polys [][][]ipoint
	for _, r := range rings {
		r = slices.Clone(r)
		k := 0
		for i, p := range r {
			if comparePoints(p, r[k]) < 0 {
				k = i
			}
		}
		r = append(r[k:], r[:k]...)
		if area2(r) > 0 || len(polys) == 0 {
			polys = append(polys, [][]ipoint{r})
		} else {
			polys[len(polys)-1] = append(polys[len(polys)-1], r)
		}
	}
	cmpRing := func(a, b []ipoint) int { return slices.CompareFunc(a, b, comparePoints) }
	for _, p := range polys {
		slices.SortFunc(p[1:], cmpRing)
	}
	slices.SortFunc(polys, func(a, b [][]ipoint) int { return cmpRing(a[0], b[0]) })
	return polys
}

// recleanEach cleans each polygon of cleanPolygon's output again (its
// input is one polygon, its output a list of them) and joins the results:
// idempotence means this changes nothing.
func recleanEach(rings [][]ipoint) [][]ipoint {
	var out [][]ipoint
	for i := 0; i < len(rings); {
		j := i + 1
		for j < len(rings) && area2(rings[j]) < 0 {
			j++
		}
		out = append(out, cleanPolygon(cloneRings(rings[i:j]))...)
		i = j
	}
	return out
}

func TestCleanPolygon(t *testing.T) {
	square := pts(0, 0, 10, 0, 10, 10, 0, 10) // area2 +200
	tests := []struct {
		name string
		in   [][]ipoint
		want [][]ipoint // nil: nothing left
	}{
		{"valid square unchanged", [][]ipoint{square}, [][]ipoint{square}},
		{"closing point and duplicates dropped",
			[][]ipoint{pts(0, 0, 10, 0, 10, 0, 10, 10, 0, 10, 0, 0)}, [][]ipoint{square}},
		{"exterior turned to positive area", [][]ipoint{pts(0, 0, 0, 10, 10, 10, 10, 0)}, [][]ipoint{square}},
		{"spike A,B,A removed",
			[][]ipoint{pts(0, 0, 10, 0, 15, 3, 10, 0, 10, 10, 0, 10)}, [][]ipoint{square}},
		{"back-tracking along an edge removed",
			[][]ipoint{pts(0, 0, 10, 0, 10, 14, 10, 10, 0, 10)}, [][]ipoint{square}},
		{"spike across the ring's start removed",
			[][]ipoint{pts(-4, 0, 0, 0, 10, 0, 10, 10, 0, 10, 0, 0)}, [][]ipoint{square}},
		{"collinear exterior dropped", [][]ipoint{pts(0, 0, 5, 0, 10, 0)}, nil},
		{"two-point exterior drops its holes", [][]ipoint{pts(0, 0, 5, 5), pts(1, 1, 2, 1, 2, 2)}, nil},
		{"degenerate hole dropped", [][]ipoint{square, pts(2, 2, 4, 4, 2, 2)}, [][]ipoint{square}},
		{"hole turned to negative area",
			[][]ipoint{square, pts(2, 2, 4, 2, 4, 4, 2, 4)},
			[][]ipoint{square, pts(2, 2, 2, 4, 4, 4, 4, 2)}},
		{"zero-width span of the clipper splits the ring",
			// A C open to the west, clipped at x = 10: its two arms are
			// joined along x = 10 by spans running both ways.
			[][]ipoint{pts(0, 0, 10, 0, 10, 10, 0, 10, 0, 7, 10, 7, 10, 3, 0, 3)},
			[][]ipoint{pts(0, 0, 10, 0, 10, 3, 0, 3), pts(0, 7, 10, 7, 10, 10, 0, 10)}},
		{"hole cut by the buffer edge becomes a notch",
			[][]ipoint{square, pts(6, 4, 6, 6, 10, 6, 10, 4)},
			[][]ipoint{pts(0, 0, 10, 0, 10, 4, 6, 4, 6, 6, 10, 6, 10, 10, 0, 10)}},
		{"ring touching itself at a vertex becomes two",
			[][]ipoint{pts(0, 0, 5, 0, 5, 5, 10, 5, 10, 10, 5, 10, 5, 5, 0, 5)},
			[][]ipoint{pts(0, 0, 5, 0, 5, 5, 0, 5), pts(5, 5, 10, 5, 10, 10, 5, 10)}},
		{"loop inside the ring through a boundary vertex becomes a hole",
			[][]ipoint{pts(0, 0, 10, 0, 10, 10, 0, 10, 0, 5, 4, 7, 6, 5, 4, 3, 0, 5)},
			[][]ipoint{square, pts(0, 5, 4, 7, 6, 5, 4, 3)}},
		{"bow-tie becomes two triangles",
			[][]ipoint{pts(0, 0, 10, 10, 10, 0, 0, 10)},
			[][]ipoint{pts(0, 0, 5, 5, 0, 10), pts(5, 5, 10, 0, 10, 10)}},
		{"hole touching the exterior twice splits the polygon",
			[][]ipoint{square, pts(0, 5, 5, 8, 10, 5, 5, 2)},
			[][]ipoint{pts(0, 0, 10, 0, 10, 5, 5, 2, 0, 5), pts(0, 5, 5, 8, 10, 5, 10, 10, 0, 10)}},
		{"hole outside the exterior is another polygon",
			[][]ipoint{square, pts(20, 0, 20, 5, 25, 5, 25, 0)},
			[][]ipoint{square, pts(20, 0, 25, 0, 25, 5, 20, 5)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := cleanPolygon(cloneRings(tt.in))
			if err := checkValid(got); err != nil {
				t.Fatalf("invalid output %v: %v", got, err)
			}
			if !reflect.DeepEqual(canonical(got), canonical(tt.want)) {
				t.Fatalf("got  %v\nwant %v", got, tt.want)
			}
			if again := recleanEach(got); !reflect.DeepEqual(again, got) {
				t.Fatalf("not idempotent: %v then %v", got, again)
			}
		})
	}
}

// A valid polygon comes back exactly as given: same rings, same starts.
func TestCleanPolygonKeepsValid(t *testing.T) {
	in := [][]ipoint{pts(3, 0, 10, 0, 10, 10, 0, 10, 0, 3), pts(2, 2, 2, 4, 4, 4, 4, 2), pts(5, 5, 5, 9, 9, 9)}
	got := cleanPolygon(cloneRings(in))
	if !reflect.DeepEqual(got, in) {
		t.Fatalf("got %v, want %v", got, in)
	}
}

func TestCleanLine(t *testing.T) {
	tests := []struct {
		name     string
		in, want []ipoint
	}{
		{"kept", pts(0, 0, 1, 1, 2, 0), pts(0, 0, 1, 1, 2, 0)},
		{"duplicates dropped", pts(0, 0, 0, 0, 1, 1, 1, 1), pts(0, 0, 1, 1)},
		{"back and forth is a line", pts(0, 0, 1, 0, 0, 0), pts(0, 0, 1, 0, 0, 0)},
		{"zero length", pts(3, 3, 3, 3), nil},
		{"one point", pts(3, 3), nil},
		{"empty", nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := cleanLine(slices.Clone(tt.in)); !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("got %v, want %v", got, tt.want)
			}
		})
	}
}

// ringsFromBytes reads up to four rings of small coordinates, so that
// random input is full of coincident points, spans and crossings.
func ringsFromBytes(b []byte) [][]ipoint {
	var rings [][]ipoint
	for len(b) > 0 && len(rings) < 4 {
		n := int(b[0]%24) + 1
		b = b[1:]
		var r []ipoint
		for ; n > 0 && len(b) >= 2; n-- {
			r = append(r, ipoint{int32(int8(b[0])) / 4, int32(int8(b[1])) / 4})
			b = b[2:]
		}
		rings = append(rings, r)
	}
	return rings
}

func FuzzCleanPolygon(f *testing.F) {
	seed := func(rings ...[]ipoint) {
		var b []byte
		for _, r := range rings {
			b = append(b, byte(len(r)-1))
			for _, p := range r {
				b = append(b, byte(int8(p.X*4)), byte(int8(p.Y*4)))
			}
		}
		f.Add(b)
	}
	seed(pts(0, 0, 10, 0, 10, 10, 0, 10, 0, 7, 10, 7, 10, 3, 0, 3))
	seed(pts(0, 0, 10, 0, 10, 10, 0, 10), pts(6, 4, 6, 6, 10, 6, 10, 4))
	seed(pts(0, 0, 10, 10, 10, 0, 0, 10))
	seed(pts(0, 0, 10, 0, 10, 10, 0, 10), pts(0, 5, 5, 8, 10, 5, 5, 2))
	f.Add([]byte{3, 0x80, 0x80, 0x7f, 0x80, 0x7f, 0x7f})
	f.Fuzz(func(t *testing.T, b []byte) {
		in := ringsFromBytes(b)
		got := cleanPolygon(cloneRings(in))
		if err := checkValid(got); err != nil {
			t.Fatalf("cleanPolygon(%v) = %v: %v", in, got, err)
		}
		if again := recleanEach(got); !reflect.DeepEqual(again, got) {
			t.Fatalf("not idempotent on %v: %v then %v", in, got, again)
		}
		if twice := cleanPolygon(cloneRings(in)); !reflect.DeepEqual(twice, got) {
			t.Fatalf("not deterministic on %v: %v then %v", in, got, twice)
		}
	})
}

// benchRings are a valid 1,000-vertex ring with two holes, and a comb
// clipped Sutherland–Hodgman style at x = 100: 50 teeth joined by
// zero-width spans along the edge.
func benchRings() (valid, comb [][]ipoint) {
	var outer []ipoint
	for i := range 1000 {
		a := 2 * math.Pi * float64(i) / 1000
		outer = append(outer, ipoint{int32(math.Round(2000 + 1500*math.Cos(a))), int32(math.Round(2000 + 1500*math.Sin(a)))})
	}
	valid = [][]ipoint{outer, pts(1500, 1500, 1500, 1600, 1600, 1600, 1600, 1500), pts(2500, 2500, 2500, 2600, 2600, 2600, 2600, 2500)}
	var r []ipoint
	for k := range 50 {
		y := int32(k * 40)
		r = append(r, ipoint{0, y}, ipoint{100, y}, ipoint{100, y + 20}, ipoint{0, y + 20})
	}
	r = append(r, ipoint{-10, 2000}, ipoint{-10, 0})
	// Join the teeth along x = 100 as the clipper does: the tooth tops run
	// down the edge, the spans between them come back up.
	comb = [][]ipoint{append([]ipoint{{100, 1980}, {100, 0}}, r[1:]...)}
	return valid, comb
}

func BenchmarkCleanPolygon(b *testing.B) {
	valid, comb := benchRings()
	for _, bc := range []struct {
		name  string
		rings [][]ipoint
	}{
		{"rectangle", [][]ipoint{pts(10, 10, 60, 10, 60, 40, 10, 40)}},
		{"house-with-hole", [][]ipoint{pts(0, 0, 60, 0, 60, 30, 30, 60, 0, 60, 0, 30), pts(25, 25, 25, 35, 35, 35, 35, 25)}},
		{"valid-1000", valid},
		{"clipped-comb", comb},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				cleanPolygon(cloneRings(bc.rings))
			}
		})
	}
}

func TestConvexRing(t *testing.T) {
	tests := []struct {
		name string
		r    []ipoint
		sign int64
		want bool
	}{
		{"square", pts(0, 0, 10, 0, 10, 10, 0, 10), 1, true},
		{"square with a collinear vertex", pts(0, 0, 5, 0, 10, 0, 10, 10, 0, 10), 1, true},
		{"square, wrong sense", pts(0, 0, 10, 0, 10, 10, 0, 10), -1, false},
		{"L shape", pts(0, 0, 10, 0, 10, 5, 5, 5, 5, 10, 0, 10), 1, false},
		// Turns all one way, but it winds twice: not simple.
		{"pentagram", pts(0, 10, 6, -8, -10, 3, 10, 3, -6, -8), -1, false},
		{"pentagon, the same points in order", pts(0, 10, -10, 3, -6, -8, 6, -8, 10, 3), 1, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := convexRing(tt.r, tt.sign); got != tt.want {
				t.Fatalf("convexRing = %v, want %v", got, tt.want)
			}
		})
	}
}
