package migrations

import (
	"context"
	"errors"
	"testing"
	"testing/fstest"

	"bando/internal/testenv"

	"github.com/jackc/pgx/v5/pgxpool"
)

const testDB = "bando_pgstore"

func testPool(t *testing.T) *pgxpool.Pool {
	t.Helper()
	pool, err := pgxpool.New(context.Background(), testenv.PostGISDSN(t, testDB))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	return pool
}

func TestApplyIdempotent(t *testing.T) {
	pool := testPool(t)
	ctx := context.Background()
	if err := Check(ctx, pool); !errors.Is(err, ErrBehind) {
		t.Fatalf("Check on an empty schema = %v, want ErrBehind", err)
	}
	all, err := All()
	if err != nil {
		t.Fatal(err)
	}
	applied, err := Apply(ctx, pool)
	if err != nil {
		t.Fatal(err)
	}
	if len(applied) != len(all) {
		t.Fatalf("applied %d of %d", len(applied), len(all))
	}
	if err := Check(ctx, pool); err != nil {
		t.Fatalf("Check after Apply: %v", err)
	}
	again, err := Apply(ctx, pool)
	if err != nil || len(again) != 0 {
		t.Fatalf("second Apply = %d applied, %v; want 0, nil", len(again), err)
	}
	var n int
	if err := pool.QueryRow(ctx, "SELECT count(*) FROM bando_migrations").Scan(&n); err != nil || n != len(all) {
		t.Fatalf("bando_migrations has %d rows (%v), want %d", n, err, len(all))
	}
	for _, table := range []string{"bando_changes", "bando_layers", "bando_markers"} {
		var ok bool
		if err := pool.QueryRow(ctx, "SELECT to_regclass($1) IS NOT NULL", table).Scan(&ok); err != nil || !ok {
			t.Errorf("table %s missing after Apply (%v)", table, err)
		}
	}
}

func TestChecksumMismatchRefused(t *testing.T) {
	pool := testPool(t)
	ctx := context.Background()
	if _, err := Apply(ctx, pool); err != nil {
		t.Fatal(err)
	}
	if _, err := pool.Exec(ctx, "UPDATE bando_migrations SET checksum = 'edited' WHERE version = 1"); err != nil {
		t.Fatal(err)
	}
	for name, f := range map[string]func() error{
		"apply": func() error { _, err := Apply(ctx, pool); return err },
		"check": func() error { return Check(ctx, pool) },
	} {
		if err := f(); !errors.Is(err, ErrMismatch) {
			t.Errorf("%s on an edited database = %v, want ErrMismatch", name, err)
		}
	}
}

func TestAheadRefused(t *testing.T) {
	pool := testPool(t)
	ctx := context.Background()
	if _, err := Apply(ctx, pool); err != nil {
		t.Fatal(err)
	}
	if _, err := pool.Exec(ctx, "INSERT INTO bando_migrations (version, name, checksum) VALUES (999, 'future', 'x')"); err != nil {
		t.Fatal(err)
	}
	if _, err := Apply(ctx, pool); !errors.Is(err, ErrMismatch) {
		t.Fatalf("Apply on a newer database = %v, want ErrMismatch", err)
	}
}

func TestParse(t *testing.T) {
	for _, c := range []struct {
		name  string
		files fstest.MapFS
		ok    bool
	}{
		{"ordered", fstest.MapFS{"0001_a.sql": {Data: []byte("x")}, "0002_b.sql": {Data: []byte("y")}}, true},
		{"gap", fstest.MapFS{"0001_a.sql": {Data: []byte("x")}, "0003_b.sql": {Data: []byte("y")}}, false},
		{"bad name", fstest.MapFS{"init.sql": {Data: []byte("x")}}, false},
	} {
		ms, err := parse(c.files)
		if (err == nil) != c.ok {
			t.Errorf("%s: err = %v, want ok=%v", c.name, err, c.ok)
		}
		if c.ok && (ms[0].Version != 1 || ms[0].Checksum == ms[1].Checksum) {
			t.Errorf("%s: parsed %+v", c.name, ms)
		}
	}
}
