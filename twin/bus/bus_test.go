package bus

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"sync"
	"testing"
	"time"

	"bando/ingest/feeds"
	"bando/internal/testenv"
	"bando/store"
	"bando/twin"
)

// replica is one twin on its own store with its bus, as a `bando serve
// --nats` holds them.
type replica struct {
	bus *Bus
	tw  *twin.Twin
	st  *store.Pebble
	ob  *twin.Outbox
	obc context.CancelFunc
	obw sync.WaitGroup
}

func startReplica(t testing.TB, url, prefix, dir string, sinks ...twin.SinkTarget) *replica {
	t.Helper()
	ctx := context.Background()
	st, err := store.OpenPebble(dir, &store.Feed{})
	if err != nil {
		t.Fatal(err)
	}
	b, err := Connect(ctx, Config{URL: url, Prefix: prefix, Replica: dir})
	if err != nil {
		st.Close()
		t.Fatal(err)
	}
	ob, err := twin.NewOutbox(ctx, st, []twin.SinkTarget{b.AlertTarget()}, nil)
	if err != nil {
		t.Fatal(err)
	}
	tw, err := twin.New(ctx, twin.Config{Store: st, Rules: twin.DefaultRules(), Outbox: ob, Hub: twin.NewHub()})
	if err != nil {
		t.Fatal(err)
	}
	tw.SetRelay(b)
	if err := b.Start(ctx, tw); err != nil {
		t.Fatal(err)
	}
	if err := b.Deliver(ctx, sinks); err != nil {
		t.Fatal(err)
	}
	r := &replica{bus: b, tw: tw, st: st, ob: ob}
	var obCtx context.Context
	obCtx, r.obc = context.WithCancel(ctx)
	r.obw.Add(1)
	go func() { defer r.obw.Done(); ob.Run(obCtx) }()
	t.Cleanup(r.stop)
	return r
}

// stop closes the replica as a shutdown does (idempotent).
func (r *replica) stop() {
	if r.st == nil {
		return
	}
	r.obc()
	r.obw.Wait()
	r.bus.Close()
	r.st.Close()
	r.st = nil
}

func fixes(id string, from time.Time, n int) []feeds.Position {
	ps := make([]feeds.Position, n)
	for i := range ps {
		ps[i] = feeds.Position{ID: id, T: from.Add(time.Duration(i) * time.Minute), Lon: 107.5 + float64(i)*0.001,
			Lat: 10, SOG: 5, COG: math.NaN(), Source: "vms"}
	}
	return ps
}

