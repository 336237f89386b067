package hex

import (
	"math/rand/v2"
	"testing"

	"github.com/paulmach/orb"
)

// TestCellsInBound checks CellsInBound against sampling: every cell that
// holds a point of the rectangle (a dense grid of points on it, its edges
// and corners included) is returned, and every returned cell's outline box
// meets the rectangle.
func TestCellsInBound(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 7))
	type tc struct {
		name string
		b    orb.Bound
		res  int
	}
	cases := []tc{
		{"world res 0", orb.Bound{Min: orb.Point{-180, -85}, Max: orb.Point{180, 85}}, 0},
		{"vietnam res 2", orb.Bound{Min: orb.Point{102, 8}, Max: orb.Point{110, 24}}, 2},
		{"province res 5", orb.Bound{Min: orb.Point{106.3, 8.6}, Max: orb.Point{107.6, 11.5}}, 5},
		{"tile res 8", orb.Bound{Min: orb.Point{107.5, 16.4}, Max: orb.Point{107.6, 16.5}}, 8},
		{"north res 4", orb.Bound{Min: orb.Point{10, 58}, Max: orb.Point{16, 66}}, 4},
	}
	for range 10 {
		w, s := 102+6*rng.Float64(), 8+14*rng.Float64()
		d := 0.01 + 0.2*rng.Float64()
		cases = append(cases, tc{"random", orb.Bound{Min: orb.Point{w, s}, Max: orb.Point{w + d, s + d*0.7}}, 6 + rng.IntN(4)})
	}
	for _, c := range cases {
		got, reach, err := CellsInBound(c.b, c.res, 0)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		in := map[Cell]bool{}
		for _, cell := range got {
			in[cell] = true
			if !Boundary(cell).Bound().Intersects(c.b) {
				t.Errorf("%s: cell %v does not come near the rectangle", c.name, cell)
			}
		}
		if want := CellsBound(got).Union(c.b); reach != want {
			t.Errorf("%s: reach %v, want %v", c.name, reach, want)
		}
		const n = 60
		for i := 0; i <= n; i++ {
			for j := 0; j <= n; j++ {
				p := orb.Point{c.b.Min[0] + (c.b.Max[0]-c.b.Min[0])*float64(i)/n, c.b.Min[1] + (c.b.Max[1]-c.b.Min[1])*float64(j)/n}
				if cell := cellOf(p[0], p[1], c.res); !in[cell] {
					t.Fatalf("%s: cell %v of point %v is missing (%d cells)", c.name, cell, p, len(got))
				}
			}
		}
	}
}

// TestCellsInBoundBad: bad rectangles and resolutions are *Error values.
func TestCellsInBoundBad(t *testing.T) {
	for _, c := range []struct {
		b   orb.Bound
		res int
	}{
		{orb.Bound{Min: orb.Point{1, 1}, Max: orb.Point{0, 2}}, 5},
		{orb.Bound{Min: orb.Point{0, 0}, Max: orb.Point{1, 1}}, 16},
		{orb.Bound{Min: orb.Point{0, 0}, Max: orb.Point{1, 1}}, -1},
	} {
		if _, _, err := CellsInBound(c.b, c.res, 0); err == nil {
			t.Errorf("CellsInBound(%v, %d): no error", c.b, c.res)
		}
	}
	if _, _, err := CellsInBound(orb.Bound{Min: orb.Point{100, 10}, Max: orb.Point{110, 20}}, 9, 1000); err == nil {
		t.Error("CellsInBound over the limit: no error")
	}
}

// TestCenterIsInCell: a cell's centre lies in the cell.
func TestCenterIsInCell(t *testing.T) {
	for _, res := range []int{0, 5, 9, 15} {
		c := cellOf(107.585, 16.463, res)
		p := Center(c)
		if got := cellOf(p[0], p[1], res); got != c {
			t.Errorf("res %d: centre %v is in %v, not %v", res, p, got, c)
		}
	}
}

// TestSuppress removes cells under k, empty ones included.
func TestSuppress(t *testing.T) {
	r := &Result{Cells: []CellFigures{{Cell: 1, Count: 0}, {Cell: 2, Count: 4}, {Cell: 3, Count: 5}, {Cell: 4, Count: 9}}}
	if n := r.Suppress(5); n != 2 || len(r.Cells) != 2 || r.Cells[0].Cell != 3 || r.Cells[1].Cell != 4 {
		t.Errorf("Suppress(5) = %d, cells %v", n, r.Cells)
	}
	if n := r.Suppress(1); n != 0 {
		t.Errorf("Suppress(1) removed %d", n)
	}
}

// TestCompact: compact ids fit in 52 bits, differ for distinct cells of a
// resolution and give the cell back.
func TestCompact(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 9))
	for res := 0; res <= MaxRes; res++ {
		seen := map[uint64]Cell{}
		for range 200 {
			c := cellOf(-180+360*rng.Float64(), -90+180*rng.Float64(), res)
			n := c.Compact()
			if n >= 1<<52 {
				t.Fatalf("res %d: %v compacts to %d, over 2^52", res, c, n)
			}
			if o, ok := seen[n]; ok && o != c {
				t.Fatalf("res %d: %v and %v compact to %d", res, c, o, n)
			}
			seen[n] = c
			if back := CellOfCompact(n, res); back != c {
				t.Fatalf("res %d: %v → %d → %v", res, c, n, back)
			}
		}
	}
}
