package tiles

import (
	"container/list"
	"context"
	"fmt"
	"slices"
	"sync"
)

// CacheStats are the tile cache counters since the server started.
type CacheStats struct {
	Hits        int64 // requests answered from the cache
	Shared      int64 // requests that waited for another request's render
	Renders     int64 // tiles rendered: the misses
	Evictions   int64 // entries dropped to stay within the byte bound
	Invalidated int64 // entries dropped because a write touched their tile
	Abandoned   int64 // renders cancelled because every request for them gave up
	Entries     int   // entries held now
	Bytes       int64 // bytes charged now
}

// entryOverhead is the bytes charged per entry beyond its key and data.
const entryOverhead = 256

// entry is one cached tile.
type entry struct {
	key    string
	layers []string
	coord  Coord
	tile   Tile
	size   int64
	elem   *list.Element
}

// call is one render in flight; requests for the same key wait on it.
type call struct {
	layers []string
	coord  Coord
	done   chan struct{}
	tile   Tile
	err    error
	stale  bool // invalidated while rendering: do not cache the result
	// waiters counts the requests waiting for the render; when the last
	// one gives up, cancel stops the render (nobody wants its result).
	waiters int
	cancel  context.CancelFunc
}

// layerZoom indexes entries by layer and zoom for invalidation.
type layerZoom struct {
	layer string
	z     int
}

// cache is a byte-bounded LRU of rendered tiles with de-duplication of
// concurrent renders. One mutex guards everything; renders run outside it.
type cache struct {
	maxBytes int64 // negative: store nothing
	opts     tileOptions

	mu       sync.Mutex
	lru      *list.List // of *entry, most recently used first
	byKey    map[string]*entry
	byTile   map[layerZoom]map[[2]int][]*entry
	inflight map[string]*call
	st       CacheStats
}

func newCache(maxBytes int64, opts tileOptions) *cache {
	return &cache{
		maxBytes: maxBytes,
		opts:     opts,
		lru:      list.New(),
		byKey:    make(map[string]*entry),
		byTile:   make(map[layerZoom]map[[2]int][]*entry),
		inflight: make(map[string]*call),
	}
}

// get returns the cached tile for key; the lookup does not allocate.
func (c *cache) get(key []byte) (Tile, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.byKey[string(key)]
	if !ok {
		return Tile{}, false
	}
	c.lru.MoveToFront(e.elem)
	c.st.Hits++
	return e.tile, true
}

// do returns the cached tile for key, or waits for the render of it already
// in flight, or renders it once for everyone asking. The render runs on its
// own goroutine with ctx's values but its own cancellation: one caller
// giving up does not fail the others, and when every caller has given up
// (clients gone) the render is cancelled rather than finished for nobody.
func (c *cache) do(ctx context.Context, key string, ids []string, coord Coord, render func(context.Context) (Tile, error)) (Tile, error) {
	c.mu.Lock()
	if e, ok := c.byKey[key]; ok {
		c.lru.MoveToFront(e.elem)
		c.st.Hits++
		c.mu.Unlock()
		return e.tile, nil
	}
	// A render marked stale may have read the index before a write that
	// has since been acknowledged: a new request must not wait for it.
	cl, ok := c.inflight[key]
	if ok && !cl.stale {
		c.st.Shared++
		cl.waiters++
	} else {
		rctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
		cl = &call{layers: ids, coord: coord, done: make(chan struct{}), waiters: 1, cancel: cancel}
		c.inflight[key] = cl
		c.st.Renders++
		go c.run(rctx, key, cl, render)
	}
	c.mu.Unlock()
	select {
	case <-cl.done:
		return cl.tile, cl.err
	case <-ctx.Done():
		c.leave(key, cl)
		return Tile{}, ctx.Err()
	}
}

// leave is a waiter giving up on cl; the last one cancels the render and
// takes it out of flight, so a later request starts afresh.
func (c *cache) leave(key string, cl *call) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if cl.waiters--; cl.waiters > 0 {
		return
	}
	cl.cancel()
	if c.inflight[key] == cl {
		delete(c.inflight, key)
	}
	c.st.Abandoned++
}

func (c *cache) run(ctx context.Context, key string, cl *call, render func(context.Context) (Tile, error)) {
	defer close(cl.done)
	defer cl.cancel()
	func() {
		defer func() {
			if r := recover(); r != nil {
				cl.err = fmt.Errorf("tiles: render %s: panic: %v", cl.coord, r)
			}
		}()
		cl.tile, cl.err = render(ctx)
	}()
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.inflight[key] == cl {
		delete(c.inflight, key)
	}
	if cl.err == nil && !cl.stale {
		c.add(&entry{key: key, layers: cl.layers, coord: cl.coord, tile: cl.tile})
	}
}

// add inserts e and evicts least recently used entries past the bound. The
// gzip form is made later and on demand, so each entry is charged twice its
// raw size: gzip output is no larger than its input plus a few bytes.
func (c *cache) add(e *entry) {
	e.size = int64(len(e.key)+2*len(e.tile.data)) + entryOverhead
	if c.maxBytes < 0 || e.size > c.maxBytes {
		return
	}
	if old, ok := c.byKey[e.key]; ok {
		c.remove(old)
	}
	e.elem = c.lru.PushFront(e)
	c.byKey[e.key] = e
	for _, id := range e.layers {
		lz := layerZoom{id, e.coord.Z}
		m := c.byTile[lz]
		if m == nil {
			m = make(map[[2]int][]*entry)
			c.byTile[lz] = m
		}
		xy := [2]int{e.coord.X, e.coord.Y}
		m[xy] = append(m[xy], e)
	}
	c.st.Bytes += e.size
	for c.st.Bytes > c.maxBytes {
		c.remove(c.lru.Back().Value.(*entry))
		c.st.Evictions++
	}
}

// remove drops e from every structure.
func (c *cache) remove(e *entry) {
	c.lru.Remove(e.elem)
	delete(c.byKey, e.key)
	for _, id := range e.layers {
		lz := layerZoom{id, e.coord.Z}
		m := c.byTile[lz]
		xy := [2]int{e.coord.X, e.coord.Y}
		m[xy] = slices.DeleteFunc(m[xy], func(x *entry) bool { return x == e })
		if len(m[xy]) == 0 {
			delete(m, xy)
		}
		if len(m) == 0 {
			delete(c.byTile, lz)
		}
	}
	c.st.Bytes -= e.size
}

func (c *cache) stats() CacheStats {
	c.mu.Lock()
	defer c.mu.Unlock()
	s := c.st
	s.Entries = len(c.byKey)
	return s
}
