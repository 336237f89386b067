// Package testenv finds the real services integration tests use. Without a
// service a test skips loudly on a laptop and fails in CI (CI=true).
package testenv

import (
	"context"
	"os"
	"os/exec"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
)

// CI reports whether the tests run in CI, where missing services are failures.
func CI() bool { return os.Getenv("CI") == "true" }

// Missing skips the test with a loud reason, or fails it in CI.
func Missing(t testing.TB, what string) {
	t.Helper()
	if CI() {
		t.Fatalf("CI=true but %s is missing", what)
	}
	t.Skipf("SKIPPED (not a pass): %s is missing; .ci/run installs it", what)
}

// PostGIS returns a pool on the PostGIS test database (BANDO_TEST_PG, default
// postgres://postgres@127.0.0.1:5432/test) with the postgis extension.
func PostGIS(t testing.TB) *pgxpool.Pool {
	t.Helper()
	dsn := os.Getenv("BANDO_TEST_PG")
	if dsn == "" {
		dsn = "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	pool, err := pgxpool.New(ctx, dsn)
	if err == nil {
		err = pool.Ping(ctx)
	}
	if err == nil {
		_, err = pool.Exec(ctx, "CREATE EXTENSION IF NOT EXISTS postgis")
	}
	if err != nil {
		Missing(t, "PostGIS at "+dsn+" ("+err.Error()+")")
	}
	t.Cleanup(pool.Close)
	return pool
}

// Node returns the path of node, or skips/fails.
func Node(t testing.TB) string {
	t.Helper()
	p, err := exec.LookPath("node")
	if err != nil {
		Missing(t, "node")
	}
	return p
}

// Chromium returns the path of the Chromium binary (BANDO_TEST_CHROMIUM or
// /usr/bin/chromium), or skips/fails.
func Chromium(t testing.TB) string {
	t.Helper()
	p := os.Getenv("BANDO_TEST_CHROMIUM")
	if p == "" {
		p = "/usr/bin/chromium"
	}
	if _, err := os.Stat(p); err != nil {
		Missing(t, "Chromium at "+p)
	}
	return p
}
