package quality

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/paulmach/orb"

	"bando/layers"
	"bando/spatial"
	"bando/store"
)

// Config holds what the engine reads.
type Config struct {
	Catalog *layers.Catalog
	Index   *spatial.Index
	// Updated returns the time of a layer's last write as the store keeps
	// it, read once per layer; nil: known only from the change feed.
	Updated func(layer string) (time.Time, bool, error)
	// Region names the admin layer whose extent is the province; "" takes
	// the first admin layer of the catalog.
	Region string
	// OverlapTolerance, in square metres, is the overlap two polygons may
	// share without counting as overlapping (0: any overlap counts, as
	// ST_Overlaps). The shared area is measured when one of the two is a
	// convex polygon without holes, as parcels mostly are; other overlaps
	// always count.
	OverlapTolerance float64
	// MaxIDs caps each list of feature ids in a report (default 100).
	MaxIDs int
	// Tick is how often Run checks the layers' liveness (default 30 s, or
	// a quarter of the shortest update interval, at least a second).
	Tick   time.Duration
	Now    func() time.Time
	Logger *slog.Logger
}

// Stats are the engine's counters for /metrics.
type Stats struct {
	Refreshes int64         // layer refreshes since start
	Total     time.Duration // time spent in them
	Last      time.Duration // the last refresh of a batch of changes
}

// Engine keeps every layer's quality figures current.
type Engine struct {
	cfg  Config
	wake chan struct{}

	mu      sync.Mutex // guards what follows
	pending map[string]map[string]struct{}
	full    map[string]bool
	updated map[string]time.Time
	sums    map[string]*summary
	stats   Stats
	alerter Alerter
	told    map[string]bool // the stale state last told the alerter

	work   sync.Mutex // one refresh at a time; guards states and region
	states map[string]*layerState
	region *orb.Bound
}

