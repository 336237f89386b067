package tiles

// Polygon validity after clipping and quantisation.
//
// Sutherland–Hodgman leaves zero-width spans along the buffer edge where a
// concave ring leaves the square and comes back; rounding to the grid and
// Douglas–Peucker add spikes, self-touching vertices and, rarely, crossings.
// PostGIS calls such polygons invalid and MVT 2.1 forbids them. cleanPolygon
// repairs one polygon's finished integer rings:
//
//   - consecutive duplicates and spikes (A,B,A, or a vertex where the path
//     turns straight back over itself) are removed, repeatedly;
//   - rings with fewer than three points or no area are dropped, and a
//     polygon whose exterior is dropped is dropped with its holes;
//   - exteriors get positive area (clockwise on screen), holes negative;
//   - if anything is still wrong — a ring touching or crossing itself, two
//     rings overlapping along a span (a hole cut by the buffer edge runs
//     along the exterior there) or crossing, a hole outside its exterior or
//     inside another hole, rings whose touching points enclose part of the
//     interior — the rings are rebuilt (rebuildPolygon): segments are split
//     where they meet (crossings at the rounded crossing point), spans
//     traversed both ways cancel, the remaining edges are re-linked keeping
//     the interior on the left and split at repeated vertices, and the loops
//     are classified by even–odd nesting. The result may be several polygons
//     (exteriors each followed by their holes), as an MVT polygon feature
//     allows.
//
// A valid polygon comes back unchanged, so cleanPolygon is idempotent. What
// is not handled: overlaps between different polygons of one multipolygon
// (each polygon is cleaned on its own). Coordinates must stay within ±2^29
// so that products of differences fit in int64 (tile coordinates are within
// a few thousand).

// cleanPolygon returns a valid form of one polygon's rings (exterior first,
// then its holes; open rings) as a list of polygons' rings: each exterior
// (positive area2) followed by its holes (negative area2). It returns nil
// when nothing with area is left. It reuses and modifies the rings it is
// given.
func cleanPolygon(rings [][]ipoint) [][]ipoint {
	if len(rings) == 0 {
		return nil
	}
	out := rings[:0]
	balanced := false // a ring whose lobes' areas cancel, as a bow-tie's
	for i, r := range rings {
		r = dropSpikes(r, false)
		if len(r) < 3 {
			if i == 0 {
				return nil
			}
			continue
		}
		a := area2(r)
		balanced = balanced || a == 0
		if exterior := i == 0; a != 0 && exterior != (a > 0) {
			reverse(r)
		}
		out = append(out, r)
	}
	if !balanced && (convexPolygon(out) || firstInvalid(out) < 0) {
		return out
	}
	return rebuildPolygon(out)
}

// maxConvexCheck bounds the exterior size for which convexPolygon compares
// every hole vertex with every exterior edge.
const maxConvexCheck = 64

// convexPolygon is a fast test, without allocation, that accepts the
// commonest valid polygons (buildings, plots, tiles' own squares): a
// convex exterior, and convex holes strictly inside it whose bounding
// boxes are disjoint. False means only that firstInvalid must decide.
func convexPolygon(rings [][]ipoint) bool {
	if !convexRing(rings[0], 1) {
		return false
	}
	if len(rings) == 1 {
		return true
	}
	if len(rings[0]) > maxConvexCheck || len(rings) > 8 {
		return false
	}
	ext := rings[0]
	for h, hole := range rings[1:] {
		if !convexRing(hole, -1) {
			return false
		}
		for _, p := range hole {
			for i, a := range ext {
				if cross(a, ext[(i+1)%len(ext)], p) <= 0 {
					return false
				}
			}
		}
		x0, y0, x1, y1 := ringBound(hole)
		for _, other := range rings[h+2:] {
			ox0, oy0, ox1, oy1 := ringBound(other)
			if x0 <= ox1 && ox0 <= x1 && y0 <= oy1 && oy0 <= y1 {
				return false
			}
		}
	}
	return true
}

// convexRing reports whether the ring, free of spikes, is convex and
// simple: it never turns against sign (1 for left turns, -1 for right),
// and it winds once, which shows as its vertices going up and then down
// in (x, y) order exactly once.
func convexRing(r []ipoint, sign int64) bool {
	changes := 0
	n := len(r)
	up := comparePoints(r[0], r[n-1]) > 0
	for i, b := range r {
		a, c := r[(i+n-1)%n], r[(i+1)%n]
		if sign*cross(a, b, c) < 0 {
			return false
		}
		if u := comparePoints(c, b) > 0; u != up {
			changes++
			up = u
		}
	}
	return changes == 2
}

// cleanLine returns the line without consecutive duplicate points, or nil
// when fewer than two distinct points are left (a line that quantises to a
// point has zero length). It modifies l in place.
func cleanLine(l []ipoint) []ipoint {
	out := l[:0]
	for _, p := range l {
		if len(out) == 0 || out[len(out)-1] != p {
			out = append(out, p)
		}
	}
	if len(out) < 2 {
		return nil
	}
	return out
}

// dropSpikes removes, in place, consecutive duplicates (the closing point
// too) and every vertex where the ring turns back over itself, until none
// is left; with collinear it also removes vertices in the middle of a
// straight run. The result may have fewer than three points.
func dropSpikes(r []ipoint, collinear bool) []ipoint {
	out := r[:0]
	for _, p := range r {
		out = pushVertex(out, p, collinear)
	}
	for len(out) >= 3 {
		n := len(out)
		switch {
		case out[n-1] == out[0], removable(out[n-2], out[n-1], out[0], collinear):
			out = out[:n-1]
		case removable(out[n-1], out[0], out[1], collinear):
			out = out[1:]
		default:
			return out
		}
	}
	if len(out) == 2 && out[0] == out[1] {
		out = out[:1]
	}
	return out
}

// pushVertex appends p to the open path, first popping vertices that p
// makes removable.
func pushVertex(path []ipoint, p ipoint, collinear bool) []ipoint {
	for {
		n := len(path)
		if n > 0 && path[n-1] == p {
			return path
		}
		if n >= 2 && removable(path[n-2], path[n-1], p, collinear) {
			path = path[:n-1]
			continue
		}
		return append(path, p)
	}
}

// removable reports whether b, between a and c, is a spike (the path a→b→c
// goes back along itself) or, with collinear, any vertex on the straight
// line through a and c. b differs from a and c.
func removable(a, b, c ipoint, collinear bool) bool {
	if cross(a, b, c) != 0 {
		return false
	}
	if collinear {
		return true
	}
	d := int64(b.X-a.X)*int64(c.X-b.X) + int64(b.Y-a.Y)*int64(c.Y-b.Y)
	return d < 0
}

// cross is the cross product of b−a and c−a: positive when c lies to the
// left of a→b in tile coordinates taken as a right-handed frame.
func cross(a, b, c ipoint) int64 {
	return int64(b.X-a.X)*int64(c.Y-a.Y) - int64(b.Y-a.Y)*int64(c.X-a.X)
}
