package tiles

import (
	"context"
	"errors"
	"math/rand/v2"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"bando/layers"
	"bando/spatial"
)

var defaultOpts = tileOptions{buffer: DefaultBuffer, extent: DefaultExtent}

func TestCacheRendersOnceForConcurrentRequests(t *testing.T) {
	c := newCache(1<<20, defaultOpts)
	var renders atomic.Int32
	release := make(chan struct{})
	render := func(context.Context) (Tile, error) {
		renders.Add(1)
		<-release
		return newTile([]byte("tile")), nil
	}
	const n = 50
	var wg sync.WaitGroup
	results := make([]Tile, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			tl, err := c.do(context.Background(), "k", []string{"a"}, Coord{1, 0, 0}, render)
			if err != nil {
				t.Error(err)
			}
			results[i] = tl
		}()
	}
	for c.stats().Shared < n-1 { // wait until every request is waiting
		time.Sleep(time.Millisecond)
	}
	close(release)
	wg.Wait()
	if r := renders.Load(); r != 1 {
		t.Errorf("rendered %d times, want 1", r)
	}
	for _, tl := range results {
		if string(tl.Bytes()) != "tile" {
			t.Fatalf("got %q", tl.Bytes())
		}
	}
	if _, err := c.do(context.Background(), "k", nil, Coord{1, 0, 0}, render); err != nil || renders.Load() != 1 {
		t.Errorf("second request rendered again (%d) or failed: %v", renders.Load(), err)
	}
	if st := c.stats(); st.Hits != 1 || st.Renders != 1 || st.Shared != n-1 || st.Entries != 1 {
		t.Errorf("stats = %+v", st)
	}
}

func TestCacheCallerCancelDoesNotFailOthers(t *testing.T) {
	c := newCache(1<<20, defaultOpts)
	release := make(chan struct{})
	render := func(ctx context.Context) (Tile, error) {
		<-release
		if ctx.Err() != nil {
			return Tile{}, ctx.Err()
		}
		return newTile([]byte("x")), nil
	}
	ctx, cancel := context.WithCancel(context.Background())
	first := make(chan error)
	go func() {
		_, err := c.do(ctx, "k", nil, Coord{}, render)
		first <- err
	}()
	for c.stats().Renders == 0 {
		time.Sleep(time.Millisecond)
	}
	cancel()
	if err := <-first; !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled caller got %v", err)
	}
	second := make(chan error)
	go func() {
		_, err := c.do(context.Background(), "k", nil, Coord{}, render)
		second <- err
	}()
	close(release)
	if err := <-second; err != nil {
		t.Errorf("second caller got %v", err)
	}
}

// TestCacheLastWaiterCancelsRender: a render stops when every request
// waiting for it has gone, and not before.
func TestCacheLastWaiterCancelsRender(t *testing.T) {
	c := newCache(1<<20, defaultOpts)
	cancelled := make(chan struct{})
	render := func(ctx context.Context) (Tile, error) {
		<-ctx.Done()
		close(cancelled)
		return Tile{}, ctx.Err()
	}
	ctx1, cancel1 := context.WithCancel(context.Background())
	ctx2, cancel2 := context.WithCancel(context.Background())
	errs := make(chan error, 2)
	go func() { _, err := c.do(ctx1, "k", nil, Coord{}, render); errs <- err }()
	for c.stats().Renders == 0 {
		time.Sleep(time.Millisecond)
	}
	go func() { _, err := c.do(ctx2, "k", nil, Coord{}, render); errs <- err }()
	for c.stats().Shared == 0 {
		time.Sleep(time.Millisecond)
	}
	cancel1()
	<-errs
	select {
	case <-cancelled:
		t.Fatal("render cancelled while a request still waits for it")
	case <-time.After(50 * time.Millisecond):
	}
	cancel2()
	<-errs
	select {
	case <-cancelled:
	case <-time.After(5 * time.Second):
		t.Fatal("render not cancelled after its last request gave up")
	}
	if st := c.stats(); st.Abandoned != 1 || st.Entries != 0 {
		t.Errorf("stats = %+v", st)
	}
}

