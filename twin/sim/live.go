package sim

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"sort"
	"time"

	"bando/ingest/feeds"
)

// Live plays a simulated fleet into a sink on the wall clock: each fix is
// delivered once the clock passes its time, so the twin sees a live feed.
// The fleet sails the same synthetic day, cycle after cycle, from UTC
// midnight (cycles are whole days, so every vessel is in port at the seam
// and a restart regenerates exactly the fixes it missed).
type Live struct {
	World *World
	N     int
	Seed  uint64
	// Warm is how much history to deliver at once on start, so the map is
	// busy from the first minute (default 12 h).
	Warm time.Duration
	// Since skips fixes at or before it (the twin's clock after a restart).
	Since time.Time
	Tick  time.Duration // how often the clock is read (default 5 s)
	Now   func() time.Time
	Log   *slog.Logger
}

// Cycle is the length of the simulated day the live fleet repeats.
const Cycle = 24 * time.Hour

// Run delivers fixes until ctx is done.
func (l Live) Run(ctx context.Context, sink feeds.Sink) error {
	if l.Now == nil {
		l.Now = time.Now
	}
	if l.Tick <= 0 {
		l.Tick = 5 * time.Second
	}
	if l.Warm == 0 {
		l.Warm = 12 * time.Hour
	}
	if l.Log == nil {
		l.Log = slog.Default()
	}
	from := l.Now().UTC().Add(-l.Warm)
	if l.Since.After(from) {
		from = l.Since
	}
	start := from.Truncate(Cycle)
	for first := true; ; first = false {
		f, err := Generate(l.World, Config{N: l.N, Seed: l.Seed, Start: start, Hours: Cycle.Hours(), Events: l.N >= Scripted})
		if err != nil {
			return err
		}
		if first {
			if err := sink.Vessels(ctx, f.Registry); err != nil {
				return fmt.Errorf("sim: registry: %w", err)
			}
			l.Log.Info("sim: simulated fleet (synthetic) on the live twin", "vessels", l.N, "from", from.Format(time.RFC3339))
		}
		ps := f.Positions
		i := sort.Search(len(ps), func(i int) bool { return ps[i].T.After(from) })
		if err := l.play(ctx, sink, ps[i:]); err != nil {
			return err
		}
		start = start.Add(Cycle)
	}
}

// play delivers ps (by time) as the clock passes them.
func (l Live) play(ctx context.Context, sink feeds.Sink, ps []feeds.Position) error {
	const batch = 500
	for len(ps) > 0 {
		now := l.Now()
		n := sort.Search(len(ps), func(i int) bool { return ps[i].T.After(now) })
		for lo := 0; lo < n; lo += batch {
			part := slices.Clone(ps[lo:min(n, lo+batch)]) // the sink stamps arrival times
			if err := sink.Positions(ctx, part); err != nil {
				if ctx.Err() != nil {
					return ctx.Err()
				}
				l.Log.Warn("sim: positions not delivered", "err", err)
			}
		}
		ps = ps[n:]
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(l.Tick):
		}
	}
	return nil
}
