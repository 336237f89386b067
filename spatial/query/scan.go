package query

import (
	"context"
	"runtime"

	"bando/spatial"

	"github.com/paulmach/orb"
	"golang.org/x/sync/errgroup"
)

// scan calls fn for every feature of lv that matches the plan's clauses
// (except nearest) and filter, in no particular order, from up to
// `parallel` goroutines at once; worker is in [0, parallel). The bands
// share the caller's read lock (lv), so every worker sees the same
// version of the layer. f is valid only inside fn. It honours ctx.
func (e *Engine) scan(ctx context.Context, pl *plan, lv spatial.LayerView, parallel int, fn func(worker int, f *feat)) error {
	if pl.empty {
		return nil
	}
	b, ok := pl.bound, pl.bounded
	if !ok {
		if b, ok = lv.Extent(); !ok {
			return nil
		}
	}
	if parallel <= 1 || expected(lv, b) < 20000 {
		return scanBand(ctx, pl, lv, b, b, b.Min[1], b.Max[1], true, func(f *feat) { fn(0, f) })
	}
	// Horizontal bands: a feature belongs to the band holding the bottom of
	// its box (clamped into b), so that each is seen once.
	g, ctx := errgroup.WithContext(ctx)
	h := (b.Max[1] - b.Min[1]) / float64(parallel)
	for i := range parallel {
		lo, hi := b.Min[1]+float64(i)*h, b.Min[1]+float64(i+1)*h
		last := i == parallel-1
		if last {
			hi = b.Max[1]
		}
		band := orb.Bound{Min: orb.Point{b.Min[0], lo}, Max: orb.Point{b.Max[0], hi}}
		g.Go(func() error {
			return scanBand(ctx, pl, lv, band, b, lo, hi, last, func(f *feat) { fn(i, f) })
		})
	}
	return g.Wait()
}

// scanBand scans the features meeting band whose clamped box bottom lies in
// [lo, hi) ([lo, hi] for the last band).
func scanBand(ctx context.Context, pl *plan, lv spatial.LayerView, band, whole orb.Bound, lo, hi float64, last bool, fn func(*feat)) error {
	var err error
	n := 0
	f := newFeat(lv) // one per band, reused
	lv.ScanBound(band, func(v spatial.FeatureView, box orb.Bound) bool {
		if err = checkCtx(ctx, n); err != nil {
			return false
		}
		n++
		y := max(box.Min[1], whole.Min[1])
		if y < lo || y > hi || y == hi && !last {
			return true
		}
		f.reset(v, box)
		if pl.match(f) {
			fn(f)
		}
		return true
	})
	return err
}

// expected estimates the features of lv whose boxes meet b, as if they
// were spread evenly over the layer's extent: a radius or zone question
// meets a few hundred, and splitting it into bands costs more than it
// saves (and its clients are already many).
func expected(lv spatial.LayerView, b orb.Bound) float64 {
	ext, ok := lv.Extent()
	if !ok {
		return 0
	}
	n := float64(lv.Count())
	w, h := ext.Max[0]-ext.Min[0], ext.Max[1]-ext.Min[1]
	if w <= 0 || h <= 0 {
		return n
	}
	iw := min(b.Max[0], ext.Max[0]) - max(b.Min[0], ext.Min[0])
	ih := min(b.Max[1], ext.Max[1]) - max(b.Min[1], ext.Min[1])
	if iw < 0 || ih < 0 {
		return 0
	}
	return n * (iw / w) * (ih / h)
}

func workers() int { return runtime.GOMAXPROCS(0) }

// perWorker makes one value per worker.
func perWorker[T any](n int, mk func() T) []T {
	out := make([]T, n)
	for i := range out {
		out[i] = mk()
	}
	return out
}
