package main

import (
	"bando/indicators"
	"bando/quality"
	"bando/spatial/hex"
	"bando/spatial/query"
	"context"
	"errors"
	"flag"
	"fmt"
	"github.com/prometheus/client_golang/prometheus"
	"io"
	"log/slog"
	"net"
	"os"
	"strings"
	"time"

	"bando/api"
	"bando/data"
	"bando/layers"
	"bando/layers/steward"
	"bando/spatial"
	"bando/store"
	"bando/tiles"
	"bando/twin"
	"bando/viewer"

	"github.com/paulmach/orb"
)

func serveCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	cfg, err := parseServeFlags(args, stderr)
	if err != nil {
		return err
	}
	return run(ctx, cfg, newLogger(stderr, cfg.LogLevel), stdout)
}

// parseServeFlags applies, in order: defaults, --config file (or
// BANDO_CONFIG), BANDO_* env, then the other flags.
func parseServeFlags(args []string, stderr io.Writer) (Config, error) {
	cfg := defaultConfig()
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	cfgFile := fs.String("config", os.Getenv("BANDO_CONFIG"), "YAML config file")
	addr := fs.String("addr", "", "listen address HOST:PORT (default :8080)")
	dir := fs.String("data", "", "data directory (default ./var)")
	demo := fs.Bool("demo", true, "load the demo data into a new data directory (or empty database)")
	db := fs.String("db", "", "postgres://… URL: PostGIS as the system of record (run bando migrate first)")
	skipCorrupt := fs.Bool("skip-corrupt", false, "start even if stored records are corrupt, skipping and counting them")
	natsURL := fs.String("nats", "", "NATS JetStream URL (nats://HOST:4222) the replicas share live state through")
	if err := fs.Parse(args); err != nil {
		return cfg, err
	}
	if *cfgFile != "" {
		if err := cfg.loadFile(*cfgFile); err != nil {
			return cfg, err
		}
	}
	if err := cfg.applyEnv(os.Getenv); err != nil {
		return cfg, err
	}
	fs.Visit(func(f *flag.Flag) {
		switch f.Name {
		case "addr":
			cfg.Addr = *addr
		case "data":
			cfg.Data = *dir
		case "demo":
			cfg.Demo = *demo
		case "db":
			cfg.DB = *db
		case "skip-corrupt":
			cfg.SkipCorrupt = *skipCorrupt
		case "nats":
			cfg.NATS.URL = *natsURL
		}
	})
	return cfg, cfg.Validate()
}

// catalog is the built-in demo catalog with the config's layers merged over it.
func catalog(cfg Config) (*layers.Catalog, error) {
	cat, err := data.DemoCatalog()
	if err != nil {
		return nil, err
	}
	if cfg.LayersFile != "" {
		extra, err := layers.Load(cfg.LayersFile)
		if err != nil {
			return nil, err
		}
		if cat, err = cat.Merge(extra); err != nil {
			return nil, fmt.Errorf("%s: %w", cfg.LayersFile, err)
		}
	}
	if len(cfg.Layers) > 0 {
		extra, err := layers.NewCatalog(cfg.Layers)
		if err != nil {
			return nil, err
		}
		if cat, err = cat.Merge(extra); err != nil {
			return nil, fmt.Errorf("config layers: %w", err)
		}
	}
	return cat, nil
}

