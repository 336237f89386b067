package feeds

import (
	"context"
	"errors"
	"log/slog"
	"math"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"bando/internal/testenv"

	"github.com/eclipse/paho.golang/paho"
)

// publish sends messages with QoS 1 from a client of its own.
func publish(t *testing.T, addr string, msgs map[string][]string) {
	t.Helper()
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	c := paho.NewClient(paho.ClientConfig{Conn: conn})
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if _, err := c.Connect(ctx, &paho.Connect{ClientID: "pub-" + testenv.MQTTPrefix(t)[11:], CleanStart: true, KeepAlive: 30}); err != nil {
		t.Fatalf("publisher connect: %v", err)
	}
	defer c.Disconnect(&paho.Disconnect{})
	for topic, payloads := range msgs {
		for _, p := range payloads {
			if _, err := c.Publish(ctx, &paho.Publish{Topic: topic, QoS: 1, Payload: []byte(p)}); err != nil {
				t.Fatalf("publish %s: %v", topic, err)
			}
		}
	}
}

// waitFor polls cond (the feed works in other goroutines) for up to 20 s.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func startMQTT(t *testing.T, cfg MQTTConfig, sink Sink) (*MQTT, func()) {
	t.Helper()
	cfg.Logger = slog.New(slog.DiscardHandler)
	cfg.SessionExpiry = time.Minute // test sessions do not outstay the test on the broker
	m, err := NewMQTT(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- m.Run(ctx, sink) }()
	waitFor(t, "the connection", func() bool { return m.Stats().Connects > 0 })
	time.Sleep(50 * time.Millisecond) // SUBACK is in before Connects counts; a margin for the broker
	return m, func() {
		cancel()
		if err := <-done; !errors.Is(err, context.Canceled) {
			t.Errorf("Run returned %v", err)
		}
	}
}

func TestMQTTFeed(t *testing.T) {
	addr := testenv.MQTT(t)
	pre := testenv.MQTTPrefix(t)
	sink := &memSink{}
	m, stop := startMQTT(t, MQTTConfig{
		Broker: "mqtt://" + addr, ClientID: strings.ReplaceAll(pre, "/", "-") + "-feed",
		PositionTopics:     []string{pre + "/vessels/+"},
		ObservationTopics:  []string{pre + "/obs"},
		SensorThingsTopics: []string{pre + "/v1.1/#"},
		Datastreams:        map[string]Datastream{"42": {Sensor: "wl-7", Quantity: "water_level", Unit: "m"}},
	}, sink)
	defer stop()
	publish(t, addr, map[string][]string{
		pre + "/vessels/a": {`{"id":"BV-1","t":"2025-07-01T01:00:00Z","lon":107.1,"lat":10.2,"sog":5.5,"cog":90,"source":"vms"}`,
			`{"id":"BV-2","t":"2025-07-01T01:00:00+07:00","lon":107,"lat":10}` + "\n" + `{"id":"BV-3","t":"2025-07-01T01:00:00Z","lon":1,"lat":2}`,
			`{"id":"BV-4","lon":1,"lat":2}`}, // no time: bad
		pre + "/obs": {`{"sensor":"aq-1","quantity":"pm25","t":"2025-07-01T01:00:00Z","value":35.5,"unit":"µg/m³"}`},
		pre + "/v1.1/Datastreams(42)/Observations": {`{"phenomenonTime":"2025-07-01T00:00:00Z/2025-07-01T01:00:00Z","result":1.25}`},
		pre + "/v1.1/Datastreams(9)/Observations":  {`{"phenomenonTime":"2025-07-01T01:00:00Z","result":3}`},
	})
	waitFor(t, "every message", func() bool { return m.Stats().Messages == 6 })
	sink.mu.Lock()
	defer sink.mu.Unlock()
	if len(sink.ps) != 3 || len(sink.os) != 2 {
		t.Fatalf("%d positions, %d observations; stats %+v", len(sink.ps), len(sink.os), m.Stats())
	}
	byID := map[string]Position{}
	for _, p := range sink.ps {
		byID[p.ID] = p
	}
	p1 := byID["BV-1"]
	if p1.Lon != 107.1 || p1.Lat != 10.2 || p1.SOG != 5.5 || p1.COG != 90 || p1.Source != "vms" ||
		!p1.T.Equal(time.Date(2025, 7, 1, 1, 0, 0, 0, time.UTC)) || p1.Arrived.IsZero() {
		t.Errorf("BV-1 %+v", p1)
	}
	if p2 := byID["BV-2"]; !math.IsNaN(p2.SOG) || p2.Source != "gps" || p2.T.Hour() != 18 {
		t.Errorf("BV-2 %+v", p2)
	}
	var sta Observation
	for _, o := range sink.os {
		if o.Source == "sensorthings" {
			sta = o
		}
	}
	if sta.Sensor != "wl-7" || sta.Quantity != "water_level" || sta.Unit != "m" || sta.Value != 1.25 ||
		!sta.T.Equal(time.Date(2025, 7, 1, 1, 0, 0, 0, time.UTC)) {
		t.Errorf("SensorThings observation %+v", sta)
	}
	if st := m.Stats(); st.Bad != 1 || st.Unknown != 1 {
		t.Errorf("stats %+v, want 1 bad and 1 unknown datastream", st)
	}
}

