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
// matched in all.
func (e *Engine) features(ctx context.Context, pl *plan) (*Result, error) {
	res := &Result{Layer: pl.layer, Fields: pl.fields, Repairs: pl.repairs}
	q := pl.q
	if pl.nearest != nil {
		hits, err := e.nearest(ctx, pl)
		if err != nil {
			return nil, err
		}
		res.Matched = len(hits)
		res.Features = page(hits, q.Offset, q.Limit)
		return res, nil
	}
	if pl.empty {
		return res, nil
	}
	if !pl.bounded && pl.origin == nil {
		return e.inIDOrder(ctx, pl, res)
	}
	nw := workers()
	tops := perWorker(nw, func() *topN { return &topN{n: q.Offset + q.Limit} })
	counts := make([]int, nw)
	origin := pl.origin
	err := e.scan(ctx, pl, nw, func(w int, f *spatial.Feature) {
		counts[w]++
		h := newHit(f)
		if origin != nil {
			h.DistanceM, h.HasDistance = distanceTo(*origin, f), true
		}
		tops[w].offer(h)
	})
	if err != nil {
		return nil, err
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
	return res, nil
}

// inIDOrder walks the layer in id order, counting matches and keeping the
// page: no region to search, nothing to sort.
func (e *Engine) inIDOrder(ctx context.Context, pl *plan, res *Result) (*Result, error) {
	q := pl.q
	if pl.filter == nil && len(pl.clauses) == 0 {
		res.Matched = e.src.count(pl.layer.ID)
		e.src.ascend(pl.layer.ID, q.Offset, func(f *spatial.Feature) bool {
			res.Features = append(res.Features, Hit{Feature: f})
			return len(res.Features) < q.Limit
		})
		return res, nil
	}
	var err error
	n := 0
	e.src.ascend(pl.layer.ID, 0, func(f *spatial.Feature) bool {
		if err = checkCtx(ctx, n); err != nil {
			return false
		}
		if pl.match(f) {
			if res.Matched >= q.Offset && res.Matched < q.Offset+q.Limit {
				res.Features = append(res.Features, Hit{Feature: f})
			}
			res.Matched++
		}
		n++
		return true
	})
	return res, err
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
	return strings.Compare(a.Feature.ID, b.Feature.ID)
}

// topN keeps the n least hits seen, in a max-heap.
type topN struct {
	n    int
	hits []Hit
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
		heap.Push(t, h)
		return
	}
	if cmpHit(h, t.hits[0]) < 0 {
		t.hits[0] = h
		heap.Fix(t, 0)
	}
}
