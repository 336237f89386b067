package query

import (
	"bando/layers"
	"bando/spatial"
	"bando/spatial/geo"

	"github.com/paulmach/orb"
)

// grouper computes one part of a group key for a feature.
type grouper struct {
	name  string
	field int      // field index, or -1
	units *unitSet // admin grouping
}

// aggregator computes one figure.
type aggregator struct {
	name  string
	op    string
	field int // -1 for count, area_m2, length_m
	isInt bool
}

func (e *Engine) compileGroups(pl *plan) error {
	if len(pl.q.GroupBy) > 4 {
		return errf(CodeLimit, "group_by", "%d groupings, at most 4", len(pl.q.GroupBy))
	}
	for i, g := range pl.q.GroupBy {
		p := index("group_by", i)
		if g.AdminLayer != "" {
			us, err := e.unitSet(pl.p, p, g.AdminLayer)
			if err != nil {
				return err
			}
			pl.groups = append(pl.groups, grouper{name: g.AdminLayer, field: -1, units: us})
			continue
		}
		j, err := field(pl.p, pl.layer, p, g.Field)
		if err != nil {
			return err
		}
		pl.groups = append(pl.groups, grouper{name: g.Field, field: j})
	}
	aggs := pl.q.Aggregate
	if len(aggs) == 0 {
		aggs = []Aggregate{{Op: "count"}}
	}
	for i, a := range aggs {
		p := index("aggregate", i)
		ag := aggregator{name: a.Name(), op: a.Op, field: -1}
		if a.Field != "" {
			j, err := field(pl.p, pl.layer, join(p, "field"), a.Field)
			if err != nil {
				return err
			}
			t := pl.layer.Fields[j].Type
			if t != layers.TypeInt && t != layers.TypeFloat {
				return errf(CodeInvalid, join(p, "field"), "%s needs a numeric field; %q is %s", a.Op, a.Field, t)
			}
			ag.field, ag.isInt = j, t == layers.TypeInt
		}
		pl.aggs = append(pl.aggs, ag)
	}
	return nil
}

// acc accumulates the figures of one group.
type acc struct {
	count int64
	figs  []fig
}

// fig is one aggregate's running state; SQL semantics: nulls are skipped,
// and a figure over no values is null.
type fig struct {
	n    int64
	sumI int64
	sumF float64
	minI int64
	maxI int64
	minF float64
	maxF float64
}

func (a *acc) add(pl *plan, f *feat) {
	a.count++
	for i := range pl.aggs {
		ag := &pl.aggs[i]
		x := &a.figs[i]
		switch ag.op {
		case "count":
			continue
		case "area_m2":
			x.n++
			x.sumF += geo.Area(f.geom())
			continue
		case "length_m":
			x.n++
			x.sumF += geo.Length(f.geom())
			continue
		}
		switch p := f.v.Prop(ag.field); p.Kind() {
		case spatial.PropInt:
			v := p.Int()
			if x.n == 0 || v < x.minI {
				x.minI = v
			}
			if x.n == 0 || v > x.maxI {
				x.maxI = v
			}
			x.sumI += v
			x.sumF += float64(v)
			x.n++
		case spatial.PropFloat:
			v := p.Float()
			if x.n == 0 || v < x.minF {
				x.minF = v
			}
			if x.n == 0 || v > x.maxF {
				x.maxF = v
			}
			x.sumF += v
			x.n++
		}
	}
}

func (a *acc) merge(o *acc) {
	a.count += o.count
	for i := range a.figs {
		x, y := &a.figs[i], &o.figs[i]
		if y.n == 0 {
			continue
		}
		if x.n == 0 {
			*x = *y
			continue
		}
		x.minI, x.maxI = min(x.minI, y.minI), max(x.maxI, y.maxI)
		x.minF, x.maxF = min(x.minF, y.minF), max(x.maxF, y.maxF)
		x.sumI += y.sumI
		x.sumF += y.sumF
		x.n += y.n
	}
}

// figures renders the accumulated figures: int64 for counts and integer
// sums, minima and maxima, float64 otherwise, nil over no values.
func (a *acc) figures(pl *plan) []any {
	out := make([]any, len(pl.aggs))
	for i, ag := range pl.aggs {
		x := a.figs[i]
		switch {
		case ag.op == "count":
			out[i] = a.count
		case ag.op == "area_m2" || ag.op == "length_m":
			out[i] = x.sumF
		case x.n == 0:
			out[i] = nil
		case ag.op == "avg":
			out[i] = x.sumF / float64(x.n)
		case ag.isInt && ag.op == "sum":
			out[i] = x.sumI
		case ag.isInt && ag.op == "min":
			out[i] = x.minI
		case ag.isInt && ag.op == "max":
			out[i] = x.maxI
		case ag.op == "sum":
			out[i] = x.sumF
		case ag.op == "min":
			out[i] = x.minF
		case ag.op == "max":
			out[i] = x.maxF
		}
	}
	return out
}

// keyOf computes a feature's group key; unit parts are unit indexes (or
// -1), field parts the values.
func (pl *plan) keyOf(f *feat, key *groupKey) {
	for i := range pl.groups {
		g := &pl.groups[i]
		if g.units != nil {
			u := -1
			if p, ok := representative(f); ok {
				u = g.units.grid.locate(g.units.list, p)
			}
			key[i] = int64(u)
			continue
		}
		key[i] = f.v.Prop(g.field).Any() // copies a string: the key outlives the view
	}
}

// groupKey holds up to 4 key parts; it is comparable, so it keys a map.
type groupKey [4]any

// representative is the point a feature is joined to admin units by:
// ST_PointOnSurface (a point for points, a vertex for lines, an inside
// point for polygons).
func representative(f *feat) (orb.Point, bool) {
	// A geometry whose box is a point is that point; reading the box, held
	// in the slot, saves reading the geometry.
	if p, ok := pointOf(f); ok {
		return p, true
	}
	if f.v.Kind() == spatial.KindPoint {
		return f.v.Points()[0], true
	}
	return spatial.PointOnSurface(f.geom())
}