func run(ctx context.Context, cfg Config, log *slog.Logger, stdout io.Writer) error {
	if path := os.Getenv("BANDO_CPUPROFILE"); path != "" {
		stopProfile, err := startCPUProfile(path)
		if err != nil {
			return err
		}
		defer stopProfile()
	}
	cat, err := catalog(cfg)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(cfg.Data, 0o755); err != nil {
		return fmt.Errorf("data directory: %w", err)
	}
	feed := &store.Feed{}
	fst, local, err := openStore(ctx, cfg, feed, cat, log)
	if err != nil {
		return err
	}
	defer local.Close()
	defer fst.Close() // first: its feed stops before the local store closes
	var st store.Store = fst
	// The data stewards' changes, over the built-in and configured catalog,
	// before anything reads the catalog. They live in the embedded store
	// only for now: on PostGIS the catalog is the configured one, and the
	// catalog routes answer 503 (replicas must share it, so it belongs in
	// the database, not in one replica's data directory).
	backend, manage := fst.(steward.Backend)
	if manage {
		if n, err := steward.Replay(ctx, cat, backend); err != nil {
			return fmt.Errorf("catalog changes stored in %s: %w", cfg.Data, err)
		} else if n > 0 {
			log.Info("catalog changes replayed", "entries", n, "version", cat.Version())
		}
	}
	demo, releaseDemo, err := claimDemo(ctx, fst, cfg.Demo)
	if err != nil {
		return err
	}
	defer releaseDemo()
	archives, closeArchives, err := openArchives(cat, log)
	if err != nil {
		return err
	}
	defer closeArchives()
	idx := spatial.NewIndex()
	// One query model and one H3 engine for /api/query, /api/h3 and the
	// aggregate tiles.
	queries := query.New(idx, cat, query.Limits{})
	hexes := hex.NewEngine(hex.Config{})
	hub := twin.NewHub()
	tl := tiles.New(tiles.Config{Index: idx, Catalog: cat, CacheBytes: cfg.tileCacheBytes(), Archives: archives,
		TileBytes: cfg.tileBytes(), TileFeatures: cfg.TileMaxFeatures,
		OnChange:   func(c tiles.Change) { hub.Publish(twin.Event{Topic: twin.TopicTiles, Layer: c.Layer, Data: c}) },
		Aggregates: tiles.AggConfig{Queries: queries, Hexes: hexes, MinCount: cfg.AggMinCount, CacheBytes: min(cfg.tileCacheBytes(), 0)}})
	feed.Subscribe(store.IndexChangesOf(idx, cat)) // the catalog changes at run time
	feed.Subscribe(tileInvalidation(tl))
	tokens, err := api.NewTokens(cfg.Tokens)
	if err != nil {
		return err
	}
	edge, err := edgeConfig(cfg)
	if err != nil {
		return err
	}
	inds := indicators.New(queries, cat, log)
	feed.Subscribe(inds.Changes)
	// Liveness starts from the store's last write time where it keeps one
	// (the embedded store); otherwise from the first change this process sees.
	var updated func(string) (time.Time, bool, error)
	if u, ok := st.(interface {
		Updated(string) (time.Time, bool, error)
	}); ok {
		updated = u.Updated
	}
	qual := quality.New(quality.Config{Catalog: cat, Index: idx, Updated: updated, Logger: log,
		OverlapTolerance: cfg.Quality.OverlapToleranceM2})
	feed.Subscribe(qual.Changes)
	live, err := buildFeeds(cfg.Feeds, log)
	if err != nil {
		return err
	}
	var stewards *steward.Manager
	if manage {
		stewards = steward.New(steward.Config{Catalog: cat, Store: backend, Index: idx, Logger: log,
			Changed: func(id string) {
				tl.Invalidate(id)
				inds.LayerChanged(id)
				go qual.SetCatalog(cat) // recomputes in the background, forgets a retired layer
				hub.Publish(twin.Event{Topic: api.TopicCatalog, Layer: id, Data: api.CatalogEvent{Layer: id, Version: cat.Version()}})
			}})
	}
	srv := api.New(api.Config{Catalog: cat, Index: idx, Store: st, Tiles: tl, Tokens: tokens, Steward: stewards,
		Queries: queries, Hexes: hexes, Indicators: inds, Quality: qual, Metrics: []prometheus.Collector{newFeedCollector(live)},
		Viewer: viewer.Assets(), Logger: log, MaxBody: cfg.MaxBody << 20, Version: version, Checks: fst.checks(),
		Limits: cfg.serverLimits(), Wall: cfg.wall(),
		PublicURL: edge.PublicURL, TrustedProxies: edge.TrustedProxies, CORSOrigins: edge.CORSOrigins})
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen %s: %w", cfg.Addr, err)
	}
	hs := srv.HTTPServer(log)
	serveErr := make(chan error, 1)
	go func() { serveErr <- hs.Serve(ln) }()
	fmt.Fprintf(stdout, "bando %s: viewer at %s\n", version, viewerURL(ln.Addr()))

	start := time.Now()
	loaded, err := fst.load(ctx, idx, store.LoadOptions{SkipCorrupt: cfg.SkipCorrupt, Logger: log})
	if err != nil {
		where := "the data directory " + cfg.Data
		if cfg.DB != "" {
			where = "the database " + redact(cfg.DB)
		}
		return loadError(err, where)
	}
	log.Info("index loaded", "features", loaded.Features, "took", time.Since(start).Round(time.Millisecond))
	// The load fills the index without the change feed, so tiles rendered
	// during it may miss features: drop them (and renders in flight) now.
	for _, l := range cat.All() {
		tl.Invalidate(l.ID)
	}
	// Every layer whole from the loaded index, then from the feed; a layer
	// answers 503 "computing" on /api/quality until its first figures.
	go qual.Run(ctx)
	if demo {
		if err := loadDemo(ctx, st, cat, log); err != nil {
			return err
		}
		if err := fst.SetMarker(demoMarker, "done"); err != nil {
			return err
		}
	}
	releaseDemo()
	lb, err := openBus(ctx, cfg, srv, log) // nil without --nats
	if err != nil {
		return err
	}
	defer lb.Close()
	// The twin keeps its tracks, alerts and outbox in the local Pebble
	// store under --data, also with --db; with --nats the replicas share
	// its inputs, so they agree on its state (see nats.go).
	tw, stopTwin, err := startTwin(ctx, cfg, cat, idx, local, tl, hub, qual, lb, log)
	if err != nil {
		return err
	}
	defer stopTwin() // before the store closes
	defer startSimulation(ctx, cfg, fst, tw, log)()
	srv.SetTwin(tw, hub)
	if tw != nil && stewards != nil {
		stewards.Pin(tw.Reads(), "the live twin reads this layer's fields as they were at start: "+
			"change its fields (or retire it) in the config and restart")
	}
	if tw != nil {
		qual.SetAlerter(tw) // a stale layer raises a layer_stale alert
	}
	feedCtx, stopFeeds := context.WithCancel(ctx)
	defer runFeeds(feedCtx, live, tw, log)() // wait for the feeds, after stopFeeds
	defer stopFeeds()
	go inds.Run(ctx)
	srv.SetReady(true)
	log.Info("ready", "addr", ln.Addr().String(), "data", cfg.Data, "startup", time.Since(start).Round(time.Millisecond))

	select {
	case <-ctx.Done():
	case err := <-serveErr:
		if err != nil {
			return fmt.Errorf("serve: %w", err)
		}
	}
	log.Info("shutting down")
	srv.CloseStreams()
	shut, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := hs.ShutdownWithContext(shut); err != nil && !errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("shutdown: %w", err)
	}
	return nil
}

