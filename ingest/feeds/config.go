package feeds

import (
	"fmt"
	"log/slog"
	"time"
)

// Config is one entry of the "feeds:" section of bando.yaml:
//
//	feeds:
//	  - {type: ais, name: ais-vungtau, address: 10.0.0.5:4001}
//	  - {type: ais, name: ais-replay, path: data/ais/day.nmea}
//	  - {type: vms, name: vms-daily, path: /srv/vms/today.csv}
//	  - type: mqtt
//	    name: sensors
//	    address: mqtt://127.0.0.1:1883
//	    client_id: bando-ioc
//	    position_topics: [fleet/+/position]
//	    observation_topics: [sensors/+/observation]
//	    sensorthings_topics: ["v1.1/Datastreams(+)/Observations"]
//	    datastreams:
//	      "42": {sensor: wl-cangio-1, quantity: water_level, unit: m}
//
// The HTTP feed (POST /api/twin/positions) is part of the API, not a Feed.
type Config struct {
	Type string `yaml:"type"` // "ais", "vms" or "mqtt"
	Name string `yaml:"name"` // default: the type
	// Path is the file of an ais or vms feed.
	Path string `yaml:"path"`
	// Address is host:port of an ais TCP feed, or the MQTT broker
	// (host:port, mqtt:// or tcp:// allowed).
	Address string `yaml:"address"`
	// Format of a vms file: csv, json or "" (guess).
	Format string `yaml:"format"`
	// MQTT only.
	ClientID           string                `yaml:"client_id"`
	Username           string                `yaml:"username"`
	Password           string                `yaml:"password"`
	PositionTopics     []string              `yaml:"position_topics"`
	ObservationTopics  []string              `yaml:"observation_topics"`
	SensorThingsTopics []string              `yaml:"sensorthings_topics"`
	Datastreams        map[string]Datastream `yaml:"datastreams"`
	SessionExpiry      time.Duration         `yaml:"session_expiry"`

	// Set by the server, not from YAML: the AIS registry lookup (see
	// AISConfig.Registry) and the logger.
	Registry func(mmsi uint32) (id string, ok bool) `yaml:"-"`
	Logger   *slog.Logger                           `yaml:"-"`
}

// New builds the feed cfg describes. The feeds with counters (*AIS, *VMS,
// *MQTT) have a Stats method for /metrics.
func New(cfg Config) (Feed, error) {
	switch cfg.Type {
	case "ais":
		return NewAIS(AISConfig{Name: cfg.Name, Path: cfg.Path, Address: cfg.Address,
			Registry: cfg.Registry, Logger: cfg.Logger})
	case "vms":
		if cfg.Address != "" {
			return nil, fmt.Errorf("feeds: vms %q: only files (path), not address", cfg.Name)
		}
		return NewVMS(VMSConfig{Name: cfg.Name, Path: cfg.Path, Format: cfg.Format})
	case "mqtt":
		return NewMQTT(MQTTConfig{Name: cfg.Name, Broker: cfg.Address, ClientID: cfg.ClientID,
			Username: cfg.Username, Password: cfg.Password, PositionTopics: cfg.PositionTopics,
			ObservationTopics: cfg.ObservationTopics, SensorThingsTopics: cfg.SensorThingsTopics,
			Datastreams: cfg.Datastreams, SessionExpiry: cfg.SessionExpiry, Logger: cfg.Logger})
	case "http":
		return nil, fmt.Errorf("feeds: %q: the http feed is served by the API (POST /api/twin/positions), not configured here", cfg.Name)
	default:
		return nil, fmt.Errorf("feeds: %q: unknown type %q (want ais, vms or mqtt)", cfg.Name, cfg.Type)
	}
}
