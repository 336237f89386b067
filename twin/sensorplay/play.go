package sensorplay

import (
	"context"
	"log/slog"
	"time"

	"bando/ingest/feeds"
)

// Source is the observations' source: a replay, not a live reading.
const Source = "replay"

// Player delivers a series as hourly observations of one sensor, each
// once the wall clock reaches its hour.
type Player struct {
	Series   *Series
	Sensor   string // e.g. "pm25-hanoi-2018-replay"
	Quantity string // e.g. "pm25"
	Unit     string // e.g. "µg/m³"
	// Warm is how much history to deliver at once on start (default 12 h).
	Warm time.Duration
	// Since skips hours at or before it (the twin's clock after a restart).
	Since time.Time
	Tick  time.Duration // how often the clock is read (default 10 s)
	Now   func() time.Time
	Log   *slog.Logger
}

// Run delivers observations until ctx is done.
func (p Player) Run(ctx context.Context, sink feeds.Sink) error {
	if p.Now == nil {
		p.Now = time.Now
	}
	if p.Tick <= 0 {
		p.Tick = 10 * time.Second
	}
	if p.Warm == 0 {
		p.Warm = 12 * time.Hour
	}
	if p.Log == nil {
		p.Log = slog.Default()
	}
	next := p.Now().Add(-p.Warm).Truncate(time.Hour).Add(time.Hour)
	for !next.After(p.Since) {
		next = next.Add(time.Hour)
	}
	for {
		var batch []feeds.Observation
		for now := p.Now(); !next.After(now); next = next.Add(time.Hour) {
			if v, ok := p.Series.At(next); ok {
				batch = append(batch, feeds.Observation{Sensor: p.Sensor, Quantity: p.Quantity, T: next.UTC(),
					Value: v, Unit: p.Unit, Source: Source})
			}
		}
		if len(batch) > 0 {
			if err := sink.Observations(ctx, batch); err != nil {
				if ctx.Err() != nil {
					return ctx.Err()
				}
				p.Log.Warn("sensorplay: observations not delivered", "err", err)
			}
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(p.Tick):
		}
	}
}
