package query

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"bando/layers"
	"bando/spatial"

	"github.com/paulmach/orb"
)

// Engine answers queries over an index, through the catalog's access
// policy. It is safe for concurrent use; it caches prepared admin units per
// layer version.
type Engine struct {
	src source
	cat *layers.Catalog
	lim Limits

	mu    sync.Mutex
	units map[string]*unitSet
}

// New returns an engine over ix with the layers of cat and the given limits
// (zero fields take their defaults).
func New(ix *spatial.Index, cat *layers.Catalog, lim Limits) *Engine {
	return &Engine{src: indexSource{ix}, cat: cat, lim: lim.resolved(), units: map[string]*unitSet{}}
}

// Limits returns the engine's limits, defaults filled in.
func (e *Engine) Limits() Limits { return e.lim }

// Run answers q for principal p. A refused question returns an *Error (see
// Code and Status); a question cancelled by ctx returns ctx's error.
func (e *Engine) Run(ctx context.Context, p layers.Principal, q Query) (*Result, error) {
	parent := ctx
	ctx, cancel := context.WithTimeout(ctx, e.lim.Timeout)
	defer cancel()
	pl, err := e.plan(p, &q)
	if err != nil {
		return nil, err
	}
	var res *Result
	if q.Grouped() {
		res, err = e.grouped(ctx, pl)
	} else {
		res, err = e.features(ctx, pl)
	}
	if err != nil {
		if errors.Is(err, context.DeadlineExceeded) && parent.Err() == nil {
			return nil, errf(CodeTimeout, "", "the question ran longer than %v; narrow it (a smaller zone, a filter, fewer groups)", e.lim.Timeout)
		}
		return nil, err
	}
	return res, nil
}

// layer returns the layer p may see, or the unknown-layer error (the same
// for a layer that exists but is hidden from p).
func (e *Engine) layer(p layers.Principal, path, id string) (*layers.Layer, *Error) {
	l, err := e.cat.Get(id)
	if err != nil || !layers.CanSee(p, l) {
		return nil, errf(CodeUnknown, path, "unknown layer %q", id)
	}
	return l, nil
}

// field returns the index of a field p may see, or the unknown-field error
// (the same for a field hidden from p).
func field(p layers.Principal, l *layers.Layer, path, name string) (int, *Error) {
	i := l.FieldIndex(name)
	if i < 0 || !layers.CanSeeField(p, l, &l.Fields[i]) {
		return -1, errf(CodeUnknown, path, "layer %q has no field %q", l.ID, name)
	}
	return i, nil
}

// plan is a query checked against the catalog and compiled.
type plan struct {
	q       *Query
	p       layers.Principal
	layer   *layers.Layer
	clauses []clause
	nearest *Where
	bound   orb.Bound // where every match lies, when bounded
	bounded bool
	empty   bool // the clauses' regions do not meet: nothing matches
	filter  func(*feat) tri
	sort    []sortField
	fields  []int
	origin  *orb.Point // the point distances are measured from
	groups  []grouper
	aggs    []aggregator
	repairs []string
}

// clause is one compiled where clause: a region its matches lie in, and the
// exact test.
type clause struct {
	bound orb.Bound
	test  func(f *feat) bool
}

func (e *Engine) plan(p layers.Principal, q *Query) (*plan, error) {
	l, er := e.layer(p, "layer", q.Layer)
	if er != nil {
		return nil, er
	}
	pl := &plan{q: q, p: p, layer: l}
	if len(q.Where) > e.lim.MaxWhere {
		return nil, errf(CodeLimit, "where", "%d clauses, at most %d", len(q.Where), e.lim.MaxWhere)
	}
	for i := range q.Where {
		if err := e.compileWhere(pl, index("where", i), &q.Where[i]); err != nil {
			return nil, err
		}
	}
	if q.Filter != nil {
		f, err := e.compileFilter(pl, "filter", q.Filter)
		if err != nil {
			return nil, err
		}
		pl.filter = f
	}
	if err := e.compileResult(pl); err != nil {
		return nil, err
	}
	if err := e.compileSort(pl); err != nil {
		return nil, err
	}
	return pl, nil
}

// addRegion narrows the plan's region to b.
func (pl *plan) addRegion(b orb.Bound) {
	if !pl.bounded {
		pl.bound, pl.bounded = b, true
		return
	}
	if !pl.bound.Intersects(b) {
		pl.empty = true
		return
	}
	pl.bound = orb.Bound{
		Min: orb.Point{max(pl.bound.Min[0], b.Min[0]), max(pl.bound.Min[1], b.Min[1])},
		Max: orb.Point{min(pl.bound.Max[0], b.Max[0]), min(pl.bound.Max[1], b.Max[1])},
	}
}

// match reports whether f passes every clause but nearest, and the
// filter. The filter runs first: it reads the props in place, and a
// feature it drops never has its geometry built.
func (pl *plan) match(f *feat) bool {
	if pl.filter != nil && pl.filter(f) != triTrue {
		return false
	}
	for i := range pl.clauses {
		if !pl.clauses[i].test(f) {
			return false
		}
	}
	return true
}

func (e *Engine) compileResult(pl *plan) error {
	q := pl.q
	if q.Grouped() {
		if q.Properties != nil {
			return errf(CodeInvalid, "properties", "a grouped question returns figures, not properties")
		}
		return e.compileGroups(pl)
	}
	if q.Limit > e.lim.MaxLimit {
		return errf(CodeLimit, "limit", "%d is over the maximum page of %d", q.Limit, e.lim.MaxLimit)
	}
	if q.Limit == 0 {
		q.Limit = e.lim.DefaultLimit
	}
	if q.Offset+q.Limit > e.lim.MaxWindow {
		return errf(CodeLimit, "offset", "offset+limit %d is past the first %d features; narrow the question", q.Offset+q.Limit, e.lim.MaxWindow)
	}
	if q.Properties == nil {
		pl.fields = layers.VisibleFields(pl.p, pl.layer)
		return nil
	}
	pl.fields = []int{}
	for i, name := range q.Properties {
		j, err := field(pl.p, pl.layer, index("properties", i), name)
		if err != nil {
			return err
		}
		pl.fields = append(pl.fields, j)
	}
	return nil
}

// checkCtx is called every so many iterations of every loop.
func checkCtx(ctx context.Context, n int) error {
	if n&1023 == 0 {
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("query: %w", err)
		}
	}
	return nil
}
