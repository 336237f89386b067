package ingest

import (
	"github.com/paulmach/orb"
)

// areaKeys are the OSM keys that make a closed way an area (after the
// areaKeys list of the iD editor and osm2pgsql), with the values that
// nevertheless stay lines.
var areaKeys = map[string]map[string]bool{
	"building":         nil,
	"building:part":    nil,
	"landuse":          nil,
	"leisure":          {"track": true, "slipway": true},
	"amenity":          nil,
	"natural":          {"coastline": true, "cliff": true, "ridge": true, "tree_row": true, "arete": true},
	"shop":             nil,
	"tourism":          nil,
	"historic":         nil,
	"office":           nil,
	"craft":            nil,
	"place":            nil,
	"military":         nil,
	"healthcare":       nil,
	"aeroway":          {"runway": true, "taxiway": true},
	"man_made":         {"pipeline": true, "embankment": true, "breakwater": true, "groyne": true, "dyke": true, "cutline": true},
	"power":            {"line": true, "minor_line": true, "cable": true},
	"water":            nil,
	"waterway":         {"river": true, "stream": true, "canal": true, "drain": true, "ditch": true},
	"public_transport": {"stop_position": true},
	"area:highway":     nil,
	"parking":          nil,
}

// isArea reports whether a closed way with these tags is an area: area=yes
// always, area=no never, otherwise a key of areaKeys with a value that is
// not a line value. highway, barrier, railway and the like are lines unless
// area=yes.
func isArea(tags map[string]string) bool {
	switch tags["area"] {
	case "yes":
		return true
	case "no":
		return false
	}
	for k, v := range tags {
		if lines, ok := areaKeys[k]; ok && v != "no" && !lines[v] {
			return true
		}
	}
	return false
}

// multipolygon assembles a type=multipolygon (or boundary) relation: its
// member ways are joined end to end into closed rings, and each ring is an
// outer ring or a hole by how deep it is nested in the others (roles are
// often wrong in OSM; nesting is not).
func (o *osmIndex) multipolygon(e *osmElement) (orb.Geometry, *gproblem) {
	var parts [][]orb.Point
	for _, m := range e.Members {
		if m.Type != "way" || m.Role != "outer" && m.Role != "inner" && m.Role != "" {
			continue
		}
		w, ok := o.ways[m.Ref]
		if !ok && len(m.Geometry) == 0 {
			return nil, gprob(RuleMissingMemb, "member way/%d (%s) is not in the file; query with \"(._;>;);\" or \"out geom\"", m.Ref, roleName(m.Role))
		}
		if !ok {
			w = &osmElement{Type: "way", ID: m.Ref}
		}
		inline := m.Geometry
		if len(inline) == 0 {
			inline = w.Geometry
		}
		pts, pr := o.wayPoints(w, inline)
		if pr != nil {
			return nil, pr
		}
		parts = append(parts, pts)
	}
	if len(parts) == 0 {
		return nil, gprob(RuleEmpty, "relation has no outer or inner member ways")
	}
	rings, pr := joinRings(parts)
	if pr != nil {
		return nil, pr
	}
	return nestRings(rings), nil
}

func roleName(r string) string {
	if r == "" {
		return "no role"
	}
	return r
}

// joinRings joins ways that share end points into closed rings.
func joinRings(parts [][]orb.Point) ([]orb.Ring, *gproblem) {
	used := make([]bool, len(parts))
	var rings []orb.Ring
	for i, p := range parts {
		if used[i] || len(p) == 0 {
			continue
		}
		used[i] = true
		ring := append(orb.Ring(nil), p...)
		for ring[0] != ring[len(ring)-1] {
			end, found := ring[len(ring)-1], false
			for j, q := range parts {
				if used[j] || len(q) == 0 {
					continue
				}
				switch end {
				case q[0]:
					ring = append(ring, q[1:]...)
					found = true
				case q[len(q)-1]:
					for k := len(q) - 2; k >= 0; k-- {
						ring = append(ring, q[k])
					}
					found = true
				}
				if found {
					used[j] = true
					break
				}
			}
			if !found {
				return nil, gprob(RuleRingClosed, "member ways do not join into closed rings: a ring is open at %v", fmtPoint(end))
			}
		}
		rings = append(rings, ring)
	}
	return rings, nil
}

// nestRings makes polygons of rings: a ring inside an even number of others
// is a shell, inside an odd number a hole of the ring that directly holds it.
func nestRings(rings []orb.Ring) orb.Geometry {
	depth := make([]int, len(rings))
	parent := make([]int, len(rings))
	bounds := make([]orb.Bound, len(rings))
	for i, r := range rings {
		bounds[i] = r.Bound()
	}
	in := func(i, j int) bool {
		return i != j && len(rings[j]) >= 4 && containsBound(bounds[j], bounds[i]) && ringLocate(rings[i], rings[j]) == inside
	}
	for i := range rings {
		parent[i] = -1
		for j := range rings {
			if in(i, j) {
				depth[i]++
			}
		}
	}
	for i := range rings {
		for j := range rings {
			if depth[j] == depth[i]-1 && in(i, j) {
				parent[i] = j
			}
		}
	}
	var mp orb.MultiPolygon
	shell := make(map[int]int)
	for i, r := range rings {
		if depth[i]%2 == 0 {
			shell[i] = len(mp)
			mp = append(mp, orb.Polygon{r})
		}
	}
	for i, r := range rings {
		if depth[i]%2 == 1 && parent[i] >= 0 {
			k := shell[parent[i]]
			mp[k] = append(mp[k], r)
		}
	}
	if len(mp) == 1 {
		return mp[0]
	}
	return mp
}
