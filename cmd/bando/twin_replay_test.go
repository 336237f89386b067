package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// replayFeed writes a feed: vessel x falls silent after 2 h at sea; y and
// z keep reporting every 10 minutes for 10 h; sensor s1 crosses the PM2.5
// threshold once. Lines are shuffled by file (positions of y in a second
// file) to show the replay orders by event time.
func replayFeed(t *testing.T, dir string) []string {
	t0 := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	var a, b []string
	for i := 0; i <= 60; i++ {
		at := t0.Add(time.Duration(i) * 10 * time.Minute).Format(time.RFC3339)
		if i <= 12 {
			a = append(a, fmt.Sprintf(`{"id":"x","t":%q,"lon":%.4f,"lat":9.3,"sog":7,"cog":90,"source":"vms"}`, at, 107.9+0.002*float64(i)))
		}
		b = append(b, fmt.Sprintf(`{"id":"y","t":%q,"lon":%.4f,"lat":9.0,"sog":8,"cog":90,"source":"ais"}`, at, 107.9+0.0025*float64(i)))
		a = append(a, fmt.Sprintf(`{"id":"z","t":%q,"lon":%.4f,"lat":8.8,"sog":8,"cog":270,"source":"gps"}`, at, 108.2-0.0025*float64(i)))
		v := 20.0
		if i == 30 {
			v = 190
		}
		a = append(a, fmt.Sprintf(`{"sensor":"s1","quantity":"pm25","t":%q,"value":%g,"unit":"µg/m³"}`, at, v))
	}
	fa, fb := filepath.Join(dir, "a.ndjson"), filepath.Join(dir, "b.ndjson")
	os.WriteFile(fa, []byte(strings.Join(a, "\n")), 0o644)
	os.WriteFile(fb, []byte(strings.Join(b, "\n")+"\nnot json\n"), 0o644)
	return []string{fa, fb}
}

func TestTwinReplay(t *testing.T) {
	dir := t.TempDir()
	feedsFiles := replayFeed(t, dir)
	reg := filepath.Join(dir, "vessels.ndjson")
	os.WriteFile(reg, []byte(`{"id":"x","mmsi":574000001,"registration":"BV-1234-TS","length_m":16,"home_province":"79","kind":"fishing"}`+"\n"), 0o644)
	run := func() []byte {
		var out, errb bytes.Buffer
		args := append([]string{"twin", "replay", "--registry", reg}, feedsFiles...)
		if err := dispatch(context.Background(), args, &out, &errb); err != nil {
			t.Fatalf("replay: %v\n%s", err, errb.String())
		}
		if !strings.Contains(errb.String(), "1 lines skipped") {
			t.Errorf("stderr %q: want the bad line counted", errb.String())
		}
		return out.Bytes()
	}
	first := run()
	lines := strings.Split(strings.TrimSpace(string(first)), "\n")
	if len(lines) != 2 {
		t.Fatalf("want 2 alerts (threshold, signal_loss), got:\n%s", first)
	}
	var got []map[string]any
	for _, l := range lines {
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatal(err)
		}
		for _, k := range []string{"kind", "level", "objects", "opened_at", "resolved_at", "zone", "evidence"} {
			if _, ok := m[k]; !ok {
				t.Errorf("line %s lacks %q", l, k)
			}
		}
		if len(m) != 7 {
			t.Errorf("line %s: want exactly the 7 keys of the issue", l)
		}
		got = append(got, m)
	}
	// In opening order.
	if got[0]["kind"] != "threshold" || got[0]["opened_at"] != "2026-03-01T05:00:00Z" || got[0]["resolved_at"] != "2026-03-01T05:10:00Z" {
		t.Errorf("first alert %v: want the PM2.5 threshold, resolved by the next value", got[0])
	}
	if got[1]["kind"] != "signal_loss" || got[1]["opened_at"] != "2026-03-01T08:00:00Z" || got[1]["resolved_at"] != nil ||
		fmt.Sprint(got[1]["objects"]) != "[x]" {
		t.Errorf("second alert %v: want signal_loss of x opened at its last fix (02:00) + 6 h, unresolved", got[1])
	}
	for range 2 {
		if again := run(); !bytes.Equal(again, first) {
			t.Fatalf("replay is not byte-identical:\n%s\n---\n%s", first, again)
		}
	}
}
