package main

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"bando/layers"
	"bando/quality"
	"bando/spatial"
	"bando/store"
	"bando/tiles"
	"bando/twin"

	"github.com/paulmach/orb"
)

// TwinConfig is the `twin:` section of the server config.
type TwinConfig struct {
	// RulesFile is a YAML file with a top-level rules: key (twin.Rules);
	// absent, the defaults of twin.DefaultRules apply.
	RulesFile string `yaml:"rules_file"`
	// Webhook, when set, receives every alert change as a JSON POST with
	// an Idempotency-Key header, through the durable outbox.
	Webhook string `yaml:"webhook"`
	// MaxAheadSeconds refuses fixes this far after the wall clock
	// (default 300; -1 accepts any future time).
	MaxAheadSeconds int `yaml:"max_ahead_seconds"`
	// Simulate is the size of the synthetic fleet a demo directory's twin
	// sails live (default 40; 0 turns it off); see startSimulation.
	Simulate *int `yaml:"simulate"`
}

func (c TwinConfig) rules(cat *layers.Catalog) (twin.Rules, error) {
	if c.RulesFile == "" {
		return defaultRules(cat), nil
	}
	return twin.LoadRules(c.RulesFile)
}

// defaultRules are twin.DefaultRules with the permitted-zone rule on when
// the catalog has the demo's fishing_zones layer (its zone field names the
// bands of Decree 26/2019): without a rules file the demo checks the
// vessels' zones out of the box.
func defaultRules(cat *layers.Catalog) twin.Rules {
	r := twin.DefaultRules()
	if l, err := cat.Get("fishing_zones"); err == nil && l.FieldIndex("zone") >= 0 {
		r.Zones.Layer, r.Zones.ClassField = l.ID, "zone"
		r.Zones.Coastal, r.Zones.Inshore, r.Zones.Offshore = "ven_bo", "long", "khoi"
	}
	return r
}

// twinTick is how often the live server runs the silence rules.
const twinTick = 10 * time.Second

// startTwin builds the live twin over the loaded index (ports and zones
// must be in it: "at sea" is measured against them), its outbox and its
// clock. They run until stop, which returns once they have ended (before
// the store closes).
func startTwin(ctx context.Context, cfg Config, cat *layers.Catalog, idx *spatial.Index, st *store.Pebble,
	tl *tiles.Server, hub *twin.Hub, qual *quality.Engine, log *slog.Logger) (tw *twin.Twin, stop func(), err error) {
	rules, err := cfg.Twin.rules(cat)
	if err != nil {
		return nil, nil, err
	}
	var sinks []twin.SinkTarget
	if cfg.Twin.Webhook != "" {
		sinks = append(sinks, &twin.Webhook{URL: cfg.Twin.Webhook})
	}
	ob, err := twin.NewOutbox(ctx, st, sinks, log)
	if err != nil {
		return nil, nil, err
	}
	ahead := time.Duration(cfg.Twin.MaxAheadSeconds) * time.Second
	switch {
	case cfg.Twin.MaxAheadSeconds == 0:
		ahead = 5 * time.Minute
	case cfg.Twin.MaxAheadSeconds < 0:
		ahead = 0
	}
	tw, err = twin.New(ctx, twin.Config{Catalog: cat, Index: idx, Store: st, Rules: rules, Hub: hub,
		Outbox: ob, Logger: log, MaxAhead: ahead,
		OnMove: func(layer string, bounds []orb.Bound) {
			tl.Invalidate(layer, bounds...)
			// The twin writes its layer into the index, not through the
			// store's feed: tell data quality the layer is live.
			qual.Touched(layer, time.Now())
		}})
	if err != nil {
		return nil, nil, err
	}
	tl.Invalidate(tw.Layer()) // tiles rendered before the restore
	ctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { defer wg.Done(); ob.Run(ctx) }()
	go func() {
		defer wg.Done()
		t := time.NewTicker(twinTick)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case now := <-t.C:
				if err := tw.Tick(ctx, now); err != nil && ctx.Err() == nil {
					log.Error("twin: clock rules", "err", err)
				}
			}
		}
	}()
	return tw, func() { cancel(); wg.Wait() }, nil
}

// tileEvents tells the stream which parts of which layers changed.
func tileEvents(hub *twin.Hub) func([]store.Change) {
	return func(cs []store.Change) {
		var b orb.Bound
		first := true
		for _, c := range cs {
			for _, nb := range []*orb.Bound{c.Old, c.New} {
				if nb == nil {
					continue
				}
				if first {
					b, first = *nb, false
				} else {
					b = b.Union(*nb)
				}
			}
		}
		if first {
			return
		}
		hub.Publish(twin.Event{Topic: twin.TopicTiles, Layer: cs[0].Layer,
			Data: twin.TileEvent{Layer: cs[0].Layer, BBox: [4]float64{b.Min[0], b.Min[1], b.Max[0], b.Max[1]}}})
	}
}
