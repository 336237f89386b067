package api

import (
	"hash/fnv"
	"slices"
	"sync"

	"bando/ingest"
	"bando/layers"
	"bando/spatial"
)

// A writer's clearance bounds what it may see and what it may write. Its
// input is parsed against layers.WriteView, so a field it may not see is an
// unknown field (ignored, never named, never stored); then mergeHidden puts
// the stored values of those fields back, so that a PUT, or a POST of an id
// that exists, keeps what the writer could not see instead of erasing it.

// hiddenRequiredMsg names no field: the writer may not learn which hidden
// field is required, only that the feature cannot be created by it.
const hiddenRequiredMsg = "a required field is missing that this token may not write; " +
	"a token of higher clearance must create this feature"

// mergeHidden turns features parsed against a write view (props in view
// order, pos[i] the layer position of view field i) into features of the
// full layer, carrying the stored values of the fields the writer cannot
// see. A new feature that lacks a required hidden field is refused: with
// partial it moves to the report's rejections, else the whole input is an
// *ingest.Error. The caller holds the write locks of the features.
func (s *Server) mergeHidden(l *layers.Layer, pos []int, feats []*spatial.Feature, rep *ingest.Report, partial bool) ([]*spatial.Feature, error) {
	index := acceptedIndexes(rep, len(feats))
	var probs []ingest.Problem
	kept := feats[:0:0]
	for k, f := range feats {
		full := make([]any, len(l.Fields))
		for j, i := range pos {
			if j < len(f.Props) {
				full[i] = f.Props[j]
			}
		}
		old, found := s.cfg.Index.Get(l.ID, f.ID)
		missing := false
		for i := range l.Fields {
			if slices.Contains(pos, i) {
				continue
			}
			if found && i < len(old.Props) {
				full[i] = old.Props[i]
			}
			missing = missing || l.Fields[i].Required && full[i] == nil
		}
		if missing {
			probs = append(probs, ingest.Problem{Index: index[k], ID: f.ID, Rule: ingest.RuleRequired, Message: hiddenRequiredMsg})
			continue
		}
		f.Props = full
		kept = append(kept, f)
	}
	if len(probs) == 0 {
		return kept, nil
	}
	if !partial {
		return nil, &ingest.Error{Problems: probs}
	}
	rep.Accepted -= len(probs)
	rep.Rejected = append(rep.Rejected, probs...)
	slices.SortStableFunc(rep.Rejected, func(a, b ingest.Problem) int { return a.Index - b.Index })
	return kept, nil
}

// acceptedIndexes returns the input index of each of the n accepted
// features. Prepare returns them in input order and lists every rejected
// feature by index, so the accepted ones are the indexes not rejected. When
// rejections were omitted from the report the indexes are unknown (-1).
func acceptedIndexes(rep *ingest.Report, n int) []int {
	out := make([]int, n)
	if rep == nil || rep.RejectedOmitted > 0 {
		for k := range out {
			out[k] = -1
		}
		return out
	}
	rejected := make(map[int]bool, len(rep.Rejected))
	for _, p := range rep.Rejected {
		rejected[p.Index] = true
	}
	for i, k := 0, 0; k < n; i++ {
		if !rejected[i] {
			out[k] = i
			k++
		}
	}
	return out
}

// writeStripes is the number of write locks; a power of two well above the
// number of concurrent writers, so single-feature writers rarely share one.
const writeStripes = 256

// writeLocks serialise writes of the same feature while one of them reads
// the stored hidden values and writes them back: without it a concurrent
// write of a hidden value could land between the read and the write and be
// lost. Features hash to stripes; a write takes its stripes in ascending
// order, so two writes never wait on each other in a cycle.
type writeLocks struct {
	mu [writeStripes]sync.Mutex
}

// lock takes the stripes of the n features id(0) … id(n-1) of layer l and
// returns the function that releases them. Layers without hidden fields
// never merge, so their writes take no lock.
func (w *writeLocks) lock(l *layers.Layer, n int, id func(int) string) (unlock func()) {
	if n == 0 || !layers.HasHiddenFields(l) {
		return func() {}
	}
	var set [writeStripes / 64]uint64
	for k := range n {
		h := fnv.New32a()
		h.Write([]byte(l.ID))
		h.Write([]byte{0})
		h.Write([]byte(id(k)))
		i := h.Sum32() % writeStripes
		set[i/64] |= 1 << (i % 64)
	}
	var held []int
	for i := range writeStripes {
		if set[i/64]&(1<<(i%64)) != 0 {
			w.mu[i].Lock()
			held = append(held, i)
		}
	}
	return func() {
		for _, i := range held {
			w.mu[i].Unlock()
		}
	}
}
