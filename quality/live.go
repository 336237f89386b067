package quality

import (
	"context"
	"time"
)

// Alerter raises and resolves the alert of a stale layer; the twin's
// alerts implement it. Calls for an alert already in the asked state are
// no-ops.
type Alerter interface {
	LayerStale(ctx context.Context, layer string, stale bool, last time.Time, every time.Duration, now time.Time) error
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
		for _, l := range e.cfg.Catalog.All() { // under e.mu
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
