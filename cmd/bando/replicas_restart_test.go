package main

import (
	"fmt"
	"net"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"bando/internal/testenv"
)

// natsServer is a private nats-server -js of one test: the shared one on
// 4222 must not be restarted under the other tests.
type natsServer struct {
	t        *testing.T
	bin, dir string
	port     int
	cmd      *exec.Cmd
}

func startNATSServer(t *testing.T) *natsServer {
	t.Helper()
	bin, err := exec.LookPath("nats-server")
	if err != nil {
		testenv.Missing(t, "the nats-server binary (to restart a broker of its own)")
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	n := &natsServer{t: t, bin: bin, dir: t.TempDir(), port: port}
	n.start()
	t.Cleanup(n.kill)
	return n
}

func (n *natsServer) url() string { return fmt.Sprintf("nats://127.0.0.1:%d", n.port) }

func (n *natsServer) start() {
	n.t.Helper()
	n.cmd = exec.Command(n.bin, "-js", "-a", "127.0.0.1", "-p", fmt.Sprint(n.port), "-sd", n.dir)
	if err := n.cmd.Start(); err != nil {
		n.t.Fatal(err)
	}
	for range 100 {
		if c, err := net.Dial("tcp", fmt.Sprintf("127.0.0.1:%d", n.port)); err == nil {
			c.Close()
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	n.t.Fatal("nats-server did not start")
}

func (n *natsServer) kill() {
	if n.cmd != nil && n.cmd.ProcessState == nil {
		n.cmd.Process.Kill()
		n.cmd.Wait()
	}
}

// TestReplicasSurviveNATSRestart streams positions at a replica while its
// broker is killed and started again: meanwhile writes answer 503 with
// Retry-After and /readyz says NATS is down; afterwards writes are taken
// again and both replicas hold every fix that was acknowledged.
func TestReplicasSurviveNATSRestart(t *testing.T) {
	ns := startNATSServer(t)
	var rs [2]*server
	for i, name := range []string{"a", "b"} {
		dir := t.TempDir()
		cfg := writeConfig(t, dir, "nats:\n  replica: "+name+"\n")
		rs[i] = startServer(t, dir+"/var", cfg, "--demo=false", "--nats", ns.url())
	}
	a, b := rs[0], rs[1]
	t0 := time.Now().UTC().Add(-time.Hour).Truncate(time.Second)
	var mu sync.Mutex
	var acked []time.Time
	refused, noRetryAfter := 0, 0
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			at := t0.Add(time.Duration(i) * time.Second)
			st, h, _ := a.do("POST", "/api/twin/positions", opsToken, "", []byte(positionLine("r1", at, 107.5+0.0001*float64(i))))
			mu.Lock()
			switch st {
			case 200:
				acked = append(acked, at)
			case 503:
				refused++
				if h.Get("Retry-After") == "" {
					noRetryAfter++
				}
			}
			mu.Unlock()
			if st != 200 {
				time.Sleep(50 * time.Millisecond)
			}
		}
	}()
	time.Sleep(500 * time.Millisecond)
	ns.kill()
	within(t, 5*time.Second, "/readyz reports NATS down", func() bool {
		st, body := a.get("/readyz", "")
		return st == 503 && strings.Contains(string(body), "nats")
	})
	within(t, 10*time.Second, "writes refused while NATS is down", func() bool { mu.Lock(); defer mu.Unlock(); return refused > 0 })
	ns.start()
	mu.Lock()
	before := len(acked)
	mu.Unlock()
	within(t, 15*time.Second, "writes taken again after NATS is back", func() bool {
		mu.Lock()
		defer mu.Unlock()
		return len(acked) > before+5
	})
	close(stop)
	<-done
	mu.Lock()
	defer mu.Unlock()
	if noRetryAfter > 0 {
		t.Fatalf("%d of %d refused writes had no Retry-After", noRetryAfter, refused)
	}
	for name, s := range map[string]*server{"A": a, "B": b} {
		within(t, 5*time.Second, name+" holds every acknowledged fix", func() bool {
			var fc struct {
				Features []struct{ Properties struct{ T string } }
			}
			s.getJSON("/api/twin/objects/r1/track?f=points", opsToken, &fc)
			have := map[string]bool{}
			for _, f := range fc.Features {
				have[f.Properties.T] = true
			}
			for _, at := range acked {
				if !have[at.Format(time.RFC3339)] {
					return false
				}
			}
			return true
		})
	}
	if st, _ := a.get("/readyz", ""); st != 200 {
		t.Fatalf("/readyz after NATS came back: %d", st)
	}
	t.Logf("%d fixes acknowledged across the restart, %d refused with 503 while NATS was down", len(acked), refused)
}
