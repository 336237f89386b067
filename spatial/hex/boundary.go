package hex

import (
	"slices"

	"github.com/paulmach/orb"
	h3 "github.com/uber/h3-go/v4"
)

// Boundary returns the outline of a valid cell as a closed GeoJSON-style
// polygon ring, lon/lat, counter-clockwise (RFC 7946's right-hand rule):
// six vertices for a hexagon, five for a pentagon, more where the cell
// crosses an icosahedron edge (H3 adds the crossing points).
//
// A cell that straddles the antimeridian is not split: its vertices west of
// it are shifted by +360° so the ring stays one simple polygon with
// longitudes past 180. No cell of Vietnam comes near it; this keeps such
// cells drawable instead of wrapping around the globe. (The few coarse
// cells holding a pole have no simple lon/lat outline at all; they get the
// same treatment, which draws them badly but safely.)
//
// An invalid cell has no outline: nil.
func Boundary(c Cell) orb.Ring {
	if !c.Valid() {
		return nil
	}
	b := h3.CellToBoundary(h3.Cell(c))
	ring := make(orb.Ring, 0, len(b)+1)
	minLng, maxLng := 180.0, -180.0
	for _, v := range b {
		ring = append(ring, orb.Point{v.Lng, v.Lat})
		minLng, maxLng = min(minLng, v.Lng), max(maxLng, v.Lng)
	}
	if maxLng-minLng > 180 {
		for i := range ring {
			if ring[i][0] < 0 {
				ring[i][0] += 360
			}
		}
	}
	if len(ring) > 0 {
		ring = append(ring, ring[0])
	}
	if ring.Orientation() == orb.CW {
		slices.Reverse(ring)
	}
	return ring
}

// CellsBound returns the bounding box of the cells' boundaries, e.g. to
// select the features that may fall in a k-ring.
func CellsBound(cells []Cell) orb.Bound {
	if len(cells) == 0 {
		return orb.Bound{}
	}
	b := Boundary(cells[0]).Bound()
	for _, c := range cells[1:] {
		b = b.Union(Boundary(c).Bound())
	}
	return b
}
