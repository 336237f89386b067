package ingest

import (
	"github.com/paulmach/orb"
)

// assemblePolygon makes a Polygon or MultiPolygon of a Shapefile polygon's
// rings. The format says shells run clockwise and holes anticlockwise; with
// exactly one clockwise ring that is all there is to it. Otherwise (several
// shells, or a writer that got the winding wrong) rings are nested by
// containment, as GDAL does: a ring inside an odd number of others is a
// hole of the smallest ring around it. Rings are not closed or validated
// here: checkGeometry refuses what is wrong.
func assemblePolygon(parts [][]orb.Point) orb.Geometry {
	rings := make([]orb.Ring, len(parts))
	shells := 0
	for i, p := range parts {
		rings[i] = orb.Ring(p)
		if signedArea(rings[i]) < 0 {
			shells++
		}
	}
	if len(rings) == 1 || shells == 1 && signedArea(rings[0]) < 0 {
		return orb.Polygon(rings)
	}
	depth := make([]int, len(rings))
	parent := make([]int, len(rings))
	bounds := make([]orb.Bound, len(rings))
	areas := make([]float64, len(rings))
	for i, r := range rings {
		bounds[i], areas[i] = r.Bound(), abs(signedArea(r))
	}
	for i, r := range rings {
		parent[i] = -1
		for j, o := range rings {
			if i == j || len(r) == 0 || !bounds[j].Contains(r[0]) || areas[j] < areas[i] || ringLocate(r, o) != inside {
				continue
			}
			depth[i]++
			if parent[i] < 0 || areas[j] < areas[parent[i]] {
				parent[i] = j
			}
		}
	}
	var mp orb.MultiPolygon
	at := make(map[int]int) // shell ring → polygon index
	for i := range rings {
		if depth[i]%2 == 0 {
			at[i] = len(mp)
			mp = append(mp, orb.Polygon{rings[i]})
		}
	}
	for i := range rings {
		if depth[i]%2 == 1 {
			k := at[parent[i]]
			mp[k] = append(mp[k], rings[i])
		}
	}
	if len(mp) == 1 {
		return mp[0]
	}
	return mp
}

// signedArea is twice the ring's area, positive anticlockwise.
func signedArea(r orb.Ring) float64 {
	var s float64
	for i := 0; i+1 < len(r); i++ {
		s += r[i][0]*r[i+1][1] - r[i+1][0]*r[i][1]
	}
	return s
}

func abs(v float64) float64 {
	if v < 0 {
		return -v
	}
	return v
}