// New returns an engine with every layer to compute; Refresh computes them.
func New(cfg Config) *Engine {
	if cfg.MaxIDs == 0 {
		cfg.MaxIDs = 100
	}
	if cfg.Tick <= 0 {
		cfg.Tick = 30 * time.Second
		for _, l := range cfg.Catalog.All() {
			if l.Update > 0 {
				cfg.Tick = max(time.Second, min(cfg.Tick, l.Update/4))
			}
		}
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Region == "" {
		for _, l := range cfg.Catalog.All() {
			if l.Kind == layers.KindAdmin {
				cfg.Region = l.ID
				break
			}
		}
	}
	e := &Engine{cfg: cfg, wake: make(chan struct{}, 1), pending: map[string]map[string]struct{}{},
		full: map[string]bool{}, updated: map[string]time.Time{}, sums: map[string]*summary{},
		told: map[string]bool{}, states: map[string]*layerState{}}
	for _, l := range cfg.Catalog.All() {
		e.full[l.ID] = true
	}
	return e
}

// Changes is the change-feed subscriber (after the index's): it notes the
// changed ids and the time of the write, and wakes Run.
func (e *Engine) Changes(cs []store.Change) {
	e.mu.Lock()
	for _, c := range cs {
		ids := e.pending[c.Layer]
		if ids == nil {
			ids = map[string]struct{}{}
			e.pending[c.Layer] = ids
		}
		ids[c.ID] = struct{}{}
		if c.Time.After(e.updated[c.Layer]) {
			e.updated[c.Layer] = c.Time
		}
	}
	e.mu.Unlock()
	select {
	case e.wake <- struct{}{}:
	default:
	}
}

// Run refreshes the figures after each burst of changes and checks the
// layers' liveness every Tick, until ctx is done. After a refresh that
// took d it rests 2d (at most a second) before the next, so that a bulk
// load is measured in a few large batches and quality never takes more
// than a third of a core from the writers.
func (e *Engine) Run(ctx context.Context) {
	t := time.NewTicker(e.cfg.Tick)
	defer t.Stop()
	for first := true; ; first = false {
		start := time.Now()
		e.Refresh()
		if first {
			e.cfg.Logger.Info("data quality computed", "layers", len(e.catalog().All()), "took", time.Since(start).Round(time.Millisecond))
		}
		e.CheckLiveness(ctx)
		if rest := min(2*time.Since(start), time.Second); rest > time.Millisecond {
			select {
			case <-ctx.Done():
				return
			case <-time.After(rest):
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-e.wake:
		case <-t.C:
		}
	}
}

// Refresh brings the figures up to date with every change noted so far:
// the changed features of each layer are examined again, and a layer never
// computed (or whose region moved) is computed whole.
func (e *Engine) Refresh() {
	e.work.Lock()
	defer e.work.Unlock()
	e.mu.Lock()
	pending, full := e.pending, e.full
	e.pending, e.full = map[string]map[string]struct{}{}, map[string]bool{}
	cat := e.cfg.Catalog
	e.mu.Unlock()
	if e.regionMoved() {
		for _, l := range cat.All() {
			full[l.ID] = true
		}
	}
	start := time.Now()
	n := 0
	for _, l := range cat.All() {
		ids, whole := pending[l.ID], full[l.ID]
		if len(ids) == 0 && !whole {
			continue
		}
		e.refreshLayer(l, ids, whole)
		n++
	}
	if n > 0 {
		took := time.Since(start)
		e.mu.Lock()
		e.stats.Refreshes += int64(n)
		e.stats.Total += took
		e.stats.Last = took
		e.mu.Unlock()
	}
}

// regionMoved reads the region's extent and reports whether it changed.
func (e *Engine) regionMoved() bool {
	b, ok := e.cfg.Index.Extent(e.cfg.Region)
	var r *orb.Bound
	if ok {
		r = &b
	}
	moved := (r == nil) != (e.region == nil) || r != nil && *r != *e.region
	e.region = r
	return moved
}

func (e *Engine) refreshLayer(l *layers.Layer, ids map[string]struct{}, whole bool) {
	ls := e.states[l.ID]
	if ls == nil {
		ls = newLayerState(l)
		e.states[l.ID] = ls
		whole = true
		e.loadUpdated(l.ID)
	}
	ls.region = e.region
	ls.tolerance = e.cfg.OverlapTolerance
	ls.areas = map[string]*spatial.Area{}
	defer func() { ls.areas = nil }()
	e.cfg.Index.ReadLayer(l.ID, func(lv spatial.LayerView) {
		if whole {
			ls.reset()
			lv.Ascend(0, func(v spatial.FeatureView) bool { ls.add(lv, v); return true })
			return
		}
		for id := range ids {
			ls.remove(id)
			if v, ok := lv.Find(id); ok {
				ls.add(lv, v)
			}
		}
	})
	now := e.cfg.Now()
	e.mu.Lock()
	ls.updated = e.updated[l.ID]
	e.mu.Unlock()
	s := ls.summarize(now, e.cfg.MaxIDs)
	e.mu.Lock()
	e.sums[l.ID] = s
	e.mu.Unlock()
}

// loadUpdated reads a layer's last write time from the store once.
func (e *Engine) loadUpdated(layer string) {
	if e.cfg.Updated == nil {
		return
	}
	t, ok, err := e.cfg.Updated(layer)
	if err != nil {
		e.cfg.Logger.Warn("quality: last write time", "layer", layer, "err", err)
		return
	}
	e.mu.Lock()
	if ok && t.After(e.updated[layer]) {
		e.updated[layer] = t
	}
	e.mu.Unlock()
}

// catalog is the catalog in force.
func (e *Engine) catalog() *layers.Catalog {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.cfg.Catalog
}

// SetCatalog puts a new catalog in force (the catalog was edited): every
// layer is computed whole again at the next refresh, with its new fields
// and interval, and a layer no longer declared is forgotten.
func (e *Engine) SetCatalog(cat *layers.Catalog) {
	e.work.Lock()
	defer e.work.Unlock()
	e.mu.Lock()
	defer e.mu.Unlock()
	e.cfg.Catalog = cat
	e.states = map[string]*layerState{}
	for id := range e.sums {
		if _, err := cat.Get(id); err != nil {
			delete(e.sums, id)
		}
	}
	for _, l := range cat.All() {
		e.full[l.ID] = true
	}
	e.region = nil // read again
}

// Stats returns the engine's counters.
func (e *Engine) Stats() Stats {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.stats
}
