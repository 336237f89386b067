package spatial

import "github.com/paulmach/orb"

// Convex reports whether the closed ring r is convex: every turn along it
// goes the same way (straight runs allowed). A ring of fewer than four
// positions is not.
func Convex(r orb.Ring) bool {
	n := len(r) - 1 // the closing position repeats the first
	if n < 3 {
		return false
	}
	sign := 0
	for i := range n {
		a, b, c := r[i], r[(i+1)%n], r[(i+2)%n]
		switch o := Orient(a, b, c); {
		case o == 0:
		case sign == 0:
			sign = o
		case o != sign:
			return false
		}
	}
	return sign != 0
}

// ClipConvex returns the part of the closed ring subject inside the convex
// closed ring clip (Sutherland–Hodgman), as a closed ring, nil when they
// share no area. subject may be concave: the result may then run along the
// clip's edges in zero-width bridges, which add no area, so its area is
// that of the intersection.
func ClipConvex(subject, clip orb.Ring) orb.Ring {
	if len(subject) < 4 || len(clip) < 4 {
		return nil
	}
	ccw := clip.Orientation() == orb.CCW
	out := append(orb.Ring(nil), subject[:len(subject)-1]...)
	for i := 0; i+1 < len(clip) && len(out) > 0; i++ {
		a, b := clip[i], clip[i+1]
		if a == b {
			continue
		}
		inside := func(p orb.Point) bool {
			o := Orient(a, b, p)
			return o == 0 || (o > 0) == ccw
		}
		in := out
		out = nil
		for j := range in {
			p, q := in[j], in[(j+1)%len(in)]
			pin, qin := inside(p), inside(q)
			if pin {
				out = append(out, p)
			}
			if pin != qin {
				out = append(out, lineCross(p, q, a, b))
			}
		}
	}
	if len(out) < 3 {
		return nil
	}
	return append(out, out[0])
}

// lineCross is where the segment p–q crosses the line through a and b.
func lineCross(p, q, a, b orb.Point) orb.Point {
	t := crossParam(p, q, a, b)
	return orb.Point{p[0] + t*(q[0]-p[0]), p[1] + t*(q[1]-p[1])}
}