// flakySink fails the first fails calls to Positions, then stores.
type flakySink struct {
	memSink
	fails atomic.Int32
	calls atomic.Int32
}

func (s *flakySink) Positions(ctx context.Context, ps []Position) error {
	s.calls.Add(1)
	if s.fails.Add(-1) >= 0 {
		return errors.New("disk full")
	}
	return s.memSink.Positions(ctx, ps)
}

// TestMQTTAckAfterSink: a message the sink failed on is not acknowledged,
// so the broker redelivers it after the reconnect; a message the sink took
// is acknowledged, so a later session does not get it again.
func TestMQTTAckAfterSink(t *testing.T) {
	addr := testenv.MQTT(t)
	pre := testenv.MQTTPrefix(t)
	cfg := MQTTConfig{Broker: addr, ClientID: strings.ReplaceAll(pre, "/", "-") + "-ack",
		PositionTopics: []string{pre + "/p"}, Backoff: 50 * time.Millisecond}
	sink := &flakySink{}
	sink.fails.Store(2)
	m, stop := startMQTT(t, cfg, sink)
	publish(t, addr, map[string][]string{pre + "/p": {`{"id":"A","t":"2025-07-01T01:00:00Z","lon":1,"lat":2}`}})
	waitFor(t, "the redelivered position", func() bool {
		sink.mu.Lock()
		defer sink.mu.Unlock()
		return len(sink.ps) == 1
	})
	st := m.Stats()
	if sink.calls.Load() != 3 || st.SinkErrors != 2 || st.Connects != 3 || st.Redelivered < 2 {
		t.Errorf("sink calls %d, stats %+v: want 3 calls, 2 sink errors, 3 connections, ≥ 2 redeliveries",
			sink.calls.Load(), st)
	}
	stop()

	// The same session again: only the new message comes, A was acknowledged.
	sink2 := &memSink{}
	m2, stop2 := startMQTT(t, cfg, sink2)
	defer stop2()
	publish(t, addr, map[string][]string{pre + "/p": {`{"id":"B","t":"2025-07-01T01:00:00Z","lon":1,"lat":2}`}})
	waitFor(t, "B", func() bool {
		sink2.mu.Lock()
		defer sink2.mu.Unlock()
		return len(sink2.ps) >= 1
	})
	time.Sleep(200 * time.Millisecond) // a redelivered A would come first; give it room anyway
	sink2.mu.Lock()
	defer sink2.mu.Unlock()
	if len(sink2.ps) != 1 || sink2.ps[0].ID != "B" || m2.Stats().Redelivered != 0 {
		t.Errorf("second session got %+v (stats %+v), want only B", sink2.ps, m2.Stats())
	}
}

func TestMatchTopic(t *testing.T) {
	cases := []struct {
		filter, topic string
		want          bool
	}{
		{"a/b", "a/b", true}, {"a/+", "a/b", true}, {"a/+", "a/b/c", false}, {"a/#", "a/b/c", true},
		{"a/#", "a", true}, {"#", "x/y", true}, {"+/b", "a/b", true}, {"a/b", "a/c", false},
		{"$share/g/a/+", "a/b", true}, {"a/+/c", "a/b", false},
	}
	for _, c := range cases {
		if got := matchTopic(c.filter, c.topic); got != c.want {
			t.Errorf("matchTopic(%q, %q) = %v", c.filter, c.topic, got)
		}
	}
}

