package spatial

import (
	"math"
	"slices"

	"github.com/paulmach/orb"
)

// pieces splits the segment p–q where it meets the area's boundary and
// calls fn with the location of each piece, until fn returns false. A piece
// running along an edge is Boundary; any other piece lies wholly inside or
// outside (it crosses no edge), which its midpoint tells.
func (a *Area) pieces(p, q orb.Point, fn func(Location) bool) {
	if p == q {
		fn(a.Locate(p))
		return
	}
	ts := []float64{0, 1}
	var along [][2]float64 // parameter intervals that run along an edge
	sb := orb.Bound{Min: orb.Point{math.Min(p[0], q[0]), math.Min(p[1], q[1])},
		Max: orb.Point{math.Max(p[0], q[0]), math.Max(p[1], q[1])}}
	if sb.Intersects(a.bound) {
		a.edgesNear(sb.Min[1], sb.Max[1], func(e *edge) bool {
			if !sb.Intersects(e.bound()) {
				return true
			}
			o1, o2 := Orient(p, q, e.a), Orient(p, q, e.b)
			if o1 == 0 && o2 == 0 {
				lo, hi := param(p, q, e.a), param(p, q, e.b)
				if lo > hi {
					lo, hi = hi, lo
				}
				lo, hi = math.Max(lo, 0), math.Min(hi, 1)
				if lo < hi {
					along = append(along, [2]float64{lo, hi})
					ts = append(ts, lo, hi)
				} else if lo == hi {
					ts = append(ts, lo)
				}
				return true
			}
			if o1*o2 > 0 {
				return true
			}
			o3, o4 := Orient(e.a, e.b, p), Orient(e.a, e.b, q)
			if o3*o4 > 0 {
				return true
			}
			switch {
			case o1 == 0:
				ts = append(ts, param(p, q, e.a))
			case o2 == 0:
				ts = append(ts, param(p, q, e.b))
			case o3 == 0 || o4 == 0:
				// p or q itself is on the edge: already a cut.
			default:
				ts = append(ts, crossParam(p, q, e.a, e.b))
			}
			return true
		})
	}
	slices.Sort(ts)
	for i := 1; i < len(ts); i++ {
		t0, t1 := ts[i-1], ts[i]
		if t1 <= t0 || t0 < 0 || t1 > 1 {
			continue
		}
		mid := (t0 + t1) / 2
		loc := Exterior
		if slices.ContainsFunc(along, func(iv [2]float64) bool { return iv[0] <= mid && mid <= iv[1] }) {
			loc = Boundary
		} else {
			loc = a.Locate(orb.Point{p[0] + mid*(q[0]-p[0]), p[1] + mid*(q[1]-p[1])})
		}
		if !fn(loc) {
			return
		}
	}
}

// param is the position of x, on the line p–q, as a fraction of p→q.
func param(p, q, x orb.Point) float64 {
	dx, dy := q[0]-p[0], q[1]-p[1]
	return ((x[0]-p[0])*dx + (x[1]-p[1])*dy) / (dx*dx + dy*dy)
}

// crossParam is where p–q crosses a–b, as a fraction of p→q.
func crossParam(p, q, a, b orb.Point) float64 {
	rx, ry := q[0]-p[0], q[1]-p[1]
	sx, sy := b[0]-a[0], b[1]-a[1]
	den := rx*sy - ry*sx
	t := ((a[0]-p[0])*sy - (a[1]-p[1])*sx) / den
	return math.Max(0, math.Min(1, t))
}
