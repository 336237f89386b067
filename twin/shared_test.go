package twin

import (
	"context"
	"strings"
	"testing"
	"time"

	"bando/ingest/feeds"
	"bando/store"
)

// fakeRelay applies at once, numbering the log as a stream would.
type fakeRelay struct {
	tw  *Twin
	seq uint64
}

func (r *fakeRelay) Positions(_ context.Context, ps []feeds.Position) error {
	r.seq++
	return r.tw.ApplyPositions(ps, r.seq)
}
func (r *fakeRelay) Observations(_ context.Context, os []feeds.Observation) error {
	r.seq++
	return r.tw.ApplyObservations(os, r.seq)
}
func (r *fakeRelay) Vessels(_ context.Context, vs []feeds.Vessel) error {
	r.seq++
	return r.tw.ApplyVessels(vs, r.seq)
}
func (r *fakeRelay) Tick(_ context.Context, now time.Time) error {
	r.seq++
	return r.tw.ApplyTick(now, r.seq)
}
func (r *fakeRelay) Ack(_ context.Context, id string, ack Ack) error {
	r.seq++
	return r.tw.ApplyAck(id, ack, r.seq)
}

func relayedTwin(t *testing.T, dir string) (*Twin, *fakeRelay, *store.Pebble) {
	t.Helper()
	st, err := store.OpenPebble(dir, &store.Feed{})
	if err != nil {
		t.Fatal(err)
	}
	tw, err := New(context.Background(), Config{Store: st, Rules: DefaultRules()})
	if err != nil {
		t.Fatal(err)
	}
	r := &fakeRelay{tw: tw}
	tw.SetRelay(r)
	return tw, r, st
}

// TestRelayedTwin: with a relay, alert ids depend on what the alert is,
// not on how many alerts the twin raised before (a replica that started
// later names it alike); the applied sequence is stored with the state.
func TestRelayedTwin(t *testing.T) {
	ctx := context.Background()
	t0 := time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)
	obs := func(sensor string, i int, v float64) []feeds.Observation {
		return []feeds.Observation{{Sensor: sensor, Quantity: "pm25", T: t0.Add(time.Duration(i) * time.Minute), Value: v}}
	}
	dirA := t.TempDir()
	a, ra, stA := relayedTwin(t, dirA)
	b, _, stB := relayedTwin(t, t.TempDir())
	defer stB.Close()
	// A has seen another alert first; B has not.
	if err := a.Observations(ctx, obs("other", 0, 200)); err != nil {
		t.Fatal(err)
	}
	for i, v := range []float64{40, 130, 150} {
		for _, tw := range []*Twin{a, b} {
			if err := tw.Observations(ctx, obs("s1", i, v)); err != nil {
				t.Fatal(err)
			}
		}
	}
	al := a.Alerts(AlertFilter{Object: "s1"})
	bl := b.Alerts(AlertFilter{Object: "s1"})
	if len(al) != 1 || len(bl) != 1 || al[0].ID != bl[0].ID || !strings.HasPrefix(al[0].ID, "al-") || len(al[0].ID) != 19 {
		t.Fatalf("the same alert on two twins: %v and %v", al, bl)
	}
	got, err := a.Ack(ctx, al[0].ID, "op", "")
	if err != nil || got.State != Acknowledged || got.Version != 2 {
		t.Fatalf("relayed ack: %+v %v", got, err)
	}
	if s, _ := a.Applied(); s != ra.seq || s != 5 {
		t.Fatalf("applied %d, want the relay's %d (5)", s, ra.seq)
	}
	// The sequence survives a restart, with the state it produced.
	stA.Close()
	st, err := store.OpenPebble(dirA, &store.Feed{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	a2, err := New(ctx, Config{Store: st, Rules: DefaultRules()})
	if err != nil {
		t.Fatal(err)
	}
	if s, _ := a2.Applied(); s != 5 {
		t.Fatalf("applied after a restart: %d, want 5", s)
	}
	if l := a2.Alerts(AlertFilter{Object: "s1"}); len(l) != 1 || l[0].ID != al[0].ID || l[0].State != Acknowledged {
		t.Fatalf("alert after a restart: %+v", l)
	}
}

// TestRelayedFutureJudgedOnArrival: a fix from the log is judged "in the
// future" against when it arrived, not when this replica applies it, so a
// replica replaying the log an hour later judges it alike.
func TestRelayedFutureJudgedOnArrival(t *testing.T) {
	arrived := time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)
	cases := []struct {
		name  string
		ahead time.Duration
		want  string
	}{
		{"within the limit", 4 * time.Minute, "accepted"},
		{"past the limit", 10 * time.Minute, "implausible_future"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			tw, err := New(context.Background(), Config{Rules: DefaultRules(), MaxAhead: 5 * time.Minute,
				Now: func() time.Time { return arrived.Add(time.Hour) }})
			if err != nil {
				t.Fatal(err)
			}
			p := feeds.Position{ID: "v", T: arrived.Add(c.ahead), Arrived: arrived, Lon: 107.5, Lat: 10, Source: "vms"}
			if err := tw.ApplyPositions([]feeds.Position{p}, 7); err != nil {
				t.Fatal(err)
			}
			if n := tw.Counts(false)["vms"][c.want]; n != 1 {
				t.Fatalf("counts %v, want one %s", tw.Counts(false), c.want)
			}
		})
	}
}
