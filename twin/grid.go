package twin

import "math"

// grid buckets live vessels by a lon/lat cell of about a kilometre, so the
// proximity rules (encounter, gathering) look at a handful of neighbours
// instead of every vessel.
type grid struct {
	cells map[uint64][]*object
}

const cellDeg = 0.01

func newGrid() *grid { return &grid{cells: make(map[uint64][]*object)} }

func cellOf(lon, lat float64) (int32, int32) {
	return int32(math.Floor(lon / cellDeg)), int32(math.Floor(lat / cellDeg))
}

func cellKey(x, y int32) uint64 { return uint64(uint32(x))<<32 | uint64(uint32(y)) }

// move files o under its current fix, out of the cell it was in.
func (g *grid) move(o *object) {
	x, y := cellOf(o.last.Lon, o.last.Lat)
	k := cellKey(x, y)
	if o.inGrid && o.cell == k {
		return
	}
	if o.inGrid {
		g.remove(o)
	}
	g.cells[k] = append(g.cells[k], o)
	o.cell, o.inGrid = k, true
}

func (g *grid) remove(o *object) {
	s := g.cells[o.cell]
	for i, v := range s {
		if v == o {
			s[i] = s[len(s)-1]
			s[len(s)-1] = nil
			s = s[:len(s)-1]
			break
		}
	}
	if len(s) == 0 {
		delete(g.cells, o.cell)
	} else {
		g.cells[o.cell] = s
	}
	o.inGrid = false
}

// near calls fn for every vessel other than self within r metres of
// (lon, lat), with its distance.
func (g *grid) near(self *object, lon, lat, r float64, fn func(o *object, d float64)) {
	b := around(lon, lat, r)
	x0, y0 := cellOf(b.Min[0], b.Min[1])
	x1, y1 := cellOf(b.Max[0], b.Max[1])
	fm, r2 := flatAt(lat), r*r
	for x := x0; x <= x1; x++ {
		for y := y0; y <= y1; y++ {
			for _, o := range g.cells[cellKey(x, y)] {
				if o == self {
					continue
				}
				if d2 := fm.dist2(lon, lat, o.last.Lon, o.last.Lat); d2 <= r2 {
					fn(o, math.Sqrt(d2))
				}
			}
		}
	}
}

// atMost counts the vessels in the cells a circle of r metres touches: an
// upper bound of how many are within r, found without a distance.
func (g *grid) atMost(lon, lat, r float64) int {
	b := around(lon, lat, r)
	x0, y0 := cellOf(b.Min[0], b.Min[1])
	x1, y1 := cellOf(b.Max[0], b.Max[1])
	n := 0
	for x := x0; x <= x1; x++ {
		for y := y0; y <= y1; y++ {
			n += len(g.cells[cellKey(x, y)])
		}
	}
	return n
}
