package hex

import (
	"bando/spatial"
	"errors"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"
	h3 "github.com/uber/h3-go/v4"
)

// starPolygon returns a seeded random star-shaped polygon (simple, CCW)
// around c with radii up to rDeg, and sometimes a hole around c.
func starPolygon(r *rand.Rand, c orb.Point, rDeg float64, hole bool) orb.Polygon {
	n := 5 + r.IntN(20)
	ring := make(orb.Ring, 0, n+1)
	for i := range n {
		a := 2 * math.Pi * (float64(i) + 0.8*r.Float64()) / float64(n)
		d := rDeg * (0.3 + 0.7*r.Float64())
		ring = append(ring, orb.Point{c[0] + d*math.Cos(a), c[1] + d*math.Sin(a)})
	}
	ring = append(ring, ring[0])
	p := orb.Polygon{ring}
	if hole {
		h := orb.Ring{}
		for i := range 6 {
			a := -2 * math.Pi * float64(i) / 6
			h = append(h, orb.Point{c[0] + 0.2*rDeg*math.Cos(a), c[1] + 0.2*rDeg*math.Sin(a)})
		}
		p = append(p, append(h, h[0]))
	}
	return p
}

func inVietnam(r *rand.Rand) orb.Point {
	return orb.Point{102.5 + 6.5*r.Float64(), 9 + 13*r.Float64()}
}

// centre returns a cell's centre as lon/lat.
func centre(c Cell) orb.Point {
	ll := h3.Cell(c).LatLng()
	return orb.Point{ll.Lng, ll.Lat}
}

// nearEdge reports whether p lies within eps degrees of a ring edge, where
// the point-in-polygon tests of H3 and orb may disagree by rounding.
func nearEdge(p orb.Point, poly orb.Polygon, eps float64) bool {
	for _, ring := range poly {
		for i := 1; i < len(ring); i++ {
			if planar.DistanceFromSegment(ring[i-1], ring[i], p) < eps {
				return true
			}
		}
	}
	return false
}

// TestPolygonCellsCentreContainment checks what centre containment
// promises on random polygons with and without holes: every returned cell's
// centre lies inside the polygon, and every cell nearby whose centre lies
// inside is returned.
func TestPolygonCellsCentreContainment(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 12))
	checked := 0
	for i := range 60 {
		res := 6 + i%5
		edge := h3.HexagonEdgeLengthAvgM(res) / 111_000 // degrees, roughly
		poly := starPolygon(r, inVietnam(r), edge*(2+20*r.Float64()), i%3 == 0)
		got, err := PolygonCells(poly, res, 0)
		if err != nil {
			t.Fatal(err)
		}
		in := map[Cell]bool{}
		for _, c := range got {
			in[c] = true
			if c.Res() != res {
				t.Fatalf("polygon %d: cell %s of res %d, want %d", i, c, c.Res(), res)
			}
			if p := centre(c); !planar.PolygonContains(poly, p) && !nearEdge(p, poly, 1e-9) {
				t.Fatalf("polygon %d res %d: cell %s has its centre %v outside", i, res, c, p)
			}
		}
		// Every cell within reach of the polygon: a disk around its centre
		// wider than the polygon.
		c0, _ := CellOf(poly.Bound().Center()[0], poly.Bound().Center()[1], res)
		b := poly.Bound()
		k := int(math.Max(b.Max[0]-b.Min[0], b.Max[1]-b.Min[1])/edge) + 3
		disk, err := GridDisk(c0, min(k, MaxRing))
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range disk {
			p := centre(c)
			if planar.PolygonContains(poly, p) && !in[c] && !nearEdge(p, poly, 1e-9) {
				t.Fatalf("polygon %d res %d: cell %s has its centre %v inside but is missing", i, res, c, p)
			}
			checked++
		}
	}
	t.Logf("checked %d candidate cells", checked)
}