func TestCacheRenderErrorsAndPanicsAreNotCached(t *testing.T) {
	c := newCache(1<<20, defaultOpts)
	boom := errors.New("boom")
	if _, err := c.do(context.Background(), "k", nil, Coord{}, func(context.Context) (Tile, error) { return Tile{}, boom }); !errors.Is(err, boom) {
		t.Errorf("err = %v", err)
	}
	if _, err := c.do(context.Background(), "k", nil, Coord{}, func(context.Context) (Tile, error) { panic("bad geometry") }); err == nil {
		t.Error("panic not reported as an error")
	}
	if st := c.stats(); st.Entries != 0 {
		t.Errorf("failed renders cached: %+v", st)
	}
}

func TestCacheEvictsByBytes(t *testing.T) {
	const size = 1000
	per := int64(len("k00")+2*size) + entryOverhead
	c := newCache(3*per, defaultOpts)
	render := func(context.Context) (Tile, error) { return newTile(make([]byte, size)), nil }
	for i := range 5 {
		key := "k0" + strconv.Itoa(i)
		if _, err := c.do(context.Background(), key, []string{"a"}, Coord{10, i, 0}, render); err != nil {
			t.Fatal(err)
		}
		if i == 2 { // touch k00 so k01 is the least recently used
			c.do(context.Background(), "k00", nil, Coord{}, render)
		}
	}
	st := c.stats()
	if st.Entries != 3 || st.Bytes != 3*per || st.Evictions != 2 {
		t.Errorf("stats = %+v, want 3 entries of %d bytes, 2 evictions", st, per)
	}
	for _, k := range []string{"k00", "k03", "k04"} {
		if _, ok := c.byKey[k]; !ok {
			t.Errorf("%s evicted; want k01 and k02 evicted", k)
		}
	}
	big := newCache(100, defaultOpts)
	big.do(context.Background(), "k", nil, Coord{}, render)
	if st := big.stats(); st.Entries != 0 || st.Bytes != 0 {
		t.Errorf("tile larger than the cache was cached: %+v", st)
	}
}

// TestCoveredTilesMatchesBruteForce checks the tile ranges used by
// invalidation against BufferedBound for random bounds: every tile whose
// buffered bound intersects the bound is in the range, and the range holds
// no tile farther than the rounding slack.
func TestCoveredTilesMatchesBruteForce(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 3))
	for i := range 300 {
		z := rng.IntN(8)
		p := orb.Point{rng.Float64()*360 - 180, rng.Float64()*170 - 85}
		w, h := rng.Float64()*rng.Float64()*40, rng.Float64()*rng.Float64()*40
		if i%5 == 0 {
			w, h = 0, 0 // a point
		}
		b := orb.Bound{Min: p, Max: orb.Point{p[0] + w, p[1] + h}}
		r, ok := coveredTiles(b, z, defaultOpts)
		n := 1 << z
		for x := range n {
			for y := range n {
				c := Coord{z, x, y}
				hit := c.BufferedBound(defaultOpts.buffer, defaultOpts.extent).Intersects(b)
				in := ok && r.contains(x, y)
				if hit && !in {
					t.Fatalf("bound %v z%d: tile %v intersects but is not covered (range %+v)", b, z, c, r)
				}
				if in && !hit && !c.BufferedBound(defaultOpts.buffer+1, defaultOpts.extent).Intersects(b) {
					t.Fatalf("bound %v z%d: tile %v covered but far away (range %+v)", b, z, c, r)
				}
			}
		}
	}
	if _, ok := coveredTiles(orb.Bound{Min: orb.Point{1, 1}, Max: orb.Point{0, 0}}, 3, defaultOpts); ok {
		t.Error("inverted bound covers tiles")
	}
}

