package twin

import (
	"context"
	"sync"
	"testing"

	"bando/store"
)

// TestConcurrentFeeds runs two feeds of large batches (parallel lookups)
// against the store while readers ask for state, alerts and tracks: run
// with -race. Every fix sent is in the tracks afterwards.
func TestConcurrentFeeds(t *testing.T) {
	st, err := store.OpenPebble(t.TempDir(), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	tw, ps := benchTwin(t, st)
	ctx := context.Background()
	half := len(ps) / 2
	var wg sync.WaitGroup
	for k := range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			runFleet(t, tw, ps[k*half:(k+1)*half], 3*half, 1000)
		}()
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		for range 20 {
			if _, err := tw.State(ctx, t0); err != nil {
				t.Error(err)
			}
			tw.Alerts(AlertFilter{State: Open})
			tw.cfg.Index.Count("vessels")
		}
	}()
	wg.Wait()
	<-done
	n := 0
	if err := tw.Track(ctx, ps[0].ID, t0, t0.Add(24*60*60e9), func(store.TrackPoint) error { n++; return nil }); err != nil {
		t.Fatal(err)
	}
	if n != 3 {
		t.Fatalf("%s has %d fixes in its track, want 3", ps[0].ID, n)
	}
	if got := tw.cfg.Index.Count("vessels"); got != len(ps) {
		t.Fatalf("index holds %d vessels, want %d", got, len(ps))
	}
}