// TestLineCells checks the line rule: every vertex's cell is in, and the
// cells form one connected chain of neighbours.
func TestLineCells(t *testing.T) {
	r := rand.New(rand.NewPCG(13, 14))
	for i := range 80 {
		res := 5 + i%8
		edge := h3.HexagonEdgeLengthAvgM(res) / 111_000
		l := orb.LineString{inVietnam(r)}
		for range 1 + r.IntN(8) {
			last := l[len(l)-1]
			l = append(l, orb.Point{last[0] + edge*20*r.NormFloat64(), last[1] + edge*20*r.NormFloat64()})
		}
		got, err := LineCells(l, res, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, v := range l {
			c, _ := CellOf(v[0], v[1], res)
			if _, ok := slices.BinarySearch(got, c); !ok {
				t.Fatalf("line %d: vertex %v's cell %s is missing", i, v, c)
			}
		}
		if !connected(got) {
			t.Fatalf("line %d res %d: %d cells are not one connected chain", i, res, len(got))
		}
	}
}

// connected reports whether cells form one group under neighbourhood.
func connected(cells []Cell) bool {
	if len(cells) == 0 {
		return true
	}
	seen := map[Cell]bool{cells[0]: true}
	todo := []Cell{cells[0]}
	for len(todo) > 0 {
		c := todo[len(todo)-1]
		todo = todo[:len(todo)-1]
		ring, _ := GridDisk(c, 1)
		for _, n := range ring {
			if _, ok := slices.BinarySearch(cells, n); ok && !seen[n] {
				seen[n] = true
				todo = append(todo, n)
			}
		}
	}
	return len(seen) == len(cells)
}

func TestCover(t *testing.T) {
	a := orb.Point{106.70, 10.78}
	b := orb.Point{106.71, 10.79}
	ca, _ := CellOf(a[0], a[1], 9)
	cb, _ := CellOf(b[0], b[1], 9)
	// A 1 m square holds no res-9 centre: it counts at its centroid.
	tiny := orb.Polygon{{{106.7, 10.78}, {106.70001, 10.78}, {106.70001, 10.78001}, {106.7, 10.78001}, {106.7, 10.78}}}
	ctiny, _ := CellOf(106.700005, 10.780005, 9)
	big := starPolygon(rand.New(rand.NewPCG(1, 1)), a, 0.05, true)
	bigCells, _ := PolygonCells(big, 9, 0)
	line := orb.LineString{a, b}
	lineCells, _ := LineCells(line, 9, 0)
	tests := []struct {
		name string
		g    orb.Geometry
		want []Cell
	}{
		{"nil", nil, nil},
		{"point", a, []Cell{ca}},
		{"multipoint", orb.MultiPoint{b, a, b}, sortedSet([]Cell{ca, cb})},
		{"line", line, lineCells},
		{"multiline", orb.MultiLineString{line, {b, a}}, lineCells},
		{"tiny polygon", tiny, []Cell{ctiny}},
		{"polygon", big, bigCells},
		{"multipolygon", orb.MultiPolygon{big, tiny}, bigCells},
		{"collection", orb.Collection{a, b, tiny}, sortedSet([]Cell{ca, cb, ctiny})},
	}
	for _, tt := range tests {
		got, err := Cover(tt.g, 9, 0)
		if err != nil || !slices.Equal(got, tt.want) {
			t.Errorf("%s: Cover = %v, %v; want %v", tt.name, got, err, tt.want)
		}
	}
	if len(bigCells) < 100 || len(lineCells) < 3 {
		t.Fatalf("test shapes too small: %d polygon cells, %d line cells", len(bigCells), len(lineCells))
	}
}

func TestCoverLimits(t *testing.T) {
	commune := starPolygon(rand.New(rand.NewPCG(2, 2)), orb.Point{106.7, 10.8}, 0.05, false)
	_, err := PolygonCells(commune, 15, 0)
	var le *LimitError
	if !errors.As(err, &le) || !errors.Is(err, ErrLimit) || le.Limit != DefaultMaxFeatureCells {
		t.Errorf("commune at res 15: %v, want a *LimitError", err)
	}
	road := orb.LineString{{106.6, 10.7}, {106.9, 10.9}}
	if _, err := LineCells(road, 15, 1000); !errors.Is(err, ErrLimit) {
		t.Errorf("30 km road at res 15 with max 1000: %v, want ErrLimit", err)
	}
	if _, err := Cover(commune, 16, 0); !errors.Is(err, ErrInvalid) {
		t.Errorf("res 16: %v, want ErrInvalid", err)
	}
	bad := orb.LineString{{106, 10}, {math.NaN(), 10}}
	if _, err := LineCells(bad, 8, 0); !errors.Is(err, ErrInvalid) {
		t.Errorf("NaN vertex: %v, want ErrInvalid", err)
	}
}

// TestCoverCacheKeyedByVersion: two reads of the same stored feature (two
// *Feature values) share one entry; a new version of it does not.
func TestCoverCacheKeyedByVersion(t *testing.T) {
	cc := NewCoverCache(0)
	g := orb.Polygon{{{106.70, 10.77}, {106.72, 10.77}, {106.72, 10.79}, {106.70, 10.79}, {106.70, 10.77}}}
	read := func(seq uint64) *spatial.Feature {
		return &spatial.Feature{ID: "p", Seq: seq, Geom: g, Bound: g.Bound()}
	}
	for _, f := range []*spatial.Feature{read(7), read(7)} {
		if _, err := cc.Cover(f, 9, 0); err != nil {
			t.Fatal(err)
		}
	}
	if cc.Len() != 1 {
		t.Errorf("two reads of one version: %d entries, want 1", cc.Len())
	}
	if _, err := cc.Cover(read(8), 9, 0); err != nil || cc.Len() != 2 {
		t.Errorf("a new version: %d entries (%v), want 2", cc.Len(), err)
	}
}
