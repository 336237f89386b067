package main

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"
	"time"
)

const probeLayer = `layers:
  - id: probes
    title: {vi: "Điểm thử", en: "Probes"}
    kind: sensor
    geometry: Point
    access: public
    zoom: {min: 0, max: 18}
    attribution: "bando test"
    synthetic: true
    fields:
      - {name: n, type: int, sensitivity: public}
      - {name: note, type: string, sensitivity: public}
`

// TestKillNineKeepsAcknowledged streams acknowledged ingests from two
// writers, kills the server with SIGKILL mid-stream, restarts it, and checks
// that every acknowledged feature is there with the content sent, and that
// nothing that was never sent is.
func TestKillNineKeepsAcknowledged(t *testing.T) {
	dir := t.TempDir()
	cfg := writeConfig(t, dir, probeLayer)
	data := dir + "/var"
	for round := range 3 {
		srv := startServer(t, data, cfg, "--demo=false")
		var mu sync.Mutex
		acked := map[string]string{}
		sent := map[string]string{}
		stop := make(chan struct{})
		var wg sync.WaitGroup
		for w := range 2 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				rng := rand.New(rand.NewPCG(uint64(round), uint64(w)))
				for i := 0; ; i++ {
					select {
					case <-stop:
						return
					default:
					}
					var lines []string
					batch := map[string]string{}
					for j := range 1 + rng.IntN(40) {
						id := fmt.Sprintf("r%dw%di%dj%d", round, w, i, j)
						note := fmt.Sprintf("ghi chú %d-%d-%d", w, i, j)
						batch[id] = note
						lines = append(lines, fmt.Sprintf(`{"type":"Feature","id":%q,"geometry":{"type":"Point","coordinates":[%.6f,%.6f]},"properties":{"n":%d,"note":%q}}`,
							id, 106.6+rng.Float64()*0.2, 10.7+rng.Float64()*0.2, i, note))
					}
					mu.Lock()
					for k, v := range batch {
						sent[k] = v
					}
					mu.Unlock()
					st, _, _ := srv.do("POST", "/collections/probes/items", opsToken, "application/x-ndjson", []byte(strings.Join(lines, "\n")))
					if st == 0 {
						return // the server is gone
					}
					if st != 201 {
						t.Errorf("ingest status %d", st)
						return
					}
					mu.Lock()
					for k, v := range batch {
						acked[k] = v
					}
					mu.Unlock()
				}
			}()
		}
		time.Sleep(time.Duration(300+round*400) * time.Millisecond)
		srv.cmd.Process.Kill() // SIGKILL: no chance to flush anything
		srv.cmd.Wait()
		close(stop)
		wg.Wait()
		if len(acked) == 0 {
			t.Fatalf("round %d: nothing was acknowledged before the kill", round)
		}

		srv = startServer(t, data, cfg, "--demo=false")
		var fc featureCollection
		present := map[string]string{}
		for offset := 0; ; offset += 1000 {
			srv.getJSON(fmt.Sprintf("/collections/probes/items?limit=1000&offset=%d", offset), "", &fc)
			for _, f := range fc.Features {
				present[fmt.Sprint(f.ID)] = fmt.Sprint(f.Properties["note"])
			}
			if fc.NumberReturned < 1000 {
				break
			}
		}
		for id, note := range acked {
			if got, ok := present[id]; !ok || got != note {
				t.Fatalf("round %d: acknowledged %s lost or changed (%q, present %v)", round, id, got, ok)
			}
		}
		for id, note := range present {
			if !strings.HasPrefix(id, "r") {
				continue
			}
			if want, ok := sent[id]; ok && want != note {
				t.Fatalf("round %d: %s half-written: %q != %q", round, id, note, want)
			}
			if _, ok := sent[id]; !ok && strings.HasPrefix(id, fmt.Sprintf("r%d", round)) {
				t.Fatalf("round %d: %s was never sent", round, id)
			}
		}
		t.Logf("round %d: %d acknowledged, %d present after restart", round, len(acked), len(present))
		srv.kill()
	}
}
