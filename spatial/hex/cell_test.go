package hex

import (
	"errors"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"
	h3 "github.com/uber/h3-go/v4"
)

// worldPoints returns seeded random lon/lat points: uniform on the sphere,
// plus points near the poles and within a few km of every pentagon centre,
// where H3's grid is least regular.
func worldPoints(seed uint64, n int) []orb.Point {
	r := rand.New(rand.NewPCG(seed, 3))
	var pts []orb.Point
	for range n {
		lat := math.Asin(2*r.Float64()-1) * 180 / math.Pi
		pts = append(pts, orb.Point{360*r.Float64() - 180, lat})
	}
	for range n / 20 {
		pts = append(pts, orb.Point{360*r.Float64() - 180, 89.9 + 0.1*r.Float64()},
			orb.Point{360*r.Float64() - 180, -89.9 - 0.1*r.Float64()})
	}
	for _, pc := range h3.Pentagons(0) {
		c := pc.LatLng()
		for range max(n/200, 2) {
			pts = append(pts, orb.Point{c.Lng + 0.1*r.NormFloat64(), clampLat(c.Lat + 0.1*r.NormFloat64())})
		}
	}
	for i, p := range pts { // keep longitudes in range near ±180
		pts[i][0] = math.Mod(p[0]+540, 360) - 180
	}
	return pts
}

func clampLat(lat float64) float64 { return max(-90, min(90, lat)) }

// TestParentMatchesH3 checks the bit-arithmetic parent against h3-go's
// cellToParent for random cells at every resolution pair, pentagons among
// them.
func TestParentMatchesH3(t *testing.T) {
	pts := worldPoints(1, 4000)
	n := 0
	for i, p := range pts {
		res := i % 16
		c := h3.LatLngToCell(h3.LatLng{Lat: p[1], Lng: p[0]}, res)
		for pr := 0; pr <= res; pr++ {
			got, err := Cell(c).Parent(pr)
			if want := Cell(c.Parent(pr)); err != nil || got != want {
				t.Fatalf("Parent(%s, %d) = %s, %v; h3 says %s", Cell(c), pr, got, err, want)
			}
			n++
		}
	}
	for res := range 16 {
		for _, pc := range h3.Pentagons(res) {
			for pr := 0; pr <= res; pr++ {
				if got, want := Cell(pc).parent(pr), Cell(pc.Parent(pr)); got != want {
					t.Fatalf("pentagon %s parent %d = %s; h3 says %s", Cell(pc), pr, got, want)
				}
				n++
			}
		}
	}
	t.Logf("%d parents agree with h3-go", n)
}

func TestParentErrors(t *testing.T) {
	c, _ := CellOf(106.7, 10.8, 8)
	for _, res := range []int{9, 16, -1} {
		_, err := c.Parent(res)
		var pe *Error
		if !errors.As(err, &pe) || pe.Param != "parent" || !errors.Is(err, ErrInvalid) {
			t.Errorf("Parent(%d) = %v, want an *Error on parent", res, err)
		}
	}
}

func TestCheckRes(t *testing.T) {
	for res := range 16 {
		if err := CheckRes("res", res); err != nil {
			t.Errorf("res=%d: %v", res, err)
		}
	}
	for _, res := range []int{-1, 16, 100} {
		err := CheckRes("res", res)
		var pe *Error
		if !errors.As(err, &pe) || pe.Param != "res" || !strings.Contains(err.Error(), "res=") {
			t.Errorf("res=%d: %v, want an *Error naming res", res, err)
		}
	}
	if err := CheckRes("res", 16); err.Error() != "hex: res=16: resolution must be 0..15" {
		t.Errorf("res=16 says %q", err)
	}
}

func TestParseCell(t *testing.T) {
	good, _ := CellOf(106.7, 10.8, 8)
	pent := Cell(h3.Pentagons(5)[3])
	edge := Cell(h3.Cell(good).DirectedEdges()[0])
	tests := []struct {
		in   string
		want Cell
		ok   bool
	}{
		{good.String(), good, true},
		{strings.ToUpper(good.String()), good, true},
		{"0" + good.String(), good, true},
		{pent.String(), pent, true},
		{"8f", 0, false},
		{"", 0, false},
		{"0", 0, false},
		{"zz", 0, false},
		{"0x" + good.String(), 0, false},
		{" " + good.String(), 0, false},
		{good.String() + "ff", 0, false},
		{"ffffffffffffffff", 0, false},
		{edge.String(), 0, false},
		{"8" + strings.Repeat("f", 14), 0, false},
	}
	for _, tt := range tests {
		got, err := ParseCell(tt.in)
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("ParseCell(%q) = %s, %v; want %s ok=%v", tt.in, got, err, tt.want, tt.ok)
		}
		if err != nil && !errors.Is(err, ErrInvalid) {
			t.Errorf("ParseCell(%q): %v is not ErrInvalid", tt.in, err)
		}
	}
	if s := good.String(); len(s) != 15 || s != h3.Cell(good).String() {
		t.Errorf("String() = %q, h3 says %q", s, h3.Cell(good).String())
	}
}