func TestServerInvalidate(t *testing.T) {
	idx := spatial.NewIndex()
	s := testServer(t, Config{Index: idx}, map[string][]*spatial.Feature{
		"buildings": {feature(1, orb.Polygon{squareRing(hue, 0.0005)})},
		"roads":     {feature(1, orb.LineString{hue, {hue[0] + 0.001, hue[1]}})},
	})
	here, far := CoordOf(hue, 16), Coord{16, 0, 0}
	get := func(ids []string, c Coord) dTile { return mustTile(t, s, layers.Anonymous, ids, c) }
	get([]string{"buildings"}, here)
	get([]string{"buildings"}, far)
	get([]string{"roads", "buildings"}, here)
	get([]string{"roads"}, here)
	if st := s.CacheStats(); st.Entries != 4 || st.Renders != 4 {
		t.Fatalf("stats = %+v", st)
	}

	// A write near hue, at the same version: Invalidate alone must drop the
	// tiles of that layer there, and only those.
	added := feature(2, orb.Polygon{squareRing(orb.Point{hue[0] + 0.001, hue[1]}, 0.0002)})
	idx.Put("buildings", 1, []*spatial.Feature{added})
	s.Invalidate("buildings", added.Bound)
	if st := s.CacheStats(); st.Invalidated != 2 || st.Entries != 2 {
		t.Fatalf("after invalidate: %+v, want 2 dropped (buildings and roads+buildings at hue)", st)
	}
	if d := get([]string{"buildings"}, here); len(d.Layers[0].Features) != 2 {
		t.Errorf("re-rendered tile has %d features, want 2", len(d.Layers[0].Features))
	}
	get([]string{"buildings"}, far)
	get([]string{"roads"}, here)
	if st := s.CacheStats(); st.Hits != 2 {
		t.Errorf("untouched tiles were not served from the cache: %+v", st)
	}

	// Invalidate with no bounds drops the whole layer.
	s.Invalidate("buildings")
	for _, e := range s.cache.byKey {
		for _, l := range e.layers {
			if l == "buildings" {
				t.Errorf("entry %s survived a whole-layer invalidation", e.key)
			}
		}
	}
}

func TestInvalidateDuringRenderIsNotCached(t *testing.T) {
	c := newCache(1<<20, defaultOpts)
	started, release := make(chan struct{}), make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		c.do(context.Background(), "k", []string{"a"}, CoordOf(hue, 12), func(context.Context) (Tile, error) {
			close(started)
			<-release
			return newTile([]byte("old")), nil
		})
	}()
	<-started
	c.invalidate("b", []orb.Bound{hue.Bound()})                                  // another layer: no effect
	c.invalidate("a", []orb.Bound{{Min: orb.Point{0, 0}, Max: orb.Point{1, 1}}}) // elsewhere: no effect
	c.mu.Lock()
	stale := c.inflight["k"].stale
	c.mu.Unlock()
	if stale {
		t.Fatal("unrelated invalidation marked the render stale")
	}
	c.invalidate("a", []orb.Bound{hue.Bound()})
	close(release)
	<-done
	if st := c.stats(); st.Entries != 0 {
		t.Errorf("a render invalidated while running was cached: %+v", st)
	}
}

// TestInvalidateManyBounds: a bulk write stays exact. Bounds around two
// places must not drop the tiles between them (a union would), at every
// zoom, on both the range walk and the cached-tile scan.
func TestInvalidateManyBounds(t *testing.T) {
	for _, n := range []int{2, treeMin - 1, treeMin, 10 * treeMin} {
		t.Run(strconv.Itoa(n), func(t *testing.T) {
			c := newCache(1<<30, defaultOpts)
			render := func(context.Context) (Tile, error) { return newTile([]byte("x")), nil }
			west, east, between := orb.Point{100, 10}, orb.Point{110, 10}, orb.Point{105, 10}
			for z := 6; z <= 16; z++ {
				for _, p := range []orb.Point{west, east, between} {
					tc := CoordOf(p, z)
					c.do(context.Background(), tc.String(), []string{"a"}, tc, render)
				}
			}
			var bounds []orb.Bound
			for i := range n {
				p := west
				if i%2 == 1 {
					p = east
				}
				bounds = append(bounds, orb.Bound{Min: p, Max: orb.Point{p[0] + 1e-4*float64(i), p[1]}})
			}
			c.invalidate("a", bounds)
			for z := 6; z <= 16; z++ {
				for _, p := range []orb.Point{west, east} {
					if _, ok := c.byKey[CoordOf(p, z).String()]; ok {
						t.Errorf("z%d: touched tile %v survived", z, CoordOf(p, z))
					}
				}
				if _, ok := c.byKey[CoordOf(between, z).String()]; !ok {
					t.Errorf("z%d: untouched tile %v between the bounds was dropped", z, CoordOf(between, z))
				}
			}
			if st := c.stats(); st.Invalidated != 22 || st.Entries != 11 {
				t.Errorf("stats %+v, want 22 invalidated and 11 left", st)
			}
		})
	}
}