// loadError explains a failed index load; a corrupt record stops the
// server unless the operator chooses to skip such records.
func loadError(err error, where string) error {
	var ce *store.CorruptError
	if errors.As(err, &ce) {
		return fmt.Errorf("load index: %w; %s is damaged: restore it from a backup, "+
			"or start with --skip-corrupt (skip_corrupt: true) to serve without the corrupt records", err, where)
	}
	return fmt.Errorf("load index: %w", err)
}

const demoMarker = "demo"

// demoWanted decides whether to load the demo: on a new directory when the
// demo is on, and again after a crash that interrupted an earlier demo load
// (upserts make the reload idempotent). A directory holding the user's own
// data never gets the demo mixed in.
func demoWanted(st markerStore, on bool) (bool, error) {
	state, err := st.Marker(demoMarker)
	if err != nil {
		return false, err
	}
	if state == "pending" {
		return true, nil
	}
	fresh, err := st.Empty()
	if err != nil || !fresh || !on {
		return false, err
	}
	return true, st.SetMarker(demoMarker, "pending")
}

func viewerURL(a net.Addr) string {
	host, port, _ := net.SplitHostPort(a.String())
	if host == "" || host == "::" || host == "0.0.0.0" || strings.HasPrefix(host, "[") {
		host = "localhost"
	}
	return "http://" + net.JoinHostPort(host, port) + "/"
}

// tileInvalidation drops the cached tiles touched by a batch of changes, at
// their old and new bounds, after the index (subscribed before it) has
// applied them. A batch is normally one layer; changes are grouped by layer
// so that a batch spanning several still invalidates each of them.
func tileInvalidation(tl *tiles.Server) func([]store.Change) {
	return func(cs []store.Change) {
		for len(cs) > 0 {
			layer := cs[0].Layer
			bounds := make([]orb.Bound, 0, 2*len(cs))
			rest := cs[:0:0]
			for _, c := range cs {
				if c.Layer != layer {
					rest = append(rest, c)
					continue
				}
				if c.Old != nil {
					bounds = append(bounds, *c.Old)
				}
				if c.New != nil {
					bounds = append(bounds, *c.New)
				}
			}
			if len(bounds) > 0 {
				tl.Invalidate(layer, bounds...)
			}
			cs = rest
		}
	}
}
