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
	// MQTT, when its broker is set, receives every alert change on a topic
	// with QoS 1, through the same durable outbox.
	MQTT MQTTSinkConfig `yaml:"mqtt"`
	// MaxAheadSeconds refuses fixes this far after the wall clock
	// (default 300; -1 accepts any future time).
	MaxAheadSeconds int `yaml:"max_ahead_seconds"`
	// Simulate is the size of the synthetic fleet a demo directory's twin
	// sails live (default 40; 0 turns it off); see startSimulation.
	Simulate *int `yaml:"simulate"`
}

// MQTTSinkConfig is the twin's MQTT alert sink.
type MQTTSinkConfig struct {
	Broker   string `yaml:"broker"`    // host:port, optionally mqtt://
	Topic    string `yaml:"topic"`     // default bando/alerts
	ClientID string `yaml:"client_id"` // default bando-alerts
	Username string `yaml:"username"`
	Password string `yaml:"password"`
}

func (c TwinConfig) rules(cat *layers.Catalog) (twin.Rules, error) {
	if c.RulesFile == "" {
		return defaultRules(cat), nil
	}
	return twin.LoadRules(c.RulesFile)
}

// defaultRules are twin.DefaultRules with the permitted-zone rule on when
// the catalog has the demo's fishing_zones layer (its zone field names the
// bands of Decree 26/2019), and the land rule on when it has the
// province and its coastline: without a rules file the demo checks the
// vessels' zones and refuses fixes far inland out of the box.
func defaultRules(cat *layers.Catalog) twin.Rules {
	r := twin.DefaultRules()
	if l, err := cat.Get("fishing_zones"); err == nil && l.FieldIndex("zone") >= 0 {
		r.Zones.Layer, r.Zones.ClassField = l.ID, "zone"
		r.Zones.Coastal, r.Zones.Inshore, r.Zones.Offshore = "ven_bo", "long", "khoi"
	}
	// The province's land and its coastline say where a vessel cannot be.
	if _, err := cat.Get("province"); err == nil {
		if _, err := cat.Get("coastline"); err == nil {
			r.Land.Layer, r.Land.Coast = "province", "coastline"
		}
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
	tl *tiles.Server, hub *twin.Hub, qual *quality.Engine, lb *liveBus, log *slog.Logger) (tw *twin.Twin, stop func(), err error) {
	rules, err := cfg.Twin.rules(cat)
	if err != nil {
		return nil, nil, err
	}
	var sinks []twin.SinkTarget
	closeSinks := func() {}
	if cfg.Twin.Webhook != "" {
		sinks = append(sinks, &twin.Webhook{URL: cfg.Twin.Webhook})
	}
	if m := cfg.Twin.MQTT; m.Broker != "" {
		sink := &twin.MQTTSink{Broker: m.Broker, Topic: m.Topic, ClientID: m.ClientID, Username: m.Username, Password: m.Password}
		closeSinks = sink.Close // connected lazily by the outbox, closed once it has stopped
		sinks = append(sinks, sink)
	}
	ob, err := twin.NewOutbox(ctx, st, lb.outboxSinks(sinks), log)
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
	if err := lb.start(ctx, tw, sinks); err != nil {
		return nil, nil, err
	}
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
	return tw, func() { cancel(); wg.Wait(); lb.Close(); closeSinks() }, nil
}
