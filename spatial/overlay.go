package spatial

// Relation is how two polygonal areas A and B (valid polygons or
// multipolygons) share the plane, in the terms of the DE-9IM matrix that
// PostGIS (GEOS) computes.
type Relation struct {
	// InteriorsMeet: the interiors share an area (I(A)∩I(B) is 2-D).
	InteriorsMeet bool
	// ACoveredByB: every point of A lies in the closed B, and BCoveredByA
	// the other way round (both: they are the same point set).
	ACoveredByB, BCoveredByA bool
	// SharedEdge: the boundaries share a stretch of line (B(A)∩B(B) is
	// 1-D), which two parts of a valid MultiPolygon may not.
	SharedEdge bool
}

// Overlaps is ST_Overlaps(A, B) for two areas: interiors meet and neither
// covers the other.
func (r Relation) Overlaps() bool { return r.InteriorsMeet && !r.ACoveredByB && !r.BCoveredByA }

// Contains is ST_Contains(A, B) for two areas: B lies in the closed A and
// their interiors meet.
func (r Relation) Contains() bool { return r.InteriorsMeet && r.BCoveredByA }

// Equals is ST_Equals(A, B): the same point set.
func (r Relation) Equals() bool { return r.ACoveredByB && r.BCoveredByA && r.InteriorsMeet }

// Relate returns the relation between a and b. Their boundaries are split
// where they meet (Area.pieces); each piece lies inside, outside or along
// the other's boundary. For valid areas that decides everything except two
// areas whose boundaries all run along or outside each other: their
// interiors are then disjoint or equal, which one interior point tells.
func Relate(a, b *Area) Relation {
	if !a.bound.Intersects(b.bound) {
		return Relation{}
	}
	ab := a.boundaryIn(b) // where A's boundary lies relative to B
	ba := b.boundaryIn(a)
	r := Relation{SharedEdge: ab[Boundary] || ba[Boundary]}
	r.InteriorsMeet = ab[Interior] || ba[Interior]
	if !r.InteriorsMeet {
		for _, pg := range a.polys {
			if p, ok := polygonInteriorPoint(pg); ok && b.Locate(p) == Interior {
				r.InteriorsMeet = true
				break
			}
		}
	}
	r.ACoveredByB = !ab[Exterior] && !ba[Interior] && r.InteriorsMeet
	r.BCoveredByA = !ba[Exterior] && !ab[Interior] && r.InteriorsMeet
	return r
}

// boundaryIn reports which locations relative to o the pieces of a's
// boundary take.
func (a *Area) boundaryIn(o *Area) (seen [3]bool) {
	for i := range a.edges {
		e := &a.edges[i]
		if !e.bound().Intersects(o.bound) {
			seen[Exterior] = true
			continue
		}
		o.pieces(e.a, e.b, func(loc Location) bool {
			seen[loc] = true
			return !(seen[Exterior] && seen[Interior] && seen[Boundary])
		})
		if seen[Exterior] && seen[Interior] && seen[Boundary] {
			return seen
		}
	}
	return seen
}
