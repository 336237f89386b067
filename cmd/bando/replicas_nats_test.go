package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"bando/internal/testenv"
	"bando/twin"
)

// startReplicas runs two `bando serve --nats` on one broker prefix, each
// with its own port and data directory, both with the same webhook.
func startReplicas(t *testing.T, hook string) (a, b *server, url string) {
	t.Helper()
	url = testenv.NATS(t)
	prefix := testenv.NATSPrefix(t, url)
	var rs [2]*server
	for i, name := range []string{"a", "b"} {
		dir := t.TempDir()
		cfg := writeConfig(t, dir, fmt.Sprintf("twin:\n  webhook: %s\nnats:\n  prefix: %s\n  replica: %s\n", hook, prefix, name))
		rs[i] = startServer(t, dir+"/var", cfg, "--demo=false", "--nats", url)
	}
	return rs[0], rs[1], url
}

// sseIDs collects the object ids of the position events of s's stream.
func sseIDs(t *testing.T, s *server) (func(id string) bool, func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	req, _ := http.NewRequestWithContext(ctx, "GET", s.base+"/api/stream?topics=positions", nil)
	req.Header.Set("Authorization", "Bearer "+opsToken)
	resp, err := http.DefaultClient.Do(req)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("stream: %v %v", err, resp)
	}
	var mu sync.Mutex
	seen := map[string]bool{}
	go func() {
		defer resp.Body.Close()
		sc := bufio.NewScanner(resp.Body)
		for sc.Scan() {
			data, ok := strings.CutPrefix(sc.Text(), "data: ")
			if !ok {
				continue
			}
			var ev struct{ ID string }
			if json.Unmarshal([]byte(data), &ev) == nil {
				mu.Lock()
				seen[ev.ID] = true
				mu.Unlock()
			}
		}
	}()
	return func(id string) bool { mu.Lock(); defer mu.Unlock(); return seen[id] }, cancel
}

