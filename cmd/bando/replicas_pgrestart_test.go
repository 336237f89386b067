package main

import (
	"encoding/json"
	"fmt"
	"sync"
	"testing"
	"time"

	"bando/internal/testenv"
)

// TestPostgresRestartUnderLoad: two `bando serve --db` replicas on a
// PostgreSQL of the test's own; writers stream features at one of them
// while the database stops for a second and starts again. Meanwhile writes
// answer 503 with Retry-After (never a 500, never a 2xx that is not
// committed); afterwards both replicas serve every acknowledged feature.
func TestPostgresRestartUnderLoad(t *testing.T) {
	pg := testenv.StartPrivatePostgres(t)
	migrateDB(t, pg.DSN)
	dir := t.TempDir()
	cfg := writeConfig(t, dir, probeLayer)
	a := startServer(t, dir+"/a", cfg, "--db", pg.DSN, "--demo=false")
	b := startServer(t, dir+"/b", cfg, "--db", pg.DSN, "--demo=false")

	var mu sync.Mutex
	acked := map[string]bool{}
	codes := map[int]int{}
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for w := range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				id := fmt.Sprintf("w%d-%d", w, i)
				body := fmt.Sprintf(`{"type":"Feature","id":%q,"geometry":{"type":"Point","coordinates":[106.7,10.8]},"properties":{"n":%d}}`, id, i)
				st, h, _ := a.do("POST", "/collections/probes/items", opsToken, "application/geo+json", []byte(body))
				mu.Lock()
				codes[st]++
				if st/100 == 2 {
					acked[id] = true
				}
				if st == 503 && h.Get("Retry-After") == "" {
					t.Errorf("503 without Retry-After")
				}
				mu.Unlock()
				if st == 503 {
					time.Sleep(50 * time.Millisecond)
				}
			}
		}()
	}
	time.Sleep(1500 * time.Millisecond)
	pg.Stop()
	time.Sleep(time.Second)
	pg.Start()
	time.Sleep(3 * time.Second) // writes resume
	close(stop)
	wg.Wait()
	mu.Lock()
	defer mu.Unlock()
	for st, n := range codes {
		if st != 503 && st/100 != 2 {
			t.Errorf("%d answers with status %d", n, st)
		}
	}
	if codes[503] == 0 || len(acked) < 20 {
		t.Fatalf("statuses %v, %d acknowledged: the restart was not under load", codes, len(acked))
	}
	deadline := time.Now().Add(10 * time.Second)
	for _, s := range []*server{a, b} {
		for {
			var page struct {
				NumberMatched int `json:"numberMatched"`
			}
			_, _, body := s.do("GET", "/collections/probes/items?limit=1", "", "", nil)
			json.Unmarshal(body, &page)
			if page.NumberMatched >= len(acked) {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("%s holds %d features, %d were acknowledged", s.base, page.NumberMatched, len(acked))
			}
			time.Sleep(100 * time.Millisecond)
		}
		for id := range acked {
			if st, _, _ := s.do("GET", "/collections/probes/items/"+id, "", "", nil); st != 200 {
				t.Fatalf("%s: acknowledged feature %s: %d", s.base, id, st)
			}
		}
	}
	t.Logf("statuses %v; all %d acknowledged features on both replicas", codes, len(acked))
}
