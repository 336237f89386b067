package main

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/paulmach/orb"

	"bando/layers"
	"bando/spatial"
	"bando/store"
	"bando/tiles"
)

// liveTiles is the write path of `bando serve` in miniature: a real Pebble
// store whose change feed updates the index and then invalidates tiles.
type liveTiles struct {
	st    *store.Pebble
	layer *layers.Layer
	tl    *tiles.Server
	fresh *tiles.Server // the same index, uncached: the oracle
}

func newLiveTiles(t testing.TB, cacheBytes int64) *liveTiles {
	t.Helper()
	cat, err := layers.Parse([]byte(`layers:
  - id: vessels
    title: {vi: "Tàu cá", en: "Vessels"}
    kind: poi
    geometry: Point
    access: public
    zoom: {min: 0, max: 16}
    attribution: test
    fields:
      - {name: name, type: string}
`))
	if err != nil {
		t.Fatal(err)
	}
	feed := &store.Feed{}
	st, err := store.OpenPebble(t.TempDir(), feed)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	idx := spatial.NewIndex()
	tl := tiles.New(tiles.Config{Index: idx, Catalog: cat, CacheBytes: cacheBytes})
	feed.Subscribe(store.IndexChanges(idx))
	feed.Subscribe(tileInvalidation(tl))
	l, _ := cat.Get("vessels")
	fresh := tiles.New(tiles.Config{Index: idx, Catalog: cat, CacheBytes: -1})
	return &liveTiles{st: st, layer: l, tl: tl, fresh: fresh}
}

func (lt *liveTiles) put(t testing.TB, id string, p orb.Point) {
	t.Helper()
	f := &spatial.Feature{ID: id, Geom: p, Bound: p.Bound(), Props: []any{"tàu " + id}}
	if _, err := lt.st.Put(context.Background(), lt.layer, []*spatial.Feature{f}); err != nil {
		t.Fatal(err)
	}
}

func (lt *liveTiles) del(t testing.TB, id string) {
	t.Helper()
	if _, err := lt.st.Delete(context.Background(), lt.layer, []string{id}); err != nil {
		t.Fatal(err)
	}
}

func (lt *liveTiles) tile(t testing.TB, c tiles.Coord) tiles.Tile {
	t.Helper()
	tile, err := lt.tl.Tile(context.Background(), layers.Anonymous, []string{"vessels"}, c.Z, c.X, c.Y)
	if err != nil {
		t.Fatal(err)
	}
	return tile
}

var (
	hue   = orb.Point{107.585, 16.463}
	lima  = orb.Point{-77.04, -12.05} // far from Huế at every zoom but 0
	ships = []orb.Point{{107.6, 16.5}, {106.7, 10.8}, {-77.1, -12.1}, {10, 50}}
)

// center returns the middle of a tile; eastBuffer a point east of the
// tile, outside it but inside its buffer (half a buffer beyond its edge).
func center(c tiles.Coord) orb.Point { return c.Bound().Center() }

func eastBuffer(c tiles.Coord, buffer, extent int) orb.Point {
	b := c.Bound()
	w := (b.Max[0] - b.Min[0]) * float64(buffer) / float64(extent) / 2
	return orb.Point{b.Max[0] + w, b.Center()[1]}
}

