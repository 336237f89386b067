package store

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"bando/layers"
	"bando/spatial"
)

// grouped runs the calls as one commit group, queued in the given order:
// it holds commitMu while each call joins the queue, then lets them go.
func grouped(t *testing.T, s *Pebble, calls ...func() ([]Change, error)) ([][]Change, []error) {
	t.Helper()
	changes := make([][]Change, len(calls))
	errs := make([]error, len(calls))
	var wg sync.WaitGroup
	s.commitMu.Lock()
	for i, call := range calls {
		wg.Add(1)
		go func() {
			defer wg.Done()
			changes[i], errs[i] = call()
		}()
		waitQueued(t, s, i+1)
	}
	before := s.commits.Load()
	s.commitMu.Unlock()
	wg.Wait()
	if got := s.commits.Load() - before; got > 1 {
		t.Fatalf("%d calls took %d commits, want one group", len(calls), got)
	}
	return changes, errs
}

func waitQueued(t *testing.T, s *Pebble, n int) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		s.qmu.Lock()
		q := len(s.queue)
		s.qmu.Unlock()
		if q == n {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("queue holds %d calls, want %d", q, n)
		}
		time.Sleep(time.Millisecond)
	}
}

// TestGroupSameID checks that calls of one group that touch the same id see
// each other (old bounds, Num) and that one failing call fails alone.
func TestGroupSameID(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	l := testLayer(t)
	s := open(t, dir)
	var events []Change
	s.Feed().Subscribe(func(cs []Change) { events = append(events, cs...) })
	put := func(fs ...*spatial.Feature) func() ([]Change, error) {
		return func() ([]Change, error) { return s.Put(ctx, l, fs) }
	}
	del := func(ids ...string) func() ([]Change, error) {
		return func() ([]Change, error) { return s.Delete(ctx, l, ids) }
	}
	cs, errs := grouped(t, s,
		put(square("way/1", 1, 1)),
		put(square("way/1", 2, 2)),
		put(square("dup", 0, 0), square("dup", 0, 0)), // refused, alone
		del("way/1", "never"),
		put(square("way/1", 3, 3)),
	)
	for i, err := range errs {
		if (i == 2) != (err != nil) {
			t.Fatalf("call %d: err = %v", i, err)
		}
	}
	a, b, d, e := cs[0][0], cs[1][0], cs[3][0], cs[4][0]
	if a.Old != nil || b.Old == nil || b.Old.Min[0] != 1 || b.Feature.Num != a.Feature.Num {
		t.Fatalf("second put: old %v num %d, want old at 1 and num %d", b.Old, b.Feature.Num, a.Feature.Num)
	}
	if len(cs[3]) != 1 || d.Kind != Delete || d.Old == nil || d.Old.Min[0] != 2 {
		t.Fatalf("delete changes = %+v", cs[3])
	}
	if e.Old != nil {
		t.Fatalf("put after a delete in the group has old bounds %v", e.Old)
	}
	for i, c := range []Change{a, b, d, e} {
		if c.Seq != uint64(i+1) || c.Version != uint64(i+1) {
			t.Fatalf("change %d: seq %d version %d, want %d", i, c.Seq, c.Version, i+1)
		}
	}
	if len(events) != 4 || events[2].Kind != Delete || events[3].Seq != 4 {
		t.Fatalf("feed = %+v", events)
	}
	s.Close()

	s = open(t, dir)
	defer s.Close()
	var got []*spatial.Feature
	if err := s.Scan(ctx, l, func(f *spatial.Feature) error { got = append(got, f); return nil }); err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].ID != "way/1" || got[0].Bound.Min[0] != 3 || got[0].Seq != 4 || got[0].Num != e.Feature.Num {
		t.Fatalf("stored after reopen: %+v", got)
	}
	if v, _ := s.Version(l.ID); v != 4 || s.Seq() != 4 {
		t.Fatalf("version %d seq %d after reopen, want 4 and 4", v, s.Seq())
	}
	if cs, err := s.Put(ctx, l, []*spatial.Feature{square("2", 0, 0)}); err != nil || cs[0].Seq != 5 {
		t.Fatalf("next write after reopen: %+v %v", cs, err)
	}
}