// FuzzMQTTPayload: the three payload parsers never panic, and what they
// accept is well-formed.
func FuzzMQTTPayload(f *testing.F) {
	f.Add([]byte(`{"id":"BV-1","t":"2025-07-01T01:00:00Z","lon":107.1,"lat":10.2,"sog":5.5,"cog":90,"source":"vms"}`))
	f.Add([]byte(`{"sensor":"aq-1","quantity":"pm25","t":"2025-07-01T01:00:00Z","value":35.5,"unit":"µg/m³"}` + "\n{}"))
	f.Add([]byte(`{"phenomenonTime":"2025-07-01T00:00:00Z/2025-07-01T01:00:00Z","result":"1.25"}`))
	f.Add([]byte(`{"resultTime":"2025-07-01T00:00:00Z","result":true}`))
	now := time.Now()
	f.Fuzz(func(t *testing.T, payload []byte) {
		if ps, err := parsePositions(payload, now); err == nil {
			for _, p := range ps {
				if p.ID == "" || p.T.IsZero() || !(p.Lon >= -180 && p.Lon <= 180 && p.Lat >= -90 && p.Lat <= 90) ||
					p.SOG < 0 || p.COG < 0 || p.COG >= 360 {
					t.Fatalf("accepted %+v", p)
				}
			}
		}
		if os, err := parseObservations(payload, now); err == nil {
			for _, o := range os {
				if o.Sensor == "" || o.Quantity == "" || o.T.IsZero() {
					t.Fatalf("accepted %+v", o)
				}
			}
		}
		if o, err := parseSensorThings(payload, Datastream{Sensor: "s", Quantity: "q"}, now); err == nil {
			if o.T.IsZero() || math.IsNaN(o.Value) || math.IsInf(o.Value, 0) {
				t.Fatalf("accepted %+v", o)
			}
		}
		staID(string(payload))
	})
}

// countSink counts positions.
type countSink struct {
	discard
	n atomic.Int64
}

func (s *countSink) Positions(_ context.Context, ps []Position) error {
	s.n.Add(int64(len(ps)))
	return nil
}

// BenchmarkMQTTPositions: QoS 1 positions per second through Mosquitto,
// from publish to acknowledged delivery to the sink (the publisher waits
// for each PUBACK, so this is the publisher's rate with the feed keeping up).
func BenchmarkMQTTPositions(b *testing.B) {
	addr := testenv.MQTT(b)
	pre := testenv.MQTTPrefix(b)
	sink := &countSink{}
	m, err := NewMQTT(MQTTConfig{Broker: addr, ClientID: strings.ReplaceAll(pre, "/", "-"),
		PositionTopics: []string{pre + "/p"}, SessionExpiry: time.Minute, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		b.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go m.Run(ctx, sink)
	for m.Stats().Connects == 0 {
		time.Sleep(10 * time.Millisecond)
	}
	time.Sleep(50 * time.Millisecond)
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		b.Fatal(err)
	}
	pub := paho.NewClient(paho.ClientConfig{Conn: conn})
	if _, err := pub.Connect(ctx, &paho.Connect{ClientID: strings.ReplaceAll(pre, "/", "-") + "-pub", CleanStart: true, KeepAlive: 30}); err != nil {
		b.Fatal(err)
	}
	defer pub.Disconnect(&paho.Disconnect{})
	payload := []byte(`{"id":"BV-1","t":"2025-07-01T01:00:00Z","lon":107.1,"lat":10.2,"sog":5.5,"cog":90}`)
	const n = 2000
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		var wg sync.WaitGroup
		for j := 0; j < n; j++ {
			wg.Add(1)
			go func() { // up to the broker's receive maximum in flight
				defer wg.Done()
				if _, err := pub.Publish(ctx, &paho.Publish{Topic: pre + "/p", QoS: 1, Payload: payload}); err != nil {
					b.Error(err)
				}
			}()
		}
		wg.Wait()
		for sink.n.Load() < int64((i+1)*n) {
			time.Sleep(time.Millisecond)
		}
	}
	b.ReportMetric(float64(b.N*n)/b.Elapsed().Seconds(), "positions/s")
}
