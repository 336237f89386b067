package api

import (
	"encoding/json"
	"errors"
	"fmt"
	"testing"
	"time"
)

// brokerDown is a dependency error that asks for a retry, as the bus's
// ErrUnavailable does.
type brokerDown struct{}

func (brokerDown) Error() string             { return "broker down" }
func (brokerDown) RetryAfter() time.Duration { return 1500 * time.Millisecond }

func TestReadyzChecks(t *testing.T) {
	s := newTestServer(t)
	var down error
	s.AddCheck(Check{Name: "nats", Check: func() (map[string]any, error) {
		return map[string]any{"status": "connected"}, down
	}})
	cases := []struct {
		down   error
		status int
		want   string // checks.nats.status or the error's message
	}{
		{nil, 200, "connected"},
		{errors.New("bus: NATS reconnecting"), 503, "bus: NATS reconnecting"},
	}
	for _, c := range cases {
		down = c.down
		r := call(s, "GET", "/readyz", "", "", "")
		if r.Status != c.status {
			t.Fatalf("readyz with %v: %d %s", c.down, r.Status, r.Body)
		}
		var body struct {
			Checks map[string]map[string]any `json:"checks"`
			Error  struct {
				Message string
				Details map[string]map[string]any
			}
		}
		if err := json.Unmarshal(r.Body, &body); err != nil {
			t.Fatal(err)
		}
		got := fmt.Sprint(body.Checks["nats"]["status"])
		if c.status != 200 {
			got = body.Error.Message
			if body.Error.Details["nats"]["error"] != c.down.Error() || r.Header.Get("Retry-After") == "" {
				t.Fatalf("readyz down: details %v, Retry-After %q", body.Error.Details, r.Header.Get("Retry-After"))
			}
		}
		var h struct {
			Status string
			Checks map[string]map[string]any
		}
		hr := call(s, "GET", "/healthz", "", "", "")
		if err := json.Unmarshal(hr.Body, &h); err != nil || hr.Status != 200 || h.Checks["nats"] == nil {
			t.Fatalf("healthz with %v: %d %s", c.down, hr.Status, hr.Body)
		}
		if got != c.want {
			t.Fatalf("readyz with %v: %q, want %q", c.down, got, c.want)
		}
	}
}

func TestRetryAfterErrors(t *testing.T) {
	r := errorResponse(fmt.Errorf("twin: positions: %w", brokerDown{}))
	if r.Status != 503 || r.Header.Get("Retry-After") != "2" {
		t.Fatalf("a dependency down: %d, Retry-After %q; want 503 and 2 (rounded up)", r.Status, r.Header.Get("Retry-After"))
	}
	if r := errorResponse(errors.New("boom")); r.Header.Get("Retry-After") != "" || r.Status != 500 {
		t.Fatalf("a plain error: %d, Retry-After %q", r.Status, r.Header.Get("Retry-After"))
	}
}
