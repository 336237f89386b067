package quality

import (
	"container/heap"
	"slices"
	"time"

	"bando/layers"
	"bando/spatial"
)

// clearances are the levels completeness is computed for: a principal sees
// the expected fields its clearance admits, and no figure of the others.
var clearances = [...]layers.Access{layers.Public, layers.Internal, layers.Restricted}

// summary is one layer's figures as a refresh left them: what every
// principal may see, and the completeness per clearance level.
type summary struct {
	l        *layers.Layer
	features int
	computed time.Time
	validity Validity
	clean    Cleanliness
	levels   [len(clearances)]Completeness
	masks    [len(clearances)]uint64
	updated  time.Time
}

// summarize builds the layer's summary, with at most max ids per list.
func (ls *layerState) summarize(now time.Time, max int) *summary {
	s := &summary{l: ls.l, features: len(ls.feats), computed: now, updated: ls.updated}
	var invalid, outside, dups, over, within idList
	var pairs pairList
	for id := range ls.invalid {
		invalid.push(id, max)
	}
	for id := range ls.outside {
		outside.push(id, max)
	}
	unclean := len(ls.paired)
	for _, g := range ls.dupGroups {
		for id := range g {
			dups.push(id, max)
			if _, ok := ls.paired[id]; !ok {
				unclean++
			}
		}
	}
	for id := range ls.paired {
		f := ls.feats[id]
		if len(f.overlaps) > 0 {
			over.push(id, max)
			for p := range f.overlaps {
				if spatial.Less(id, p) {
					pairs.push([2]string{id, p}, max)
				}
			}
		}
		if len(f.within) > 0 {
			within.push(id, max)
		}
	}
	n := len(ls.feats)
	s.validity = Validity{Score: share(n-len(ls.invalid)-len(ls.outside), n), Invalid: len(ls.invalid), Outside: len(ls.outside),
		InvalidIDs: invalid.sorted(), OutsideIDs: outside.sorted(), Problems: []IDProblem{}}
	for _, id := range s.validity.InvalidIDs {
		s.validity.Problems = append(s.validity.Problems, IDProblem{ID: id, Problem: *ls.feats[id].problem})
	}
	s.clean = Cleanliness{Score: share(n-unclean, n), Duplicates: ls.dups, Overlaps: ls.pairs, Contained: ls.within,
		DuplicateIDs: dups.sorted(), OverlapIDs: over.sorted(), OverlapPairs: pairs.sorted(max), ContainedIDs: within.sorted()}
	s.masks = ls.masks
	for i := range clearances {
		s.levels[i] = ls.completeness(i, max)
	}
	return s
}

// mask is the bits of the expected fields p may see.
func (ls *layerState) mask(p layers.Principal) uint64 {
	var m uint64
	for bit, i := range ls.expected {
		if layers.CanSeeField(p, ls.l, &ls.l.Fields[i]) {
			m |= 1 << bit
		}
	}
	return m
}

// completeness is the completeness of clearance level i: over the
// expected fields it sees, the worst features lacking the most of them.
func (ls *layerState) completeness(i int, max int) Completeness {
	c := Completeness{Expected: []string{}, Missing: map[string]int{}, IncompleteIDs: []string{}}
	for bit, f := range ls.expected {
		if ls.masks[i]&(1<<bit) != 0 {
			name := ls.l.Fields[f].Name
			c.Expected = append(c.Expected, name)
			c.Missing[name] = ls.missing[bit]
		}
	}
	n, bad := len(ls.feats), ls.worst[i].Len()
	c.Complete = n - bad
	c.Score = share(n-bad, n)
	ls.worst[i].Scan(func(r ranked) bool {
		if len(c.IncompleteIDs) >= max {
			return false
		}
		c.IncompleteIDs = append(c.IncompleteIDs, r.id)
		return true
	})
	return c
}

// ranked is a feature with the number of expected fields it lacks.
type ranked struct {
	id string
	k  int
}

// better: more fields missing, then the lower id.
func better(a, b ranked) bool {
	if a.k != b.k {
		return a.k > b.k
	}
	return spatial.Less(a.id, b.id)
}

// idList keeps the max lowest ids (in spatial.Less order) pushed to it.
type idList struct{ h idHeap }

func (l *idList) push(id string, max int) {
	switch {
	case max <= 0:
	case len(l.h) < max:
		heap.Push(&l.h, id)
	case spatial.Less(id, l.h[0]):
		l.h[0] = id
		heap.Fix(&l.h, 0)
	}
}

func (l *idList) sorted() []string {
	out := slices.Clone([]string(l.h))
	if out == nil {
		out = []string{}
	}
	slices.SortFunc(out, cmpID)
	return out
}

func cmpID(a, b string) int {
	switch {
	case a == b:
		return 0
	case spatial.Less(a, b):
		return -1
	}
	return 1
}

// idHeap is a max-heap of ids: the highest kept id on top.
type idHeap []string

func (h idHeap) Len() int           { return len(h) }
func (h idHeap) Less(i, j int) bool { return spatial.Less(h[j], h[i]) }
func (h idHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *idHeap) Push(x any)        { *h = append(*h, x.(string)) }
func (h *idHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}

// pairList keeps the max lowest pairs.
type pairList struct{ ps [][2]string }

func (l *pairList) push(p [2]string, max int) {
	if max > 0 {
		l.ps = append(l.ps, p)
		if len(l.ps) > 4*max {
			l.trim(max)
		}
	}
}

func (l *pairList) trim(max int) {
	slices.SortFunc(l.ps, cmpPair)
	l.ps = l.ps[:min(len(l.ps), max)]
}

func (l *pairList) sorted(max int) [][2]string {
	if l.ps == nil {
		return [][2]string{}
	}
	l.trim(max)
	return l.ps
}

func cmpPair(a, b [2]string) int {
	if c := cmpID(a[0], b[0]); c != 0 {
		return c
	}
	return cmpID(a[1], b[1])
}
