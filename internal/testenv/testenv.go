// Package testenv finds the real services integration tests use. Without a
// service a test skips loudly on a laptop and fails in CI (CI=true).
package testenv

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
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
// postgres://postgres@127.0.0.1:5432/test) whose connections work in a schema
// of their own: a random name, first on the search_path (public after it, for
// the postgis types and functions), dropped with everything in it when the
// test ends. Tests may therefore use plain table names without colliding
// with another run on the same database.
func PostGIS(t testing.TB) *pgxpool.Pool {
	t.Helper()
	dsn := os.Getenv("BANDO_TEST_PG")
	if dsn == "" {
		dsn = "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	schema := fmt.Sprintf("bando_test_%d_%x", os.Getpid(), rand.Uint64())
	if err := createSchema(ctx, dsn, schema); err != nil {
		Missing(t, "PostGIS at "+dsn+" ("+err.Error()+")")
	}
	cfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		t.Fatalf("BANDO_TEST_PG: %v", err)
	}
	cfg.ConnConfig.RuntimeParams["search_path"] = schema + ",public"
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		t.Fatalf("PostGIS pool: %v", err)
	}
	t.Cleanup(func() {
		pool.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if err := dropSchema(ctx, dsn, schema); err != nil {
			t.Errorf("drop test schema %s: %v", schema, err)
		}
	})
	return pool
}

// createSchema makes sure postgis is installed (in public, so that it
// outlives the test schema) and creates the schema.
func createSchema(ctx context.Context, dsn, schema string) error {
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, "CREATE EXTENSION IF NOT EXISTS postgis SCHEMA public"); err != nil {
		return err
	}
	_, err = conn.Exec(ctx, "CREATE SCHEMA "+schema)
	return err
}

func dropSchema(ctx context.Context, dsn, schema string) error {
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	_, err = conn.Exec(ctx, "DROP SCHEMA IF EXISTS "+schema+" CASCADE")
	return err
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
