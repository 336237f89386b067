package ingest

import (
	"math"
	"math/big"

	"github.com/paulmach/orb"
)

// orient returns +1 when c lies to the left of the directed line a→b, -1 to
// the right and 0 when the three points are collinear. The float result is
// trusted when it is clear of its rounding error bound; otherwise the sign is
// computed exactly with rationals, so collinearity tests are exact.
func orient(a, b, c orb.Point) int {
	l := (b[0] - a[0]) * (c[1] - a[1])
	r := (b[1] - a[1]) * (c[0] - a[0])
	det := l - r
	bound := 4e-16 * (math.Abs(l) + math.Abs(r))
	if bound < 1e-250 { // near underflow the error bound does not hold
		return orientExact(a, b, c)
	}
	if det > bound {
		return 1
	}
	if -det > bound {
		return -1
	}
	return orientExact(a, b, c)
}

func orientExact(a, b, c orb.Point) int {
	rat := func(f float64) *big.Rat { return new(big.Rat).SetFloat64(f) }
	bx := new(big.Rat).Sub(rat(b[0]), rat(a[0]))
	by := new(big.Rat).Sub(rat(b[1]), rat(a[1]))
	cx := new(big.Rat).Sub(rat(c[0]), rat(a[0]))
	cy := new(big.Rat).Sub(rat(c[1]), rat(a[1]))
	l := new(big.Rat).Mul(bx, cy)
	r := new(big.Rat).Mul(by, cx)
	return l.Cmp(r)
}

// between reports whether p, known to be collinear with a and b, lies on
// the closed segment a–b.
func between(a, b, p orb.Point) bool {
	return math.Min(a[0], b[0]) <= p[0] && p[0] <= math.Max(a[0], b[0]) &&
		math.Min(a[1], b[1]) <= p[1] && p[1] <= math.Max(a[1], b[1])
}

// onSegment reports whether p lies on the closed segment a–b.
func onSegment(a, b, p orb.Point) bool {
	return between(a, b, p) && orient(a, b, p) == 0
}

// Where a point lies relative to a ring.
const (
	outside  = -1
	boundary = 0
	inside   = 1
)

// locate tells whether p is inside, on the boundary of, or outside the
// closed ring r, by winding number with exact orientation tests.
func locate(p orb.Point, r orb.Ring) int {
	wn := 0
	for i := 0; i+1 < len(r); i++ {
		a, b := r[i], r[i+1]
		if a[1] <= p[1] {
			if b[1] > p[1] {
				switch orient(a, b, p) {
				case 1:
					wn++
				case 0:
					return boundary
				}
				continue
			}
		} else if b[1] <= p[1] {
			switch orient(a, b, p) {
			case -1:
				wn--
			case 0:
				return boundary
			}
			continue
		}
		if onSegment(a, b, p) { // horizontal edges and end points
			return boundary
		}
	}
	if wn != 0 {
		return inside
	}
	return outside
}

// ringLocate tells where ring inner lies relative to ring outer, using the
// first vertex of inner that is not on outer's boundary. It returns
// boundary when every vertex of inner is on outer's boundary.
func ringLocate(inner, outer orb.Ring) int {
	for _, p := range inner {
		if w := locate(p, outer); w != boundary {
			return w
		}
	}
	return boundary
}
