// Package postgis is bando's store on PostgreSQL/PostGIS: the system of
// record when several replicas share one database. It implements
// store.Store with one table per layer (typed columns from the catalog,
// geometry(Geometry, 4326) with a GiST index), and a change feed read
// back from the database (bando_changes, woken by LISTEN/NOTIFY), so every
// process on the database sees every committed change in commit order.
package postgis

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"

	"bando/layers"
	"bando/migrations"
	"bando/store"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"
	"github.com/jackc/pgx/v5/pgxpool"
)

// Store is the PostGIS store. Its Put and Delete are one transaction each;
// their changes reach the feed through the follower, in sequence order
// with every other process's changes (see follow.go).
type Store struct {
	pool   *pgxpool.Pool
	feed   *store.Feed
	cat    *layers.Catalog
	log    *slog.Logger
	tables map[string]*table
	fol    *follower

	// The group commit's queue (group.go).
	qmu     sync.Mutex
	queue   []*call
	leading bool

	closeOnce sync.Once
	stop      context.CancelFunc
}

// Options configure OpenWith.
type Options struct {
	Logger *slog.Logger
	// Resume makes the feed start after sequence From, replaying every
	// change committed since (a consumer that knows where it stopped);
	// by default it starts at the database's current sequence and the
	// loader (Load) covers what came before.
	Resume bool
	From   uint64
}

var _ store.Store = (*Store)(nil)

// Open connects to dsn, checks that the schema is current (migrations),
// creates or extends the catalog's layer tables and starts following the
// change feed into feed from the database's current sequence.
func Open(ctx context.Context, dsn string, feed *store.Feed, cat *layers.Catalog) (*Store, error) {
	return OpenWith(ctx, dsn, feed, cat, Options{})
}

// OpenWith is Open with options.
func OpenWith(ctx context.Context, dsn string, feed *store.Feed, cat *layers.Catalog, o Options) (*Store, error) {
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	if feed == nil {
		feed = &store.Feed{}
	}
	pool, err := Connect(ctx, dsn)
	if err != nil {
		return nil, err
	}
	if err := migrations.Check(ctx, pool); err != nil {
		pool.Close()
		return nil, err
	}
	s := &Store{pool: pool, feed: feed, cat: cat, log: o.Logger, tables: map[string]*table{}}
	if err := s.ensureTables(ctx); err != nil {
		pool.Close()
		return nil, err
	}
	fctx, stop := context.WithCancel(context.Background())
	s.stop = stop
	if s.fol, err = startFollower(ctx, fctx, s, o); err != nil {
		stop()
		pool.Close()
		return nil, err
	}
	return s, nil
}

// Connect opens a pool on dsn, with geometry as EWKB, and checks that the
// database answers.
func Connect(ctx context.Context, dsn string) (*pgxpool.Pool, error) {
	cfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		return nil, fmt.Errorf("postgis: %w", err)
	}
	cfg.AfterConnect = registerGeometry
	if !strings.Contains(dsn, "pool_max_conns") {
		// Writers, the feed's listener and reader and a load run at once;
		// pgxpool's default (the number of cores, at least 4) is tight.
		cfg.MaxConns = max(cfg.MaxConns, 16)
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("postgis: %w", err)
	}
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("postgis: connect: %w", err)
	}
	return pool, nil
}

// registerGeometry makes a connection send and receive geometry values
// as binary EWKB ([]byte): PostGIS's binary format of the type is EWKB, so
// no text (hex) step is needed either way, and CopyFrom can fill geometry
// columns. A database without postgis yet (before bando migrate) is left
// as it is.
func registerGeometry(ctx context.Context, conn *pgx.Conn) error {
	var oid *uint32
	if err := conn.QueryRow(ctx, "SELECT to_regtype('geometry')::oid").Scan(&oid); err != nil {
		return fmt.Errorf("postgis: look up the geometry type: %w", err)
	}
	if oid != nil {
		conn.TypeMap().RegisterType(&pgtype.Type{Name: "geometry", OID: *oid, Codec: pgtype.ByteaCodec{}})
	}
	return nil
}

// Feed returns the change feed this store publishes to.
func (s *Store) Feed() *store.Feed { return s.feed }

// Seq returns the sequence of the last change published on the feed.
func (s *Store) Seq() uint64 { return s.fol.Seq() }

// Pool returns the store's connection pool (for tests and tools).
func (s *Store) Pool() *pgxpool.Pool { return s.pool }

// Version implements store.Store.
func (s *Store) Version(layer string) (uint64, error) {
	var v int64
	err := s.pool.QueryRow(context.Background(), "SELECT version FROM bando_layers WHERE layer = $1", layer).Scan(&v)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("postgis: version of %s: %w", layer, err)
	}
	return uint64(v), nil
}

// Empty implements store.Store: no layer was ever written and no marker set.
func (s *Store) Empty() (bool, error) {
	var empty bool
	err := s.pool.QueryRow(context.Background(),
		"SELECT NOT EXISTS (SELECT 1 FROM bando_layers) AND NOT EXISTS (SELECT 1 FROM bando_markers)").Scan(&empty)
	if err != nil {
		return false, fmt.Errorf("postgis: empty: %w", err)
	}
	return empty, nil
}

// Close stops the follower and closes the pool.
func (s *Store) Close() error {
	s.closeOnce.Do(func() {
		s.stop()
		s.fol.wait()
		s.pool.Close()
	})
	return nil
}

// SetMarker durably records a small named state value, as Pebble's.
func (s *Store) SetMarker(name, value string) error {
	_, err := s.pool.Exec(context.Background(), `INSERT INTO bando_markers (name, value) VALUES ($1, $2)
		ON CONFLICT (name) DO UPDATE SET value = EXCLUDED.value`, name, value)
	if err != nil {
		return fmt.Errorf("postgis: set marker %s: %w", name, err)
	}
	return nil
}

// Marker returns a marker's value, or "" if it was never set.
func (s *Store) Marker(name string) (string, error) {
	var v string
	err := s.pool.QueryRow(context.Background(), "SELECT value FROM bando_markers WHERE name = $1", name).Scan(&v)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("postgis: marker %s: %w", name, err)
	}
	return v, nil
}

// Lock takes a database-wide lock of that name (a session advisory lock
// on a connection of its own) and returns its release, so that of several
// replicas starting together one at a time decides and does, say, the
// demo load. A process that dies releases the lock with its connection.
func (s *Store) Lock(ctx context.Context, name string) (unlock func(), err error) {
	conn, err := s.pool.Acquire(ctx)
	if err != nil {
		return nil, fmt.Errorf("postgis: lock %s: %w", name, err)
	}
	if _, err := conn.Exec(ctx, "SELECT pg_advisory_lock(hashtext($1))", "bando:"+name); err != nil {
		conn.Release()
		return nil, fmt.Errorf("postgis: lock %s: %w", name, err)
	}
	var once sync.Once
	return func() {
		once.Do(func() {
			if _, err := conn.Exec(context.Background(), "SELECT pg_advisory_unlock(hashtext($1))", "bando:"+name); err != nil {
				conn.Conn().Close(context.Background()) // closing the session releases it
			}
			conn.Release()
		})
	}, nil
}
