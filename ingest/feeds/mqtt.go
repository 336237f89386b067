package feeds

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"strings"
	"sync/atomic"
	"time"

	"github.com/eclipse/paho.golang/paho"
	"github.com/eclipse/paho.golang/paho/session/state"
)

// MQTTConfig configures an MQTT v5 feed (eclipse/paho.golang).
type MQTTConfig struct {
	Name string `yaml:"name"`
	// Broker is host:port, optionally with mqtt:// or tcp://.
	Broker string `yaml:"broker"`
	// ClientID names the broker session; it must be stable across restarts
	// (QoS 1 messages published while bando is down wait in that session).
	// Default "bando-<name>".
	ClientID string `yaml:"client_id"`
	Username string `yaml:"username"`
	Password string `yaml:"password"`
	// Topic filters (+ and # allowed) for each payload kind.
	PositionTopics     []string `yaml:"position_topics"`
	ObservationTopics  []string `yaml:"observation_topics"`
	SensorThingsTopics []string `yaml:"sensorthings_topics"`
	// Datastreams maps a SensorThings datastream id to what it measures.
	Datastreams map[string]Datastream `yaml:"datastreams"`
	// SessionExpiry is how long the broker keeps the session (and the QoS 1
	// messages for it) after a disconnect; default 24h.
	SessionExpiry time.Duration `yaml:"session_expiry"`
	// Backoff is the first wait before reconnecting (doubling to 30 s); 1 s.
	Backoff time.Duration `yaml:"backoff"`
	Logger  *slog.Logger  `yaml:"-"`
}

// MQTT is the MQTT feed. It subscribes with QoS 1 and acknowledges each
// message (PUBACK) only after the Sink returned for it; when the sink
// fails it drops the connection without acknowledging, and the broker
// redelivers the unacknowledged messages when it reconnects to the same
// session. Messages that cannot be parsed are counted and acknowledged
// (redelivery would not make them better).
type MQTT struct {
	cfg   MQTTConfig
	stats struct {
		messages, positions, observations, bad, unknown, redelivered, sinkErrors, connects atomic.Uint64
	}
}

// MQTTStats are the MQTT feed's counters.
type MQTTStats struct {
	Messages     uint64 // messages received
	Positions    uint64 // Positions delivered to the sink
	Observations uint64 // Observations delivered to the sink
	Bad          uint64 // unparsable payloads, acknowledged and dropped
	Unknown      uint64 // SensorThings datastreams not in the configuration, or unmatched topics
	Redelivered  uint64 // messages the broker sent again (DUP)
	SinkErrors   uint64 // sink failures (each drops the connection)
	Connects     uint64 // successful connections
}

// NewMQTT checks cfg and returns the feed.
func NewMQTT(cfg MQTTConfig) (*MQTT, error) {
	cfg.Broker = strings.TrimPrefix(strings.TrimPrefix(cfg.Broker, "mqtt://"), "tcp://")
	if cfg.Broker == "" {
		return nil, errors.New("feeds: mqtt: broker is required")
	}
	if len(cfg.PositionTopics)+len(cfg.ObservationTopics)+len(cfg.SensorThingsTopics) == 0 {
		return nil, errors.New("feeds: mqtt: no topics")
	}
	if cfg.Name == "" {
		cfg.Name = "mqtt"
	}
	if cfg.ClientID == "" {
		cfg.ClientID = "bando-" + cfg.Name
	}
	if cfg.SessionExpiry == 0 {
		cfg.SessionExpiry = 24 * time.Hour
	}
	if cfg.Backoff == 0 {
		cfg.Backoff = time.Second
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	return &MQTT{cfg: cfg}, nil
}

// Name returns the feed's name.
func (m *MQTT) Name() string { return m.cfg.Name }

// Stats returns a snapshot of the counters.
func (m *MQTT) Stats() MQTTStats {
	s := &m.stats
	return MQTTStats{Messages: s.messages.Load(), Positions: s.positions.Load(),
		Observations: s.observations.Load(), Bad: s.bad.Load(), Unknown: s.unknown.Load(),
		Redelivered: s.redelivered.Load(), SinkErrors: s.sinkErrors.Load(), Connects: s.connects.Load()}
}

// Run connects, subscribes and delivers until ctx ends, reconnecting with
// backoff after a lost connection or a sink failure.
func (m *MQTT) Run(ctx context.Context, sink Sink) error {
	backoff := m.cfg.Backoff
	session := state.NewInMemory()
	for {
		delivered, err := m.connection(ctx, sink, session)
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if delivered {
			backoff = m.cfg.Backoff
		}
		m.cfg.Logger.Warn("feeds: mqtt: connection ended, reconnecting",
			"feed", m.cfg.Name, "broker", m.cfg.Broker, "err", err, "in", backoff)
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(backoff):
		}
		backoff = min(2*backoff, 30*time.Second)
	}
}

