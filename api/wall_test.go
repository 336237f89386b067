package api

import (
	"bufio"
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"
)

var testScenes = WallConfig{RotateSeconds: 30, Scenes: []WallScene{
	{ID: "sea", Title: map[string]string{"vi": "Biển"}, Center: [2]float64{107, 10}, Zoom: 8, Layers: []string{"sensors", "vessels"}},
	{ID: "city", Center: [2]float64{106.7, 10.8}, Zoom: 14, Pitch: 50, Layers: []string{"sensors"}},
}}

func TestWallStateAndAccess(t *testing.T) {
	e := newTwinServer(t, t.TempDir())
	defer e.st.Close()
	e.s.cfg.Wall = testScenes
	get := func(token string) wallAnswer {
		t.Helper()
		r := call(e.s, "GET", "/api/wall", token, "", "")
		var a wallAnswer
		if r.Status != 200 || json.Unmarshal(r.Body, &a) != nil {
			t.Fatalf("GET /api/wall: %d %s", r.Status, r.Body)
		}
		return a
	}
	a := get("")
	if !a.Rotate || a.Scene != "" || a.RotateSeconds != 30 || len(a.Scenes) != 2 {
		t.Errorf("initial state %+v", a)
	}
	// The public never learns an internal layer's id from a scene.
	if got := strings.Join(a.Scenes[0].Layers, ","); got != "sensors" {
		t.Errorf("anonymous scene layers %q, want sensors", got)
	}
	if got := strings.Join(get("look").Scenes[0].Layers, ","); got != "sensors,vessels" {
		t.Errorf("internal scene layers %q", got)
	}
	for _, c := range []struct {
		token, body string
		status      int
	}{
		{"", `{"scene":"sea"}`, 401},
		{"look", `{"scene":"sea"}`, 403},
		{"s3cret", `{"scene":"nowhere"}`, 400},
		{"s3cret", `nope`, 400},
		{"s3cret", `{"scene":"city"}`, 200},
	} {
		if r := call(e.s, "PUT", "/api/wall", c.token, "application/json", c.body); r.Status != c.status {
			t.Errorf("PUT %s with %q: %d, want %d: %s", c.body, c.token, r.Status, c.status, r.Body)
		}
	}
	if a := get(""); a.Scene != "city" || a.Rotate || a.Version != 1 {
		t.Errorf("after PUT city: %+v", a)
	}
	if r := call(e.s, "DELETE", "/api/wall", "s3cret", "", ""); r.Status != 405 {
		t.Errorf("DELETE: %d", r.Status)
	}
}

// A scene set at the desk reaches a wall listening anonymously.
func TestWallPushedOnStream(t *testing.T) {
	e := newTwinServer(t, t.TempDir())
	defer e.st.Close()
	e.s.cfg.Wall = testScenes
	resp := e.s.Handle(context.Background(), NewRequest("GET", "/api/stream?topics=wall", nil))
	if resp.Stream == nil {
		t.Fatalf("no stream: %d %s", resp.Status, resp.Body)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	sink := &sseSink{want: `"scene":"sea"`, cancel: cancel}
	done := make(chan struct{})
	go func() { resp.Stream(ctx, bufio.NewWriterSize(sink, 64)); close(done) }()
	time.Sleep(50 * time.Millisecond) // let the stream subscribe
	call(e.s, "PUT", "/api/wall", "s3cret", "application/json", `{"scene":"sea"}`)
	<-done
	sink.mu.Lock()
	got := sink.b.String()
	sink.mu.Unlock()
	if !strings.Contains(got, "event: wall") || !strings.Contains(got, `"scene":"sea"`) || strings.Contains(got, "vessels") {
		t.Errorf("wall stream:\n%s", got)
	}
}

func TestWallConfigCheck(t *testing.T) {
	for _, c := range []struct {
		name string
		cfg  WallConfig
		ok   bool
	}{
		{"good", testScenes, true},
		{"no id", WallConfig{Scenes: []WallScene{{Zoom: 3}}}, false},
		{"twice", WallConfig{Scenes: []WallScene{{ID: "a"}, {ID: "a"}}}, false},
		{"pitch", WallConfig{Scenes: []WallScene{{ID: "a", Pitch: 90}}}, false},
		{"center", WallConfig{Scenes: []WallScene{{ID: "a", Center: [2]float64{200, 0}}}}, false},
		{"rotate", WallConfig{RotateSeconds: -1}, false},
	} {
		if err := c.cfg.Check(); (err == nil) != c.ok {
			t.Errorf("%s: Check() = %v", c.name, err)
		}
	}
}
