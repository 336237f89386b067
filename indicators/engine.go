package indicators

import (
	"context"
	"log/slog"
	"slices"
	"sync"
	"time"

	"bando/layers"
	"bando/spatial/query"
	"bando/store"
)

// Engine holds the last result of every indicator of a catalog and
// recomputes those whose layers changed.
type Engine struct {
	qe  *query.Engine
	cat *layers.Catalog
	log *slog.Logger

	mu      sync.Mutex
	results map[string]*Result
	stale   map[string]bool
	errs    map[string]error
	stats   Stats
	wake    chan struct{}
}

// Stats are the engine's counters for /metrics.
type Stats struct {
	Computations int64         // indicator computations since start
	Failures     int64         // computations that failed
	Total        time.Duration // time spent computing
}

// New returns an engine over the catalog's indicators; every indicator
// starts stale. Call Run to keep them current.
func New(qe *query.Engine, cat *layers.Catalog, log *slog.Logger) *Engine {
	if log == nil {
		log = slog.Default()
	}
	e := &Engine{qe: qe, cat: cat, log: log, results: map[string]*Result{}, stale: map[string]bool{},
		errs: map[string]error{}, wake: make(chan struct{}, 1)}
	for _, ind := range cat.Indicators() {
		e.stale[ind.ID] = true
	}
	return e
}

// Changes is the change-feed subscriber: a write to any layer an indicator
// reads (its terms' layers and its admin layer) marks it stale.
func (e *Engine) Changes(cs []store.Change) {
	touched := map[string]bool{}
	for _, c := range cs {
		touched[c.Layer] = true
	}
	e.mu.Lock()
	marked := false
	for _, ind := range e.cat.Indicators() {
		if reads(ind, touched) && !e.stale[ind.ID] {
			e.stale[ind.ID], marked = true, true
		}
	}
	e.mu.Unlock()
	if marked {
		e.poke()
	}
}

func reads(ind *layers.Indicator, layers map[string]bool) bool {
	if layers[ind.Admin] || layers[ind.Numerator.Layer] {
		return true
	}
	return ind.Denominator != nil && layers[ind.Denominator.Layer]
}

func (e *Engine) poke() {
	select {
	case e.wake <- struct{}{}:
	default:
	}
}

// Run recomputes stale indicators until ctx is done: writes that arrive
// while one is computed mark it stale again, so each burst of writes costs
// at most one more computation.
func (e *Engine) Run(ctx context.Context) {
	e.poke()
	for {
		select {
		case <-ctx.Done():
			return
		case <-e.wake:
		}
		for _, id := range e.staleIDs() {
			if ctx.Err() != nil {
				return
			}
			e.refresh(ctx, id)
		}
	}
}

func (e *Engine) staleIDs() []string {
	e.mu.Lock()
	defer e.mu.Unlock()
	var ids []string
	for id, s := range e.stale {
		if s {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	return ids
}

// refresh computes one indicator and keeps the result (or the error).
func (e *Engine) refresh(ctx context.Context, id string) (*Result, error) {
	ind, err := e.cat.Indicator(id)
	if err != nil {
		return nil, err
	}
	e.mu.Lock()
	e.stale[id] = false
	e.mu.Unlock()
	start := time.Now()
	res, err := compute(ctx, e.qe, ind)
	took := time.Since(start)
	e.mu.Lock()
	defer e.mu.Unlock()
	e.stats.Computations++
	e.stats.Total += took
	if err != nil {
		e.stats.Failures++
		e.errs[id] = err
		e.log.Warn("indicator computation failed", "indicator", id, "err", err)
		return nil, err
	}
	delete(e.errs, id)
	e.results[id] = res
	return res, nil
}

// Get returns the last result of an indicator, computing it if there is
// none yet (the first request after start).
func (e *Engine) Get(ctx context.Context, id string) (*Result, error) {
	e.mu.Lock()
	res := e.results[id]
	e.mu.Unlock()
	if res != nil {
		return res, nil
	}
	return e.refresh(ctx, id)
}

// Stats returns a copy of the counters.
func (e *Engine) Stats() Stats {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.stats
}
