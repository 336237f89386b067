package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"time"

	"bando/api"
	"bando/twin"
	"bando/twin/bus"

	"gopkg.in/yaml.v3"
)

// NATSConfig is the `nats:` section: the broker several replicas share
// their live twin through (see package bus). It is either the URL alone
// (nats: nats://127.0.0.1:4222) or a mapping.
type NATSConfig struct {
	URL string `yaml:"url"`
	// Prefix names the deployment's streams and subjects (default bando):
	// replicas of one deployment share it.
	Prefix string `yaml:"prefix"`
	// Replica names this replica to the broker (default: the host name).
	Replica string `yaml:"replica"`
	// RetentionHours is how long the streams keep messages (default 168).
	RetentionHours int `yaml:"retention_hours"`
}

// UnmarshalYAML accepts the URL alone or the mapping.
func (c *NATSConfig) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind == yaml.ScalarNode {
		c.URL = n.Value
		return nil
	}
	if n.Kind == yaml.MappingNode { // node.Decode does not refuse unknown keys
		for i := 0; i < len(n.Content); i += 2 {
			switch k := n.Content[i].Value; k {
			case "url", "prefix", "replica", "retention_hours":
			default:
				return fmt.Errorf("nats: unknown key %q (url, prefix, replica, retention_hours)", k)
			}
		}
	}
	type plain NATSConfig
	return n.Decode((*plain)(c))
}

// liveBus is the bus of a replica, nil when no broker is configured (all
// its methods are then no-ops).
type liveBus struct {
	b   *bus.Bus
	log *slog.Logger
}

// openBus connects to the broker of cfg.NATS and reports it on /readyz.
func openBus(ctx context.Context, cfg Config, srv *api.Server, log *slog.Logger) (*liveBus, error) {
	c := cfg.NATS
	if c.URL == "" {
		return nil, nil
	}
	replica := c.Replica
	if replica == "" {
		replica, _ = os.Hostname()
		replica += fmt.Sprintf(":%d", os.Getpid())
	}
	b, err := bus.Connect(ctx, bus.Config{URL: c.URL, Prefix: c.Prefix, Replica: replica,
		Retention: time.Duration(c.RetentionHours) * time.Hour, Logger: log})
	if err != nil {
		return nil, err
	}
	srv.AddCheck(api.Check{Name: "nats", Check: b.Health})
	log.Info("bus: connected", "url", c.URL, "replica", replica)
	return &liveBus{b: b, log: log}, nil
}

// outboxSinks are the sinks of the twin's outbox: with a bus, the alerts
// stream alone (the real sinks are fed from it, once across replicas).
func (lb *liveBus) outboxSinks(sinks []twin.SinkTarget) []twin.SinkTarget {
	if lb == nil {
		return sinks
	}
	return []twin.SinkTarget{lb.b.AlertTarget()}
}

// start routes tw's writes through the bus, applies the live stream to
// it, and delivers the alerts stream to the real sinks.
func (lb *liveBus) start(ctx context.Context, tw *twin.Twin, sinks []twin.SinkTarget) error {
	if lb == nil {
		return nil
	}
	tw.SetRelay(lb.b)
	if err := lb.b.Start(ctx, tw); err != nil {
		return err
	}
	return lb.b.Deliver(ctx, sinks)
}

// Close stops the bus's consumers and disconnects.
func (lb *liveBus) Close() {
	if lb != nil {
		lb.b.Close()
	}
}
