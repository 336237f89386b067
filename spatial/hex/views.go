package hex

import (
	"context"
	"fmt"
	"strings"

	"bando/spatial"
	"github.com/paulmach/orb"
)

// item is one feature of a batch: a feature handed in whole (f), or a
// point read from a view, its position and figures copied out of the
// store (f nil), so that the workers, which run after the store's read
// lock may be released, never touch a view.
type item struct {
	f    *spatial.Feature
	pt   orb.Point
	isPt bool
}

func (it *item) id() string {
	if it.f != nil {
		return it.f.ID
	}
	return ""
}

// batch is the items one worker takes at a time, and for items read from
// views their non-count figures, len(aggs) per item.
type batch struct {
	items []item
	vals  []aggVal
}

func newBatch() *batch { return &batch{items: make([]item, 0, batchSize)} }

func (b *batch) reset() {
	clear(b.items) // drop the features for the GC
	b.items, b.vals = b.items[:0], b.vals[:0]
}

// AggregateViews is Aggregate over features read in place: scan calls its
// argument with a view of each feature, under the store's read lock (e.g.
// query.Engine.SelectViews), until it returns false. A point costs no
// allocation: its position and numeric values are copied out of the view;
// lines and polygons, whose covers need orb geometry, are materialised.
func (e *Engine) AggregateViews(ctx context.Context, req Request, scan func(fn func(spatial.FeatureView) bool)) (*Result, error) {
	var aggs []Agg
	for _, a := range req.Aggs {
		if a.Op != Count {
			aggs = append(aggs, a)
		}
	}
	vals := make([]aggVal, len(aggs))
	return e.aggregate(ctx, req, func(add func(item, []aggVal) bool) {
		var err error
		scan(func(v spatial.FeatureView) bool {
			it := item{}
			if v.Kind() == spatial.KindPoint {
				// A point's box is the point: read from the slot that
				// holds the kind, not from the coordinate arena.
				it.pt, it.isPt = v.Bound().Min, true
				if checkLonLat(it.pt[0], it.pt[1]) != nil {
					it = item{f: v.Feature()} // the worker reports it, by id
				}
			} else {
				it.f = v.Feature()
			}
			if it.f == nil {
				if vals, err = viewValues(aggs, v, vals); err != nil {
					it = item{f: v.Feature()} // the worker reports it, by id
				}
			}
			return add(it, vals)
		})
	})
}

// viewValues reads the figures' values of a view into vals, as values
// reads them from a feature's props.
func viewValues(aggs []Agg, v spatial.FeatureView, vals []aggVal) ([]aggVal, error) {
	for k, a := range aggs {
		x := v.Prop(a.Index)
		switch x.Kind() {
		case spatial.PropNull:
			vals[k] = aggVal{}
		case spatial.PropInt:
			vals[k] = aggVal{n: 1, i: x.Int()}
		case spatial.PropFloat:
			vals[k] = aggVal{n: 1, f: x.Float(), float: true}
		default:
			_, _, _, _, err := number(a, x.Any())
			return vals, fmt.Errorf("hex: feature %q: %w", strings.Clone(v.ID()), err)
		}
	}
	return vals, nil
}
