package query

import (
	"context"
	"errors"

	"bando/layers"
	"bando/spatial"
)

// Select calls fn for every feature that q's where clauses and filter
// select, as Run would count them (q's grouping, paging and properties are
// ignored), in no particular order, from one goroutine, and returns the
// features' layer. Engines that aggregate their own way — H3 cells, later
// aggregate tiles and rules — select through it, so there is one evaluator.
// Each feature is materialised; SelectViews reads them in place. fn runs
// under the layer's read lock and must not call back into the index.
func (e *Engine) Select(ctx context.Context, p layers.Principal, q Query, fn func(*spatial.Feature)) (*layers.Layer, error) {
	return e.SelectViews(ctx, p, q, func(v spatial.FeatureView) { fn(v.Feature()) })
}

// SelectViews is Select handing out views (no allocation per feature):
// a view, and all read from it, is valid only inside fn, which runs under
// the layer's read lock and must not call back into the index.
func (e *Engine) SelectViews(ctx context.Context, p layers.Principal, q Query, fn func(spatial.FeatureView)) (*layers.Layer, error) {
	parent := ctx
	ctx, cancel := context.WithTimeout(ctx, e.lim.Timeout)
	defer cancel()
	q.GroupBy, q.Aggregate, q.Properties, q.Limit, q.Offset = nil, nil, nil, 0, 0
	pl, err := e.plan(p, &q)
	if err != nil {
		return nil, err
	}
	e.src.read(pl.layer.ID, func(lv spatial.LayerView) {
		if pl.nearest != nil {
			var hits []Hit
			if hits, err = e.nearest(ctx, pl, lv); err != nil {
				return
			}
			for _, h := range hits {
				fn(lv.View(h.ref))
			}
			return
		}
		err = e.scan(ctx, pl, lv, 1, func(_ int, f *feat) { fn(f.v) })
	})
	if err != nil {
		return nil, e.timeout(parent, err)
	}
	return pl.layer, nil
}

// timeout turns the engine's own deadline into CodeTimeout; the caller's
// cancellation stays what it is.
func (e *Engine) timeout(parent context.Context, err error) error {
	if err != nil && errors.Is(err, context.DeadlineExceeded) && parent.Err() == nil {
		return errf(CodeTimeout, "", "the question ran longer than %v; narrow it (a smaller zone, a filter, fewer groups)", e.lim.Timeout)
	}
	return err
}
