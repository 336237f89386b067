package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
)

// raceBinary returns a build of bando with the race detector: BANDO_RACE_BIN
// (`make test` builds bin/bando-race), or one built here.
func raceBinary(t *testing.T) string {
	t.Helper()
	if p := os.Getenv("BANDO_RACE_BIN"); p != "" {
		if _, err := os.Stat(p); err != nil {
			t.Fatalf("BANDO_RACE_BIN: %v", err)
		}
		return p
	}
	if testing.Short() {
		t.Skip("SKIPPED (not a pass): -short and no BANDO_RACE_BIN; `make test` builds bin/bando-race")
	}
	p := filepath.Join(t.TempDir(), "bando-race")
	if out, err := exec.Command("go", "build", "-race", "-o", p, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build -race: %v\n%s", err, out)
	}
	return p
}

// TestConcurrentWritersRace runs the race-detector build of the server while
// writers POST, PUT and DELETE parcels concurrently and readers page items
// and fetch tiles. The final state — after the writers, and again after a
// restart — must be exactly what the acknowledged writes say, and the race
// detector must report nothing.
func TestConcurrentWritersRace(t *testing.T) {
	bin := raceBinary(t)
	dir := t.TempDir()
	cfg := writeConfig(t, dir, "")
	srv := startServerBin(t, bin, dir+"/var", cfg, "--demo=false")

	const writers, rounds, readers = 6, 25, 3
	want := make([]map[string]string, writers) // id → parcel_no, per writer
	hot := make([][]string, writers)           // parcel_no values acknowledged for the shared feature
	var wg sync.WaitGroup
	done := make(chan struct{})
	for w := range writers {
		want[w] = map[string]string{}
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range rounds {
				if err := writeRound(srv, w, i, want[w]); err != nil {
					t.Errorf("writer %d round %d: %v", w, i, err)
					return
				}
				v := fmt.Sprintf("hot-%d-%d", w, i)
				if st, _, b := srv.do("PUT", "/collections/parcels/items/1", opsToken, "application/geo+json", parcel("1", v, w, 999)); st != 200 && st != 201 {
					t.Errorf("PUT hot: %d %s", st, b)
					return
				}
				hot[w] = append(hot[w], v)
			}
		}()
	}
	var rg sync.WaitGroup
	for r := range readers {
		rg.Add(1)
		go func() {
			defer rg.Done()
			for n := 0; ; n++ {
				select {
				case <-done:
					return
				default:
				}
				if err := readOnce(srv, r, n); err != nil {
					t.Errorf("reader %d: %v", r, err)
					return
				}
			}
		}()
	}
	wg.Wait()
	close(done)
	rg.Wait()
	if t.Failed() {
		return
	}
	expect := map[string]string{}
	for _, m := range want {
		for id, v := range m {
			if v != "" {
				expect[id] = v
			}
		}
	}
	var hotValues []string
	for _, vs := range hot {
		hotValues = append(hotValues, vs...)
	}
	checkState(t, srv, expect, hotValues)

	stopRace(t, srv)
	srv = startServerBin(t, bin, dir+"/var", cfg, "--demo=false")
	checkState(t, srv, expect, hotValues)
	stopRace(t, srv)
}

// writeRound: POST two new parcels in one NDJSON body, PUT the first with a
// new value and geometry, and DELETE the second every third round.
func writeRound(srv *server, w, i int, want map[string]string) error {
	a, b := fmt.Sprint(1000+w*1000+2*i), fmt.Sprint(1001+w*1000+2*i)
	body := bytes.Join([][]byte{parcel(a, a+"-v0", w, i), parcel(b, b+"-v0", w, i+500)}, []byte("\n"))
	if st, _, resp := srv.do("POST", "/collections/parcels/items", opsToken, "application/x-ndjson", body); st != 201 {
		return fmt.Errorf("POST: %d %s", st, resp)
	}
	want[a], want[b] = a+"-v0", b+"-v0"
	if st, _, resp := srv.do("PUT", "/collections/parcels/items/"+a, opsToken, "application/geo+json", parcel(a, a+"-v1", w, i+250)); st != 200 {
		return fmt.Errorf("PUT %s: %d %s", a, st, resp)
	}
	want[a] = a + "-v1"
	if i%3 == 0 {
		if st, _, resp := srv.do("DELETE", "/collections/parcels/items/"+b, opsToken, "", nil); st != 204 {
			return fmt.Errorf("DELETE %s: %d %s", b, st, resp)
		}
		want[b] = ""
	}
	return nil
}

