package sim

import (
	"context"
	"sync"
	"testing"
	"time"

	"bando/ingest/feeds"
)

// fakeSink records what a feed delivers.
type fakeSink struct {
	mu  sync.Mutex
	ps  []feeds.Position
	vs  []feeds.Vessel
	got chan struct{}
}

func (s *fakeSink) Positions(_ context.Context, ps []feeds.Position) error {
	s.mu.Lock()
	s.ps = append(s.ps, ps...)
	s.mu.Unlock()
	select {
	case s.got <- struct{}{}:
	default:
	}
	return nil
}

func (s *fakeSink) Observations(context.Context, []feeds.Observation) error { return nil }

func (s *fakeSink) Vessels(_ context.Context, vs []feeds.Vessel) error {
	s.mu.Lock()
	s.vs = append(s.vs, vs...)
	s.mu.Unlock()
	return nil
}

// TestLive: on start the live fleet delivers its registry and the warm-up
// history up to the clock, never a fix after it; as the clock moves on it
// delivers the fixes it passed, and they are the generator's own.
func TestLive(t *testing.T) {
	w, err := DemoWorld()
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	now := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	f, err := Generate(w, Config{N: 12, Seed: 5, Start: time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC), Hours: 24, Events: true})
	if err != nil {
		t.Fatal(err)
	}
	count := func(until time.Time) int {
		n := 0
		for _, p := range f.Positions {
			if p.T.After(time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)) && !p.T.After(until) {
				n++
			}
		}
		return n
	}
	sink := &fakeSink{got: make(chan struct{}, 1)}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- Live{World: w, N: 12, Seed: 5, Warm: 2 * time.Hour, Tick: time.Millisecond, Now: clock}.Run(ctx, sink)
	}()
	// wait until every fix up to until has come, then a little longer:
	// anything more would be a fix from the future.
	wait := func(until time.Time) []feeds.Position {
		for {
			select {
			case <-sink.got:
			case <-time.After(20 * time.Second):
				t.Fatal("the live fleet delivered too few fixes")
			}
			sink.mu.Lock()
			n := len(sink.ps)
			sink.mu.Unlock()
			if n >= count(until) {
				time.Sleep(20 * time.Millisecond)
				sink.mu.Lock()
				defer sink.mu.Unlock()
				return append([]feeds.Position(nil), sink.ps...)
			}
		}
	}
	first := wait(now)
	mu.Lock()
	now = now.Add(time.Hour)
	mu.Unlock()
	second := wait(now)
	cancel()
	<-done

	if len(sink.vs) != 12 {
		t.Fatalf("%d registry records, want 12", len(sink.vs))
	}
	var want []feeds.Position
	for _, p := range f.Positions {
		if p.T.After(time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)) && !p.T.After(now) {
			want = append(want, p)
		}
	}
	if first[0].T.Before(time.Date(2026, 3, 1, 8, 0, 0, 1, time.UTC)) {
		t.Errorf("first fix at %s: want none from before the 2 h warm-up", first[0].T)
	}
	for _, p := range first {
		if p.T.After(time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)) {
			t.Fatalf("fix at %s delivered before the clock reached it", p.T)
		}
	}
	if len(second) != len(want) {
		t.Fatalf("%d fixes by 11:00, want the generator's %d", len(second), len(want))
	}
	for i := range want {
		if second[i] != want[i] {
			t.Fatalf("fix %d: %+v, want %+v", i, second[i], want[i])
		}
	}
}
