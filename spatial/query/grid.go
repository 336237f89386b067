package query

import (
	"math"
	"slices"

	"bando/spatial"

	"github.com/paulmach/orb"
)

// unitGrid finds the unit that holds a point: the first unit, in id order,
// whose closed area holds it (a point on a boundary shared by two units
// goes to the first).
//
// A coarse grid covers the units' extent; each coarse cell crossed by a
// unit edge is split into sub×sub fine cells. A cell (coarse or fine) that
// no edge passes through lies wholly inside the same units, so its answer
// is stored: one exact test at a cell centre decides a whole run of such
// cells along a row. A point in a fine cell crossed by edges is tested
// exactly against the units with an edge in that cell, and any unit that
// holds the whole cell (only overlapping units do), in id order.
type unitGrid struct {
	b      orb.Bound
	nx, ny int
	cw, ch float64
	// cells: ≥ 0 a unit index, -1 no unit, ≤ -2 crossed: subs[-2-v].
	cells []int32
	subs  []subGrid
	// cands lists the units to test in crossed fine cells.
	cands [][]int32
}

// subGrid: ≥ 0 a unit, -1 none, ≤ -2 crossed: cands[-2-v].
type subGrid [sub * sub]int32

const (
	noUnit  = -1
	crossed = -2 // while building
	sub     = 8
	// coarseCells bounds the coarse grid (4 bytes a cell).
	coarseCells = 1 << 20
)

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
	s := math.Sqrt(w * h / coarseCells)
	if s <= 0 {
		s = math.Max(math.Max(w, h)/1024, 1e-9)
	}
	g.nx, g.ny = max(1, min(int(math.Ceil(w/s)), 1<<12)), max(1, min(int(math.Ceil(h/s)), 1<<12))
	g.cw, g.ch = math.Max(w/float64(g.nx), 1e-12), math.Max(h/float64(g.ny), 1e-12)
	g.cells = make([]int32, g.nx*g.ny)
	b := &gridBuilder{g: g, units: units, edgeUnits: map[int][]int32{}}
	b.eachEdge(func(a, c orb.Point, _ int32) { b.markCoarse(a, c) })
	for i, v := range g.cells {
		if v == crossed {
			g.cells[i] = int32(-2 - len(g.subs))
			g.subs = append(g.subs, subGrid{})
		}
	}
	b.eachEdge(b.markFine)
	b.resolveCoarse()
	for i, v := range g.cells {
		if v <= crossed {
			b.resolveSub(i, -2-int(v))
		}
	}
	return g
}

type gridBuilder struct {
	g     *unitGrid
	units []*unit
	// edgeUnits: per crossed fine cell (key coarse*64+fine), the units
	// with an edge in it, in order.
	edgeUnits map[int][]int32
}

func (b *gridBuilder) eachEdge(fn func(a, c orb.Point, u int32)) {
	for i, u := range b.units {
		for _, pg := range u.area.Polygons() {
			for _, r := range pg {
				for j := 1; j < len(r); j++ {
					fn(r[j-1], r[j], int32(i))
				}
			}
		}
	}
}

func (g *unitGrid) col(x float64) int {
	return max(0, min(int(math.Floor((x-g.b.Min[0])/g.cw)), g.nx-1))
}

func (g *unitGrid) row(y float64) int {
	return max(0, min(int(math.Floor((y-g.b.Min[1])/g.ch)), g.ny-1))
}

// fine returns the fine cell of v in its coarse cell of index i (column or
// row), from the same floating computation as col and row so that a point
// and an edge through it agree.
func fine(v, lo, size float64, i int) int {
	f := (v-lo)/size - float64(i)
	return max(0, min(int(math.Floor(f*sub)), sub-1))
}

// markCoarse marks the coarse cells of the segment's box as crossed (edges
// are short against cells, so the box is a tight enough cover).
func (b *gridBuilder) markCoarse(p, q orb.Point) {
	g := b.g
	x0, x1 := g.col(math.Min(p[0], q[0])), g.col(math.Max(p[0], q[0]))
	y0, y1 := g.row(math.Min(p[1], q[1])), g.row(math.Max(p[1], q[1]))
	for y := y0; y <= y1; y++ {
		for x := x0; x <= x1; x++ {
			g.cells[y*g.nx+x] = crossed
		}
	}
}

