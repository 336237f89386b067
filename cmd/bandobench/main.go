// Command bandobench runs the bulk benchmark against the built binary: it
// generates N synthetic parcels, ingests them over HTTP into a fresh data
// directory (durable store and index), restarts the server and measures the
// time until ready and the resident memory, then prints a table.
package main

import (
	"bufio"
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

const secret = "bench-secret"

func main() {
	bin := flag.String("bin", "bin/bando", "bando binary")
	n := flag.Int("n", 1000000, "parcels")
	chunk := flag.Int("chunk", 20000, "features per request")
	conc := flag.Int("c", 2, "concurrent ingest requests")
	flag.Parse()
	if err := run(*bin, *n, *chunk, *conc); err != nil {
		fmt.Fprintln(os.Stderr, "bandobench:", err)
		os.Exit(1)
	}
}

func run(bin string, n, chunk, conc int) error {
	dir, err := os.MkdirTemp("", "bandobench")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	parcels := filepath.Join(dir, "parcels.ndjson")
	t0 := time.Now()
	if out, err := exec.Command(bin, "gen", "--n", strconv.Itoa(n), "--seed", "1", "--out", parcels).CombinedOutput(); err != nil {
		return fmt.Errorf("gen: %v: %s", err, out)
	}
	genTime := time.Since(t0)
	hash, _ := exec.Command(bin, "hash-token", secret).Output()
	cfg := filepath.Join(dir, "bando.yaml")
	os.WriteFile(cfg, []byte(fmt.Sprintf("tokens:\n  - name: bench\n    clearance: restricted\n    write: true\n    sha256: %s\n", bytes.TrimSpace(hash))), 0o644)
	data := filepath.Join(dir, "var")

	srv, base, err := start(bin, cfg, data)
	if err != nil {
		return err
	}
	t1 := time.Now()
	if err := ingest(base, parcels, chunk, conc); err != nil {
		srv.Process.Kill()
		return err
	}
	ingestTime := time.Since(t1)
	count := itemsMatched(base)
	srv.Process.Signal(syscall.SIGKILL) // a crash, not a clean stop
	srv.Wait()

	t2 := time.Now()
	srv, base, err = start(bin, cfg, data)
	if err != nil {
		return err
	}
	restart := time.Since(t2)
	time.Sleep(500 * time.Millisecond)
	rss := rssMiB(srv.Process.Pid)
	after := itemsMatched(base)
	srv.Process.Signal(syscall.SIGTERM)
	srv.Wait()

	rate := float64(n) / ingestTime.Seconds()
	fmt.Printf("\n%-34s %14s %12s %8s\n", "measure", "value", "target", "ok")
	row := func(name, v, target string, ok bool) { fmt.Printf("%-34s %14s %12s %8v\n", name, v, target, ok) }
	row("generate parcels (bando gen)", genTime.Round(time.Millisecond).String(), "-", true)
	row("bulk ingest HTTP → store+index", fmt.Sprintf("%.0f feat/s", rate), "≥ 50000/s", rate >= 50000)
	row("features after ingest", strconv.Itoa(count), strconv.Itoa(n), count == n)
	row("restart until /readyz (kill -9)", restart.Round(time.Millisecond).String(), "≤ 15s", restart <= 15*time.Second)
	row("features after restart", strconv.Itoa(after), strconv.Itoa(n), after == n)
	row("resident memory after restart", fmt.Sprintf("%d MiB", rss), "≤ 2048 MiB", rss <= 2048)
	return nil
}

func start(bin, cfg, data string) (*exec.Cmd, string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, "", err
	}
	addr := ln.Addr().String()
	ln.Close()
	cmd := exec.Command(bin, "serve", "--config", cfg, "--data", data, "--addr", addr, "--demo=false")
	cmd.Stderr = io.Discard
	cmd.Stdout = io.Discard
	if err := cmd.Start(); err != nil {
		return nil, "", err
	}
	base := "http://" + addr
	deadline := time.Now().Add(120 * time.Second)
	for time.Now().Before(deadline) {
		resp, err := http.Get(base + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return cmd, base, nil
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	cmd.Process.Kill()
	return nil, "", fmt.Errorf("server not ready after 120s")
}

func ingest(base, path string, chunk, conc int) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	bodies := make(chan []byte, conc)
	errs := make(chan error, conc)
	var wg sync.WaitGroup
	for range conc {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for b := range bodies {
				if err := post(base, b); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	var buf bytes.Buffer
	lines := 0
	for sc.Scan() {
		buf.Write(sc.Bytes())
		buf.WriteByte('\n')
		if lines++; lines == chunk {
			bodies <- bytes.Clone(buf.Bytes())
			buf.Reset()
			lines = 0
		}
	}
	if lines > 0 {
		bodies <- bytes.Clone(buf.Bytes())
	}
	close(bodies)
	wg.Wait()
	select {
	case err := <-errs:
		return err
	default:
	}
	return sc.Err()
}

func post(base string, body []byte) error {
	req, _ := http.NewRequestWithContext(context.Background(), "POST", base+"/collections/parcels/items", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/x-ndjson")
	req.Header.Set("Authorization", "Bearer "+secret)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 201 {
		return fmt.Errorf("ingest: %s: %.300s", resp.Status, b)
	}
	return nil
}

func itemsMatched(base string) int {
	req, _ := http.NewRequest("GET", base+"/collections/parcels/items?limit=1", nil)
	req.Header.Set("Authorization", "Bearer "+secret)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return -1
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	i := bytes.Index(b, []byte(`"numberMatched":`))
	if i < 0 {
		return -1
	}
	rest := b[i+len(`"numberMatched":`):]
	j := bytes.IndexAny(rest, ",}")
	v, _ := strconv.Atoi(string(rest[:j]))
	return v
}

func rssMiB(pid int) int {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return -1
	}
	for _, line := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(line, "VmRSS:") {
			kb, _ := strconv.Atoi(strings.Fields(line)[1])
			return kb / 1024
		}
	}
	return -1
}
