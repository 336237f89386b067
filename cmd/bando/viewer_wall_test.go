package main

import (
	"bufio"
	"encoding/json"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestWallSurvivesRestart runs the video wall in headless Chromium
// (viewer/e2e/restart.mjs) and restarts the server under it: while the
// server is away the wall keeps its last frame and shows the reconnecting
// notice; once it is back the stream reconnects, the notice goes, and a
// scene pinned from the desk (PUT /api/wall) reaches the wall over the new
// stream.
func TestWallSurvivesRestart(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test (-short)")
	}
	node, chromium, e2e := browserTools(t)
	dir := t.TempDir()
	srv := startServer(t, dir+"/var", writeConfig(t, dir, ""))
	arts, _ := filepath.Abs("../../var/viewer")
	os.MkdirAll(arts, 0o755)

	cmd := exec.Command(node, filepath.Join(e2e, "restart.mjs"), srv.base+"/", "--out", arts, "--chromium", chromium)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { stdin.Close(); cmd.Process.Kill(); cmd.Wait() }()
	steps := bufio.NewScanner(stdout)
	next := func(want string) map[string]any {
		t.Helper()
		for steps.Scan() {
			var st map[string]any
			if json.Unmarshal(steps.Bytes(), &st) != nil {
				continue // not a step line
			}
			if st["step"] != want {
				t.Fatalf("wall: got step %v, want %s: %s\n%s", st["step"], want, steps.Text(), stderr.String())
			}
			return st
		}
		t.Fatalf("wall: no %s step (script ended)\n%s", want, stderr.String())
		return nil
	}
	send := func(line string) { io.WriteString(stdin, line+"\n") }
	colours := func(st map[string]any) float64 { c, _ := st["colours"].(float64); return c }

	loaded := next("loaded")
	if colours(loaded) < 8 {
		t.Fatalf("the wall looks blank before the restart: %v", loaded)
	}
	first, _ := loaded["scene"].(string)

	srv.kill()
	send("down")
	down := next("down")
	if down["visible"] != true || down["notice"] != true {
		t.Errorf("server away: the reconnecting notice is not shown: %v", down)
	}
	if colours(down) < 8 {
		t.Errorf("server away: the wall lost its last frame: %v", down)
	}

	srv = restartServer(t, srv)
	send("up")
	up := next("up")
	if up["notice"] != false || up["stream"] != "open" {
		t.Errorf("server back: %v", up)
	}

	// A scene other than the one shown, pinned the way the desk does.
	var wall struct {
		Scenes []struct{ ID string } `json:"scenes"`
	}
	srv.getJSON("/api/wall", "", &wall)
	pin := ""
	for _, sc := range wall.Scenes {
		if sc.ID != first {
			pin = sc.ID
			break
		}
	}
	if pin == "" {
		t.Fatalf("the demo wall has no second scene: %+v", wall)
	}
	if st, _, body := srv.do("PUT", "/api/wall", opsToken, "application/json", []byte(`{"scene":"`+pin+`","rotate":false}`)); st != 200 {
		t.Fatalf("PUT /api/wall: %d %s", st, body)
	}
	send("scene " + pin)
	scene := next("scene")
	if colours(scene) < 8 {
		t.Errorf("after the restart the wall draws nothing: %v", scene)
	}
}

// restartServer stops s and starts the same server again on the same
// address and data directory, as an operator's restart would.
func restartServer(t *testing.T, s *server) *server {
	t.Helper()
	s.kill()
	n := &server{t: t, base: s.base, data: s.data, cfg: s.cfg, log: s.log}
	n.launch(binPath)
	return n
}
