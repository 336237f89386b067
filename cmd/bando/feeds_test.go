package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestVMSFeedReachesTheTwin: a VMS file named in the config's feeds: is
// read into the live twin at start, the vessel's state is served to a
// principal that may see the vessels layer, and the feed's counters are in
// /metrics. Anonymous clients learn nothing of the internal vessels layer.
func TestVMSFeedReachesTheTwin(t *testing.T) {
	dir := t.TempDir()
	vms := filepath.Join(dir, "today.csv")
	now := time.Now().UTC().Add(-time.Hour).Truncate(time.Second)
	var b strings.Builder
	b.WriteString("registration,time,lon,lat,speed,course\n")
	for i := range 3 {
		fmt.Fprintf(&b, "SG-90123-TS,%s,%.4f,10.2000,6.5,90\n", now.Add(time.Duration(i)*10*time.Minute).Format(time.RFC3339), 107.0+0.02*float64(i))
	}
	b.WriteString("SG-90123-TS,not a time,107.1,10.2,6.5,90\n")
	if err := os.WriteFile(vms, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg := writeConfig(t, dir, fmt.Sprintf("feeds:\n  - {type: vms, name: vms-test, path: %s}\n", vms))
	srv := startServer(t, filepath.Join(dir, "var"), cfg, "--demo=false")
	deadline := time.Now().Add(20 * time.Second)
	for {
		st, body := srv.get("/api/twin/state", readerToken)
		if st == 200 && strings.Contains(string(body), "SG-90123-TS") && strings.Contains(string(body), "107.04") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("vessel not in the twin: %d %s\nlog:\n%s", st, body, srv.log)
		}
		time.Sleep(100 * time.Millisecond)
	}
	if st, body := srv.get("/api/twin/state", ""); st == 200 || strings.Contains(string(body), "SG-90123-TS") {
		t.Errorf("anonymous sees the internal vessels layer: %d %s", st, body)
	}
	// The feed counts a batch once the twin has taken it, so the counters
	// may trail the state by a moment: wait for them too.
	want := []string{`bando_feed_events_total{counter="positions",feed="vms-test"} 3`, `bando_feed_events_total{counter="bad",feed="vms-test"} 1`}
	for {
		_, metrics := srv.get("/metrics", "")
		missing := ""
		for _, w := range want {
			if !strings.Contains(string(metrics), w) {
				missing = w
			}
		}
		if missing == "" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("metrics lack %s", missing)
		}
		time.Sleep(100 * time.Millisecond)
	}
}
