package main

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

func stream(t *testing.T, evs ...event) string {
	t.Helper()
	var b bytes.Buffer
	for _, e := range evs {
		j, err := json.Marshal(e)
		if err != nil {
			t.Fatal(err)
		}
		b.Write(j)
		b.WriteByte('\n')
	}
	return b.String()
}

func TestSummary(t *testing.T) {
	out := func(pkg, test, s string) event { return event{Action: "output", Package: pkg, Test: test, Output: s} }
	tests := []struct {
		name   string
		in     string
		failed bool
		want   []string
	}{
		{"skip named with reason", stream(t,
			out("p", "TestS", "=== RUN   TestS\n"), out("p", "TestS", "    x_test.go:9: SKIPPED (not a pass): PostGIS is missing\n"),
			out("p", "TestS", "--- SKIP: TestS (0.00s)\n"), event{Action: "skip", Package: "p", Test: "TestS"},
			event{Action: "pass", Package: "p", Test: "TestOK"}, event{Action: "pass", Package: "p"}),
			false, []string{"1 passed, 0 failed, 1 skipped", "SKIPPED p TestS: x_test.go:9: SKIPPED (not a pass): PostGIS is missing"}},
		{"failing test", stream(t,
			out("p", "TestF", "    x_test.go:3: boom\n"), event{Action: "fail", Package: "p", Test: "TestF"}, event{Action: "fail", Package: "p"}),
			true, []string{"0 passed, 1 failed", "FAILED  p TestF: x_test.go:3: boom"}},
		{"build failure", stream(t,
			out("q", "", "q/x.go:1:1: syntax error\n"), event{Action: "fail", Package: "q"}),
			true, []string{"1 packages failed outside tests", "FAILED  q (package): q/x.go:1:1: syntax error"}},
		{"build failure (go 1.24+ build events)", stream(t,
			event{Action: "build-output", ImportPath: "r [r.test]", Output: "r/b.go:2:12: undefined: x\n"},
			event{Action: "build-fail", ImportPath: "r [r.test]"},
			out("r", "", "FAIL\tr [build failed]\n"), event{Action: "fail", Package: "r", FailedBuild: "r [r.test]"}),
			true, []string{"1 packages failed outside tests", "FAILED  r (package): r/b.go:2:12: undefined: x"}},
		{"non-JSON lines echoed", "# vet noise\n" + stream(t, event{Action: "pass", Package: "p", Test: "T"}),
			false, []string{"# vet noise", "1 passed"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var w bytes.Buffer
			s := newSummary(&w)
			if err := s.read(strings.NewReader(tt.in)); err != nil {
				t.Fatal(err)
			}
			s.print()
			if s.failed() != tt.failed {
				t.Errorf("failed() = %v, want %v", s.failed(), tt.failed)
			}
			for _, want := range tt.want {
				if !strings.Contains(w.String(), want) {
					t.Errorf("output lacks %q:\n%s", want, w.String())
				}
			}
		})
	}
}
