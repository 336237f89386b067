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

	compute sync.Mutex // held through a computation
	mu      sync.Mutex
	results map[string]*Result
	stale   map[string]bool
	errs    map[string]error
	states  map[string]*state // per indicator: its tallies and pending ids
	units   map[string][]Unit // per admin layer, until it changes
	unitGen map[string]int    // changes seen per layer, so a stale read is not kept
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
		errs: map[string]error{}, states: map[string]*state{}, units: map[string][]Unit{}, unitGen: map[string]int{}, wake: make(chan struct{}, 1)}
	for _, ind := range cat.Indicators() {
		e.stale[ind.ID] = true
		e.states[ind.ID] = newState()
	}
	return e
}

// Changes is the change-feed subscriber (after the index's): a write to any
// layer an indicator reads (its terms' layers and its admin layer) marks
// it stale and the changed ids pending for its tallies.
func (e *Engine) Changes(cs []store.Change) {
	touched := map[string]bool{}
	for _, c := range cs {
		touched[c.Layer] = true
	}
	e.mu.Lock()
	marked := false
	for l := range touched {
		delete(e.units, l) // an admin layer's units may have changed
		e.unitGen[l]++
	}
	for _, ind := range e.cat.Indicators() {
		if !reads(ind, touched) {
			continue
		}
		if st := e.states[ind.ID]; st != nil {
			for _, c := range cs {
				if c.Layer == ind.Admin || c.Layer == ind.Numerator.Layer || ind.Denominator != nil && c.Layer == ind.Denominator.Layer {
					st.note(ind, c.Layer, c.ID)
				}
			}
		}
		if !e.stale[ind.ID] {
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
	// One computation of an indicator at a time: its tallies are not
	// shared (Run's loop and a first Get may meet here).
	e.compute.Lock()
	defer e.compute.Unlock()
	e.mu.Lock()
	e.stale[id] = false
	st := e.states[id]
	if st == nil {
		st = newState()
		e.states[id] = st
	}
	pending, rebuild := st.take()
	e.mu.Unlock()
	start := time.Now()
	res, err := e.computeOne(ctx, ind, st, pending, rebuild)
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

func (e *Engine) computeOne(ctx context.Context, ind *layers.Indicator, st *state, pending map[string]map[string]bool, rebuild bool) (*Result, error) {
	start := time.Now()
	units, err := e.adminUnits(ctx, ind.Admin)
	if err != nil {
		return nil, err
	}
	num, den, err := st.figures(ctx, e.qe, ind, pending, rebuild)
	if err != nil {
		e.mu.Lock()
		st.rebuild = true // the tallies may be half updated
		e.mu.Unlock()
		return nil, err
	}
	return compute(ind, units, num, den, start), nil
}

// adminUnits returns the units of an admin layer, remembered until a
// change to it.
func (e *Engine) adminUnits(ctx context.Context, admin string) ([]Unit, error) {
	e.mu.Lock()
	us, ok := e.units[admin]
	gen := e.unitGen[admin]
	e.mu.Unlock()
	if ok {
		return us, nil
	}
	us, err := adminUnits(ctx, e.qe, admin)
	if err != nil {
		return nil, err
	}
	e.mu.Lock()
	if e.unitGen[admin] == gen {
		e.units[admin] = us
	}
	e.mu.Unlock()
	return us, nil
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
