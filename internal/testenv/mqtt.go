package testenv

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/eclipse/paho.golang/paho"
)

// MQTT returns the host:port of the MQTT broker for tests (BANDO_TEST_MQTT,
// default 127.0.0.1:1883, a Mosquitto 2 that .ci/run starts), or skips
// loudly (fails in CI) when nothing listens there.
func MQTT(t testing.TB) string {
	t.Helper()
	addr := os.Getenv("BANDO_TEST_MQTT")
	if addr == "" {
		addr = "127.0.0.1:1883"
	}
	addr = strings.TrimPrefix(strings.TrimPrefix(addr, "mqtt://"), "tcp://")
	conn, err := net.DialTimeout("tcp", addr, 3*time.Second)
	if err != nil {
		Missing(t, "an MQTT broker at "+addr+" ("+err.Error()+")")
	}
	conn.Close()
	return addr
}

// MQTTPrefix returns a topic prefix of its own for one test run
// ("bando-test/<pid>-<random>"), so that runs sharing a broker never see
// each other's messages or retained values.
func MQTTPrefix(t testing.TB) string {
	t.Helper()
	return fmt.Sprintf("bando-test/%d-%x", os.Getpid(), rand.Uint64())
}

// Subscribe returns a channel of the messages published (QoS 1) on topic
// from now on; the test's cleanup disconnects.
func Subscribe(t *testing.T, broker, topic string) <-chan *paho.Publish {
	t.Helper()
	conn, err := net.Dial("tcp", broker)
	if err != nil {
		t.Fatal(err)
	}
	got := make(chan *paho.Publish, 16)
	c := paho.NewClient(paho.ClientConfig{Conn: conn, OnPublishReceived: []func(paho.PublishReceived) (bool, error){
		func(pr paho.PublishReceived) (bool, error) { got <- pr.Packet; return true, nil }}})
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if _, err := c.Connect(ctx, &paho.Connect{ClientID: fmt.Sprintf("sub-%x", rand.Uint64()), CleanStart: true, KeepAlive: 30}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Subscribe(ctx, &paho.Subscribe{Subscriptions: []paho.SubscribeOptions{{Topic: topic, QoS: 1}}}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Disconnect(&paho.Disconnect{}) })
	return got
}
