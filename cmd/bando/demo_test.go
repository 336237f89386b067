package main

import (
	"bytes"
	"fmt"
	"os/exec"
	"testing"
	"time"
)

// TestDemoSurvivesKillDuringLoad kills the server while it loads the demo
// into a new directory and checks that the next start completes the demo.
func TestDemoSurvivesKillDuringLoad(t *testing.T) {
	dir := t.TempDir()
	cfg := writeConfig(t, dir, "")
	data := dir + "/var"
	first := exec.Command(binPath, "serve", "--addr", "127.0.0.1:0", "--data", data, "--config", cfg)
	var log bytes.Buffer
	first.Stderr = &log
	if err := first.Start(); err != nil {
		t.Fatal(err)
	}
	time.Sleep(250 * time.Millisecond) // the demo takes about 0.4 s to load
	first.Process.Kill()
	first.Wait()

	srv := startServer(t, data, cfg)
	want := map[string]int{"communes": 168, "province": 1, "parcels": 20000}
	for layer, n := range want {
		var fc featureCollection
		srv.getJSON(fmt.Sprintf("/collections/%s/items?limit=1", layer), opsToken, &fc)
		if fc.NumberMatched != n {
			t.Errorf("%s: %d features after a kill during the demo load, want %d (first run log:\n%s)", layer, fc.NumberMatched, n, log.String())
		}
	}
	var fc featureCollection
	srv.getJSON("/collections/buildings/items?limit=1", "", &fc)
	if fc.NumberMatched < 4000 {
		t.Errorf("buildings: %d", fc.NumberMatched)
	}
}