// TestGroupCancelledCall checks that a call whose context ends while it
// waits in the queue fails alone.
func TestGroupCancelledCall(t *testing.T) {
	l := testLayer(t)
	s := open(t, t.TempDir())
	defer s.Close()
	cctx, cancel := context.WithCancel(context.Background())
	_, errs := grouped(t, s,
		func() ([]Change, error) {
			defer cancel()
			return s.Put(cctx, l, []*spatial.Feature{square("1", 0, 0)})
		},
		func() ([]Change, error) {
			cancel() // the first call is queued by now
			return s.Put(context.Background(), l, []*spatial.Feature{square("2", 0, 0)})
		},
	)
	if !errors.Is(errs[0], context.Canceled) || errs[1] != nil {
		t.Fatalf("errs = %v", errs)
	}
	if v, _ := s.Version(l.ID); v != 1 {
		t.Fatalf("version = %d, want 1", v)
	}
}

// TestConcurrentWritersOrdered runs many writers over overlapping ids of two
// layers: the feed must see strictly increasing sequences and per-layer
// versions without gaps, every call must return only after its changes
// were published, and the index must end equal to the store.
func TestConcurrentWritersOrdered(t *testing.T) {
	ctx := context.Background()
	l1 := testLayer(t)
	l2 := testLayer(t)
	l2.ID = "other"
	s := open(t, t.TempDir())
	defer s.Close()
	idx := spatial.NewIndex()
	s.Feed().Subscribe(IndexChanges(idx))
	var published atomic.Uint64
	versions := map[string]uint64{}
	var feedErr error
	s.Feed().Subscribe(func(cs []Change) {
		c := cs[0]
		if c.Seq != published.Load()+1 && feedErr == nil {
			feedErr = fmt.Errorf("seq %d after %d", c.Seq, published.Load())
		}
		if c.Version != versions[c.Layer]+1 && feedErr == nil {
			feedErr = fmt.Errorf("layer %s version %d after %d", c.Layer, c.Version, versions[c.Layer])
		}
		versions[c.Layer] = c.Version
		published.Store(c.Seq)
	})
	var wg sync.WaitGroup
	errc := make(chan error, 32)
	for w := range 32 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(uint64(w), 1))
			for range 40 {
				l := []*layers.Layer{l1, l2}[rng.IntN(2)]
				id := fmt.Sprint("id", rng.IntN(20))
				var cs []Change
				var err error
				if rng.IntN(4) == 0 {
					cs, err = s.Delete(ctx, l, []string{id})
				} else {
					cs, err = s.Put(ctx, l, []*spatial.Feature{square(id, rng.Float64()*10, 0)})
				}
				if err == nil && len(cs) > 0 && published.Load() < cs[0].Seq {
					err = fmt.Errorf("call returned seq %d before it was published", cs[0].Seq)
				}
				if err != nil {
					errc <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errc)
	for err := range errc {
		t.Fatal(err)
	}
	if feedErr != nil {
		t.Fatal(feedErr)
	}
	if s.commits.Load() >= published.Load() {
		t.Errorf("no two writes shared a commit (%d commits, %d writes)", s.commits.Load(), published.Load())
	}
	for _, l := range []*layers.Layer{l1, l2} {
		assertIndexMatchesStore(t, s, l, idx)
	}
}

// assertIndexMatchesStore fails unless idx holds exactly the stored
// features of l, with the same bounds and sequences.
func assertIndexMatchesStore(t *testing.T, s *Pebble, l *layers.Layer, idx *spatial.Index) {
	t.Helper()
	n := 0
	err := s.Scan(context.Background(), l, func(f *spatial.Feature) error {
		n++
		g, ok := idx.Get(l.ID, f.ID)
		if !ok {
			return fmt.Errorf("stored %s/%s (seq %d) missing from the index", l.ID, f.ID, f.Seq)
		}
		if g.Bound != f.Bound || g.Seq != f.Seq {
			return fmt.Errorf("%s/%s: index has seq %d %v, store seq %d %v", l.ID, f.ID, g.Seq, g.Bound, f.Seq, f.Bound)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if c := idx.Count(l.ID); c != n {
		t.Fatalf("layer %s: index holds %d features, store %d", l.ID, c, n)
	}
}
