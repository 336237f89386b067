package spatial

import (
	"math"
	"math/big"

	"github.com/paulmach/orb"
)

// Orient returns the side of c relative to the directed line a→b: +1 left
// (counter-clockwise), -1 right, 0 exactly on the line. The sign is exact:
// a float determinant decides when it clears Shewchuk's error bound, exact
// rational arithmetic otherwise, so collinear and touching inputs (shared
// boundaries of adjacent units) are recognised as GEOS recognises them.
func Orient(a, b, c orb.Point) int {
	l := (b[0] - a[0]) * (c[1] - a[1])
	r := (b[1] - a[1]) * (c[0] - a[0])
	det := l - r
	bound := (math.Abs(l) + math.Abs(r)) * 3.3306690738754716e-16
	switch {
	case det > bound:
		return 1
	case -det > bound:
		return -1
	case l == 0 && r == 0:
		// Both products are 0 only when a factor is 0, which the
		// subtraction computed exactly.
		return 0
	}
	return orientExact(a, b, c)
}

// orientExact is the sign of the determinant computed exactly with float
// expansions (Shewchuk's arithmetic: each difference and product split
// into its rounded value and its exact error, then summed without loss),
// which allocates nothing; shared boundaries of real admin units reach it
// for most of their vertices. orientRat is the same sign by rationals, the
// oracle of the tests.
func orientExact(a, b, c orb.Point) int {
	dx1, ex1 := twoDiff(b[0], a[0])
	dy2, ey2 := twoDiff(c[1], a[1])
	dy1, ey1 := twoDiff(b[1], a[1])
	dx2, ex2 := twoDiff(c[0], a[0])
	for _, v := range [...]float64{dx1, ex1, dy2, ey2, dy1, ey1, dx2, ex2} {
		// The error terms of products below about 2^-1000 underflow:
		// such coordinates (never lon/lat) take the rationals.
		if v != 0 && (math.Abs(v) < 0x1p-450 || math.Abs(v) > 0x1p450) {
			return orientRat(a, b, c)
		}
	}
	var terms [16]float64
	k := 0
	prod := func(x, y float64, neg bool) {
		p, e := twoProduct(x, y)
		if neg {
			p, e = -p, -e
		}
		terms[k], terms[k+1] = p, e
		k += 2
	}
	prod(dx1, dy2, false)
	prod(dx1, ey2, false)
	prod(ex1, dy2, false)
	prod(ex1, ey2, false)
	prod(dy1, dx2, true)
	prod(dy1, ex2, true)
	prod(ey1, dx2, true)
	prod(ey1, ex2, true)
	// Grow a nonoverlapping expansion, increasing in magnitude, one term at
	// a time: its largest nonzero component has the sign of the sum.
	var h [17]float64
	n := 0
	for _, t := range terms {
		q := t
		m := 0
		for i := 0; i < n; i++ {
			var e float64
			q, e = twoSum(q, h[i])
			if e != 0 {
				h[m] = e
				m++
			}
		}
		h[m] = q
		n = m + 1
	}
	for i := n - 1; i >= 0; i-- {
		switch {
		case h[i] > 0:
			return 1
		case h[i] < 0:
			return -1
		}
	}
	return 0
}

// twoSum returns a+b rounded and its exact error (Knuth).
func twoSum(a, b float64) (x, y float64) {
	x = a + b
	bv := x - a
	av := x - bv
	return x, (a - av) + (b - bv)
}

// twoDiff returns a-b rounded and its exact error.
func twoDiff(a, b float64) (x, y float64) {
	x = a - b
	bv := a - x
	av := x + bv
	return x, (a - av) + (bv - b)
}

// twoProduct returns a*b rounded and its exact error (a fused multiply-add
// computes the error without rounding).
func twoProduct(a, b float64) (x, y float64) {
	x = a * b
	return x, math.FMA(a, b, -x)
}

func orientRat(a, b, c orb.Point) int {
	rat := func(f float64) *big.Rat { return new(big.Rat).SetFloat64(f) }
	sub := func(x, y float64) *big.Rat { return new(big.Rat).Sub(rat(x), rat(y)) }
	l := new(big.Rat).Mul(sub(b[0], a[0]), sub(c[1], a[1]))
	r := new(big.Rat).Mul(sub(b[1], a[1]), sub(c[0], a[0]))
	return l.Cmp(r)
}

// onSegment reports whether p, known to be collinear with a–b, lies on the
// closed segment a–b.
func onSegment(a, b, p orb.Point) bool {
	return math.Min(a[0], b[0]) <= p[0] && p[0] <= math.Max(a[0], b[0]) &&
		math.Min(a[1], b[1]) <= p[1] && p[1] <= math.Max(a[1], b[1])
}

// SegmentsIntersect reports whether the closed segments p1–p2 and q1–q2
// share a point, exactly.
func SegmentsIntersect(p1, p2, q1, q2 orb.Point) bool {
	if math.Max(p1[0], p2[0]) < math.Min(q1[0], q2[0]) || math.Max(q1[0], q2[0]) < math.Min(p1[0], p2[0]) ||
		math.Max(p1[1], p2[1]) < math.Min(q1[1], q2[1]) || math.Max(q1[1], q2[1]) < math.Min(p1[1], p2[1]) {
		return false
	}
	o1, o2 := Orient(p1, p2, q1), Orient(p1, p2, q2)
	o3, o4 := Orient(q1, q2, p1), Orient(q1, q2, p2)
	if o1*o2 < 0 && o3*o4 < 0 {
		return true
	}
	return o1 == 0 && onSegment(p1, p2, q1) || o2 == 0 && onSegment(p1, p2, q2) ||
		o3 == 0 && onSegment(q1, q2, p1) || o4 == 0 && onSegment(q1, q2, p2)
}

// Location is where a point lies relative to an area.
type Location int8

// Locations.
const (
	Exterior Location = iota
	Boundary
	Interior
)

// crossing reports whether the edge a–b crosses the ray from p towards +x,
// counting each edge half-open in y so that a vertex is counted once; it is
// meant for p not on a–b.
func crossing(a, b, p orb.Point) bool {
	if a[1] <= p[1] && p[1] < b[1] {
		return Orient(a, b, p) > 0
	}
	if b[1] <= p[1] && p[1] < a[1] {
		return Orient(a, b, p) < 0
	}
	return false
}

// onEdge reports whether p lies on the closed edge a–b, exactly.
func onEdge(a, b, p orb.Point) bool {
	if p[1] < math.Min(a[1], b[1]) || p[1] > math.Max(a[1], b[1]) ||
		p[0] < math.Min(a[0], b[0]) || p[0] > math.Max(a[0], b[0]) {
		return false
	}
	return Orient(a, b, p) == 0
}

// LocatePolygon returns where p lies relative to polygon pg (its holes
// excluded), exactly, boundary included. It walks every edge; Area indexes
// them for repeated questions.
func LocatePolygon(pg orb.Polygon, p orb.Point) Location {
	in := false
	for _, r := range pg {
		for i := 1; i < len(r); i++ {
			a, b := r[i-1], r[i]
			if onEdge(a, b, p) {
				return Boundary
			}
			if crossing(a, b, p) {
				in = !in
			}
		}
	}
	if in {
		return Interior
	}
	return Exterior
}
