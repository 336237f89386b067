package testenv

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// NATS returns the URL of the NATS JetStream server for tests
// (BANDO_TEST_NATS, default nats://127.0.0.1:4222, a nats-server -js that
// .ci/run starts), or skips loudly (fails in CI) when it does not answer
// or has no JetStream.
func NATS(t testing.TB) string {
	t.Helper()
	url := os.Getenv("BANDO_TEST_NATS")
	if url == "" {
		url = "nats://127.0.0.1:4222"
	}
	nc, err := nats.Connect(url, nats.Timeout(3*time.Second))
	if err != nil {
		Missing(t, "a NATS server at "+url+" ("+err.Error()+")")
	}
	defer nc.Close()
	js, err := jetstream.New(nc)
	if err == nil {
		ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
		defer cancel()
		_, err = js.AccountInfo(ctx)
	}
	if err != nil {
		Missing(t, "JetStream on the NATS server at "+url+" ("+err.Error()+")")
	}
	return url
}

// NATSPrefix returns a stream and subject prefix of its own for one test
// ("bandotest_<pid>_<random>"), so that runs sharing a server never see
// each other's messages; the test's cleanup deletes the streams made
// under it (<PREFIX>_LIVE, <PREFIX>_ALERTS).
func NATSPrefix(t testing.TB, url string) string {
	t.Helper()
	p := fmt.Sprintf("bandotest_%d_%x", os.Getpid(), rand.Uint64())
	t.Cleanup(func() {
		nc, err := nats.Connect(url)
		if err != nil {
			return
		}
		defer nc.Close()
		js, err := jetstream.New(nc)
		if err != nil {
			return
		}
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		for _, s := range []string{"_LIVE", "_ALERTS"} {
			_ = js.DeleteStream(ctx, strings.ToUpper(p)+s)
		}
	})
	return p
}
