package main

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// secret is the bearer token of the benchmark's principal: restricted
// clearance, so that every layer and field is encoded, as in PostGIS.
const secret = "bench-core-secret"

// bando is a running `bando serve`.
type bando struct {
	cmd  *exec.Cmd
	base string
	gc   *gcTrace
	done chan error
}

// writeConfig writes the config with the benchmark's token.
func writeConfig(bin, dir string) (string, error) {
	hash, err := exec.Command(bin, "hash-token", secret).Output()
	if err != nil {
		return "", fmt.Errorf("hash-token: %w", err)
	}
	cfg := filepath.Join(dir, "bando.yaml")
	body := fmt.Sprintf("log_level: warn\ntokens:\n  - name: bench\n    clearance: restricted\n    write: true\n    sha256: %s\n", strings.TrimSpace(string(hash)))
	return cfg, os.WriteFile(cfg, []byte(body), 0o644)
}

// startBando runs the binary on a free port with the given tile cache size
// (MiB, -1 for none) and GODEBUG=gctrace=1, and waits for /readyz.
func startBando(bin, cfg, data string, demo bool, cacheMB int) (*bando, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	addr := ln.Addr().String()
	ln.Close()
	cmd := exec.Command(bin, "serve", "--config", cfg, "--data", data, "--addr", addr, "--demo="+strconv.FormatBool(demo))
	cmd.Env = append(os.Environ(), "GODEBUG=gctrace=1", "BANDO_TILE_CACHE_MB="+strconv.Itoa(cacheMB))
	stderr, err := cmd.StderrPipe()
	if err != nil {
		return nil, err
	}
	cmd.Stdout = io.Discard
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", bin, err)
	}
	b := &bando{cmd: cmd, base: "http://" + addr, gc: &gcTrace{}, done: make(chan error, 1)}
	go b.gc.read(stderr)
	go func() { b.done <- cmd.Wait() }()
	deadline := time.Now().Add(10 * time.Minute)
	for time.Now().Before(deadline) {
		select {
		case err := <-b.done:
			return nil, fmt.Errorf("bando exited before ready: %v\n%s", err, b.gc.tail())
		default:
		}
		if resp, err := http.Get(b.base + "/readyz"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return b, nil
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	cmd.Process.Kill()
	return nil, fmt.Errorf("bando not ready after 10 minutes")
}

// stop asks for a clean shutdown (SIGTERM) so the store closes.
func (b *bando) stop() error {
	b.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-b.done:
		return nil
	case <-time.After(60 * time.Second):
		b.cmd.Process.Kill()
		<-b.done
		return fmt.Errorf("bando did not stop in 60s")
	}
}

// cpuSeconds is the server process's user+system CPU time so far.
func (b *bando) cpuSeconds() float64 {
	raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", b.cmd.Process.Pid))
	if err != nil {
		return 0
	}
	// Fields after the command name, which is in parentheses.
	f := strings.Fields(string(raw[strings.LastIndexByte(string(raw), ')')+2:]))
	ut, _ := strconv.ParseFloat(f[11], 64)
	st, _ := strconv.ParseFloat(f[12], 64)
	return (ut + st) / 100 // USER_HZ is 100 on Linux
}

// gcTrace reads the server's stderr, sums the CPU time of the GC cycles
// reported while counting is on, and keeps the last lines for errors.
type gcTrace struct {
	mu       sync.Mutex
	counting bool
	cpuMS    float64 // assist + background + STW phases; idle workers excluded
	cycles   int
	liveMB   int // live heap after the last cycle (the third heap figure)
	last     []string
}

// gc 12 @3.456s 5%: 0.1+20+0.05 ms clock, 0.2+5/10/0.5+0.1 ms cpu, 40->42->20 MB, ...
var gcLine = regexp.MustCompile(`^gc \d+ @[\d.]+s \d+%: [\d.+]+ ms clock, ([\d.]+)\+([\d.]+)/([\d.]+)/([\d.]+)\+([\d.]+) ms cpu, (\d+)->(\d+)->(\d+) MB`)

func (g *gcTrace) read(r io.Reader) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		m := gcLine.FindStringSubmatch(line)
		g.mu.Lock()
		if m == nil {
			g.last = append(g.last, line)
			if len(g.last) > 20 {
				g.last = g.last[1:]
			}
		} else {
			g.liveMB, _ = strconv.Atoi(m[8])
			if g.counting {
				for _, i := range []int{1, 2, 3, 5} {
					v, _ := strconv.ParseFloat(m[i], 64)
					g.cpuMS += v
				}
				g.cycles++
			}
		}
		g.mu.Unlock()
	}
}

func (g *gcTrace) count(on bool) {
	g.mu.Lock()
	g.counting = on
	g.mu.Unlock()
}

func (g *gcTrace) totals() (cpuMS float64, cycles, liveMB int) {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.cpuMS, g.cycles, g.liveMB
}

func (g *gcTrace) tail() string {
	g.mu.Lock()
	defer g.mu.Unlock()
	return strings.Join(g.last, "\n")
}

// metric reads one unlabelled gauge from /metrics (-1 if absent).
func metric(base, name string) float64 {
	req, _ := http.NewRequest("GET", base+"/metrics", nil)
	req.Header.Set("Authorization", "Bearer "+secret)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return -1
	}
	defer resp.Body.Close()
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), name+" "); ok {
			f, _ := strconv.ParseFloat(strings.TrimSpace(v), 64)
			return f
		}
	}
	return -1
}
