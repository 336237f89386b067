package api

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"bando/store"
)

// TestReadyzPing: a failing ping makes /readyz 503 with
// Retry-After and names it; a passing one is listed as ok.
func TestReadyzPing(t *testing.T) {
	s := newTestServer(t)
	down := errors.New("connection refused")
	var err error
	s.cfg.Checks = []Check{{Name: "postgis", Fn: func(context.Context) error { return err }}}
	if r := call(s, "GET", "/readyz", "", "", ""); r.Status != 200 || !strings.Contains(string(r.Body), `"postgis":{"status":"ok"}`) {
		t.Fatalf("readyz with the database up: %d %s", r.Status, r.Body)
	}
	err = down
	r := call(s, "GET", "/readyz", "", "", "")
	if r.Status != 503 || r.Header.Get("Retry-After") == "" || !strings.Contains(string(r.Body), "postgis") ||
		strings.Contains(string(r.Body), "refused") {
		t.Fatalf("readyz with the database down: %d %v %s", r.Status, r.Header, r.Body)
	}
}

// A store that cannot be reached answers 503 with Retry-After, not 500.
func TestStoreUnavailableIs503(t *testing.T) {
	r := errorResponse(fmt.Errorf("postgis: begin: %w: %w", store.ErrUnavailable, errors.New("EOF")))
	if r.Status != 503 || r.Header.Get("Retry-After") == "" {
		t.Fatalf("%d %v", r.Status, r.Header)
	}
}
