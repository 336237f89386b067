package tiles

import (
	"errors"
	"math"
	"testing"

	"github.com/paulmach/orb"
)

func TestCoordValidate(t *testing.T) {
	tests := []struct {
		z, x, y int
		ok      bool
	}{
		{0, 0, 0, true},
		{1, 1, 1, true},
		{1, 2, 0, false},
		{1, 0, 2, false},
		{2, 3, 3, true},
		{24, 1<<24 - 1, 1<<24 - 1, true},
		{24, 1 << 24, 0, false},
		{25, 0, 0, false},
		{-1, 0, 0, false},
		{3, -1, 0, false},
		{3, 0, -1, false},
		{3, 8, 0, false},
		{15, 26029, 14276, true}, // Huế
	}
	for _, tt := range tests {
		_, err := NewCoord(tt.z, tt.x, tt.y)
		if (err == nil) != tt.ok {
			t.Errorf("NewCoord(%d,%d,%d) err = %v, want ok=%v", tt.z, tt.x, tt.y, err, tt.ok)
		}
		if err != nil && !errors.Is(err, ErrBadTile) {
			t.Errorf("NewCoord(%d,%d,%d) err %v does not wrap ErrBadTile", tt.z, tt.x, tt.y, err)
		}
	}
}

func near(a, b, eps float64) bool { return math.Abs(a-b) <= eps }

func nearBound(a, b orb.Bound, eps float64) bool {
	return near(a.Min[0], b.Min[0], eps) && near(a.Min[1], b.Min[1], eps) &&
		near(a.Max[0], b.Max[0], eps) && near(a.Max[1], b.Max[1], eps)
}

func TestKnownBounds(t *testing.T) {
	const w = 20037508.342789244
	tests := []struct {
		c        Coord
		lonlat   orb.Bound
		mercator orb.Bound
	}{
		{Coord{0, 0, 0},
			orb.Bound{Min: orb.Point{-180, -MaxLatitude}, Max: orb.Point{180, MaxLatitude}},
			orb.Bound{Min: orb.Point{-w, -w}, Max: orb.Point{w, w}}},
		{Coord{1, 0, 0},
			orb.Bound{Min: orb.Point{-180, 0}, Max: orb.Point{0, MaxLatitude}},
			orb.Bound{Min: orb.Point{-w, 0}, Max: orb.Point{0, w}}},
		{Coord{1, 1, 1},
			orb.Bound{Min: orb.Point{0, -MaxLatitude}, Max: orb.Point{180, 0}},
			orb.Bound{Min: orb.Point{0, -w}, Max: orb.Point{w, 0}}},
		// z2 row 1 starts at the latitude of Mercator y = w/2.
		{Coord{2, 2, 1},
			orb.Bound{Min: orb.Point{0, 0}, Max: orb.Point{90, 66.51326044311186}},
			orb.Bound{Min: orb.Point{0, 0}, Max: orb.Point{w / 2, w / 2}}},
	}
	for _, tt := range tests {
		if b := tt.c.Bound(); !nearBound(b, tt.lonlat, 1e-9) {
			t.Errorf("%v Bound = %v, want %v", tt.c, b, tt.lonlat)
		}
		if b := tt.c.MercatorBound(); !nearBound(b, tt.mercator, 1e-6) {
			t.Errorf("%v MercatorBound = %v, want %v", tt.c, b, tt.mercator)
		}
	}
}

