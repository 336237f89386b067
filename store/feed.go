package store

import "sync"

// Feed fans change events out to subscribers, synchronously and in commit
// order, so that when a write returns every consumer (index, tile cache,
// rules) has already seen it.
type Feed struct {
	mu    sync.RWMutex
	subs  []func([]Change)
	holds map[*hold]struct{} // see Hold
}

// Subscribe registers fn to receive every batch of changes (one Put or
// Delete call) from now on. Batches arrive one at a time in commit order,
// on the goroutine of the writer that led the commit, before any writer of
// that commit returns: fn must be quick and must not write to the store.
func (f *Feed) Subscribe(fn func([]Change)) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.subs = append(f.subs, fn)
}

// Publish delivers a batch of changes to every subscriber, then to every
// hold.
func (f *Feed) Publish(cs []Change) {
	if len(cs) == 0 {
		return
	}
	f.mu.RLock()
	defer f.mu.RUnlock()
	for _, fn := range f.subs {
		fn(cs)
	}
	for h := range f.holds {
		h.fn(cs)
	}
}