// TestWriteSetTouchesMatchesBruteForce checks the R-tree path of touches
// against BufferedBound for random batches and tiles: no touched tile is
// missed, and none farther than the rounding slack is reported.
func TestWriteSetTouchesMatchesBruteForce(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 8))
	for range 40 {
		var bounds []orb.Bound
		for range treeMin + rng.IntN(50) {
			p := orb.Point{100 + rng.Float64()*10, 5 + rng.Float64()*15}
			w, h := rng.Float64()*rng.Float64()*0.5, rng.Float64()*rng.Float64()*0.5
			bounds = append(bounds, orb.Bound{Min: p, Max: orb.Point{p[0] + w, p[1] + h}})
		}
		w := newWriteSet(bounds, defaultOpts)
		if w.tree == nil {
			t.Fatal("large batch has no tree")
		}
		for range 400 {
			z := rng.IntN(17)
			c := CoordOf(orb.Point{99 + rng.Float64()*12, 4 + rng.Float64()*17}, z)
			hit, near := false, false
			for _, b := range bounds {
				hit = hit || c.BufferedBound(defaultOpts.buffer, defaultOpts.extent).Intersects(b)
				near = near || c.BufferedBound(defaultOpts.buffer+1, defaultOpts.extent).Intersects(b)
			}
			got := w.touches(c)
			if hit && !got {
				t.Fatalf("tile %v intersects a bound but is not touched", c)
			}
			if got && !near {
				t.Fatalf("tile %v touched but far from every bound", c)
			}
		}
	}
}

// TestStaleRenderIsNotShared: once a write has marked a render stale, a new
// request for the tile renders again instead of waiting for the old result,
// which may miss the acknowledged write.
func TestStaleRenderIsNotShared(t *testing.T) {
	c := newCache(1<<20, defaultOpts)
	coord := CoordOf(hue, 14)
	started, release := make(chan struct{}), make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		c.do(context.Background(), "k", []string{"a"}, coord, func(context.Context) (Tile, error) {
			close(started)
			<-release
			return newTile([]byte("old")), nil
		})
	}()
	<-started
	c.invalidate("a", []orb.Bound{hue.Bound()})
	got, err := c.do(context.Background(), "k", []string{"a"}, coord, func(context.Context) (Tile, error) {
		return newTile([]byte("new")), nil
	})
	if err != nil || string(got.Bytes()) != "new" {
		t.Fatalf("request after the write got %q, %v; want a fresh render", got.Bytes(), err)
	}
	close(release)
	<-done
	hit, _ := c.do(context.Background(), "k", []string{"a"}, coord, nil)
	if string(hit.Bytes()) != "new" {
		t.Errorf("cached %q, want the fresh render", hit.Bytes())
	}
	if st := c.stats(); st.Renders != 2 || st.Hits != 1 || st.Shared != 0 || st.Entries != 1 {
		t.Errorf("stats %+v", st)
	}
}

// TestInvalidateFreesBytes: an invalidated entry gives its bytes back at
// once, so the budget holds only live tiles.
func TestInvalidateFreesBytes(t *testing.T) {
	c := newCache(1<<20, defaultOpts)
	here, far := CoordOf(hue, 14), CoordOf(orb.Point{0, 0}, 14)
	c.do(context.Background(), "here", []string{"a"}, here, func(context.Context) (Tile, error) {
		return newTile(make([]byte, 1000)), nil
	})
	c.do(context.Background(), "far", []string{"a"}, far, func(context.Context) (Tile, error) {
		return newTile(make([]byte, 10)), nil
	})
	before := c.stats()
	c.invalidate("a", []orb.Bound{hue.Bound()})
	after := c.stats()
	want := before.Bytes - int64(len("here")+2*1000+entryOverhead)
	if after.Bytes != want || after.Entries != 1 || after.Invalidated != 1 {
		t.Errorf("after invalidating one tile: %+v, want %d bytes and 1 entry", after, want)
	}
	c.invalidate("a", nil)
	if st := c.stats(); st.Bytes != 0 || st.Entries != 0 || len(c.byTile) != 0 || c.lru.Len() != 0 {
		t.Errorf("after invalidating the layer: %+v, byTile %d, lru %d", st, len(c.byTile), c.lru.Len())
	}
}
