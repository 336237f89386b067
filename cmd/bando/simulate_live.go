package main

import (
	"context"
	"log/slog"
	"sync"

	"bando/store"
	"bando/twin"
	"bando/twin/sim"
)

// defaultSimulate is the size of the demo's simulated fleet.
const defaultSimulate = 40

// startSimulation feeds a simulated, synthetic fleet into the live twin of
// a demo data directory (twin.simulate vessels, default 40; 0 turns it
// off), on the wall clock. A directory holding the user's own data never
// gets it. The returned stop waits for the feeder to end (before the twin
// and the store close).
func startSimulation(ctx context.Context, cfg Config, st *store.Pebble, tw *twin.Twin, log *slog.Logger) (stop func()) {
	n := defaultSimulate
	if cfg.Twin.Simulate != nil {
		n = *cfg.Twin.Simulate
	}
	if state, err := st.Marker(demoMarker); n <= 0 || !cfg.Demo || err != nil || state != "done" {
		return func() {}
	}
	w, err := sim.DemoWorld()
	if err != nil {
		log.Error("sim: no simulated fleet", "err", err)
		return func() {}
	}
	ctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		live := sim.Live{World: w, N: n, Seed: 1, Since: tw.Clock(), Log: log}
		if err := live.Run(ctx, tw); err != nil && ctx.Err() == nil {
			log.Error("sim: simulated fleet stopped", "err", err)
		}
	}()
	return func() { cancel(); wg.Wait() }
}
