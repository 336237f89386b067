package hex

import (
	"fmt"
	"slices"

	"bando/spatial"
	"github.com/paulmach/orb"
)

// part accumulates one worker's share of a run: figures per cell in flat
// slices (a cell's figures at its index), so adding to a cell is one map
// look-up.
type part struct {
	r     *run
	aggs  []Agg // the non-count figures
	index *cellTable
	cells []Cell   // in index order
	vals  []aggVal // len(cells) × len(aggs)
	// scratch, reused across batches
	pts   []orb.Point // the batch's points
	pidx  []int       // their positions in the batch
	pcs   []Cell      // their cached cells
	npts  []orb.Point // the points not cached yet
	nidx  []int       // their positions in pts
	fresh []Cell
	cs    []Cell // the batch's point cells, 0 for other features
	one   [1]Cell
	up    []Cell
	fvals []aggVal
	sink  Cell // what touch loaded, kept so that the loads stay
}

// aggVal is one figure of one cell (or, in fvals, one feature's value).
type aggVal struct {
	n     int64 // values seen (0: none, the feature's value is nil)
	i     int64
	f     float64
	float bool
}

func (v *aggVal) add(o aggVal) {
	v.n += o.n
	v.i += o.i
	v.f += o.f
	v.float = v.float || o.float
}

func newPart(r *run) *part {
	t, _ := r.e.tables.Get().(*cellTable)
	if t == nil {
		t = newCellTable()
	}
	p := &part{r: r, index: t}
	for _, a := range r.req.Aggs {
		if a.Op != Count {
			p.aggs = append(p.aggs, a)
		}
	}
	p.fvals = make([]aggVal, len(p.aggs))
	return p
}

func (p *part) add(b *batch) error {
	res := p.r.req.Res
	items := b.items
	p.cs = slices.Grow(p.cs[:0], len(items))[:len(items)]
	p.pts, p.pidx = p.pts[:0], p.pidx[:0]
	for i := range items {
		it := &items[i]
		p.cs[i] = 0
		if it.f != nil { // a feature handed in whole: is it a point?
			if pt, err := pointOf(it.f.Geom); err == nil {
				it.pt, it.isPt = pt, true
			}
		}
		if it.isPt {
			p.pts, p.pidx = append(p.pts, it.pt), append(p.pidx, i)
		}
	}
	p.pcs = slices.Grow(p.pcs[:0], len(p.pts))[:len(p.pts)]
	p.r.e.points.Lookup(p.pts, res, p.pcs)
	// Points not cached yet: compute their cells in one go.
	p.npts, p.nidx = p.npts[:0], p.nidx[:0]
	for k, c := range p.pcs {
		if c != 0 {
			p.cs[p.pidx[k]] = c
			continue
		}
		p.npts, p.nidx = append(p.npts, p.pts[k]), append(p.nidx, p.pidx[k])
	}
	if len(p.npts) > 0 {
		p.fresh = slices.Grow(p.fresh[:0], len(p.npts))[:len(p.npts)]
		if bad, err := p.r.e.points.Compute(p.npts, res, p.fresh); err != nil {
			return fmt.Errorf("hex: feature %q: %w", items[p.nidx[bad]].id(), err)
		}
		for k, i := range p.nidx {
			p.cs[i] = p.fresh[k]
		}
	}
	out := p.r.req.OutRes()
	na := len(p.aggs)
	for i := range items {
		if i%touchGroup == 0 {
			p.touch(p.cs[i:min(i+touchGroup, len(items))], out)
		}
		it := &items[i]
		var cells []Cell
		if c := p.cs[i]; c != 0 { // a point
			p.one[0] = c.parent(out)
			cells = p.one[:]
		} else {
			var err error
			if cells, err = p.cover(it.f); err != nil {
				return fmt.Errorf("hex: feature %q: %w", it.f.ID, err)
			}
		}
		if na > 0 {
			if it.f != nil {
				if err := p.values(it.f); err != nil {
					return fmt.Errorf("hex: feature %q: %w", it.f.ID, err)
				}
			} else { // read from a view by the producer
				copy(p.fvals, b.vals[i*na:(i+1)*na])
			}
		}
		for _, c := range cells {
			if err := p.addCell(c); err != nil {
				return err
			}
		}
	}
	return nil
}

// touch loads the table slots of the next points' cells together (see
// PointCells.Lookup): a result of 50,000 cells is a table bigger than the
// core's caches.
func (p *part) touch(cs []Cell, out int) {
	t := p.index
	mask := len(t.slots) - 1
	for _, c := range cs {
		if c != 0 {
			p.sink |= t.slots[cellSlotOf(c.parent(out), mask)].cell
		}
	}
}

// cover is Cover at the request's res, rolled up to its parent res.
func (p *part) cover(f *spatial.Feature) ([]Cell, error) {
	req := p.r.req
	cells, err := p.r.e.covers.Cover(f, req.Res, req.Limits.MaxFeatureCells)
	if err != nil || req.Parent == nil || *req.Parent == req.Res {
		return cells, err
	}
	up := p.up[:0] // the cached cover is shared: roll up a copy
	for _, c := range cells {
		up = append(up, c.parent(*req.Parent))
	}
	p.up = sortedSet(up)
	return p.up, nil
}

func (p *part) values(f *spatial.Feature) error {
	for k, a := range p.aggs {
		var v any
		if a.Index < len(f.Props) {
			v = f.Props[a.Index]
		}
		i, fl, isFloat, ok, err := number(a, v)
		if err != nil {
			return err
		}
		p.fvals[k] = aggVal{i: i, f: fl, float: isFloat}
		if ok {
			p.fvals[k].n = 1
		}
	}
	return nil
}

func (p *part) addCell(c Cell) error {
	if p.r.only != nil && !p.r.only[c] {
		return nil
	}
	s := p.index.get(c)
	if s == nil {
		var err error
		if s, err = p.newCell(c); err != nil {
			return err
		}
	}
	s.count++
	if len(p.aggs) > 0 {
		vs := p.vals[int(s.idx)*len(p.aggs):]
		for k := range p.aggs {
			vs[k].add(p.fvals[k])
		}
	}
	return nil
}

// newCell adds cell c with no figures yet.
func (p *part) newCell(c Cell) (*cellSlot, error) {
	if len(p.cells) >= p.r.req.maxCells() {
		return nil, &LimitError{What: "cells in the result", Limit: p.r.req.maxCells(), Got: len(p.cells) + 1,
			Hint: "use a coarser res or a smaller area"}
	}
	s := p.index.put(c, int32(len(p.cells)))
	p.cells = append(p.cells, c)
	p.vals = append(p.vals, make([]aggVal, len(p.aggs))...)
	return s, nil
}
