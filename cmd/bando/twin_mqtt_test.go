package main

import (
	"encoding/json"
	"fmt"
	"net"
	"testing"
	"time"

	"bando/internal/testenv"
	"bando/twin"
)

// TestMQTTSinkOutageSurvivesKill raises alerts while the MQTT sink's broker
// is unreachable, kills the server with SIGKILL, brings the broker back and
// restarts: the outbox must publish every alert change it owed, each with
// its idempotency key.
func TestMQTTSinkOutageSurvivesKill(t *testing.T) {
	broker := testenv.MQTT(t)
	topic := testenv.MQTTPrefix(t) + "/alerts"
	got := testenv.Subscribe(t, broker, topic)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close() // the sink's broker is down: nothing listens at addr yet

	dir := t.TempDir()
	cfg := writeConfig(t, dir, fmt.Sprintf("twin:\n  mqtt:\n    broker: mqtt://%s\n    topic: %s\n    client_id: sink-%d\n  max_ahead_seconds: -1\n",
		addr, topic, time.Now().UnixNano()))
	data := dir + "/var"
	srv := startServer(t, data, cfg, "--demo=false")
	t0 := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	for i, v := range []float64{190, 10, 195} { // open, resolve, open again
		obs := fmt.Sprintf(`{"sensor":"mq-s","quantity":"pm25","t":%q,"value":%g}`, t0.Add(time.Duration(i)*time.Minute).Format(time.RFC3339), v)
		if st, _, b := srv.do("POST", "/api/twin/observations", opsToken, "", []byte(obs)); st != 200 {
			t.Fatalf("observation: %d %s", st, b)
		}
	}
	var all struct{ Alerts []twin.Alert }
	srv.getJSON("/api/alerts?object=mq-s", opsToken, &all)
	if len(all.Alerts) < 2 {
		t.Fatalf("want the two threshold alerts, got %d", len(all.Alerts))
	}
	srv.cmd.Process.Kill()
	srv.cmd.Wait()

	testenv.StartProxy(t, addr, broker) // the broker is back
	startServer(t, data, cfg, "--demo=false")
	want := map[string]bool{}
	for _, a := range all.Alerts {
		want[fmt.Sprintf("%s:%d", a.ID, a.Version)] = true
	}
	deadline := time.After(60 * time.Second)
	for len(want) > 0 {
		select {
		case m := <-got:
			key := m.Properties.User.Get("idempotency-key")
			var body map[string]any
			if err := json.Unmarshal(m.Payload, &body); err != nil || key == "" {
				t.Fatalf("message %q key %q: %v", m.Payload, key, err)
			}
			delete(want, key)
		case <-deadline:
			t.Fatalf("the outbox never published %v", want)
		}
	}
}
