package postgis

import (
	"context"
	"fmt"
	"reflect"
	"sync"
	"testing"
	"time"

	"bando/layers"
	"bando/spatial"
	"bando/store"

	"github.com/paulmach/orb"
)

// recorder collects what a feed publishes.
type recorder struct {
	mu sync.Mutex
	cs []store.Change
}

func (r *recorder) add(cs []store.Change) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.cs = append(r.cs, cs...)
}

func (r *recorder) upTo(t *testing.T, seq uint64) []store.Change {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		r.mu.Lock()
		n := len(r.cs)
		var last uint64
		if n > 0 {
			last = r.cs[n-1].Seq
		}
		r.mu.Unlock()
		if last >= seq {
			r.mu.Lock()
			defer r.mu.Unlock()
			return append([]store.Change(nil), r.cs...)
		}
		if time.Now().After(deadline) {
			t.Fatalf("follower stuck at seq %d, want %d", last, seq)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// writes makes n writes (puts with an update and a delete now and then)
// from two goroutines, and returns every change they returned.
func writes(t *testing.T, s *Store, l *layers.Layer, from, n int) []store.Change {
	t.Helper()
	var mu sync.Mutex
	var all []store.Change
	var wg sync.WaitGroup
	for w := range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := from + w; i < from+n; i += 2 {
				id := fmt.Sprint("f", i)
				cs, err := s.Put(context.Background(), l, []*spatial.Feature{
					feat(id, sq(float64(i), 0), "n", int64(i), nil, nil, nil, nil),
					feat(fmt.Sprint("g", i%5), sq(0, float64(i)), nil, nil, float64(i), nil, nil, nil),
				})
				if err == nil && i%3 == 0 {
					var d []store.Change
					d, err = s.Delete(context.Background(), l, []string{id})
					cs = append(cs, d...)
				}
				if err != nil {
					t.Error(err)
					return
				}
				mu.Lock()
				all = append(all, cs...)
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	return all
}

// key is what a follower must reproduce of a writer's change.
type key struct {
	Seq, Version uint64
	ID           string
	Kind         store.ChangeKind
	Old, New     string
	Time         time.Time
}

func keyOf(c store.Change) key {
	return key{c.Seq, c.Version, c.ID, c.Kind, fmt.Sprint(c.Old), fmt.Sprint(c.New), c.Time}
}

func keys(cs []store.Change) []key {
	out := make([]key, len(cs))
	for i, c := range cs {
		out[i] = keyOf(c)
	}
	return out
}

// sortBySeq orders a writer's changes as the feed must: by sequence, then
// in the order of the call.
func sortBySeq(cs []store.Change) []store.Change {
	bySeq := map[uint64][]store.Change{}
	var seqs []uint64
	for _, c := range cs {
		if _, ok := bySeq[c.Seq]; !ok {
			seqs = append(seqs, c.Seq)
		}
		bySeq[c.Seq] = append(bySeq[c.Seq], c)
	}
	for i := range seqs { // insertion sort: small n
		for j := i; j > 0 && seqs[j] < seqs[j-1]; j-- {
			seqs[j], seqs[j-1] = seqs[j-1], seqs[j]
		}
	}
	var out []store.Change
	for _, s := range seqs {
		out = append(out, bySeq[s]...)
	}
	return out
}

// TestFollowerSeesEveryChangeInOrder: a second store on the same database
// publishes every change of a writer, in sequence order, with the same
// bounds, versions and times, and the features as stored; the writer's
// own feed carries the same order.
func TestFollowerSeesEveryChangeInOrder(t *testing.T) {
	l := testLayer(t)
	cat, _ := layers.NewCatalog([]*layers.Layer{l})
	dsn := migrated(t)
	var local, remote recorder
	w, _ := openPG(t, dsn, cat, Options{}, local.add)
	openPG(t, dsn, cat, Options{}, remote.add)

	want := sortBySeq(writes(t, w, l, 0, 60))
	last := want[len(want)-1].Seq
	got := remote.upTo(t, last)
	if !reflect.DeepEqual(keys(got), keys(want)) {
		t.Fatalf("follower's feed differs from the writes:\n got %v\nwant %v", keys(got), keys(want))
	}
	if lw := local.upTo(t, last); !reflect.DeepEqual(keys(lw), keys(want)) {
		t.Fatalf("writer's own feed is not in sequence order:\n got %v\nwant %v", keys(lw), keys(want))
	}
	// The features the follower reloaded are the stored ones.
	stored := map[string]spatial.Feature{}
	for _, f := range scanAll(t, w, l) {
		stored[f.ID] = f
	}
	for _, c := range got {
		if c.Kind == store.Upsert {
			if _, ok := stored[c.ID]; ok && c.Feature == nil {
				t.Fatalf("upsert %s of a stored feature without the feature", c.ID)
			}
			if s, ok := stored[c.ID]; ok && c.Feature.Seq == c.Seq {
				f := *c.Feature
				f.Seq = 0
				if !reflect.DeepEqual(f, s) && c.Seq == lastWrite(got, c.ID) {
					t.Errorf("follower's %s = %+v, stored %+v", c.ID, f, s)
				}
			}
		}
	}
}

func lastWrite(cs []store.Change, id string) uint64 {
	var s uint64
	for _, c := range cs {
		if c.ID == id {
			s = c.Seq
		}
	}
	return s
}

// TestFollowerCatchesUp: a follower closed mid-stream and reopened from
// the last sequence it saw publishes everything committed meanwhile, in
// order, with nothing missed or repeated.
func TestFollowerCatchesUp(t *testing.T) {
	l := testLayer(t)
	cat, _ := layers.NewCatalog([]*layers.Layer{l})
	dsn := migrated(t)
	w, _ := openPG(t, dsn, cat, Options{})
	var first, second recorder
	r1, _ := openPG(t, dsn, cat, Options{}, first.add)

	before := sortBySeq(writes(t, w, l, 0, 20))
	seen := first.upTo(t, before[len(before)-1].Seq)
	r1.Close()
	during := sortBySeq(writes(t, w, l, 20, 30))

	from := seen[len(seen)-1].Seq
	openPG(t, dsn, cat, Options{Resume: true, From: from}, second.add)
	after := sortBySeq(writes(t, w, l, 50, 10)) // and live again
	want := append(during, after...)
	got := second.upTo(t, want[len(want)-1].Seq)
	if !reflect.DeepEqual(keys(append(seen, got...)), keys(append(before, want...))) {
		t.Fatalf("after reopening from seq %d:\n got %v\nwant %v", from, keys(got), keys(want))
	}
}

// TestLoadThenFollow: a second process loads the index from the database
// and the feed keeps it equal to what the writer's index holds.
func TestLoadThenFollow(t *testing.T) {
	l := testLayer(t)
	cat, _ := layers.NewCatalog([]*layers.Layer{l})
	dsn := migrated(t)
	widx := spatial.NewIndex()
	w, _ := openPG(t, dsn, cat, Options{}, store.IndexChanges(widx))
	writes(t, w, l, 0, 30)
	ridx := spatial.NewIndex()
	r, _ := openPG(t, dsn, cat, Options{}, store.IndexChanges(ridx))
	st, err := r.Load(context.Background(), ridx, store.LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if st.Features != widx.Count(l.ID) {
		t.Fatalf("loaded %d features, the writer's index holds %d", st.Features, widx.Count(l.ID))
	}
	last := writes(t, w, l, 30, 20)
	seq := sortBySeq(last)[len(last)-1].Seq
	deadline := time.Now().Add(5 * time.Second)
	for r.Seq() < seq && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	if got, want := ids(ridx, l.ID), ids(widx, l.ID); !reflect.DeepEqual(got, want) {
		t.Fatalf("follower's index %v, writer's %v", got, want)
	}
	if ridx.Version(l.ID) != widx.Version(l.ID) {
		t.Fatalf("index versions %d, %d", ridx.Version(l.ID), widx.Version(l.ID))
	}
}

func ids(idx *spatial.Index, layer string) map[string]string {
	out := map[string]string{}
	idx.SearchBound(layer, orb.Bound{Min: orb.Point{-1000, -1000}, Max: orb.Point{1000, 1000}}, func(f *spatial.Feature) bool {
		out[f.ID] = fmt.Sprint(f.Bound, f.Props)
		return true
	})
	return out
}

// TestFollowerSurvivesLostListener: with its LISTEN connection killed by
// the server, a follower still publishes every write (the timer and the
// reconnect catch up from the sequence).
func TestFollowerSurvivesLostListener(t *testing.T) {
	l := testLayer(t)
	cat, _ := layers.NewCatalog([]*layers.Layer{l})
	dsn := migrated(t)
	var remote recorder
	w, _ := openPG(t, dsn, cat, Options{})
	openPG(t, dsn, cat, Options{}, remote.add)
	before := sortBySeq(writes(t, w, l, 0, 4))
	remote.upTo(t, before[len(before)-1].Seq)
	var killed int
	err := w.pool.QueryRow(context.Background(), `SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
		WHERE datname = current_database() AND query = 'LISTEN bando_changes' AND pid <> pg_backend_pid()`).Scan(&killed)
	if err != nil || killed == 0 {
		t.Fatalf("terminated %d listeners: %v", killed, err)
	}
	after := sortBySeq(writes(t, w, l, 4, 10))
	got := remote.upTo(t, after[len(after)-1].Seq)
	if want := append(before, after...); !reflect.DeepEqual(keys(got), keys(want)) {
		t.Fatalf("after the listener was killed:\n got %v\nwant %v", keys(got), keys(want))
	}
}
