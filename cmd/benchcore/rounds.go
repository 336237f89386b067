package main

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"time"
)

// renderFunc does one unit of work (a tile, a request) and returns the
// size of the answer (0 for an empty tile).
type renderFunc func(ctx context.Context, t tileReq) (int, error)

// contender is one side of a comparison.
type contender struct {
	name string
	conc int
	fn   renderFunc
	// measure, if set, brackets each measured phase (start, then stop).
	measure func(start bool)
}

// timing is how long each side runs per round, and how many rounds.
type timing struct {
	rounds int
	phase  time.Duration
}

// runPhase runs fn over tiles from offset on, with conc workers, for d.
func runPhase(ctx context.Context, tiles []tileReq, offset, conc int, d time.Duration, fn renderFunc) phase {
	var next atomic.Int64
	next.Store(int64(offset))
	rec := &recorder{}
	stop := time.Now().Add(d)
	start := time.Now()
	var wg sync.WaitGroup
	for range conc {
		p := rec.worker()
		wg.Add(1)
		go func() {
			defer wg.Done()
			for time.Now().Before(stop) {
				t := tiles[int(next.Add(1)-1)%len(tiles)]
				t0 := time.Now()
				n, err := fn(ctx, t)
				p.lat = append(p.lat, time.Since(t0))
				switch {
				case err != nil:
					if p.errs++; p.errs == 1 {
						progress.Warn("request failed", "tile", t.path(), "err", err)
					}
				case n == 0:
					p.empty++
				}
				p.n++
				p.bytes += int64(n)
			}
		}()
	}
	wg.Wait()
	return rec.merge(time.Since(start))
}

// compareRounds interleaves the contenders round by round (alternating who
// goes first), so that both meet the same machine load; each round starts
// both at the same place in the tile list.
func compareRounds(ctx context.Context, label string, tiles []tileReq, tm timing, cs ...contender) []*side {
	sides := make([]*side, len(cs))
	for i, c := range cs {
		sides[i] = &side{name: c.name}
		// One short unmeasured run each: connections, statements, caches.
		runPhase(ctx, tiles, 0, c.conc, tm.phase/4, c.fn)
	}
	for r := range tm.rounds {
		offset := r * len(tiles) / max(1, tm.rounds)
		for k := range cs {
			i := (k + r) % len(cs)
			if cs[i].measure != nil {
				cs[i].measure(true)
			}
			p := runPhase(ctx, tiles, offset, cs[i].conc, tm.phase, cs[i].fn)
			if cs[i].measure != nil {
				cs[i].measure(false)
			}
			sides[i].phases = append(sides[i].phases, p)
		}
		line := fmt.Sprintf("%s round %d/%d:", label, r+1, tm.rounds)
		for i := range cs {
			p := sides[i].phases[r]
			line += fmt.Sprintf(" %s %.0f/s (%d errors)", cs[i].name, p.rate(), p.errs)
		}
		progress.Info(line)
	}
	return sides
}
