package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// maxFix is the simulator's longest fix interval (VMS-like, 1–10 min, ±20 %).
const maxFix = 12 * time.Minute

type truthLine struct {
	Kind    string    `json:"kind"`
	Objects []string  `json:"objects"`
	Start   time.Time `json:"start"`
	Due     time.Time `json:"due"`
}

type alertLine struct {
	Kind     string    `json:"kind"`
	Objects  []string  `json:"objects"`
	OpenedAt time.Time `json:"opened_at"`
}

func readNDJSON[T any](t *testing.T, b []byte) []T {
	t.Helper()
	var out []T
	for _, l := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		var v T
		if err := json.Unmarshal([]byte(l), &v); err != nil {
			t.Fatalf("%q: %v", l, err)
		}
		out = append(out, v)
	}
	return out
}

// TestSimulateReplay sails a simulated fleet for a day, replays it through
// the twin's engine (bando twin replay, with the permitted-zone rule on the
// demo zones) and checks that every scripted event raises exactly one alert
// of its kind for its vessels, opened within one fix interval of the
// moment its threshold is crossed, and that nothing else raises any.
func TestSimulateReplay(t *testing.T) {
	for _, c := range []struct{ n, seed int }{{15, 3}, {24, 11}, {40, 1}} {
		t.Run(fmt.Sprintf("n%d_seed%d", c.n, c.seed), func(t *testing.T) {
			dir := t.TempDir()
			pos, reg, tru := filepath.Join(dir, "p.ndjson"), filepath.Join(dir, "r.ndjson"), filepath.Join(dir, "t.ndjson")
			var out, errb bytes.Buffer
			args := []string{"simulate", "vessels", "--n", fmt.Sprint(c.n), "--seed", fmt.Sprint(c.seed), "--hours", "24",
				"--out", pos, "--registry", reg, "--truth", tru}
			if err := dispatch(context.Background(), args, &out, &errb); err != nil {
				t.Fatalf("simulate: %v\n%s", err, errb.String())
			}
			out.Reset()
			args = []string{"twin", "replay", "--rules", "testdata/sim_rules.yaml", "--registry", reg, pos}
			if err := dispatch(context.Background(), args, &out, &errb); err != nil {
				t.Fatalf("replay: %v\n%s", err, errb.String())
			}
			b, err := os.ReadFile(tru)
			if err != nil {
				t.Fatal(err)
			}
			truth := readNDJSON[truthLine](t, b)
			alerts := readNDJSON[alertLine](t, out.Bytes())
			kinds := map[string]bool{}
			for _, e := range truth {
				kinds[e.Kind] = true
			}
			if len(kinds) != 4 {
				t.Fatalf("truth %v: want one event of each of the four kinds", truth)
			}
			used := make([]bool, len(alerts))
			for _, e := range truth {
				var hits []alertLine
				for i, a := range alerts {
					if a.Kind == e.Kind && slices.Equal(a.Objects, e.Objects) {
						hits = append(hits, a)
						used[i] = true
					}
				}
				if len(hits) != 1 {
					t.Errorf("%s %v: %d alerts, want exactly one", e.Kind, e.Objects, len(hits))
					continue
				}
				if d := hits[0].OpenedAt.Sub(e.Due); d < -maxFix || d > maxFix {
					t.Errorf("%s %v: opened at %s, threshold crossed at %s (%s off, want within %s)",
						e.Kind, e.Objects, hits[0].OpenedAt.Format(time.RFC3339), e.Due.Format(time.RFC3339), d, maxFix)
				}
			}
			for i, a := range alerts {
				if !used[i] {
					t.Errorf("alert of no scripted event: %s %v opened %s", a.Kind, a.Objects, a.OpenedAt.Format(time.RFC3339))
				}
			}
		})
	}
}