// parcel is a small square parcel; writer w's parcels lie in their own column.
func parcel(id, no string, w, i int) []byte {
	x, y := 106.70+float64(w)*0.002, 10.77+float64(i%1000)*0.00005
	d := 0.00003
	return fmt.Appendf(nil, `{"type":"Feature","id":%s,"properties":{"parcel_no":%q,"commune_code":"26734","area_m2":12.5},`+
		`"geometry":{"type":"Polygon","coordinates":[[[%f,%f],[%f,%f],[%f,%f],[%f,%f],[%f,%f]]]}}`,
		id, no, x, y, x+d, y, x+d, y+d, x, y+d, x, y)
}

// readOnce pages some items (the answer must be JSON) and fetches a tile
// over the writers' area.
func readOnce(srv *server, r, n int) error {
	st, _, b := srv.do("GET", fmt.Sprintf("/collections/parcels/items?limit=50&offset=%d", (n*37)%200), opsToken, "", nil)
	var fc featureCollection
	if st != 200 || json.Unmarshal(b, &fc) != nil {
		return fmt.Errorf("items: %d %.200s", st, b)
	}
	x, y := tileOf(106.70+float64(r)*0.004, 10.77+float64(n%20)*0.0025, 15)
	if st, _, b := srv.do("GET", fmt.Sprintf("/tiles/parcels/15/%d/%d.mvt", x, y), opsToken, "", nil); st != 200 && st != 204 {
		return fmt.Errorf("tile 15/%d/%d: %d %.200s", x, y, st, b)
	}
	return nil
}

// checkState compares every stored parcel with the acknowledged writes: the
// same ids, each with its last acknowledged value, and the shared feature
// with one of the values written to it.
func checkState(t *testing.T, srv *server, expect map[string]string, hot []string) {
	t.Helper()
	got := map[string]string{}
	for offset := 0; ; offset += 1000 {
		var fc featureCollection
		srv.getJSON(fmt.Sprintf("/collections/parcels/items?limit=1000&offset=%d", offset), opsToken, &fc)
		for _, f := range fc.Features {
			got[string(f.ID)] = fmt.Sprint(f.Properties["parcel_no"])
		}
		if fc.NumberReturned < 1000 {
			break
		}
	}
	if v := got["1"]; !slices.Contains(hot, v) {
		t.Errorf("shared feature holds %q, not one of the %d acknowledged values", v, len(hot))
	}
	delete(got, "1")
	var wrong []string
	for id, v := range expect {
		if got[id] != v {
			wrong = append(wrong, fmt.Sprintf("%s: got %q want %q", id, got[id], v))
		}
	}
	for id := range got {
		if _, ok := expect[id]; !ok {
			wrong = append(wrong, id+": present but deleted or never written")
		}
	}
	if len(wrong) > 0 {
		slices.Sort(wrong)
		t.Fatalf("%d of %d parcels differ from the acknowledged writes: %v", len(wrong), len(expect), wrong[:min(10, len(wrong))])
	}
}

// stopRace stops the server cleanly and fails on any race report (the race
// runtime also makes the exit status 66).
func stopRace(t *testing.T, srv *server) {
	t.Helper()
	srv.cmd.Process.Signal(syscall.SIGTERM)
	err := srv.cmd.Wait()
	var exit *exec.ExitError
	if strings.Contains(srv.log.String(), "DATA RACE") || errors.As(err, &exit) {
		t.Fatalf("race-detector server: %v; log:\n%s", err, tail(srv.log.String(), 8000))
	}
	if err != nil {
		t.Fatalf("server exit: %v", err)
	}
}

func tail(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return "…" + s[len(s)-n:]
}
