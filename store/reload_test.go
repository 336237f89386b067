package store

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"bando/layers"
	"bando/spatial"
)

// TestReloadLayerUnderWrites: a layer re-read under a new schema while
// writers upsert and delete ends with exactly what the store holds, laid
// out by the new schema; and the catalog swap runs with the index swap.
func TestReloadLayerUnderWrites(t *testing.T) {
	ctx := context.Background()
	s := open(t, t.TempDir())
	defer s.Close()
	old := testLayer(t)
	cat, err := layers.NewCatalog([]*layers.Layer{old})
	if err != nil {
		t.Fatal(err)
	}
	idx := spatial.NewIndex()
	s.Feed().Subscribe(IndexChangesOf(idx, cat))
	var fs []*spatial.Feature
	for i := range 3000 {
		fs = append(fs, square(fmt.Sprint(i), float64(i%100), float64(i/100), fmt.Sprint("n", i), int64(i)))
	}
	if _, err := s.Put(ctx, old, fs); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(ctx, s, cat, idx); err != nil {
		t.Fatal(err)
	}
	// The new schema: floors first and as float, name second.
	next := *old
	next.Fields = []layers.Field{{Name: "floors", Type: layers.TypeFloat}, {Name: "name", Type: layers.TypeString}}
	nextCat, err := cat.Next(&next, "")
	if err != nil {
		t.Fatal(err)
	}

	var wg sync.WaitGroup
	stop := make(chan struct{})
	wg.Add(1)
	go func() { // writes by the layer of the moment, as the API's writers do
		defer wg.Done()
		for i := 0; ; i++ {
			l, _ := cat.Get(old.ID)
			select {
			case <-stop:
				return
			default:
			}
			id := fmt.Sprint(i % 3000)
			if i%3 == 0 {
				if _, err := s.Delete(ctx, l, []string{id}); err != nil {
					t.Error(err)
					return
				}
				continue
			}
			props := []any{"w" + id, int64(i)} // name, floors
			if l != old {
				props = []any{float64(i), "w" + id}
			}
			if _, err := s.Put(ctx, l, []*spatial.Feature{square(id, 1, 1, props...)}); err != nil {
				t.Error(err)
				return
			}
		}
	}()
	if _, err := s.ReloadLayer(ctx, &next, idx, func() { cat.Set(nextCat, 1) }); err != nil {
		t.Fatal(err)
	}
	if cat.Version() != 1 {
		t.Fatal("swapped was not called")
	}
	time.Sleep(20 * time.Millisecond) // the writer goes on after the swap, by the new layer
	close(stop)
	wg.Wait()
	want := map[string][]any{}
	if err := s.Scan(ctx, &next, func(f *spatial.Feature) error { want[f.ID] = f.Props; return nil }); err != nil {
		t.Fatal(err)
	}
	if idx.Count(next.ID) != len(want) {
		t.Fatalf("index holds %d features, store %d", idx.Count(next.ID), len(want))
	}
	for id, props := range want {
		f, ok := idx.Get(next.ID, id)
		if !ok || fmt.Sprint(f.Props) != fmt.Sprint(props) {
			t.Fatalf("feature %s: index %v, store %v", id, f, props)
		}
		if _, isFloat := f.Props[0].(float64); !isFloat {
			t.Fatalf("feature %s: floors %T, want float64 under the new schema", id, f.Props[0])
		}
	}
}

// TestFeedHold: a hold sees every batch published before its release, the
// subscribers every batch.
func TestFeedHold(t *testing.T) {
	var f Feed
	var seen, after int
	release := f.Hold(func(cs []Change) { seen += len(cs) })
	f.Subscribe(func(cs []Change) { after += len(cs) })
	f.Publish([]Change{{Layer: "a"}, {Layer: "a"}})
	ran := false
	release(func() { ran = true })
	f.Publish([]Change{{Layer: "a"}})
	if seen != 2 || after != 3 || !ran {
		t.Fatalf("hold saw %d, subscriber %d, then ran %v; want 2, 3, true", seen, after, ran)
	}
}
