package query

import (
	"context"
	"slices"

	"bando/spatial"
)

// grouped answers a query for figures: one group per distinct key, and the
// total over every match.
func (e *Engine) grouped(ctx context.Context, pl *plan) (*Result, error) {
	res := &Result{Layer: pl.layer, Grouped: true, Repairs: pl.repairs}
	for _, g := range pl.groups {
		res.GroupNames = append(res.GroupNames, g.name)
	}
	for _, a := range pl.aggs {
		res.FigureNames = append(res.FigureNames, a.name)
	}
	newAcc := func() *acc { return &acc{figs: make([]fig, len(pl.aggs))} }
	type part struct {
		groups map[groupKey]*acc
		byUnit []*acc // when grouping by units alone: index unit+1
		total  *acc
		over   bool
	}
	nw := workers()
	var units *unitSet
	if len(pl.groups) == 1 && pl.groups[0].units != nil {
		units = pl.groups[0].units
	}
	parts := perWorker(nw, func() *part {
		p := &part{groups: map[groupKey]*acc{}, total: newAcc()}
		if units != nil {
			p.byUnit = make([]*acc, len(units.list)+1)
		}
		return p
	})
	maxGroups := e.lim.MaxGroups
	add := func(w int, f *feat) {
		p := parts[w]
		p.total.add(pl, f)
		if len(pl.groups) == 0 {
			return
		}
		if units != nil {
			u := -1
			if pt, ok := representative(f); ok {
				u = units.grid.locate(units.list, pt)
			}
			a := p.byUnit[u+1]
			if a == nil {
				a = newAcc()
				p.byUnit[u+1] = a
			}
			a.add(pl, f)
			return
		}
		var k groupKey
		pl.keyOf(f, &k)
		a := p.groups[k]
		if a == nil {
			if len(p.groups) >= maxGroups {
				p.over = true
				return
			}
			a = newAcc()
			p.groups[k] = a
		}
		a.add(pl, f)
	}
	var err error
	e.src.read(pl.layer.ID, func(lv spatial.LayerView) {
		if pl.nearest == nil {
			err = e.scan(ctx, pl, lv, nw, add)
			return
		}
		var hits []Hit
		if hits, err = e.nearest(ctx, pl, lv); err != nil {
			return
		}
		f := newFeat(lv)
		for _, h := range hits {
			f.view(lv.View(h.ref))
			add(0, f)
		}
	})
	if err != nil {
		return nil, err
	}
	for _, p := range parts {
		for u, a := range p.byUnit {
			if a != nil {
				p.groups[groupKey{int64(u - 1)}] = a
			}
		}
	}
	all, total := parts[0].groups, parts[0].total
	for _, p := range parts {
		if p.over {
			return nil, errf(CodeLimit, "group_by", "more than %d groups; group more coarsely or narrow the question", maxGroups)
		}
		if p == parts[0] {
			continue
		}
		total.merge(p.total)
		for k, a := range p.groups {
			if b := all[k]; b != nil {
				b.merge(a)
			} else {
				all[k] = a
			}
		}
	}
	if len(all) > maxGroups {
		return nil, errf(CodeLimit, "group_by", "more than %d groups; group more coarsely or narrow the question", maxGroups)
	}
	keys := make([]groupKey, 0, len(all))
	for k := range all {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b groupKey) int { return pl.cmpKey(a, b) })
	for _, k := range keys {
		res.Groups = append(res.Groups, Group{Key: pl.renderKey(k), Figures: all[k].figures(pl)})
	}
	res.Total = Group{Figures: total.figures(pl)}
	res.Matched = int(total.count)
	return res, nil
}

// cmpKey orders groups: units in id order, field values ascending, the
// absent (null) last.
func (pl *plan) cmpKey(a, b groupKey) int {
	for i, g := range pl.groups {
		x, y := a[i], b[i]
		if g.units != nil {
			ux, uy := x.(int64), y.(int64)
			switch {
			case ux == uy:
				continue
			case ux < 0:
				return 1
			case uy < 0:
				return -1
			case ux < uy:
				return -1
			}
			return 1
		}
		switch {
		case x == nil && y == nil:
			continue
		case x == nil:
			return 1
		case y == nil:
			return -1
		}
		if c := compareAny(x, y); c != 0 {
			return c
		}
	}
	return 0
}

// compareAny orders values that may be of different types (a layer of
// type Geometry, or bad data): by type first, then by value.
func compareAny(x, y any) int {
	tx, ty := typeRank(x), typeRank(y)
	if tx != ty {
		return tx - ty
	}
	return compare(x, y)
}

func typeRank(v any) int {
	switch v.(type) {
	case bool:
		return 0
	case int64:
		return 1
	case float64:
		return 2
	case string:
		return 3
	}
	return 4
}

// renderKey turns unit indexes into unit codes.
func (pl *plan) renderKey(k groupKey) []any {
	out := make([]any, len(pl.groups))
	for i, g := range pl.groups {
		if g.units != nil {
			if u := k[i].(int64); u >= 0 {
				out[i] = g.units.list[u].code
			}
			continue
		}
		out[i] = k[i]
	}
	return out
}
