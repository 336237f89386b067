package twin

import (
	"context"
	"testing"
	"time"

	"bando/ingest/feeds"
	"bando/store"
)

// TestRestore reopens the store: every object's state is its latest fix
// (an out-of-order fix stays in the track, not in the state), the tracks
// are whole and open alerts are still open.
func TestRestore(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	st, err := store.OpenPebble(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	tw := newTestTwin(t, fixtureRules(), st)
	ps := []feeds.Position{pos("a", 0, 107.6, 10.5, 5), pos("a", 20*time.Minute, 107.62, 10.5, 5),
		pos("a", 10*time.Minute, 107.61, 10.5, 5), pos("a/b", 0, 107.7, 10.5, 5)}
	if err := tw.Positions(ctx, ps); err != nil {
		t.Fatal(err)
	}
	if err := tw.Tick(ctx, t0.Add(7*time.Hour)); err != nil {
		t.Fatal(err)
	}
	st.Close()
	st, err = store.OpenPebble(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	tw = newTestTwin(t, fixtureRules(), st)
	got, err := tw.State(ctx, t0.Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].ID != "a" || got[0].Lon != 107.62 || got[1].ID != "a/b" || got[1].Lon != 107.7 {
		t.Fatalf("state after restart %+v", got)
	}
	var times []time.Duration
	err = tw.Track(ctx, "a", t0, t0.Add(time.Hour), func(p store.TrackPoint) error {
		times = append(times, p.T.Sub(t0))
		return nil
	})
	if err != nil || len(times) != 3 || times[1] != 10*time.Minute {
		t.Fatalf("track of a: %v %v (want three fixes in time order)", times, err)
	}
	as := tw.Alerts(AlertFilter{State: Open, Kind: KindSignalLoss})
	if len(as) != 2 {
		t.Fatalf("open signal_loss alerts after restart: %+v", as)
	}
	// The next fix resolves a restored alert.
	if err := tw.Positions(ctx, []feeds.Position{pos("a", 8*time.Hour, 107.7, 10.5, 5)}); err != nil {
		t.Fatal(err)
	}
	if as := tw.Alerts(AlertFilter{State: Open, Object: "a"}); len(as) != 0 {
		t.Fatalf("a's signal loss not resolved by its next fix: %+v", as)
	}
}

// TestTrackKeyLayout: the update writes track keys by hand (no allocation
// per fix); they must be store.TrackKey's.
func TestTrackKeyLayout(t *testing.T) {
	st, err := store.OpenPebble(t.TempDir(), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	tw := newTestTwin(t, fixtureRules(), st)
	at := t0.Add(90 * time.Second)
	if err := tw.Positions(context.Background(), []feeds.Position{pos("VN/1", 90*time.Second, 107.6, 10.5, 5)}); err != nil {
		t.Fatal(err)
	}
	_, _, found, err := st.LastRawBefore(store.TrackKey("vessels", "VN/1", at), store.TrackKey("vessels", "VN/1", at.Add(1)))
	if err != nil || !found {
		t.Fatalf("no fix under store.TrackKey: %v", err)
	}
}
