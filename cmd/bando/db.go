package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"os"

	"bando/api"
	"bando/layers"
	"bando/migrations"
	"bando/spatial"
	"bando/store"
	"bando/store/postgis"
)

// markerStore keeps the small state values (the demo marker) where the
// features are.
type markerStore interface {
	Marker(name string) (string, error)
	SetMarker(name, value string) error
	Empty() (bool, error)
}

// featureStore is the system of record of the features, embedded or
// PostGIS, with how serve loads the index from it and claims the demo load.
type featureStore interface {
	store.Store
	markerStore
	load(ctx context.Context, idx *spatial.Index, o store.LoadOptions) (store.LoadStats, error)
	// lock serialises the demo decision and load across replicas.
	lock(ctx context.Context, name string) (unlock func(), err error)
	// checks are what /readyz asks of the store's services.
	checks() []api.Check
}

// embedded is the Pebble store of the data directory as featureStore.
type embedded struct {
	*store.Pebble
	cat *layers.Catalog
}

func (e embedded) load(ctx context.Context, idx *spatial.Index, o store.LoadOptions) (store.LoadStats, error) {
	return store.LoadWith(ctx, e.Pebble, e.cat, idx, o)
}

func (e embedded) lock(context.Context, string) (func(), error) { return func() {}, nil }

func (e embedded) checks() []api.Check { return nil }

// Close is the local store's own defer's to do.
func (e embedded) Close() error { return nil }

// shared is the PostGIS store as featureStore.
type shared struct{ *postgis.Store }

func (s shared) load(ctx context.Context, idx *spatial.Index, o store.LoadOptions) (store.LoadStats, error) {
	return s.Store.Load(ctx, idx, o)
}

func (s shared) lock(ctx context.Context, name string) (func(), error) {
	return s.Store.Lock(ctx, name)
}

func (s shared) checks() []api.Check {
	return []api.Check{{Name: "postgis", Fn: func(ctx context.Context) error { return s.Pool().Ping(ctx) }}}
}

// openStore opens the data directory's Pebble store and, with cfg.DB, the
// PostGIS store, which then holds the features and publishes on feed. The
// local store always holds the twin's tracks, alerts and outbox.
func openStore(ctx context.Context, cfg Config, feed *store.Feed, cat *layers.Catalog, log *slog.Logger) (featureStore, *store.Pebble, error) {
	if cfg.DB == "" {
		local, err := store.OpenPebble(cfg.Data, feed)
		if err != nil {
			return nil, nil, err
		}
		return embedded{Pebble: local, cat: cat}, local, nil
	}
	local, err := store.OpenPebble(cfg.Data, &store.Feed{}) // twin state only: no feature writes
	if err != nil {
		return nil, nil, err
	}
	pg, err := postgis.OpenWith(ctx, cfg.DB, feed, cat, postgis.Options{Logger: log})
	if errors.Is(err, migrations.ErrBehind) {
		err = fmt.Errorf("%w\nthe database %s needs bando's schema first: run\n  bando migrate --db '%s'", err, redact(cfg.DB), redact(cfg.DB))
	}
	if err != nil {
		local.Close()
		return nil, nil, err
	}
	return shared{pg}, local, nil
}

// claimDemo decides whether to load the demo (demoWanted) holding the
// store's demo lock, which release gives back once the load is done: of
// replicas starting together on an empty database one loads the demo, and
// the others, waiting, then find it loaded.
func claimDemo(ctx context.Context, st featureStore, on bool) (demo bool, release func(), err error) {
	release, err = st.lock(ctx, demoMarker)
	if err != nil {
		return false, nil, err
	}
	if demo, err = demoWanted(st, on); err != nil {
		release()
		return false, nil, err
	}
	return demo, release, nil
}

// redact drops the password of a database URL for messages.
func redact(dsn string) string {
	u, err := url.Parse(dsn)
	if err != nil || u.User == nil {
		return dsn
	}
	if _, ok := u.User.Password(); ok {
		u.User = url.UserPassword(u.User.Username(), "xxxxx")
	}
	return u.String()
}

// migrateCmd applies the embedded migrations to the database.
func migrateCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("migrate", flag.ContinueOnError)
	fs.SetOutput(stderr)
	db := fs.String("db", os.Getenv("BANDO_DB"), "postgres://… URL of the database")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *db == "" {
		return fmt.Errorf("migrate: --db postgres://… is required")
	}
	pool, err := postgis.Connect(ctx, *db)
	if err != nil {
		return err
	}
	defer pool.Close()
	applied, err := migrations.Apply(ctx, pool)
	if err != nil {
		return err
	}
	if len(applied) == 0 {
		fmt.Fprintln(stdout, "bando migrate: the schema is current")
	}
	for _, m := range applied {
		fmt.Fprintf(stdout, "bando migrate: applied %04d_%s\n", m.Version, m.Name)
	}
	return nil
}
