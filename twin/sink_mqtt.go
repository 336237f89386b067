package twin

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"sync"
	"time"

	"github.com/eclipse/paho.golang/paho"
)

// MQTTSink publishes alert changes to an MQTT v5 topic with QoS 1
// (eclipse/paho.golang, the library the MQTT feed uses). A delivery counts
// only once the broker's PUBACK is in; the idempotency key travels as the
// user property "idempotency-key" (and as the correlation data), so a
// subscriber can drop the duplicates an at-least-once outbox may send.
type MQTTSink struct {
	// Broker is host:port, optionally with mqtt:// or tcp://.
	Broker string
	// Topic the alerts go to; default "bando/alerts".
	Topic string
	// ClientID of the publishing session; default "bando-alerts".
	ClientID           string
	Username, Password string

	mu     sync.Mutex
	client *paho.Client
	conn   net.Conn
	lost   context.Context // done when the connection failed
	fail   context.CancelFunc
}

// Name implements SinkTarget.
func (m *MQTTSink) Name() string { return "mqtt" }

// Deliver implements SinkTarget: it connects when there is no connection,
// publishes with QoS 1 and waits for the PUBACK. On any failure it drops
// the connection, so the outbox's retry starts on a fresh one.
func (m *MQTTSink) Deliver(ctx context.Context, key string, body []byte) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.client == nil {
		if err := m.connect(ctx); err != nil {
			return err
		}
	}
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	// A broken connection ends the wait for the PUBACK at once.
	defer context.AfterFunc(m.lost, cancel)()
	resp, err := m.client.Publish(ctx, &paho.Publish{
		Topic:   m.topic(),
		QoS:     1,
		Payload: body,
		Properties: &paho.PublishProperties{
			ContentType:     "application/json",
			CorrelationData: []byte(key),
			User:            paho.UserProperties{{Key: "idempotency-key", Value: key}},
		},
	})
	if err == nil && resp != nil && resp.ReasonCode >= 0x80 {
		err = fmt.Errorf("broker refused the publish (reason %d %s)", resp.ReasonCode, resp.Properties.ReasonString)
	}
	if err != nil {
		m.dropLocked()
		return fmt.Errorf("twin: mqtt sink %s: %w", m.Broker, err)
	}
	return nil
}

func (m *MQTTSink) topic() string {
	if m.Topic == "" {
		return "bando/alerts"
	}
	return m.Topic
}

func (m *MQTTSink) connect(ctx context.Context) error {
	broker := strings.TrimPrefix(strings.TrimPrefix(m.Broker, "mqtt://"), "tcp://")
	if broker == "" {
		return errors.New("twin: mqtt sink: broker is required")
	}
	conn, err := (&net.Dialer{Timeout: 10 * time.Second}).DialContext(ctx, "tcp", broker)
	if err != nil {
		return fmt.Errorf("twin: mqtt sink: dial %s: %w", broker, err)
	}
	id := m.ClientID
	if id == "" {
		id = "bando-alerts"
	}
	lost, fail := context.WithCancel(context.Background())
	c := paho.NewClient(paho.ClientConfig{ClientID: id, Conn: conn,
		OnClientError:      func(error) { fail() },
		OnServerDisconnect: func(*paho.Disconnect) { fail() }})
	cp := &paho.Connect{ClientID: id, KeepAlive: 30, CleanStart: true}
	if m.Username != "" {
		cp.Username, cp.UsernameFlag = m.Username, true
		cp.Password, cp.PasswordFlag = []byte(m.Password), m.Password != ""
	}
	cctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	ack, err := c.Connect(cctx, cp)
	if err == nil && ack.ReasonCode != 0 {
		err = fmt.Errorf("broker refused the connection (reason %d)", ack.ReasonCode)
	}
	if err != nil {
		fail()
		conn.Close()
		return fmt.Errorf("twin: mqtt sink: connect %s: %w", broker, err)
	}
	m.client, m.conn, m.lost, m.fail = c, conn, lost, fail
	return nil
}

// dropLocked closes the connection; m.mu is held.
func (m *MQTTSink) dropLocked() {
	if m.client == nil {
		return
	}
	_ = m.client.Disconnect(&paho.Disconnect{})
	m.conn.Close()
	m.fail()
	m.client, m.conn, m.lost, m.fail = nil, nil, nil, nil
}

// Close ends the sink's connection.
func (m *MQTTSink) Close() {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.dropLocked()
}
