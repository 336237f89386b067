package testenv

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/url"
	"os"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// PostGISDSN returns a connection string for tests that open their own
// connections (a store, a `bando serve --db` process): database db on the
// server of BANDO_TEST_PG (created, with postgis, if missing), with a
// schema of the test's own first on the search_path, dropped with
// everything in it when the test ends. It skips loudly (fails in CI)
// without PostGIS.
func PostGISDSN(t testing.TB, db string) string {
	t.Helper()
	base := os.Getenv("BANDO_TEST_PG")
	if base == "" {
		base = "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := createDatabase(ctx, base, db); err != nil {
		Missing(t, "PostGIS at "+base+" ("+err.Error()+")")
	}
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("BANDO_TEST_PG: %v", err)
	}
	u.Path = "/" + db
	dbDSN := u.String()
	schema := fmt.Sprintf("bando_test_%d_%x", os.Getpid(), rand.Uint64())
	if err := createSchema(ctx, dbDSN, schema); err != nil {
		t.Fatalf("PostGIS schema: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if err := dropSchema(ctx, dbDSN, schema); err != nil {
			t.Errorf("drop test schema %s: %v", schema, err)
		}
	})
	q := u.Query()
	q.Set("search_path", schema+",public")
	u.RawQuery = q.Encode()
	return u.String()
}

// createDatabase creates db unless it exists (a concurrent creator wins).
func createDatabase(ctx context.Context, dsn, db string) error {
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	var exists bool
	if err := conn.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)", db).Scan(&exists); err != nil || exists {
		return err
	}
	_, err = conn.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{db}.Sanitize())
	var pe *pgconn.PgError
	if errors.As(err, &pe) && pe.Code == "42P04" { // duplicate_database
		return nil
	}
	return err
}