// TestTileGridExhaustive checks every tile of zooms 0..7, and a sample of
// deep zooms, for consistency between bounds, projection and lookup.
func TestTileGridExhaustive(t *testing.T) {
	check := func(c Coord) {
		if err := c.Validate(); err != nil {
			t.Fatal(err)
		}
		b := c.Bound()
		for _, buf := range []int{0, 64, DefaultBuffer} {
			bb := c.BufferedBound(buf, DefaultExtent)
			nw := c.Project(orb.Point{bb.Min[0], bb.Max[1]}, DefaultExtent)
			se := c.Project(orb.Point{bb.Max[0], bb.Min[1]}, DefaultExtent)
			lo, hi := float64(-buf), float64(DefaultExtent+buf)
			// Rows 0 and n−1 with a buffer reach past the Mercator limit,
			// where projection clamps to the world edge.
			top, bottom := lo, hi
			if c.Y == 0 && buf > 0 {
				top = 0
			}
			if c.Y == 1<<c.Z-1 && buf > 0 {
				bottom = DefaultExtent
			}
			eps := 1e-3 // a thousandth of a tile unit: far below quantization
			if !near(nw[0], lo, eps) || !near(nw[1], top, eps) || !near(se[0], hi, eps) || !near(se[1], bottom, eps) {
				t.Fatalf("%v buffer %d: corners project to %v %v, want (%v,%v) (%v,%v)", c, buf, nw, se, lo, top, hi, bottom)
			}
		}
		if got := CoordOf(b.Center(), c.Z); got != c {
			t.Fatalf("CoordOf(center of %v) = %v", c, got)
		}
		inset := (b.Max[0] - b.Min[0]) * 1e-9
		if got := CoordOf(orb.Point{b.Min[0] + inset, b.Max[1] - inset}, c.Z); got != c {
			t.Fatalf("CoordOf(north-west corner of %v) = %v", c, got)
		}
		n := 1 << c.Z
		if c.X+1 < n && (Coord{c.Z, c.X + 1, c.Y}).Bound().Min[0] != b.Max[0] {
			t.Fatalf("%v does not meet its east neighbour", c)
		}
		if c.Y+1 < n && (Coord{c.Z, c.X, c.Y + 1}).Bound().Max[1] != b.Min[1] {
			t.Fatalf("%v does not meet its south neighbour", c)
		}
		m := c.MercatorBound()
		if !near(m.Max[0]-m.Min[0], 2*mercatorHalf/float64(n), 1e-6) {
			t.Fatalf("%v mercator width %v", c, m.Max[0]-m.Min[0])
		}
	}
	for z := 0; z <= 7; z++ {
		for x := 0; x < 1<<z; x++ {
			for y := 0; y < 1<<z; y++ {
				check(Coord{z, x, y})
			}
		}
	}
	for z := 8; z <= MaxZoom; z++ {
		n := 1 << z
		for _, xy := range [][2]int{{0, 0}, {n - 1, n - 1}, {n / 2, n/2 - 1}, {n / 3, 2 * n / 3}} {
			check(Coord{z, xy[0], xy[1]})
		}
	}
}

func TestProject(t *testing.T) {
	c := Coord{Z: 15, X: 26029, Y: 14276}
	b := c.Bound()
	tests := []struct {
		name string
		p    orb.Point
		x, y int
	}{
		{"north-west corner", orb.Point{b.Min[0], b.Max[1]}, 0, 0},
		{"south-east corner", orb.Point{b.Max[0], b.Min[1]}, 4096, 4096},
		{"mercator centre", orb.Point{b.Center()[0], worldToLat((float64(c.Y) + 0.5) / (1 << 15))}, 2048, 2048},
		{"west of the tile, in the buffer", orb.Point{b.Min[0] - (b.Max[0]-b.Min[0])/16, b.Max[1]}, -256, 0},
	}
	for _, tt := range tests {
		x, y := Quantize(c.Project(tt.p, DefaultExtent))
		if x != tt.x || y != tt.y {
			t.Errorf("%s: Project = (%d,%d), want (%d,%d)", tt.name, x, y, tt.x, tt.y)
		}
	}
	if p := (Coord{}).Project(orb.Point{0, 90}, 4096); !near(p[1], 0, 1e-9) {
		t.Errorf("north pole projects to y=%v, want 0 (clamped)", p[1])
	}
	if p := (Coord{}).Project(orb.Point{0, -90}, 4096); !near(p[1], 4096, 1e-9) {
		t.Errorf("south pole projects to y=%v, want 4096 (clamped)", p[1])
	}
}

func TestQuantize(t *testing.T) {
	tests := []struct {
		in   orb.Point
		x, y int
	}{
		{orb.Point{0.5, -0.5}, 1, -1},
		{orb.Point{1.49, 2.51}, 1, 3},
		{orb.Point{-256, 4352}, -256, 4352},
		{orb.Point{4095.5, 0.4999}, 4096, 0},
	}
	for _, tt := range tests {
		if x, y := Quantize(tt.in); x != tt.x || y != tt.y {
			t.Errorf("Quantize(%v) = %d,%d, want %d,%d", tt.in, x, y, tt.x, tt.y)
		}
	}
}

func TestBufferedBoundDefault(t *testing.T) {
	// The default buffer is 1/16 of a tile on each side.
	c := Coord{Z: 4, X: 12, Y: 7}
	b, bb := c.Bound(), c.BufferedBound(DefaultBuffer, DefaultExtent)
	w := b.Max[0] - b.Min[0]
	if !near(b.Min[0]-bb.Min[0], w/16, 1e-9) || !near(bb.Max[0]-b.Max[0], w/16, 1e-9) {
		t.Errorf("buffered %v around %v is not w/16 wide", bb, b)
	}
	if bb.Max[1] <= b.Max[1] || bb.Min[1] >= b.Min[1] {
		t.Errorf("buffered %v does not grow %v north and south", bb, b)
	}
}
