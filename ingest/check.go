package ingest

import (
	"github.com/paulmach/orb"

	"bando/layers"
)

// CheckGeometry applies to one geometry the rules Prepare applies to every
// feature of a layer holding want geometries: coordinates in range, rings
// closed and not degenerate, no self-intersections except those it repairs.
// It returns the geometry to use (g, or a repaired copy), the repairs made,
// and, when g is refused, a Problem (Index -1, Field "geometry") with the
// rule and the reason. g is not modified. Questions use it for drawn zones,
// so that a zone is accepted, repaired or refused as an ingested polygon is.
func CheckGeometry(want layers.GeometryType, g orb.Geometry) (orb.Geometry, []Repair, *Problem) {
	out, reps, pr := checkGeometry(want, g)
	if pr != nil {
		return nil, nil, &Problem{Index: -1, Field: "geometry", Rule: pr.rule, Message: pr.msg}
	}
	for i := range reps {
		reps[i].Index = -1
	}
	return out, reps, nil
}
