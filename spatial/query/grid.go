package query

import (
	"math"

	"bando/spatial"

	"github.com/paulmach/orb"
)

// unitGrid finds the unit that holds a point: the first unit, in id order,
// whose closed area holds it (a point on a boundary shared by two units
// goes to the first). A grid over the units' extent lists, per cell, the
// units whose box meets the cell. A cell that no unit edge passes through
// lies wholly inside the same units, so its answer is computed once, from
// its centre; only points in cells crossed by edges are tested exactly.
type unitGrid struct {
	b      orb.Bound
	nx, ny int
	cw, ch float64
	cells  []gridCell
}

type gridCell struct {
	unit  int32   // the answer for an uncrossed cell, -1 for none
	mixed bool    // an edge passes through: test cands
	cands []int32 // units whose box meets the cell, in order
}

// gridCells is about how many cells the grid has.
const gridCells = 1 << 18

func newUnitGrid(units []*unit) *unitGrid {
	g := &unitGrid{}
	if len(units) == 0 {
		return g
	}
	g.b = units[0].area.Bound()
	for _, u := range units[1:] {
		g.b = g.b.Union(u.area.Bound())
	}
	w, h := g.b.Max[0]-g.b.Min[0], g.b.Max[1]-g.b.Min[1]
	s := math.Sqrt(w * h / gridCells)
	if s <= 0 {
		s = math.Max(w, h) / 512
	}
	if s <= 0 {
		s = 1
	}
	g.nx, g.ny = max(1, int(math.Ceil(w/s))), max(1, int(math.Ceil(h/s)))
	g.cw, g.ch = w/float64(g.nx), h/float64(g.ny)
	if g.cw == 0 {
		g.cw = 1
	}
	if g.ch == 0 {
		g.ch = 1
	}
	g.cells = make([]gridCell, g.nx*g.ny)
	for i, u := range units {
		g.each(u.area.Bound(), func(c *gridCell) { c.cands = append(c.cands, int32(i)) })
		for _, pg := range u.area.Polygons() {
			for _, r := range pg {
				for j := 1; j < len(r); j++ {
					eb := orb.Bound{Min: r[j-1], Max: r[j-1]}.Extend(r[j])
					g.each(eb, func(c *gridCell) { c.mixed = true })
				}
			}
		}
	}
	for y := range g.ny {
		for x := range g.nx {
			c := &g.cells[y*g.nx+x]
			c.unit = -1
			if c.mixed || len(c.cands) == 0 {
				continue
			}
			centre := orb.Point{g.b.Min[0] + (float64(x)+0.5)*g.cw, g.b.Min[1] + (float64(y)+0.5)*g.ch}
			for _, i := range c.cands {
				if units[i].area.Locate(centre) != spatial.Exterior {
					c.unit = i
					break
				}
			}
			c.cands = nil
		}
	}
	return g
}

func (g *unitGrid) cellRange(v, lo, size float64, n int) int {
	i := int(math.Floor((v - lo) / size))
	return max(0, min(i, n-1))
}

// each calls fn for the cells that b meets.
func (g *unitGrid) each(b orb.Bound, fn func(*gridCell)) {
	x0, x1 := g.cellRange(b.Min[0], g.b.Min[0], g.cw, g.nx), g.cellRange(b.Max[0], g.b.Min[0], g.cw, g.nx)
	y0, y1 := g.cellRange(b.Min[1], g.b.Min[1], g.ch, g.ny), g.cellRange(b.Max[1], g.b.Min[1], g.ch, g.ny)
	for y := y0; y <= y1; y++ {
		for x := x0; x <= x1; x++ {
			fn(&g.cells[y*g.nx+x])
		}
	}
}

// locate returns the index of the unit holding p, or -1.
func (g *unitGrid) locate(units []*unit, p orb.Point) int {
	if len(g.cells) == 0 || !g.b.Contains(p) {
		return -1
	}
	x, y := g.cellRange(p[0], g.b.Min[0], g.cw, g.nx), g.cellRange(p[1], g.b.Min[1], g.ch, g.ny)
	c := &g.cells[y*g.nx+x]
	if !c.mixed {
		return int(c.unit)
	}
	for _, i := range c.cands {
		if units[i].area.Locate(p) != spatial.Exterior {
			return int(i)
		}
	}
	return -1
}