// connection runs one connection to its end; delivered says whether
// anything reached the sink.
func (m *MQTT) connection(ctx context.Context, sink Sink, session *state.State) (bool, error) {
	conn, err := (&net.Dialer{Timeout: 10 * time.Second}).DialContext(ctx, "tcp", m.cfg.Broker)
	if err != nil {
		return false, fmt.Errorf("feeds: mqtt: dial: %w", err)
	}
	cctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	queue := make(chan *paho.Publish, 1024)
	client := paho.NewClient(paho.ClientConfig{
		ClientID:                   m.cfg.ClientID,
		Conn:                       conn,
		Session:                    session,
		EnableManualAcknowledgment: true,
		SendAcksInterval:           10 * time.Millisecond,
		OnPublishReceived: []func(paho.PublishReceived) (bool, error){func(pr paho.PublishReceived) (bool, error) {
			select { // blocks the client's reader when the sink is slow: back-pressure
			case queue <- pr.Packet:
			case <-cctx.Done():
			}
			return true, nil
		}},
		OnClientError: func(err error) { cancel(err) },
		OnServerDisconnect: func(d *paho.Disconnect) {
			cancel(fmt.Errorf("feeds: mqtt: broker disconnected (reason %d)", d.ReasonCode))
		},
	})
	if err := m.connect(cctx, client); err != nil {
		conn.Close()
		return false, err
	}
	m.stats.connects.Add(1)
	w := &mqttWorker{feed: m, client: client, sink: sink, queue: queue}
	go func() {
		select {
		case <-client.Done():
			cancel(errors.New("feeds: mqtt: connection lost"))
		case <-cctx.Done():
		}
	}()
	err = w.run(cctx)
	if ctx.Err() != nil {
		// A clean stop: let the last acknowledgements go out first.
		time.Sleep(30 * time.Millisecond)
		client.Disconnect(&paho.Disconnect{ReasonCode: 0})
		return w.delivered, ctx.Err()
	}
	client.Disconnect(&paho.Disconnect{ReasonCode: 0x80}) // unspecified error: no acks for the rest
	conn.Close()
	return w.delivered, err
}

// connect sends CONNECT (resuming the session) and SUBSCRIBE.
func (m *MQTT) connect(ctx context.Context, client *paho.Client) error {
	expiry := uint32(m.cfg.SessionExpiry / time.Second)
	cp := &paho.Connect{
		ClientID:   m.cfg.ClientID,
		KeepAlive:  30,
		CleanStart: false,
		Properties: &paho.ConnectProperties{SessionExpiryInterval: &expiry},
	}
	if m.cfg.Username != "" {
		cp.Username, cp.UsernameFlag = m.cfg.Username, true
		cp.Password, cp.PasswordFlag = []byte(m.cfg.Password), m.cfg.Password != ""
	}
	tctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	ca, err := client.Connect(tctx, cp)
	if err != nil {
		return fmt.Errorf("feeds: mqtt: connect: %w", err)
	}
	if ca.ReasonCode != 0 {
		return fmt.Errorf("feeds: mqtt: connect refused (reason %d)", ca.ReasonCode)
	}
	var subs []paho.SubscribeOptions
	for _, list := range [][]string{m.cfg.PositionTopics, m.cfg.ObservationTopics, m.cfg.SensorThingsTopics} {
		for _, t := range list {
			subs = append(subs, paho.SubscribeOptions{Topic: t, QoS: 1})
		}
	}
	sa, err := client.Subscribe(tctx, &paho.Subscribe{Subscriptions: subs})
	if err != nil {
		return fmt.Errorf("feeds: mqtt: subscribe: %w", err)
	}
	for i, rc := range sa.Reasons {
		if rc >= 0x80 {
			return fmt.Errorf("feeds: mqtt: subscribe %q refused (reason %d)", subs[i].Topic, rc)
		}
	}
	return nil
}
