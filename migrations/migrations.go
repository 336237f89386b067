// Package migrations holds bando's PostGIS schema as versioned,
// forward-only SQL files (NNNN_name.sql), embedded in the binary, and
// applies them. Applied files are recorded with a checksum in
// bando_migrations; a database whose recorded checksums differ from the
// embedded files was migrated by another bando (or edited by hand) and is
// refused rather than guessed at.
package migrations

import (
	"context"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

//go:embed *.sql
var files embed.FS

// Migration is one embedded SQL file.
type Migration struct {
	Version  int
	Name     string
	Checksum string // hex sha256 of the file
	SQL      string
}

// ErrBehind is wrapped by Check's error when migrations are missing.
var ErrBehind = errors.New("migrations: the database schema is not current")

// ErrMismatch is wrapped when an applied migration differs from the embedded one.
var ErrMismatch = errors.New("migrations: applied migration differs from this bando's")

// lockKey serialises concurrent `bando migrate` runs on one database.
const lockKey = 0x62616e646f // "bando"

const createTable = `CREATE TABLE IF NOT EXISTS bando_migrations (
    version    integer PRIMARY KEY,
    name       text NOT NULL,
    checksum   text NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now()
)`

// All returns the embedded migrations in version order.
func All() ([]Migration, error) {
	return parse(files)
}

func parse(fsys fs.FS) ([]Migration, error) {
	names, err := fs.Glob(fsys, "*.sql")
	if err != nil {
		return nil, err
	}
	var ms []Migration
	for _, n := range names {
		num, rest, ok := strings.Cut(strings.TrimSuffix(path.Base(n), ".sql"), "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || v <= 0 {
			return nil, fmt.Errorf("migrations: %s: name must be NNNN_name.sql", n)
		}
		b, err := fs.ReadFile(fsys, n)
		if err != nil {
			return nil, err
		}
		sum := sha256.Sum256(b)
		ms = append(ms, Migration{Version: v, Name: rest, Checksum: hex.EncodeToString(sum[:]), SQL: string(b)})
	}
	sort.Slice(ms, func(i, j int) bool { return ms[i].Version < ms[j].Version })
	for i, m := range ms {
		if m.Version != i+1 {
			return nil, fmt.Errorf("migrations: version %d missing (found %d)", i+1, m.Version)
		}
	}
	return ms, nil
}

// Apply brings the database to the embedded schema, in one transaction:
// running it again does nothing. It refuses a database whose applied
// migrations differ from the embedded ones, or that is ahead of them.
func Apply(ctx context.Context, pool *pgxpool.Pool) (applied []Migration, err error) {
	ms, err := All()
	if err != nil {
		return nil, err
	}
	return apply(ctx, pool, ms)
}

func apply(ctx context.Context, pool *pgxpool.Pool, ms []Migration) ([]Migration, error) {
	tx, err := pool.Begin(ctx)
	if err != nil {
		return nil, fmt.Errorf("migrations: %w", err)
	}
	defer tx.Rollback(ctx)
	if _, err := tx.Exec(ctx, "SELECT pg_advisory_xact_lock($1)", lockKey); err != nil {
		return nil, fmt.Errorf("migrations: lock: %w", err)
	}
	if _, err := tx.Exec(ctx, createTable); err != nil {
		return nil, fmt.Errorf("migrations: create bando_migrations: %w", err)
	}
	done, err := verify(ctx, tx, ms)
	if err != nil {
		return nil, err
	}
	var applied []Migration
	for _, m := range ms[done:] {
		if _, err := tx.Exec(ctx, m.SQL); err != nil {
			return nil, fmt.Errorf("migrations: %04d_%s: %w", m.Version, m.Name, err)
		}
		if _, err := tx.Exec(ctx, "INSERT INTO bando_migrations (version, name, checksum) VALUES ($1, $2, $3)",
			m.Version, m.Name, m.Checksum); err != nil {
			return nil, fmt.Errorf("migrations: record %04d: %w", m.Version, err)
		}
		applied = append(applied, m)
	}
	if err := tx.Commit(ctx); err != nil {
		return nil, fmt.Errorf("migrations: commit: %w", err)
	}
	return applied, nil
}

// verify compares the recorded migrations with ms and returns how many of
// ms are applied.
func verify(ctx context.Context, q pgx.Tx, ms []Migration) (int, error) {
	rows, err := q.Query(ctx, "SELECT version, name, checksum FROM bando_migrations ORDER BY version")
	if err != nil {
		return 0, fmt.Errorf("migrations: read bando_migrations: %w", err)
	}
	type rec struct {
		v          int
		name, csum string
	}
	recs, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (rec, error) {
		var x rec
		return x, r.Scan(&x.v, &x.name, &x.csum)
	})
	if err != nil {
		return 0, fmt.Errorf("migrations: read bando_migrations: %w", err)
	}
	for i, r := range recs {
		if i >= len(ms) {
			return 0, fmt.Errorf("%w: the database has migration %04d_%s, this bando knows only up to %04d: use a newer bando",
				ErrMismatch, r.v, r.name, len(ms))
		}
		m := ms[i]
		if r.v != m.Version || r.csum != m.Checksum {
			return 0, fmt.Errorf("%w: %04d_%s was applied with checksum %.12s…, this bando's %04d_%s has %.12s…; "+
				"the database was migrated by a different bando or edited by hand, and is left untouched",
				ErrMismatch, r.v, r.name, r.csum, m.Version, m.Name, m.Checksum)
		}
	}
	return len(recs), nil
}

// Check returns nil when the database schema is exactly the embedded one,
// an error wrapping ErrBehind when migrations are missing (run `bando
// migrate`), or one wrapping ErrMismatch. It changes nothing.
func Check(ctx context.Context, pool *pgxpool.Pool) error {
	ms, err := All()
	if err != nil {
		return err
	}
	tx, err := pool.BeginTx(ctx, pgx.TxOptions{AccessMode: pgx.ReadOnly})
	if err != nil {
		return fmt.Errorf("migrations: %w", err)
	}
	defer tx.Rollback(ctx)
	var exists bool
	if err := tx.QueryRow(ctx, "SELECT to_regclass('bando_migrations') IS NOT NULL").Scan(&exists); err != nil {
		return fmt.Errorf("migrations: %w", err)
	}
	done := 0
	if exists {
		if done, err = verify(ctx, tx, ms); err != nil {
			return err
		}
	}
	if done < len(ms) {
		return fmt.Errorf("%w: %d of %d migrations applied", ErrBehind, done, len(ms))
	}
	return nil
}
