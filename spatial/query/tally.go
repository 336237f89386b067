package query

import (
	"context"
	"errors"
	"math"

	"bando/layers"
	"bando/spatial"
	"bando/spatial/geo"
)

// Tally is a grouped question of one figure per unit of an admin layer,
// kept current feature by feature: it remembers what each feature added
// to its unit, and Update re-reads the features a change names, taking
// their old contributions out and putting their new ones in. An
// indicator recomputed after 1,000 of 1,000,000 houses changed then
// costs 1,000 feature reads, not a scan of the layer (issue 6: ≤ 50 ms).
//
// The figures are those Run gives for the same question: the join rule,
// the filter and the access policy are the plan's. Only figures that can
// be taken apart are kept this way — count, sum, avg, area_m2, length_m;
// min and max cannot (NewTally refuses them with ErrNotIncremental). A
// float sum that has had values taken out may differ from a fresh one in
// its last bits. A Tally is not safe for concurrent use.
type Tally struct {
	e       *Engine
	pl      *plan
	us      *unitSet
	version uint64 // of the layer, as last read
	accs    []acc  // per unit, index unit+1 (0: in no unit)
	// what each counted feature added: keyed by its integer id when it has
	// one (most layers), else by id.
	byNum map[uint64]contrib
	byID  map[string]contrib
}

// contrib is one feature's part of its unit's figures, in 16 bytes (a
// tally of 1,000,000 houses holds 1,000,000 of them).
type contrib struct {
	unit int32
	kind uint8  // the figure's value: 0 none (a null), 1 int, 2 float
	v    uint64 // the int64, or the float64's bits
}

func (c contrib) int() int64 { return int64(c.v) }
func (c contrib) float() float64 {
	if c.kind == 1 {
		return float64(int64(c.v))
	}
	return math.Float64frombits(c.v)
}

// ErrNotIncremental: the question cannot be kept by a Tally; run it whole.
var ErrNotIncremental = errors.New("query: not a question a tally can keep (one figure of count, sum, avg, area_m2 or length_m per admin unit, no nearest)")

// ErrTallyStale: the admin layer (or the catalog) changed under the tally;
// make a new one.
var ErrTallyStale = errors.New("query: the tally's admin units changed")

// NewTally plans q for p — grouped by one admin layer alone, with one
// figure — and counts every feature of its layer.
func (e *Engine) NewTally(ctx context.Context, p layers.Principal, q Query) (*Tally, error) {
	pl, err := e.plan(p, &q)
	if err != nil {
		return nil, err
	}
	if len(pl.groups) != 1 || pl.groups[0].units == nil || len(pl.aggs) != 1 || pl.nearest != nil {
		return nil, ErrNotIncremental
	}
	switch pl.aggs[0].op {
	case "count", "sum", "avg", "area_m2", "length_m":
	default:
		return nil, ErrNotIncremental
	}
	t := &Tally{e: e, pl: pl, us: pl.groups[0].units, byNum: map[uint64]contrib{}, byID: map[string]contrib{}}
	t.accs = make([]acc, len(t.us.list)+1)
	for i := range t.accs {
		t.accs[i].figs = make([]fig, 1)
	}
	e.src.read(pl.layer.ID, func(lv spatial.LayerView) {
		t.version = e.src.version(pl.layer.ID)
		err = e.scan(ctx, pl, lv, 1, func(_ int, f *feat) {
			c := t.contribution(f)
			t.remember(f.v, c)
			t.apply(c, 1)
		})
	})
	if err != nil {
		return nil, err
	}
	return t, nil
}

// Update re-reads the features with these ids (written or deleted since
// the tally last read its layer) and moves their contributions. Naming a
// feature that did not change is harmless. It returns ErrTallyStale when
// the admin units changed: the tally must be made again.
func (t *Tally) Update(ctx context.Context, ids []string) error {
	l := t.pl.layer
	if cur, err := t.e.cat.Get(l.ID); err != nil || cur != l {
		return ErrTallyStale
	}
	if t.e.src.version(t.us.layer.ID) != t.us.version {
		return ErrTallyStale
	}
	var err error
	t.e.src.read(l.ID, func(lv spatial.LayerView) {
		t.version = t.e.src.version(l.ID)
		f := newFeat(lv)
		for n, id := range ids {
			if err = checkCtx(ctx, n); err != nil {
				return
			}
			if old, ok := t.forget(id); ok {
				t.apply(old, -1)
			}
			v, ok := lv.Find(id)
			if !ok {
				continue
			}
			if f.view(v); t.pl.match(f) {
				c := t.contribution(f)
				t.remember(v, c)
				t.apply(c, 1)
			}
		}
	})
	return err
}

// Version returns the version of the layer the tally last read.
func (t *Tally) Version() uint64 { return t.version }

// contribution is what f adds to its unit, as acc.add adds it.
func (t *Tally) contribution(f *feat) contrib {
	u := -1
	if p, ok := representative(f); ok {
		u = t.us.grid.locate(t.us.list, p)
	}
	c := contrib{unit: int32(u)}
	ag := &t.pl.aggs[0]
	switch ag.op {
	case "count":
	case "area_m2":
		c.kind, c.v = 2, math.Float64bits(geo.Area(f.geom()))
	case "length_m":
		c.kind, c.v = 2, math.Float64bits(geo.Length(f.geom()))
	default:
		switch p := f.v.Prop(ag.field); p.Kind() {
		case spatial.PropInt:
			c.kind, c.v = 1, uint64(p.Int())
		case spatial.PropFloat:
			c.kind, c.v = 2, p.FloatBits()
		}
	}
	return c
}

// apply adds (sign 1) or takes out (sign -1) a contribution.
func (t *Tally) apply(c contrib, sign int64) {
	a := &t.accs[c.unit+1]
	a.count += sign
	if c.kind == 0 {
		return
	}
	x := &a.figs[0]
	x.n += sign
	if c.kind == 1 {
		x.sumI += sign * c.int()
	}
	x.sumF += float64(sign) * c.float()
}

func (t *Tally) remember(v spatial.FeatureView, c contrib) {
	if n, ok := v.NumericID(); ok {
		t.byNum[n] = c
		return
	}
	t.byID[string([]byte(v.ID()))] = c
}

// forget removes and returns what the feature with this id added.
func (t *Tally) forget(id string) (contrib, bool) {
	if n, ok := spatial.NumericID(id); ok {
		c, had := t.byNum[n]
		delete(t.byNum, n)
		return c, had
	}
	c, had := t.byID[id]
	delete(t.byID, id)
	return c, had
}

// Result returns the figures as Run returns them for the question: a
// group per unit holding a counted feature, in unit order, those in no
// unit last, and the total.
func (t *Tally) Result() *Result {
	pl := t.pl
	res := &Result{Layer: pl.layer, Grouped: true, Repairs: pl.repairs,
		GroupNames: []string{pl.groups[0].name}, FigureNames: []string{pl.aggs[0].name}}
	total := acc{figs: make([]fig, 1)}
	emit := func(u int) {
		a := &t.accs[u+1]
		if a.count == 0 {
			return
		}
		total.count += a.count
		x, y := &total.figs[0], &a.figs[0]
		x.n, x.sumI, x.sumF = x.n+y.n, x.sumI+y.sumI, x.sumF+y.sumF
		res.Groups = append(res.Groups, Group{Key: pl.renderKey(groupKey{int64(u)}), Figures: a.figures(pl)})
	}
	for u := range t.us.list {
		emit(u)
	}
	emit(-1)
	res.Total = Group{Figures: total.figures(pl)}
	res.Matched = int(total.count)
	return res
}
