package gen

import (
	"math"
	"sort"

	"github.com/paulmach/orb"
)

// region is a commune prepared for fast point-in-polygon tests: a grid over
// its bounding box where each cell knows whether its centre is inside and
// which polygon edges may cross it. A point in a cell with no edges has the
// centre's state; otherwise the state flips once per edge crossed by the
// segment from the centre to the point.
type region struct {
	minX, minY, maxX, maxY float64
	nx, ny                 int
	cw, ch                 float64 // cell width and height, degrees
	inside                 []bool  // per cell: is its centre inside
	start                  []int32 // per cell: its edges are edges[start[c]:start[c+1]]
	cellEdges              []int32
	edges                  []edge
}

type edge struct{ ax, ay, bx, by float64 }

// newRegion prepares mp; it holds about four cells per polygon edge.
func newRegion(mp orb.MultiPolygon) *region {
	r := &region{}
	b := mp.Bound()
	r.minX, r.minY, r.maxX, r.maxY = b.Min[0], b.Min[1], b.Max[0], b.Max[1]
	for _, p := range mp {
		for _, ring := range p {
			for i := 0; i+1 < len(ring); i++ {
				a, c := ring[i], ring[i+1]
				if a != c {
					r.edges = append(r.edges, edge{a[0], a[1], c[0], c[1]})
				}
			}
		}
	}
	w, h := math.Max(r.maxX-r.minX, 1e-9), math.Max(r.maxY-r.minY, 1e-9)
	cells := min(max(4*len(r.edges), 256), 1<<16)
	side := math.Sqrt(w * h / float64(cells))
	r.nx = min(max(int(math.Ceil(w/side)), 1), 1024)
	r.ny = min(max(int(math.Ceil(h/side)), 1), 1024)
	r.cw, r.ch = w/float64(r.nx), h/float64(r.ny)
	r.bucketEdges()
	r.classifyCentres()
	return r
}

// bucketEdges files every edge under each cell its bounding box overlaps.
func (r *region) bucketEdges() {
	count := make([]int32, r.nx*r.ny+1)
	r.eachCell(func(c int, _ int32) { count[c+1]++ })
	for c := 1; c < len(count); c++ {
		count[c] += count[c-1]
	}
	r.start = count
	r.cellEdges = make([]int32, count[len(count)-1])
	next := append([]int32(nil), count[:len(count)-1]...)
	r.eachCell(func(c int, e int32) { r.cellEdges[next[c]] = e; next[c]++ })
}

func (r *region) eachCell(fn func(cell int, e int32)) {
	for i, e := range r.edges {
		i0, j0 := r.cell(math.Min(e.ax, e.bx), math.Min(e.ay, e.by))
		i1, j1 := r.cell(math.Max(e.ax, e.bx), math.Max(e.ay, e.by))
		for j := j0; j <= j1; j++ {
			for i2 := i0; i2 <= i1; i2++ {
				fn(j*r.nx+i2, int32(i))
			}
		}
	}
}

// classifyCentres runs one horizontal scanline per row of cell centres.
func (r *region) classifyCentres() {
	r.inside = make([]bool, r.nx*r.ny)
	var xs []float64
	for j := 0; j < r.ny; j++ {
		y := r.minY + (float64(j)+0.5)*r.ch
		xs = xs[:0]
		for _, e := range r.edges {
			if (e.ay > y) != (e.by > y) {
				xs = append(xs, e.ax+(y-e.ay)*(e.bx-e.ax)/(e.by-e.ay))
			}
		}
		sort.Float64s(xs)
		k := 0
		for i := 0; i < r.nx; i++ {
			x := r.minX + (float64(i)+0.5)*r.cw
			for k < len(xs) && xs[k] < x {
				k++
			}
			r.inside[j*r.nx+i] = k%2 == 1
		}
	}
}

// cell returns the grid cell of a point, clamped to the grid.
func (r *region) cell(x, y float64) (int, int) {
	i := int((x - r.minX) / r.cw)
	j := int((y - r.minY) / r.ch)
	return min(max(i, 0), r.nx-1), min(max(j, 0), r.ny-1)
}

// contains reports whether (x, y) is inside the commune.
func (r *region) contains(x, y float64) bool {
	if x < r.minX || x > r.maxX || y < r.minY || y > r.maxY {
		return false
	}
	i, j := r.cell(x, y)
	c := j*r.nx + i
	in := r.inside[c]
	es := r.cellEdges[r.start[c]:r.start[c+1]]
	if len(es) == 0 {
		return in
	}
	cx := r.minX + (float64(i)+0.5)*r.cw
	cy := r.minY + (float64(j)+0.5)*r.ch
	for _, k := range es {
		if crosses(cx, cy, x, y, &r.edges[k]) {
			in = !in
		}
	}
	return in
}

// crosses reports whether segment p–q crosses edge e. An edge end lying on
// the line p–q counts as being on its right, for both edges that share it,
// so a boundary passing through that vertex is counted exactly once.
func crosses(px, py, qx, qy float64, e *edge) bool {
	if right(px, py, qx, qy, e.ax, e.ay) == right(px, py, qx, qy, e.bx, e.by) {
		return false
	}
	return right(e.ax, e.ay, e.bx, e.by, px, py) != right(e.ax, e.ay, e.bx, e.by, qx, qy)
}

// right reports whether c is not strictly left of the line a→b.
func right(ax, ay, bx, by, cx, cy float64) bool {
	return (bx-ax)*(cy-ay)-(by-ay)*(cx-ax) <= 0
}
