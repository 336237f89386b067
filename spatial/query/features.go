package query

import (
	"container/heap"
	"context"
	"slices"
	"strings"

	"bando/spatial"
)

// features answers a query for features: the page of matches in a stable
// order (distance from the query's point, then id; or id) and how many
// matched in all. Candidates are ranked as views; only the page is
// materialised, under the same read lock.
func (e *Engine) features(ctx context.Context, pl *plan) (*Result, error) {
	res := &Result{Layer: pl.layer, Fields: pl.fields, Repairs: pl.repairs}
	var err error
	e.src.read(pl.layer.ID, func(lv spatial.LayerView) {
		err = e.featuresIn(ctx, pl, lv, res)
		materialise(lv, res.Features)
	})
	if err != nil {
		return nil, err
	}
	return res, nil
}

func (e *Engine) featuresIn(ctx context.Context, pl *plan, lv spatial.LayerView, res *Result) error {
	q := pl.q
	if pl.nearest != nil {
		hits, err := e.nearest(ctx, pl, lv)
		if err != nil {
			return err
		}
		res.Matched = len(hits)
		res.Features = page(hits, q.Offset, q.Limit)
		return nil
	}
	if pl.empty {
		return nil
	}
	if len(pl.sort) > 0 {
		return sorted(ctx, e, pl, lv, res)
	}
	if !pl.bounded && pl.origin == nil {
		return inIDOrder(ctx, pl, lv, res)
	}
	nw := workers()
	tops := perWorker(nw, func() *topN { return &topN{n: q.Offset + q.Limit} })
	counts := make([]int, nw)
	pend := perWorker(nw, func() *pending { return &pending{lv: lv} })
	origin := pl.origin
	err := e.scan(ctx, pl, lv, nw, func(w int, f *feat) {
		counts[w]++
		h := Hit{ref: f.v.Ref()}
		if origin != nil {
			h.DistanceM, h.HasDistance = distanceTo(*origin, f), true
		}
		pend[w].add(h, tops[w])
	})
	if err != nil {
		return err
	}
	for w, p := range pend {
		p.flush(tops[w])
	}
	all := tops[0]
	for i, t := range tops {
		res.Matched += counts[i]
		if i > 0 {
			for _, h := range t.hits {
				all.offer(h)
			}
		}
	}
	hits := all.hits
	slices.SortFunc(hits, cmpHit)
	res.Features = page(hits, q.Offset, q.Limit)
	return nil
}

// pending holds matches until a group of them has its ids read: reading a
// slot is a cache miss per match on a big layer, and a group's misses
// overlap when their loads are issued together (touchSlots).
type pending struct {
	lv   spatial.LayerView
	hits [touchGroup]Hit
	n    int
}

// touchGroup is how many features' memory loads are issued together.
const touchGroup = 16

func (p *pending) add(h Hit, t *topN) {
	p.hits[p.n] = h
	if p.n++; p.n == len(p.hits) {
		p.flush(t)
	}
}

// flush reads the held matches' ids and offers them to t.
func (p *pending) flush(t *topN) {
	hs := p.hits[:p.n]
	touchSlots(p.lv, hs)
	for i := range hs {
		h := &hs[i]
		v := p.lv.View(h.ref)
		if n, ok := v.NumericID(); ok {
			h.num, h.numeric = n, true
		} else {
			h.id = v.ID()
		}
		t.offer(*h)
	}
	p.n = 0
}

// inIDOrder walks the layer in id order, counting matches and keeping the
// page: no region to search, nothing to sort.
func inIDOrder(ctx context.Context, pl *plan, lv spatial.LayerView, res *Result) error {
	q := pl.q
	if pl.filter == nil && len(pl.clauses) == 0 {
		res.Matched = lv.Count()
		lv.Ascend(q.Offset, func(v spatial.FeatureView) bool {
			res.Features = append(res.Features, newHit(v))
			return len(res.Features) < q.Limit
		})
		return nil
	}
	var err error
	n := 0
	f := newFeat(lv)
	lv.Ascend(0, func(v spatial.FeatureView) bool {
		if err = checkCtx(ctx, n); err != nil {
			return false
		}
		f.view(v)
		if pl.match(f) {
			if res.Matched >= q.Offset && res.Matched < q.Offset+q.Limit {
				res.Features = append(res.Features, newHit(v))
			}
			res.Matched++
		}
		n++
		return true
	})
	return err
}

func page(hits []Hit, offset, limit int) []Hit {
	if offset >= len(hits) {
		return nil
	}
	return hits[offset:min(len(hits), offset+limit)]
}

// cmpHit orders hits by distance, then id.
func cmpHit(a, b Hit) int {
	switch {
	case a.DistanceM < b.DistanceM:
		return -1
	case a.DistanceM > b.DistanceM:
		return 1
	}
	return cmpID(a, b)
}

// cmpID orders hits as spatial.Less orders ids: integers first, in
// numeric order, then other ids in byte order.
func cmpID(a, b Hit) int {
	switch {
	case a.numeric && b.numeric:
		switch {
		case a.num < b.num:
			return -1
		case a.num > b.num:
			return 1
		}
		return 0
	case a.numeric != b.numeric:
		if a.numeric {
			return -1
		}
		return 1
	}
	return strings.Compare(a.id, b.id)
}

// topN keeps the n least hits seen. Until n have come it only appends
// (a radius or zone page is most often all the matches); it becomes a
// max-heap when full.
type topN struct {
	n    int
	hits []Hit
	heap bool
}

func (t *topN) Len() int           { return len(t.hits) }
func (t *topN) Less(i, j int) bool { return cmpHit(t.hits[i], t.hits[j]) > 0 }
func (t *topN) Swap(i, j int)      { t.hits[i], t.hits[j] = t.hits[j], t.hits[i] }
func (t *topN) Push(x any)         { t.hits = append(t.hits, x.(Hit)) }
func (t *topN) Pop() any {
	h := t.hits[len(t.hits)-1]
	t.hits = t.hits[:len(t.hits)-1]
	return h
}

func (t *topN) offer(h Hit) {
	if t.n <= 0 {
		return
	}
	if len(t.hits) < t.n {
		t.hits = append(t.hits, h)
		return
	}
	if !t.heap {
		heap.Init(t)
		t.heap = true
	}
	if cmpHit(h, t.hits[0]) < 0 {
		t.hits[0] = h
		heap.Fix(t, 0)
	}
}
