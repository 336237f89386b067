package quality

import (
	"fmt"

	"github.com/paulmach/orb"

	"bando/ingest"
	"bando/layers"
	"bando/spatial"
)

// Problem says why a geometry is invalid: the rule it breaks (the ingest
// rule names: self-intersection, ring-closed, ring-too-short, degenerate,
// hole-outside, coordinate-range, nan, line-too-short, spike) and how.
type Problem struct {
	Rule    string `json:"rule"`
	Message string `json:"message"`
}

// CheckGeometry reports whether g is valid as PostGIS ST_IsValid decides,
// and why not. It applies the geometry rules of ingest (which refuses or
// repairs what they catch) to g as it is: a geometry ingest would repair
// (a spike, a bow-tie, a pinched shell) is invalid here, since its stored
// form is what the figures are about; repeated consecutive points are
// valid, as in GEOS. It adds what ingest leaves alone: parts of a
// MultiPolygon whose interiors meet or that share an edge. An empty
// geometry is valid, as in GEOS.
func CheckGeometry(g orb.Geometry) *Problem {
	if g == nil || isEmpty(g) {
		return nil
	}
	_, reps, pr := ingest.CheckGeometry(layers.GeomAny, g)
	if pr != nil {
		if pr.Rule == ingest.RuleRange {
			return nil // ST_IsValid has no range: the figures count it as outside
		}
		return &Problem{Rule: pr.Rule, Message: pr.Message}
	}
	for _, r := range reps {
		if r.Rule != "duplicate-points" {
			return &Problem{Rule: r.Rule, Message: "would need repair: " + r.How}
		}
	}
	switch g := g.(type) {
	case orb.Polygon:
		return checkTouchCycle(g)
	case orb.MultiPolygon:
		for _, pg := range g {
			if pr := checkTouchCycle(pg); pr != nil {
				return pr
			}
		}
		return checkParts(g)
	case orb.Collection:
		for _, m := range g {
			if pr := CheckGeometry(m); pr != nil {
				return pr
			}
		}
	}
	return nil
}

// checkParts requires the polygons of a MultiPolygon to meet at points
// only: no shared interior, no shared edge.
func checkParts(mp orb.MultiPolygon) *Problem {
	if len(mp) < 2 {
		return nil
	}
	bounds := make([]orb.Bound, len(mp))
	areas := make([]*spatial.Area, len(mp))
	for i, pg := range mp {
		bounds[i] = pg.Bound()
	}
	area := func(i int) *spatial.Area {
		if areas[i] == nil {
			areas[i] = spatial.NewArea(mp[i])
		}
		return areas[i]
	}
	for i := range mp {
		for j := i + 1; j < len(mp); j++ {
			if !bounds[i].Intersects(bounds[j]) {
				continue
			}
			r := spatial.Relate(area(i), area(j))
			switch {
			case r.InteriorsMeet:
				return &Problem{Rule: ingest.RuleSelfCross, Message: fmt.Sprintf("polygons %d and %d of the multipolygon overlap", i+1, j+1)}
			case r.SharedEdge:
				return &Problem{Rule: ingest.RuleSelfCross, Message: fmt.Sprintf("polygons %d and %d of the multipolygon share an edge", i+1, j+1)}
			}
		}
	}
	return nil
}

// checkTouchCycle refuses rings that touch one another in a cycle (the
// shell touching a hole that touches another hole that touches the shell):
// the cycle cuts the interior in pieces. Ingest already refuses two rings
// touching twice; a cycle needs three rings or more. Three rings meeting
// at one single point also count as a cycle here (GEOS accepts that rare
// case).
func checkTouchCycle(pg orb.Polygon) *Problem {
	if len(pg) < 3 {
		return nil
	}
	parent := make([]int, len(pg))
	bounds := make([]orb.Bound, len(pg))
	for i, r := range pg {
		parent[i] = i
		bounds[i] = r.Bound()
	}
	var find func(int) int
	find = func(i int) int {
		if parent[i] != i {
			parent[i] = find(parent[i])
		}
		return parent[i]
	}
	for i := range pg {
		for j := i + 1; j < len(pg); j++ {
			if !bounds[i].Intersects(bounds[j]) || !ringsMeet(pg[i], pg[j]) {
				continue
			}
			a, b := find(i), find(j)
			if a == b {
				return &Problem{Rule: ingest.RuleSelfCross, Message: fmt.Sprintf("rings touching in a cycle (through rings %d and %d) cut the interior in pieces", i+1, j+1)}
			}
			parent[a] = b
		}
	}
	return nil
}

// ringsMeet reports whether two rings share a point.
func ringsMeet(a, b orb.Ring) bool {
	for i := 1; i < len(a); i++ {
		ea := orb.Bound{Min: a[i-1], Max: a[i-1]}.Extend(a[i])
		for j := 1; j < len(b); j++ {
			if ea.Intersects(orb.Bound{Min: b[j-1], Max: b[j-1]}.Extend(b[j])) && spatial.SegmentsIntersect(a[i-1], a[i], b[j-1], b[j]) {
				return true
			}
		}
	}
	return false
}

// isEmpty reports whether g has no position at all.
func isEmpty(g orb.Geometry) bool {
	switch g := g.(type) {
	case orb.Point:
		return false
	case orb.MultiPoint:
		return len(g) == 0
	case orb.LineString:
		return len(g) == 0
	case orb.MultiLineString:
		for _, l := range g {
			if len(l) > 0 {
				return false
			}
		}
		return true
	case orb.Ring:
		return len(g) == 0
	case orb.Polygon:
		return len(g) == 0 || len(g[0]) == 0
	case orb.MultiPolygon:
		for _, p := range g {
			if len(p) > 0 && len(p[0]) > 0 {
				return false
			}
		}
		return true
	case orb.Collection:
		for _, m := range g {
			if !isEmpty(m) {
				return false
			}
		}
		return true
	}
	return false
}