// TestWriteInvalidatesExactlyItsTiles writes through the store, at real
// store versions, and checks the cache of 68 tiles at zooms 0–16 against an
// oracle (the tile's buffered bound holds the write's old or new position):
// touched tiles render again with a new ETag, every other tile is a cache
// hit with its ETag unchanged.
func TestWriteInvalidatesExactlyItsTiles(t *testing.T) {
	lt := newLiveTiles(t, 0)
	for i, p := range ships { // other features, so tiles are not empty
		lt.put(t, fmt.Sprintf("s%d", i), p)
	}
	buf, ext := lt.tl.Buffer(), lt.tl.Extent()
	var watched []tiles.Coord
	seen := map[tiles.Coord]bool{}
	for z := 0; z <= 16; z++ {
		for _, p := range []orb.Point{hue, lima} {
			a := tiles.CoordOf(p, z)
			for _, c := range []tiles.Coord{a, {Z: z, X: (a.X + 1) % (1 << z), Y: a.Y}} {
				if !seen[c] {
					seen[c] = true
					watched = append(watched, c)
				}
			}
		}
	}

	type write struct {
		op       string // put or del
		id       string
		old, new *orb.Point
	}
	cases := []struct {
		name  string
		write func(z int) []write
	}{
		{"new feature in A", func(z int) []write {
			p := center(tiles.CoordOf(hue, z))
			return []write{{op: "put", id: "a", new: &p}}
		}},
		{"move from A to B", func(z int) []write {
			p, q := center(tiles.CoordOf(hue, z)), center(tiles.CoordOf(lima, z))
			if p == q { // z0: one tile, nothing moves
				return nil
			}
			return []write{{op: "put", id: "a", new: &p}, {op: "put", id: "a", old: &p, new: &q}}
		}},
		{"new feature in B's buffer only", func(z int) []write {
			b := tiles.CoordOf(lima, z)
			if b.X+1 >= 1<<z {
				return nil
			}
			p := eastBuffer(b, buf, ext)
			return []write{{op: "put", id: "a", new: &p}}
		}},
		{"delete in A", func(z int) []write {
			p := center(tiles.CoordOf(hue, z))
			return []write{{op: "put", id: "a", new: &p}, {op: "del", id: "a", old: &p}}
		}},
	}
	for _, tc := range cases {
		for z := 0; z <= 16; z++ {
			ws := tc.write(z)
			if ws == nil {
				continue
			}
			t.Run(fmt.Sprintf("%s/z%d", tc.name, z), func(t *testing.T) {
				lt.del(t, "a")
				for _, w := range ws[:len(ws)-1] { // set-up writes
					lt.put(t, w.id, *w.new)
				}
				before := map[tiles.Coord]string{}
				for _, c := range watched {
					before[c] = lt.tile(t, c).ETag()
				}
				st0 := lt.tl.CacheStats()
				w := ws[len(ws)-1]
				if w.op == "del" {
					lt.del(t, w.id)
				} else {
					lt.put(t, w.id, *w.new)
				}
				checkTouched(t, lt, watched, before, st0, w.old, w.new)
			})
		}
	}
}

// checkTouched asserts that exactly the watched tiles whose buffered bound
// holds old or new were re-rendered with a new ETag.
func checkTouched(t *testing.T, lt *liveTiles, watched []tiles.Coord, before map[tiles.Coord]string, st0 tiles.CacheStats, old, new *orb.Point) {
	t.Helper()
	touched := 0
	for _, c := range watched {
		bb := c.BufferedBound(lt.tl.Buffer(), lt.tl.Extent())
		hit := old != nil && bb.Contains(*old) || new != nil && bb.Contains(*new)
		r0 := lt.tl.CacheStats().Renders
		tag := lt.tile(t, c).ETag()
		rendered := lt.tl.CacheStats().Renders > r0
		switch {
		case hit && (!rendered || tag == before[c]):
			t.Errorf("tile %v holds the write: rendered again %v, ETag %s → %s", c, rendered, before[c], tag)
		case !hit && (rendered || tag != before[c]):
			t.Errorf("tile %v is far from the write: rendered again %v, ETag %s → %s", c, rendered, before[c], tag)
		}
		if hit {
			touched++
		}
	}
	st := lt.tl.CacheStats()
	if got := st.Invalidated - st0.Invalidated; got != int64(touched) {
		t.Errorf("invalidated %d entries, want %d", got, touched)
	}
	if got := st.Hits - st0.Hits; got != int64(len(watched)-touched) {
		t.Errorf("%d hits after the write, want %d", got, len(watched)-touched)
	}
}

