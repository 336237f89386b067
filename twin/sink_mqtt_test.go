package twin

import (
	"context"
	"net"
	"testing"
	"time"

	"bando/internal/testenv"
)

func TestMQTTSinkDeliversAndReconnects(t *testing.T) {
	broker := testenv.MQTT(t)
	topic := testenv.MQTTPrefix(t) + "/alerts"
	got := testenv.Subscribe(t, broker, topic)
	px := testenv.StartProxy(t, "127.0.0.1:0", broker)
	addr := px.Addr()
	sink := &MQTTSink{Broker: "mqtt://" + addr, Topic: topic, ClientID: "sink-" + topic[len(topic)-19:len(topic)-7]}
	defer sink.Close()
	ctx := context.Background()

	expect := func(key, body string) {
		t.Helper()
		select {
		case m := <-got:
			if string(m.Payload) != body || m.Properties.User.Get("idempotency-key") != key || string(m.Properties.CorrelationData) != key {
				t.Fatalf("got %q key %q, want %q key %q", m.Payload, m.Properties.User.Get("idempotency-key"), body, key)
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("no message for %s", key)
		}
	}
	if err := sink.Deliver(ctx, "a1:1", []byte(`{"id":"a1"}`)); err != nil {
		t.Fatal(err)
	}
	expect("a1:1", `{"id":"a1"}`)

	px.Cut() // the broker goes away: a delivery must fail, not vanish
	if err := sink.Deliver(ctx, "a2:1", []byte(`{"id":"a2"}`)); err == nil {
		t.Fatal("delivery with the broker gone reported success")
	}
	testenv.StartProxy(t, addr, broker)
	if err := sink.Deliver(ctx, "a2:1", []byte(`{"id":"a2"}`)); err != nil {
		t.Fatalf("delivery after the broker came back: %v", err)
	}
	expect("a2:1", `{"id":"a2"}`)
}

func TestMQTTSinkNoBroker(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close() // nothing listens there now
	sink := &MQTTSink{Broker: addr}
	if err := sink.Deliver(context.Background(), "k", []byte("{}")); err == nil {
		t.Fatal("delivery to a closed port reported success")
	}
	if err := (&MQTTSink{}).Deliver(context.Background(), "k", nil); err == nil {
		t.Fatal("a sink without a broker delivered")
	}
}