// markFine marks the fine cells of the segment's box, in each coarse cell
// it meets, and records the unit there.
func (b *gridBuilder) markFine(p, q orb.Point, u int32) {
	g := b.g
	lo, hi := orb.Point{math.Min(p[0], q[0]), math.Min(p[1], q[1])}, orb.Point{math.Max(p[0], q[0]), math.Max(p[1], q[1])}
	x0, x1 := g.col(lo[0]), g.col(hi[0])
	y0, y1 := g.row(lo[1]), g.row(hi[1])
	for y := y0; y <= y1; y++ {
		fy0, fy1 := 0, sub-1
		if y == y0 {
			fy0 = fine(lo[1], g.b.Min[1], g.ch, y)
		}
		if y == y1 {
			fy1 = fine(hi[1], g.b.Min[1], g.ch, y)
		}
		for x := x0; x <= x1; x++ {
			fx0, fx1 := 0, sub-1
			if x == x0 {
				fx0 = fine(lo[0], g.b.Min[0], g.cw, x)
			}
			if x == x1 {
				fx1 = fine(hi[0], g.b.Min[0], g.cw, x)
			}
			ci := y*g.nx + x
			sg := &g.subs[-2-g.cells[ci]]
			for fy := fy0; fy <= fy1; fy++ {
				for fx := fx0; fx <= fx1; fx++ {
					k := fy*sub + fx
					sg[k] = crossed
					key := ci*sub*sub + k
					if l := b.edgeUnits[key]; len(l) == 0 || l[len(l)-1] != u {
						b.edgeUnits[key] = append(l, u)
					}
				}
			}
		}
	}
}

// near returns the units whose box meets cell, in order.
func (b *gridBuilder) near(cell orb.Bound, out []int32) []int32 {
	out = out[:0]
	for i, u := range b.units {
		if u.area.Bound().Intersects(cell) {
			out = append(out, int32(i))
		}
	}
	return out
}

// first returns the first of the units that holds p, or -1.
func (b *gridBuilder) first(us []int32, p orb.Point) int32 {
	for _, i := range us {
		if b.units[i].area.Locate(p) != spatial.Exterior {
			return i
		}
	}
	return noUnit
}

func (b *gridBuilder) resolveCoarse() {
	g := b.g
	var near []int32
	for y := range g.ny {
		row := g.cells[y*g.nx : (y+1)*g.nx]
		cy := g.b.Min[1] + (float64(y)+0.5)*g.ch
		for x := 0; x < g.nx; {
			if row[x] <= crossed {
				x++
				continue
			}
			c := orb.Point{g.b.Min[0] + (float64(x)+0.5)*g.cw, cy}
			near = b.near(orb.Bound{Min: c, Max: c}, near)
			v := b.first(near, c)
			for ; x < g.nx && row[x] > crossed; x++ {
				row[x] = v
			}
		}
	}
}

func (b *gridBuilder) resolveSub(ci, si int) {
	g := b.g
	cx, cy := ci%g.nx, ci/g.nx
	x0, y0 := g.b.Min[0]+float64(cx)*g.cw, g.b.Min[1]+float64(cy)*g.ch
	fw, fh := g.cw/sub, g.ch/sub
	near := b.near(orb.Bound{Min: orb.Point{x0, y0}, Max: orb.Point{x0 + g.cw, y0 + g.ch}}, nil)
	sg := &g.subs[si]
	for fy := range sub {
		for fx := 0; fx < sub; {
			k := fy*sub + fx
			c := orb.Point{x0 + (float64(fx)+0.5)*fw, y0 + (float64(fy)+0.5)*fh}
			if sg[k] == crossed {
				sg[k] = int32(-2 - len(g.cands))
				g.cands = append(g.cands, b.crossedCands(b.edgeUnits[ci*sub*sub+k], near, c))
				fx++
				continue
			}
			v := b.first(near, c)
			for ; fx < sub && sg[fy*sub+fx] != crossed; fx++ {
				sg[fy*sub+fx] = v
			}
		}
	}
}

// crossedCands: the units with an edge in the cell, and those that hold
// the whole cell (they hold its centre and have no edge in it), in order.
func (b *gridBuilder) crossedCands(edge, near []int32, centre orb.Point) []int32 {
	out := slices.Clone(edge)
	for _, i := range near {
		if !slices.Contains(edge, i) && b.units[i].area.Locate(centre) != spatial.Exterior {
			out = append(out, i)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// locate returns the index of the unit holding p, or -1.
func (g *unitGrid) locate(units []*unit, p orb.Point) int {
	if len(g.cells) == 0 || !g.b.Contains(p) {
		return noUnit
	}
	x, y := g.col(p[0]), g.row(p[1])
	v := g.cells[y*g.nx+x]
	if v >= noUnit {
		return int(v)
	}
	sg := &g.subs[-2-v]
	v = sg[fine(p[1], g.b.Min[1], g.ch, y)*sub+fine(p[0], g.b.Min[0], g.cw, x)]
	if v >= noUnit {
		return int(v)
	}
	for _, i := range g.cands[-2-v] {
		if units[i].area.Locate(p) != spatial.Exterior {
			return int(i)
		}
	}
	return noUnit
}