// TestRewritesDoNotEvictOtherTiles: a vessel updated 300 times in one tile
// under a byte budget that holds the watched tiles a few times over.
// Invalidated entries free their bytes at once, so the other tiles are never
// evicted and stay cache hits; with a version in the key, dead entries
// filled the budget and pushed them out.
func TestRewritesDoNotEvictOtherTiles(t *testing.T) {
	lt := newLiveTiles(t, 16<<10)
	cs := rotation(25)
	for i, c := range cs {
		lt.put(t, fmt.Sprint(i), c.Bound().Center())
	}
	for _, c := range cs {
		lt.tile(t, c)
	}
	st0 := lt.tl.CacheStats()
	if st0.Entries != len(cs) || st0.Evictions != 0 {
		t.Fatalf("warm cache: %+v", st0)
	}
	a := cs[12]
	for i := range 300 {
		b := a.Bound()
		lt.put(t, "w", orb.Point{b.Min[0] + float64(i%80+10)/100*(b.Max[0]-b.Min[0]), b.Center()[1]})
		lt.tile(t, a)
	}
	for _, c := range cs {
		lt.tile(t, c)
	}
	st := lt.tl.CacheStats()
	if st.Evictions != 0 || st.Entries != len(cs) {
		t.Errorf("after 300 writes in one tile: %+v, want no eviction and %d entries", st, len(cs))
	}
	if got := st.Hits - st0.Hits; got != int64(len(cs)) { // a was cached again after its last write
		t.Errorf("%d of the %d tiles were hits", got, len(cs))
	}
	if got := st.Renders - st0.Renders; got != 300 {
		t.Errorf("%d renders for 300 writes into one tile", got)
	}
	if st.Bytes > st0.Bytes+2<<10 {
		t.Errorf("cache grew from %d to %d bytes with the same tiles", st0.Bytes, st.Bytes)
	}
}

// TestNoStaleTileUnderConcurrentReads moves a vessel in and out of a tile
// through the store while readers keep rendering that tile and its
// parents. After every acknowledged write the tile read back must equal an
// uncached render of the index (read-your-writes, even when a render that
// started before the write is still running), and none may stay stale.
func TestNoStaleTileUnderConcurrentReads(t *testing.T) {
	lt := newLiveTiles(t, 0)
	a := tiles.CoordOf(hue, 14)
	watched := []tiles.Coord{a, {Z: 13, X: a.X / 2, Y: a.Y / 2}, {Z: 12, X: a.X / 4, Y: a.Y / 4}}
	// Enough features that renders take a while, so writes land during them.
	bb := a.Bound()
	var fs []*spatial.Feature
	for i := range 4000 {
		p := orb.Point{bb.Min[0] + float64(i%63)/63*(bb.Max[0]-bb.Min[0]), bb.Min[1] + float64(i/63)/64*(bb.Max[1]-bb.Min[1])}
		fs = append(fs, &spatial.Feature{ID: fmt.Sprint("f", i), Geom: p, Bound: p.Bound(), Props: []any{"x"}})
	}
	if _, err := lt.st.Put(context.Background(), lt.layer, fs); err != nil {
		t.Fatal(err)
	}
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for r := range 3 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := r; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				c := watched[i%len(watched)]
				if _, err := lt.tl.Tile(context.Background(), layers.Anonymous, []string{"vessels"}, c.Z, c.X, c.Y); err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	in, out := a.Bound().Center(), tiles.CoordOf(lima, 14).Bound().Center()
	for i := range 40 {
		p := in
		if i%2 == 1 {
			p = out
		}
		p[0] += float64(i) * 1e-6
		lt.put(t, "w", p)
		for _, c := range watched {
			if got, want := lt.tile(t, c), lt.freshTile(t, c); got.ETag() != want.ETag() {
				t.Fatalf("write %d: tile %v is stale right after the write", i, c)
			}
		}
	}
	close(stop)
	wg.Wait()
	for _, c := range watched {
		if lt.tile(t, c).ETag() != lt.freshTile(t, c).ETag() {
			t.Errorf("tile %v stayed stale", c)
		}
	}
}

func (lt *liveTiles) freshTile(t testing.TB, c tiles.Coord) tiles.Tile {
	t.Helper()
	tile, err := lt.fresh.Tile(context.Background(), layers.Anonymous, []string{"vessels"}, c.Z, c.X, c.Y)
	if err != nil {
		t.Fatal(err)
	}
	return tile
}