func TestCellOfErrors(t *testing.T) {
	tests := []struct {
		lon, lat float64
		res      int
		param    string
	}{
		{106, 10, 16, "res"},
		{106, 10, -1, "res"},
		{math.NaN(), 10, 8, "lon"},
		{math.Inf(1), 10, 8, "lon"},
		{181, 10, 8, "lon"},
		{106, 90.5, 8, "lat"},
		{106, math.NaN(), 8, "lat"},
	}
	for _, tt := range tests {
		_, err := CellOf(tt.lon, tt.lat, tt.res)
		var pe *Error
		if !errors.As(err, &pe) || pe.Param != tt.param {
			t.Errorf("CellOf(%v, %v, %d) = %v, want an *Error on %s", tt.lon, tt.lat, tt.res, err, tt.param)
		}
	}
}

func TestGridDisk(t *testing.T) {
	hexCell, _ := CellOf(106.7, 10.8, 9)
	pent := Cell(h3.Pentagons(9)[0])
	for k := 0; k <= 5; k++ {
		d, err := GridDisk(hexCell, k)
		if err != nil || len(d) != 3*k*(k+1)+1 {
			t.Fatalf("k=%d: %d cells, %v", k, len(d), err)
		}
		for i, c := range d {
			if i > 0 && d[i-1] >= c || h3.GridDistance(h3.Cell(hexCell), h3.Cell(c)) > k || c.Res() != 9 {
				t.Fatalf("k=%d: cell %s out of order, too far or of the wrong res", k, c)
			}
		}
	}
	if d, err := GridDisk(pent, 1); err != nil || len(d) != 6 {
		t.Errorf("pentagon k=1: %d cells, %v; want 6", len(d), err)
	}
	for _, bad := range []struct {
		c Cell
		k int
	}{{hexCell, -1}, {hexCell, MaxRing + 1}, {0, 1}, {Cell(1), 1}} {
		if _, err := GridDisk(bad.c, bad.k); !errors.Is(err, ErrInvalid) {
			t.Errorf("GridDisk(%s, %d) = %v, want ErrInvalid", bad.c, bad.k, err)
		}
	}
}

// TestBoundary checks that outlines are closed, counter-clockwise, hold
// their centre and have H3's vertex count, also for pentagons and cells on
// the antimeridian.
func TestBoundary(t *testing.T) {
	cells := []Cell{Cell(h3.Pentagons(4)[2]), Cell(h3.Pentagons(7)[5])}
	for i, p := range worldPoints(4, 300) {
		c, _ := CellOf(p[0], p[1], i%16)
		cells = append(cells, c)
	}
	anti, _ := CellOf(179.999, -16.5, 3)
	cells = append(cells, anti)
	for _, c := range cells {
		r := Boundary(c)
		ll := h3.Cell(c).LatLng()
		centre := orb.Point{ll.Lng, ll.Lat}
		if r.Bound().Max[0] > 180 && centre[0] < 0 {
			centre[0] += 360
		}
		n := len(h3.CellToBoundary(h3.Cell(c)))
		if len(r) != n+1 || r[0] != r[len(r)-1] || r.Orientation() != orb.CCW {
			t.Fatalf("%s: ring of %d points (h3: %d), closed %v, orientation %v", c, len(r), n, r[0] == r[len(r)-1], r.Orientation())
		}
		// Planar lon/lat distorts coarse cells near the poles too much.
		polar := c.Res() < 2 || r.Bound().Max[1] > 80 || r.Bound().Min[1] < -80
		if !polar && !planar.RingContains(r, centre) {
			t.Fatalf("%s: outline does not hold its centre %v", c, centre)
		}
		if b := r.Bound(); !polar && b.Max[0]-b.Min[0] > 180 {
			t.Fatalf("%s: outline %v wraps around the globe", c, b)
		}
	}
	for _, bad := range []Cell{0, 1, Cell(1) << 63} {
		if r := Boundary(bad); r != nil {
			t.Errorf("Boundary(%s) = %v, want nil", bad, r)
		}
	}
	if b := Boundary(anti).Bound(); b.Max[0] <= 180 {
		t.Errorf("antimeridian cell %s: bound %v, want longitudes past 180", anti, b)
	}
}

// TestParentIsNotContainment pins down why the point cache keeps one cell
// per resolution instead of deriving coarse cells from res 15: for a few
// percent of points the parent of the fine cell is not the coarse cell that
// holds the point.
func TestParentIsNotContainment(t *testing.T) {
	pts := worldPoints(5, 20_000)
	differ := 0
	for _, p := range pts {
		ll := h3.LatLng{Lat: p[1], Lng: p[0]}
		if h3.LatLngToCell(ll, 15).Parent(8) != h3.LatLngToCell(ll, 8) {
			differ++
		}
	}
	if share := float64(differ) / float64(len(pts)); share < 0.01 || share > 0.2 {
		t.Errorf("%.1f %% of points have parent(cell15, 8) != cell8; expected a few percent", 100*share)
	}
	t.Logf("%d of %d points: the res-8 parent of their res-15 cell does not hold them", differ, len(pts))
}
