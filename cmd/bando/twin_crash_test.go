package main

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"bando/twin"
)

// webhookSink records the idempotency keys it accepted; while down it
// answers 503.
type webhookSink struct {
	up   atomic.Bool
	mu   sync.Mutex
	keys map[string]int
}

func (w *webhookSink) ServeHTTP(rw http.ResponseWriter, r *http.Request) {
	if !w.up.Load() {
		http.Error(rw, "down", http.StatusServiceUnavailable)
		return
	}
	w.mu.Lock()
	w.keys[r.Header.Get("Idempotency-Key")]++
	w.mu.Unlock()
}

func (w *webhookSink) has(key string) bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.keys[key] > 0
}

// TestKillNineKeepsTwin streams positions, observations that raise and
// resolve threshold alerts, and acknowledgements at a server whose webhook
// sink is down, kills it with SIGKILL, restarts it with the sink back, and
// checks that every acknowledged position, alert and acknowledgement is
// there and that the outbox delivers every alert change it owed.
func TestKillNineKeepsTwin(t *testing.T) {
	hook := &webhookSink{keys: map[string]int{}}
	hs := httptest.NewServer(hook)
	defer hs.Close()
	dir := t.TempDir()
	cfg := writeConfig(t, dir, fmt.Sprintf("twin:\n  webhook: %s\n  max_ahead_seconds: -1\n", hs.URL))
	data := dir + "/var"
	srv := startServer(t, data, cfg, "--demo=false")

	t0 := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	var mu sync.Mutex
	acked := map[string]map[string]bool{} // vessel → fix times acknowledged
	ackedAlerts := map[string]string{}    // alert id → note
	seenAlerts := map[string]bool{}
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for w := range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(7, uint64(w)))
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				at := t0.Add(time.Duration(i) * time.Minute)
				var lines []string
				batch := map[string]string{}
				for v := range 1 + rng.IntN(20) {
					id := fmt.Sprintf("w%dv%d", w, v)
					ts := at.Format(time.RFC3339)
					batch[id] = ts
					lines = append(lines, fmt.Sprintf(`{"id":%q,"t":%q,"lon":%.5f,"lat":%.5f,"sog":6,"cog":90,"source":"vms"}`,
						id, ts, 107.5+0.001*float64(i), 9.5+0.01*float64(v)))
				}
				st, _, _ := srv.do("POST", "/api/twin/positions", opsToken, "application/x-ndjson", []byte(strings.Join(lines, "\n")))
				if st == 0 {
					return
				}
				if st != 200 {
					t.Errorf("positions: %d", st)
					return
				}
				mu.Lock()
				for id, ts := range batch {
					if acked[id] == nil {
						acked[id] = map[string]bool{}
					}
					acked[id][ts] = true
				}
				mu.Unlock()
				// Every other minute the sensor crosses the threshold and
				// back: each crossing opens or resolves an alert.
				v := 10.0
				if i%2 == 0 {
					v = 190
				}
				obs := fmt.Sprintf(`{"sensor":"w%d-s","quantity":"pm25","t":%q,"value":%g}`, w, at.Format(time.RFC3339), v)
				if st, _, _ := srv.do("POST", "/api/twin/observations", opsToken, "", []byte(obs)); st == 0 {
					return
				}
				var list struct{ Alerts []twin.Alert }
				st, _, b := srv.do("GET", fmt.Sprintf("/api/alerts?state=open&object=w%d-s", w), opsToken, "", nil)
				if st != 200 || json.Unmarshal(b, &list) != nil {
					return
				}
				for _, a := range list.Alerts {
					mu.Lock()
					seenAlerts[a.ID] = true
					mu.Unlock()
					note := fmt.Sprintf("ghi chú %s", a.ID)
					if st, _, _ := srv.do("POST", "/api/alerts/"+a.ID+"/ack", opsToken, "", []byte(`{"note":"`+note+`"}`)); st == 200 {
						mu.Lock()
						ackedAlerts[a.ID] = note
						mu.Unlock()
					}
				}
			}
		}()
	}
	time.Sleep(1500 * time.Millisecond)
	srv.cmd.Process.Kill()
	srv.cmd.Wait()
	close(stop)
	wg.Wait()
	if len(acked) == 0 || len(ackedAlerts) == 0 {
		t.Fatalf("nothing acknowledged before the kill: %d vessels, %d alert acks", len(acked), len(ackedAlerts))
	}

	hook.up.Store(true)
	srv = startServer(t, data, cfg, "--demo=false")
	n := 0
	for id, times := range acked {
		var fc struct {
			Features []struct{ Properties struct{ T string } }
		}
		srv.getJSON("/api/twin/objects/"+id+"/track?f=points", opsToken, &fc)
		have := map[string]bool{}
		for _, f := range fc.Features {
			have[f.Properties.T] = true
		}
		for ts := range times {
			if !have[ts] {
				t.Fatalf("acknowledged fix %s at %s lost", id, ts)
			}
			n++
		}
	}
	var all struct{ Alerts []twin.Alert }
	srv.getJSON("/api/alerts", opsToken, &all)
	byID := map[string]twin.Alert{}
	for _, a := range all.Alerts {
		byID[a.ID] = a
	}
	for id := range seenAlerts {
		if _, ok := byID[id]; !ok {
			t.Fatalf("alert %s seen before the kill is gone", id)
		}
	}
	for id, note := range ackedAlerts {
		a := byID[id]
		if a.Ack == nil || a.Ack.By != "ops" || a.Ack.Note != note {
			t.Fatalf("acknowledgement of %s lost: %+v", id, a)
		}
	}
	// The outbox owes the sink every stored alert's latest version.
	deadline := time.Now().Add(60 * time.Second)
	for _, a := range all.Alerts {
		key := fmt.Sprintf("%s:%d", a.ID, a.Version)
		for !hook.has(key) {
			if time.Now().After(deadline) {
				t.Fatalf("the outbox never delivered %s", key)
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
	t.Logf("%d acknowledged fixes of %d vessels, %d alerts (%d acknowledged) kept and delivered",
		n, len(acked), len(all.Alerts), len(ackedAlerts))
}
