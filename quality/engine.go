package quality

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/paulmach/orb"

	"bando/layers"
	"bando/spatial"
	"bando/store"
)

// Alerter raises and resolves the alert of a stale layer; the twin's
// alerts implement it. Calls for an alert already in the asked state are
// no-ops.
type Alerter interface {
	LayerStale(ctx context.Context, layer string, stale bool, last time.Time, every time.Duration, now time.Time) error
}

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

// Touched tells the engine that a layer was written at time at without the
// change feed (the twin writes its live objects straight into the index):
// its liveness counts the write, and its figures are recomputed whole at
// the next tick rather than at once, since such writes come many a second.
// A nil engine ignores it.
func (e *Engine) Touched(layer string, at time.Time) {
	if e == nil {
		return
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if at.After(e.updated[layer]) {
		e.updated[layer] = at
	}
	e.full[layer] = true
}

// SetAlerter makes a raise and resolve the alerts of stale layers from the
// next liveness check on.
func (e *Engine) SetAlerter(a Alerter) {
	e.mu.Lock()
	e.alerter = a
	e.told = map[string]bool{}
	e.mu.Unlock()
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
			e.cfg.Logger.Info("data quality computed", "layers", len(e.cfg.Catalog.All()), "took", time.Since(start).Round(time.Millisecond))
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
	e.mu.Unlock()
	if e.regionMoved() {
		for _, l := range e.cfg.Catalog.All() {
			full[l.ID] = true
		}
	}
	start := time.Now()
	n := 0
	for _, l := range e.cfg.Catalog.All() {
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

// CheckLiveness tells the alerter, if any, of every layer whose stale state
// changed since it was last told (every layer, the first time).
func (e *Engine) CheckLiveness(ctx context.Context) {
	now := e.cfg.Now()
	type tell struct {
		layer string
		stale bool
		last  time.Time
		every time.Duration
	}
	var todo []tell
	e.mu.Lock()
	a := e.alerter
	if a != nil {
		for _, l := range e.cfg.Catalog.All() {
			last, ok := e.updated[l.ID]
			if l.Update <= 0 || !ok {
				continue
			}
			stale := now.Sub(last) > l.Update
			if was, told := e.told[l.ID]; told && was == stale {
				continue
			}
			e.told[l.ID] = stale
			todo = append(todo, tell{l.ID, stale, last, l.Update})
		}
	}
	e.mu.Unlock()
	for _, t := range todo {
		if err := a.LayerStale(ctx, t.layer, t.stale, t.last, t.every, now); err != nil {
			e.cfg.Logger.Warn("quality: stale layer alert", "layer", t.layer, "err", err)
			e.mu.Lock()
			delete(e.told, t.layer) // try again next time
			e.mu.Unlock()
		}
	}
}

// ErrComputing is what Report returns for a layer without figures yet.
var ErrComputing = errors.New("quality: the layer's figures are being computed")

// Report returns the quality of a layer as p may see it; a layer p may not
// see is unknown. Changes to the layer not yet refreshed are refreshed
// first (waiting for a refresh under way), so that a read after a write
// sees the write's figures.
func (e *Engine) Report(p layers.Principal, id string) (*Report, error) {
	l, err := e.cfg.Catalog.Get(id)
	if err != nil || !layers.CanSee(p, l) {
		return nil, fmt.Errorf("%w %q", layers.ErrUnknownLayer, id)
	}
	e.mu.Lock()
	_, dirty := e.pending[id]
	dirty = dirty || e.full[id] || e.sums[id] == nil
	e.mu.Unlock()
	if dirty {
		e.Refresh()
	}
	e.mu.Lock()
	s := e.sums[id]
	e.mu.Unlock()
	if s == nil {
		return nil, fmt.Errorf("%w: %q", ErrComputing, id)
	}
	r := &Report{Layer: id, Features: s.features, ComputedAt: s.computed.UTC(), Validity: s.validity, Cleanliness: s.clean}
	r.Cleanliness.ToleranceM2 = e.cfg.OverlapTolerance
	if l.Steward.Department != "" {
		st := l.Steward
		r.Steward = &st
	}
	r.Completeness = s.completenessFor(p)
	r.Liveness = liveness(s.updatedAt(e), l.Update, e.cfg.Now())
	return r, nil
}

// updatedAt is the layer's last write as the engine knows it now (a write
// after the summary counts: liveness needs no refresh).
func (s *summary) updatedAt(e *Engine) time.Time {
	e.mu.Lock()
	defer e.mu.Unlock()
	if t := e.updated[s.l.ID]; t.After(s.updated) {
		return t
	}
	return s.updated
}

// completenessFor picks the level whose visible expected fields are p's.
func (s *summary) completenessFor(p layers.Principal) Completeness {
	ls := &layerState{l: s.l, expected: completenessFields(s.l)}
	m := ls.mask(p)
	for i := range clearances {
		if s.masks[i] == m {
			return s.levels[i]
		}
	}
	return s.levels[0] // public: the least a principal may see
}

// Stats returns the engine's counters.
func (e *Engine) Stats() Stats {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.stats
}
