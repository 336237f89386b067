package main

import (
	"context"
	"log/slog"
	"sync"

	"bando/twin"
	"bando/twin/sensorplay"
	"bando/twin/sim"
)

// defaultSimulate is the size of the demo's simulated fleet.
const defaultSimulate = 40

// startSimulation feeds the live twin of a demo data directory, on the
// wall clock: a simulated, synthetic fleet (twin.simulate vessels, default
// 40; 0 turns it and the sensor off) and the real Hà Nội PM2.5 series of
// 2018 replayed hour by hour as sensor pm25-hanoi-2018-replay. A directory
// holding the user's own data never gets them. The returned stop waits for
// the feeders to end (before the twin and the store close).
func startSimulation(ctx context.Context, cfg Config, st markerStore, tw *twin.Twin, log *slog.Logger) (stop func()) {
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
	series, err := sensorplay.Hanoi2018()
	if err != nil {
		log.Error("sensorplay: no sensor replay", "err", err)
		return func() {}
	}
	ctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	wg.Add(2)
	since := tw.Clock()
	go func() {
		defer wg.Done()
		live := sim.Live{World: w, N: n, Seed: 1, Since: since, Log: log}
		if err := live.Run(ctx, tw); err != nil && ctx.Err() == nil {
			log.Error("sim: simulated fleet stopped", "err", err)
		}
	}()
	go func() {
		defer wg.Done()
		p := sensorplay.Player{Series: series, Sensor: "pm25-hanoi-2018-replay", Quantity: "pm25", Unit: "µg/m³",
			Since: since, Log: log}
		if err := p.Run(ctx, tw); err != nil && ctx.Err() == nil {
			log.Error("sensorplay: sensor replay stopped", "err", err)
		}
	}()
	return func() { cancel(); wg.Wait() }
}