func within(t *testing.T, d time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("not within %v: %s", d, what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func stateHas(s *server, id string, lon float64) bool {
	var st struct {
		Objects []twin.ObjectState
	}
	s.getJSON("/api/twin/state", opsToken, &st)
	for _, o := range st.Objects {
		if o.ID == id && o.Lon == lon {
			return true
		}
	}
	return false
}

func positionLine(id string, at time.Time, lon float64) string {
	return fmt.Sprintf(`{"id":%q,"t":%q,"lon":%.5f,"lat":10.2,"sog":6,"cog":90,"source":"vms"}`, id, at.Format(time.RFC3339), lon)
}

// TestReplicasShareLiveState: positions written to one replica show in
// the other's state and stream within 1 s; a threshold alert raised by
// observations written to both reaches their shared webhook once per
// change; an acknowledgement on one shows on the other.
func TestReplicasShareLiveState(t *testing.T) {
	hook := &webhookSink{keys: map[string]int{}}
	hook.up.Store(true)
	hs := httptest.NewServer(hook)
	defer hs.Close()
	a, b, _ := startReplicas(t, hs.URL)
	seenOnB, stop := sseIDs(t, b)
	defer stop()

	now := time.Now().UTC().Add(-time.Minute).Truncate(time.Second)
	body := positionLine("va1", now, 107.51) + "\n" + positionLine("va2", now, 107.52)
	if st, _, out := a.do("POST", "/api/twin/positions", opsToken, "application/x-ndjson", []byte(body)); st != 200 {
		t.Fatalf("positions to A: %d %s", st, out)
	}
	start := time.Now()
	within(t, time.Second, "A's positions in B's state", func() bool { return stateHas(b, "va1", 107.51) && stateHas(b, "va2", 107.52) })
	within(t, time.Second-time.Since(start)+50*time.Millisecond, "A's positions on B's stream", func() bool { return seenOnB("va1") && seenOnB("va2") })
	if st, _, _ := b.do("POST", "/api/twin/positions", opsToken, "", []byte(positionLine("vb1", now, 107.6))); st != 200 {
		t.Fatalf("positions to B: %d", st)
	}
	within(t, time.Second, "B's position in A's state", func() bool { return stateHas(a, "vb1", 107.6) })

	// pm25 rises through 125.5 on observations sent to both replicas.
	for i, v := range []float64{40, 90, 130, 150, 140, 160} {
		r := []*server{a, b}[i%2]
		obs := fmt.Sprintf(`{"sensor":"s-air","quantity":"pm25","t":%q,"value":%g}`, now.Add(time.Duration(i)*time.Second).Format(time.RFC3339), v)
		if st, _, out := r.do("POST", "/api/twin/observations", opsToken, "", []byte(obs)); st != 200 {
			t.Fatalf("observation %d: %d %s", i, st, out)
		}
	}
	alertOf := func(s *server) (twin.Alert, bool) {
		var l struct{ Alerts []twin.Alert }
		s.getJSON("/api/alerts?object=s-air", opsToken, &l)
		if len(l.Alerts) != 1 {
			return twin.Alert{}, false
		}
		return l.Alerts[0], true
	}
	var al twin.Alert
	within(t, time.Second, "one threshold alert on A", func() bool { var ok bool; al, ok = alertOf(a); return ok })
	within(t, time.Second, "the same alert on B", func() bool { x, ok := alertOf(b); return ok && x.ID == al.ID })
	if st, _, out := a.do("POST", "/api/alerts/"+al.ID+"/ack", opsToken, "", []byte(`{"note":"đã xem"}`)); st != 200 {
		t.Fatalf("ack on A: %d %s", st, out)
	}
	within(t, time.Second, "A's ack on B", func() bool {
		x, ok := alertOf(b)
		return ok && x.State == twin.Acknowledged && x.Ack != nil && x.Ack.Note == "đã xem" && x.Version == 2
	})
	k1, k2 := al.ID+":1", al.ID+":2"
	within(t, 5*time.Second, "both changes at the webhook", func() bool { return hook.has(k1) && hook.has(k2) })
	time.Sleep(time.Second) // room for a second, wrong delivery
	hook.mu.Lock()
	defer hook.mu.Unlock()
	for key, n := range hook.keys {
		if n != 1 {
			t.Errorf("webhook got %s %d times, want once", key, n)
		}
	}
	if hook.keys[k1] != 1 || hook.keys[k2] != 1 {
		t.Fatalf("webhook deliveries %v: want %s and %s once each", hook.keys, k1, k2)
	}
}

// TestReplicaKilledOthersCarryOn streams positions and threshold-crossing
// observations at replica A, kills it with SIGKILL mid-stream, and checks
// that B holds every fix A acknowledged, that every alert's latest change
// reaches the shared webhook, and that B still takes writes.
func TestReplicaKilledOthersCarryOn(t *testing.T) {
	hook := &webhookSink{keys: map[string]int{}}
	hook.up.Store(true)
	hs := httptest.NewServer(hook)
	defer hs.Close()
	a, b, url := startReplicas(t, hs.URL)
	t0 := time.Now().UTC().Add(-time.Hour).Truncate(time.Second)
	var mu sync.Mutex
	acked := map[string][]time.Time{}
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := 0; ; i++ {
			at := t0.Add(time.Duration(i) * time.Second)
			var lines []string
			for v := range 5 {
				lines = append(lines, positionLine(fmt.Sprintf("k%d", v), at, 107.5+0.0001*float64(i)))
			}
			st, _, _ := a.do("POST", "/api/twin/positions", opsToken, "", []byte(strings.Join(lines, "\n")))
			if st != 200 {
				return // killed
			}
			mu.Lock()
			for v := range 5 {
				id := fmt.Sprintf("k%d", v)
				acked[id] = append(acked[id], at)
			}
			mu.Unlock()
			// The sensor crosses the threshold and back every other
			// second: each crossing opens or resolves an alert.
			v := 10.0
			if i%2 == 0 {
				v = 190
			}
			obs := fmt.Sprintf(`{"sensor":"k-air","quantity":"pm25","t":%q,"value":%g}`, at.Format(time.RFC3339), v)
			if st, _, _ := a.do("POST", "/api/twin/observations", opsToken, "", []byte(obs)); st != 200 {
				return
			}
		}
	}()
	time.Sleep(1200 * time.Millisecond)
	a.cmd.Process.Kill()
	a.cmd.Wait()
	<-done
	mu.Lock()
	defer mu.Unlock()
	if len(acked["k0"]) == 0 {
		t.Fatal("nothing acknowledged before the kill")
	}
	n := 0
	for id, times := range acked {
		within(t, 3*time.Second, "B has every fix of "+id+" A acknowledged", func() bool {
			var fc struct {
				Features []struct{ Properties struct{ T string } }
			}
			b.getJSON("/api/twin/objects/"+id+"/track?f=points", opsToken, &fc)
			have := map[string]bool{}
			for _, f := range fc.Features {
				have[f.Properties.T] = true
			}
			for _, at := range times {
				if !have[at.Format(time.RFC3339)] {
					return false
				}
			}
			return true
		})
		n += len(times)
	}
	if st, _, out := b.do("POST", "/api/twin/positions", opsToken, "", []byte(positionLine("after", time.Now().UTC(), 107.7))); st != 200 {
		t.Fatalf("B after A's death: %d %s", st, out)
	}
	if !stateHas(b, "after", 107.7) {
		t.Fatal("B does not show its own write after A's death")
	}
	// Every alert's latest change reaches the webhook: from B when A died
	// before it published or delivered it (a delivery A had in flight is
	// B's after the broker's ack wait, under the same Idempotency-Key).
	var all struct{ Alerts []twin.Alert }
	b.getJSON("/api/alerts?object=k-air", opsToken, &all)
	if len(all.Alerts) == 0 {
		t.Fatal("no alert raised before the kill")
	}
	for _, al := range all.Alerts {
		key := fmt.Sprintf("%s:%d", al.ID, al.Version)
		within(t, 45*time.Second, "the webhook gets "+key, func() bool { return hook.has(key) })
	}
	hook.mu.Lock()
	doubled := 0
	for _, n := range hook.keys {
		if n > 1 {
			doubled++
		}
	}
	hook.mu.Unlock()
	if doubled > 1 {
		t.Fatalf("%d alert changes delivered more than once; at most the one in flight at the kill may be", doubled)
	}
	// A comes back on its data directory: it resumes after what it had
	// applied, and holds the same fixes and alerts as B.
	a.launch(binPath, "--demo=false", "--nats", url)
	for id, times := range acked {
		var fc struct {
			Features []struct{ Properties struct{ T string } }
		}
		a.getJSON("/api/twin/objects/"+id+"/track?f=points", opsToken, &fc)
		if len(fc.Features) < len(times) {
			t.Fatalf("A after its restart has %d fixes of %s, want at least the %d acknowledged", len(fc.Features), id, len(times))
		}
	}
	alertsOf := func(s *server) string {
		var l struct{ Alerts []twin.Alert }
		s.getJSON("/api/alerts?object=k-air", opsToken, &l)
		var out []string
		for _, al := range l.Alerts {
			out = append(out, fmt.Sprintf("%s:%d:%s", al.ID, al.Version, al.State))
		}
		return strings.Join(out, " ")
	}
	if x, y := alertsOf(a), alertsOf(b); x != y {
		t.Fatalf("after A's restart the replicas disagree on the alerts:\nA %s\nB %s", x, y)
	}
	var rd map[string]any
	b.getJSON("/readyz", "", &rd)
	if c, _ := rd["checks"].(map[string]any); c["nats"] == nil {
		t.Fatalf("/readyz does not report NATS: %v", rd)
	}
	t.Logf("%d fixes acknowledged by A before its kill, all on B; %d alerts, each delivered", n, len(all.Alerts))
}