// eventually polls cond until it holds or d passes.
func eventually(t *testing.T, d time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("after %v: %s", d, what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func lastLon(t *testing.T, tw *twin.Twin, id string) float64 {
	st, err := tw.State(context.Background(), time.Now().Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range st {
		if s.ID == id {
			return s.Lon
		}
	}
	return math.NaN()
}

func TestPositionsReachEveryReplica(t *testing.T) {
	url := testenv.NATS(t)
	prefix := testenv.NATSPrefix(t, url)
	a := startReplica(t, url, prefix, t.TempDir())
	b := startReplica(t, url, prefix, t.TempDir())
	t0 := time.Now().UTC().Add(-time.Hour).Truncate(time.Second)
	ctx := context.Background()
	if err := a.tw.Positions(ctx, fixes("v1", t0, 3)); err != nil {
		t.Fatal(err)
	}
	// A shows its own write on return (it waited for its consumer).
	if got := lastLon(t, a.tw, "v1"); got != 107.502 {
		t.Fatalf("A's v1 at lon %v right after the write, want 107.502", got)
	}
	if err := b.tw.Positions(ctx, fixes("v2", t0, 2)); err != nil {
		t.Fatal(err)
	}
	for name, r := range map[string]*replica{"A": a, "B": b} {
		eventually(t, time.Second, name+" sees both vessels", func() bool {
			return lastLon(t, r.tw, "v1") == 107.502 && lastLon(t, r.tw, "v2") == 107.501
		})
	}
	d, err := b.bus.Health()
	if err != nil || d["status"] != "connected" || d["stream_last_seq"] != uint64(2) || d["lag"] != uint64(0) {
		t.Fatalf("B's health: %v %v", d, err)
	}
	// Both applied the same log to the same point, and stored it.
	sa, _ := a.tw.Applied()
	sb, _ := b.tw.Applied()
	if sa != sb || sa != 2 {
		t.Fatalf("applied A %d, B %d: want both 2", sa, sb)
	}
}

func TestRestartResumesAfterApplied(t *testing.T) {
	url := testenv.NATS(t)
	prefix := testenv.NATSPrefix(t, url)
	ctx := context.Background()
	a := startReplica(t, url, prefix, t.TempDir())
	dirB := t.TempDir()
	b := startReplica(t, url, prefix, dirB)
	t0 := time.Now().UTC().Add(-time.Hour).Truncate(time.Second)
	if err := a.tw.Positions(ctx, fixes("v1", t0, 5)); err != nil {
		t.Fatal(err)
	}
	eventually(t, time.Second, "B applies the first batch", func() bool { s, _ := b.tw.Applied(); return s == 1 })
	b.stop()
	// While B is away: more fixes, an observation.
	if err := a.tw.Positions(ctx, fixes("v1", t0.Add(10*time.Minute), 5)); err != nil {
		t.Fatal(err)
	}
	if err := a.tw.Observations(ctx, []feeds.Observation{{Sensor: "s1", Quantity: "pm25", T: t0, Value: 20}}); err != nil {
		t.Fatal(err)
	}
	b = startReplica(t, url, prefix, dirB)
	// Start returns once caught up with the stream as it was.
	if s, _ := b.tw.Applied(); s != 3 {
		t.Fatalf("B started at seq %d, want caught up to 3", s)
	}
	var n int
	err := b.tw.Track(ctx, "v1", t0.Add(-time.Hour), t0.Add(time.Hour), func(store.TrackPoint) error { n++; return nil })
	if err != nil {
		t.Fatal(err)
	}
	if n != 10 {
		t.Fatalf("B's track of v1 after its restart has %d fixes, want 10", n)
	}
	// Resumed after its stored sequence: the first batch was not applied
	// again (it would count as duplicates).
	if c := b.tw.Counts(false)["vms"]["duplicate"]; c != 0 {
		t.Fatalf("B re-applied %d fixes after its restart", c)
	}
}

// countSink counts deliveries by key.
type countSink struct {
	mu   sync.Mutex
	keys map[string]int
	n    int
}

func (s *countSink) Name() string { return "count" }

func (s *countSink) Deliver(_ context.Context, key string, _ []byte) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.keys == nil {
		s.keys = map[string]int{}
	}
	s.keys[key]++
	s.n++
	return nil
}

func (s *countSink) snapshot() (map[string]int, int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := map[string]int{}
	for k, v := range s.keys {
		c[k] = v
	}
	return c, s.n
}

func TestAlertOnceAndAckEverywhere(t *testing.T) {
	url := testenv.NATS(t)
	prefix := testenv.NATSPrefix(t, url)
	ctx := context.Background()
	sink := &countSink{}
	a := startReplica(t, url, prefix, t.TempDir(), sink)
	b := startReplica(t, url, prefix, t.TempDir(), sink)
	t0 := time.Now().UTC().Add(-time.Hour).Truncate(time.Second)
	// pm25 crosses 125.5 (raise) at the third value, each written to
	// either replica.
	for i, v := range []float64{40, 90, 130, 150, 140} {
		r := []*replica{a, b}[i%2]
		ob := feeds.Observation{Sensor: "s1", Quantity: "pm25", T: t0.Add(time.Duration(i) * time.Minute), Value: v}
		if err := r.tw.Observations(ctx, []feeds.Observation{ob}); err != nil {
			t.Fatal(err)
		}
	}
	var id string
	for name, r := range map[string]*replica{"A": a, "B": b} {
		eventually(t, time.Second, name+" raises the alert", func() bool { return len(r.tw.Alerts(twin.AlertFilter{})) == 1 })
		al := r.tw.Alerts(twin.AlertFilter{})[0]
		if id == "" {
			id = al.ID
		}
		if al.ID != id || al.Kind != twin.KindThreshold || al.State != twin.Open {
			t.Fatalf("%s holds %s %s %s; want the same open threshold alert %s", name, al.ID, al.Kind, al.State, id)
		}
	}
	if _, err := a.tw.Ack(ctx, id, "operator", "seen"); err != nil {
		t.Fatal(err)
	}
	eventually(t, time.Second, "B shows the ack made on A", func() bool {
		al := b.tw.Alerts(twin.AlertFilter{})[0]
		return al.State == twin.Acknowledged && al.Ack != nil && al.Ack.By == "operator" && al.Version == 2
	})
	eventually(t, 3*time.Second, "the sink gets both changes", func() bool { _, n := sink.snapshot(); return n >= 2 })
	time.Sleep(300 * time.Millisecond) // room for a wrong second delivery
	keys, n := sink.snapshot()
	want := map[string]int{id + ":1": 1, id + ":2": 1}
	if n != 2 || fmt.Sprint(keys) != fmt.Sprint(want) {
		t.Fatalf("sink deliveries %v (%d in all), want each change once: %v", keys, n, want)
	}
}

func TestWriteRefusedWhileDisconnected(t *testing.T) {
	url := testenv.NATS(t)
	prefix := testenv.NATSPrefix(t, url)
	a := startReplica(t, url, prefix, t.TempDir())
	a.bus.nc.Close() // as good as a broker gone, for this replica
	err := a.tw.Positions(context.Background(), fixes("v1", time.Now().Add(-time.Hour), 1))
	var ra interface{ RetryAfter() time.Duration }
	if !errors.Is(err, ErrUnavailable) || !errors.As(err, &ra) || ra.RetryAfter() <= 0 {
		t.Fatalf("write with the broker gone: %v; want ErrUnavailable with a Retry-After", err)
	}
	if _, err := a.bus.Health(); err == nil {
		t.Fatal("health reports a closed connection as fine")
	}
	if s, _ := a.tw.Applied(); s != 0 || lastLon(t, a.tw, "v1") == lastLon(t, a.tw, "v1") {
		t.Fatalf("a refused write was applied (seq %d)", s)
	}
}

// BenchmarkPublishApply is the live write path with a bus: one batch of
// 100 fixes published, acknowledged by JetStream and applied by the local
// twin (durable in its Pebble) before the call returns.
func BenchmarkPublishApply(b *testing.B) {
	url := testenv.NATS(b)
	prefix := testenv.NATSPrefix(b, url)
	r := startReplica(b, url, prefix, b.TempDir())
	t0 := time.Now().UTC().Add(-24 * time.Hour)
	ps := make([]feeds.Position, 100)
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		for j := range ps {
			ps[j] = feeds.Position{ID: fmt.Sprintf("b%d", j), T: t0.Add(time.Duration(i) * time.Second),
				Lon: 107.5 + float64(i%1000)*1e-4, Lat: 10, SOG: 5, COG: 90, Source: "vms"}
		}
		if err := r.tw.Positions(context.Background(), ps); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	if s, _ := r.tw.Applied(); s != uint64(b.N) {
		b.Fatalf("applied %d of %d batches", s, b.N)
	}
	b.ReportMetric(float64(b.N*len(ps))/b.Elapsed().Seconds(), "fixes/s")
}

// BenchmarkReplicaLag measures how long a fix written to replica A takes
// to be applied (durable, in the index) by replica B: p50 and p99 of the
// time from the start of A's write to B's apply, writes back to back.
func BenchmarkReplicaLag(b *testing.B) {
	url := testenv.NATS(b)
	prefix := testenv.NATSPrefix(b, url)
	ra := startReplica(b, url, prefix, b.TempDir())
	rb := startReplica(b, url, prefix, b.TempDir())
	t0 := time.Now().UTC().Add(-24 * time.Hour)
	type sent struct {
		seq uint64
		at  time.Time
	}
	ch := make(chan sent, 1<<16)
	lags := make([]time.Duration, 0, b.N)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for s := range ch {
			rb.bus.waitFor(context.Background(), s.seq, 10*time.Second)
			lags = append(lags, time.Since(s.at))
		}
	}()
	b.ResetTimer()
	for i := range b.N {
		start := time.Now()
		p := feeds.Position{ID: fmt.Sprintf("lag%d", i%50), T: t0.Add(time.Duration(i) * time.Second), Lon: 107.5, Lat: 10,
			SOG: 5, COG: 90, Source: "vms"}
		if err := ra.tw.Positions(context.Background(), []feeds.Position{p}); err != nil {
			b.Fatal(err)
		}
		ch <- sent{ra.bus.appliedSeq(), start}
	}
	close(ch)
	<-done
	b.StopTimer()
	slices.Sort(lags)
	b.ReportMetric(float64(lags[len(lags)/2].Microseconds())/1000, "p50_ms")
	b.ReportMetric(float64(lags[len(lags)*99/100].Microseconds())/1000, "p99_ms")
}
