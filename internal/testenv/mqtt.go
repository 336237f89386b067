package testenv

import (
	"fmt"
	"math/rand/v2"
	"net"
	"os"
	"strings"
	"testing"
	"time"
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
