package main

import (
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestDemoSimulatedFleet: a new demo directory's server sails the
// simulated fleet and replays the PM2.5 series into its twin from the
// start, the fleet's vessels named as synthetic.
func TestDemoSimulatedFleet(t *testing.T) {
	dir := t.TempDir()
	srv := startServer(t, dir+"/var", writeConfig(t, dir, "twin: {simulate: 12}\n"))
	count := func(metrics, re string) int {
		m := regexp.MustCompile(re).FindStringSubmatch(metrics)
		if m == nil {
			return 0
		}
		n, _ := strconv.Atoi(m[1])
		return n
	}
	// 12 vessels reporting every 1–10 min over the 12 h warm-up, which
	// arrives in batches: wait for all of it, not the first batch.
	const wantPos, wantObs = 12 * 12 * 5, 6
	var pos, obs int
	for deadline := time.Now().Add(60 * time.Second); time.Now().Before(deadline); time.Sleep(200 * time.Millisecond) {
		_, b := srv.get("/metrics", "")
		pos = count(string(b), `bando_twin_positions_total\{outcome="accepted",source="vms"\} (\d+)`)
		obs = count(string(b), `bando_twin_observations_total\{outcome="accepted",source="replay"\} (\d+)`)
		if pos >= wantPos && obs >= wantObs {
			break
		}
	}
	if pos < wantPos || obs < wantObs {
		t.Fatalf("%d simulated positions and %d replayed observations accepted, want the 12 h warm-up of each", pos, obs)
	}
	if st, b := srv.get("/api/twin/state", readerToken); st != 200 || !strings.Contains(string(b), `"id":"sim-012"`) {
		t.Fatalf("GET /api/twin/state: %d %.300s: want the 12 simulated vessels", st, b)
	}
	if st, b := srv.get("/collections/vessels/items/sim-001", readerToken); st != 200 || !strings.Contains(string(b), "SIM 001 (synthetic)") {
		t.Fatalf("GET vessel sim-001: %d %.300s: want it named synthetic", st, b)
	}
}
