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
// fn runs under the layer's read lock and must not write to the index.
func (e *Engine) Select(ctx context.Context, p layers.Principal, q Query, fn func(*spatial.Feature)) (*layers.Layer, error) {
	parent := ctx
	ctx, cancel := context.WithTimeout(ctx, e.lim.Timeout)
	defer cancel()
	q.GroupBy, q.Aggregate, q.Properties, q.Limit, q.Offset = nil, nil, nil, 0, 0
	pl, err := e.plan(p, &q)
	if err != nil {
		return nil, err
	}
	if pl.nearest != nil {
		hits, err := e.nearest(ctx, pl)
		if err != nil {
			return nil, e.timeout(parent, err)
		}
		for _, h := range hits {
			fn(h.Feature)
		}
		return pl.layer, nil
	}
	err = e.scan(ctx, pl, 1, func(_ int, f *spatial.Feature) { fn(f) })
	return pl.layer, e.timeout(parent, err)
}

// timeout turns the engine's own deadline into CodeTimeout; the caller's
// cancellation stays what it is.
func (e *Engine) timeout(parent context.Context, err error) error {
	if err != nil && errors.Is(err, context.DeadlineExceeded) && parent.Err() == nil {
		return errf(CodeTimeout, "", "the question ran longer than %v; narrow it (a smaller zone, a filter, fewer groups)", e.lim.Timeout)
	}
	return err
}
