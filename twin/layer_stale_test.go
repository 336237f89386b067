package twin

import (
	"context"
	"testing"
	"time"

	"bando/store"
)

// TestLayerStale: a stale layer opens one layer_stale alert (however often
// it is told), a fresh one resolves it, and the alert survives a restart.
func TestLayerStale(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	st, err := store.OpenPebble(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	tw := newTestTwin(t, fixtureRules(), st)
	last := t0.Add(-26 * time.Hour)
	for range 2 {
		if err := tw.LayerStale(ctx, "sensors", true, last, 24*time.Hour, t0); err != nil {
			t.Fatal(err)
		}
	}
	open := tw.Alerts(AlertFilter{Kind: KindLayerStale, State: Open})
	if len(open) != 1 || open[0].Layer != "sensors" || !open[0].OpenedAt.Equal(last.Add(24*time.Hour)) ||
		len(open[0].Evidence) != 1 || !open[0].Evidence[0].T.Equal(last) || open[0].Objects[0] != "sensors" {
		t.Fatalf("open alerts %+v", open)
	}
	st.Close()
	st, err = store.OpenPebble(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	tw = newTestTwin(t, fixtureRules(), st)
	if n := len(tw.Alerts(AlertFilter{Kind: KindLayerStale, State: Open})); n != 1 {
		t.Fatalf("after a restart: %d open layer_stale alerts", n)
	}
	if err := tw.LayerStale(ctx, "sensors", false, t0, 24*time.Hour, t0.Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	all := tw.Alerts(AlertFilter{Kind: KindLayerStale})
	if len(all) != 1 || all[0].State != Resolved || all[0].ResolvedAt == nil {
		t.Fatalf("after a fresh write: %+v", all)
	}
}
