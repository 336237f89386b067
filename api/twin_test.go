package api

import (
	"bufio"
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"bando/layers"
	"bando/spatial"
	"bando/store"
	"bando/twin"

	"github.com/paulmach/orb"
)

const twinCatalog = `layers:
  - id: vessels
    title: {vi: Tàu cá, en: Fishing vessels}
    kind: vessel
    geometry: Point
    access: internal
    zoom: {min: 0, max: 18}
    attribution: test
    fields:
      - {name: sog, type: float}
      - {name: t, type: time}
  - id: sensors
    title: {vi: Cảm biến, en: Sensors}
    kind: sensor
    geometry: Point
    access: public
    zoom: {min: 0, max: 18}
    attribution: test
`

type twinEnv struct {
	s   *Server
	st  *store.Pebble
	dir string
	cat *layers.Catalog
	hub *twin.Hub
}

func newTwinServer(t *testing.T, dir string) *twinEnv {
	t.Helper()
	cat, err := layers.Parse([]byte(twinCatalog))
	if err != nil {
		t.Fatal(err)
	}
	st, err := store.OpenPebble(dir, &store.Feed{})
	if err != nil {
		t.Fatal(err)
	}
	idx := spatial.NewIndex()
	pt := orb.Point{105.8, 21.0}
	idx.Put("sensors", 1, []*spatial.Feature{{ID: "hn-1", Geom: pt, Bound: pt.Bound()}})
	hub := twin.NewHub()
	tw, err := twin.New(context.Background(), twin.Config{Catalog: cat, Index: idx, Store: st, Hub: hub,
		Rules: twin.DefaultRules()})
	if err != nil {
		t.Fatal(err)
	}
	tokens, err := NewTokens([]Token{
		{Name: "ops", SHA256: HashToken("s3cret"), Clearance: layers.Internal, Write: true},
		{Name: "viewer", SHA256: HashToken("look"), Clearance: layers.Internal},
	})
	if err != nil {
		t.Fatal(err)
	}
	s := New(Config{Catalog: cat, Index: idx, Store: st, Tokens: tokens, Twin: tw, Hub: hub})
	s.SetReady(true)
	return &twinEnv{s: s, st: st, dir: dir, cat: cat, hub: hub}
}

const twoFixes = `{"id":"VN-1","t":"2026-03-01T00:00:00Z","lon":107.5,"lat":10.2,"sog":7,"cog":90,"source":"vms"}
{"id":"VN-1","t":"2026-03-01T00:10:00Z","lon":107.52,"lat":10.2,"sog":7,"cog":90,"source":"vms"}
{"id":"VN-1","t":"bad","lon":107.52,"lat":10.2}`

func TestTwinPositionsAccess(t *testing.T) {
	e := newTwinServer(t, t.TempDir())
	defer e.st.Close()
	for _, c := range []struct {
		token  string
		status int
	}{{"", 404}, {"look", 403}, {"s3cret", 200}} { // anonymous may not see the internal layer at all
		r := call(e.s, "POST", "/api/twin/positions", c.token, "application/x-ndjson", twoFixes)
		if r.Status != c.status {
			t.Errorf("token %q: status %d, want %d: %s", c.token, r.Status, c.status, r.Body)
		}
	}
	r := call(e.s, "POST", "/api/twin/positions", "s3cret", "application/x-ndjson", twoFixes)
	var rep struct {
		Read, Accepted int
		Rejected       []struct {
			Line int
			Rule string
		}
	}
	json.Unmarshal(r.Body, &rep)
	if rep.Read != 3 || rep.Accepted != 2 || len(rep.Rejected) != 1 || rep.Rejected[0].Line != 3 {
		t.Errorf("report %s", r.Body)
	}
	if r := call(e.s, "POST", "/api/twin/positions", "s3cret", "", "nope\n"); r.Status != 422 {
		t.Errorf("all lines bad: %d", r.Status)
	}
	// vessels are internal: anonymous does not see them at all.
	if r := call(e.s, "GET", "/api/twin/state", "", "", ""); r.Status != 404 {
		t.Errorf("anonymous state: %d", r.Status)
	}
	r = call(e.s, "GET", "/api/twin/state", "look", "", "")
	var st struct{ Objects []twin.ObjectState }
	json.Unmarshal(r.Body, &st)
	if r.Status != 200 || len(st.Objects) != 1 || st.Objects[0].Lon != 107.52 {
		t.Fatalf("state: %d %s", r.Status, r.Body)
	}
	r = call(e.s, "GET", "/api/twin/state?t=2026-03-01T00:05:00Z", "look", "", "")
	json.Unmarshal(r.Body, &st)
	if len(st.Objects) != 1 || st.Objects[0].Lon != 107.5 {
		t.Fatalf("state at 00:05: %s", r.Body)
	}
	r = call(e.s, "GET", "/api/twin/state?t=2025-01-01T00:00:00Z", "look", "", "")
	json.Unmarshal(r.Body, &st)
	if len(st.Objects) != 0 {
		t.Fatalf("state before any fix: %s", r.Body)
	}
}

func TestTwinTrack(t *testing.T) {
	e := newTwinServer(t, t.TempDir())
	defer e.st.Close()
	call(e.s, "POST", "/api/twin/positions", "s3cret", "", twoFixes)
	r := call(e.s, "GET", "/api/twin/objects/VN-1/track", "look", "", "")
	var line struct {
		Geometry struct {
			Type        string
			Coordinates [][2]float64
		}
		Properties struct{ Times []time.Time }
	}
	if err := json.Unmarshal(r.Body, &line); err != nil || r.Status != 200 {
		t.Fatalf("track %d %s", r.Status, r.Body)
	}
	if line.Geometry.Type != "LineString" || len(line.Geometry.Coordinates) != 2 || len(line.Properties.Times) != 2 ||
		line.Geometry.Coordinates[1][0] != 107.52 || line.Properties.Times[0].Minute() != 0 {
		t.Fatalf("track %s", r.Body)
	}
	r = call(e.s, "GET", "/api/twin/objects/VN-1/track?f=points&from=2026-03-01T00:05:00Z", "look", "", "")
	var fc struct{ Features []json.RawMessage }
	if json.Unmarshal(r.Body, &fc); len(fc.Features) != 1 {
		t.Fatalf("points from 00:05: %s", r.Body)
	}
	if r := call(e.s, "GET", "/api/twin/objects/nobody/track", "look", "", ""); r.Status != 404 {
		t.Errorf("unknown object: %d", r.Status)
	}
}

// TestAlertAckDurable raises a threshold alert, acknowledges it, and
// reopens the store: the alert and its acknowledgement are there.
func TestAlertAckDurable(t *testing.T) {
	dir := t.TempDir()
	e := newTwinServer(t, dir)
	obs := `{"sensor":"hn-1","quantity":"pm25","t":"2026-03-01T01:00:00Z","value":180,"unit":"µg/m³"}`
	if r := call(e.s, "POST", "/api/twin/observations", "s3cret", "", obs); r.Status != 200 {
		t.Fatalf("observation: %d %s", r.Status, r.Body)
	}
	var list struct{ Alerts []twin.Alert }
	r := call(e.s, "GET", "/api/alerts?state=open&kind=threshold", "", "", "")
	json.Unmarshal(r.Body, &list)
	if len(list.Alerts) != 1 || list.Alerts[0].Objects[0] != "hn-1" {
		t.Fatalf("alerts: %s", r.Body)
	}
	id := list.Alerts[0].ID
	if r := call(e.s, "POST", "/api/alerts/"+id+"/ack", "", "", `{"note":"x"}`); r.Status != 401 {
		t.Errorf("anonymous ack: %d", r.Status)
	}
	if r := call(e.s, "POST", "/api/alerts/"+id+"/ack", "look", "", `{}`); r.Status != 403 {
		t.Errorf("read-only ack: %d", r.Status)
	}
	if r := call(e.s, "POST", "/api/alerts/"+id+"/ack", "s3cret", "", `{"note":"đã gọi tổ kiểm tra"}`); r.Status != 200 {
		t.Fatalf("ack: %d %s", r.Status, r.Body)
	}
	e.st.Close()
	e2 := newTwinServer(t, dir)
	defer e2.st.Close()
	r = call(e2.s, "GET", "/api/alerts?object=hn-1", "", "", "")
	json.Unmarshal(r.Body, &list)
	if len(list.Alerts) != 1 || list.Alerts[0].State != twin.Acknowledged || list.Alerts[0].Ack == nil ||
		list.Alerts[0].Ack.By != "ops" || list.Alerts[0].Ack.Note != "đã gọi tổ kiểm tra" {
		t.Fatalf("after reopen: %s", r.Body)
	}
}

// sseSink collects a stream and cancels it once it has seen want.
type sseSink struct {
	mu     sync.Mutex
	b      strings.Builder
	want   string
	cancel func()
}

func (w *sseSink) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.b.Write(p)
	if strings.Contains(w.b.String(), w.want) {
		w.cancel()
	}
	return len(p), nil
}

func TestStreamFiltersAndResumes(t *testing.T) {
	e := newTwinServer(t, t.TempDir())
	defer e.st.Close()
	run := func(target, token, lastID, want string) string {
		r := NewRequest("GET", target, nil)
		if token != "" {
			r.Header.Set("Authorization", "Bearer "+token)
		}
		if lastID != "" {
			r.Header.Set("Last-Event-ID", lastID)
		}
		resp := e.s.Handle(context.Background(), r)
		if resp.Stream == nil || resp.Header.Get("Content-Type") != "text/event-stream" {
			t.Fatalf("%s: not a stream: %d %s", target, resp.Status, resp.Body)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		sink := &sseSink{want: want, cancel: cancel}
		done := make(chan struct{})
		go func() { resp.Stream(ctx, bufio.NewWriterSize(sink, 64)); close(done) }()
		<-done
		sink.mu.Lock()
		defer sink.mu.Unlock()
		return sink.b.String()
	}
	call(e.s, "POST", "/api/twin/positions", "s3cret", "", twoFixes)
	call(e.s, "POST", "/api/twin/observations", "s3cret", "",
		`{"sensor":"hn-1","quantity":"pm25","t":"2026-03-01T01:00:00Z","value":180}`)
	// Resuming from event 0 replays what the hub holds. Anonymous sees
	// the public sensor's alert but never the internal vessels.
	got := run("/api/stream?topics=alerts,positions", "", "0", "event: alerts")
	if strings.Contains(got, "VN-1") || !strings.Contains(got, `"kind":"threshold"`) {
		t.Errorf("anonymous stream:\n%s", got)
	}
	got = run("/api/stream?topics=positions", "look", "0", "00:10:00Z")
	if !strings.Contains(got, "event: positions") || strings.Contains(got, "event: alerts") {
		t.Errorf("viewer positions stream:\n%s", got)
	}
	// After the last position event only later ones come back.
	got = run("/api/stream", "look", "2", "event: alerts")
	if strings.Contains(got, "id: 1\n") || strings.Contains(got, "id: 2\n") {
		t.Errorf("resume after 2 repeated earlier events:\n%s", got)
	}
	if r := call(e.s, "GET", "/api/stream?topics=gossip", "", "", ""); r.Status != 400 {
		t.Errorf("unknown topic: %d", r.Status)
	}
}

// TestStreamOverHTTP reads the stream through fasthttp: events arrive as
// they happen, and CloseStreams ends the response.
func TestStreamOverHTTP(t *testing.T) {
	e := newTwinServer(t, t.TempDir())
	defer e.st.Close()
	addr := serveLoopback(t, e.s.HTTPServer(slog.New(slog.DiscardHandler)))
	resp, err := http.Get("http://" + addr + "/api/stream?topics=alerts")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if ct := resp.Header.Get("Content-Type"); ct != "text/event-stream" {
		t.Fatalf("content type %q", ct)
	}
	sc := bufio.NewScanner(resp.Body)
	if !sc.Scan() || !strings.HasPrefix(sc.Text(), ":") {
		t.Fatalf("first line %q: want the opening comment", sc.Text())
	}
	call(e.s, "POST", "/api/twin/observations", "s3cret", "",
		`{"sensor":"hn-1","quantity":"pm25","t":"2026-03-01T01:00:00Z","value":180}`)
	for sc.Scan() {
		if strings.HasPrefix(sc.Text(), "data: ") && strings.Contains(sc.Text(), `"threshold"`) {
			break
		}
	}
	if sc.Err() != nil {
		t.Fatal(sc.Err())
	}
	e.s.CloseStreams()
	for sc.Scan() {
	}
	// Reaching here means the server ended the stream.
}

// TestStreamOutlivesWriteTimeout: fasthttp sets a response's write
// deadline once, so without pushing it ahead a stream open longer than
// WriteTimeout is cut mid-chunk. With a 300 ms WriteTimeout (pushed ahead
// every 50 ms), an alert sent after 1 s still arrives.
func TestStreamOutlivesWriteTimeout(t *testing.T) {
	e := newTwinServer(t, t.TempDir())
	defer e.st.Close()
	fs := e.s.HTTPServer(slog.New(slog.DiscardHandler))
	fs.WriteTimeout = 300 * time.Millisecond
	e.s.streamTick = 50 * time.Millisecond
	addr := serveLoopback(t, fs)
	resp, err := http.Get("http://" + addr + "/api/stream?topics=alerts")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	sc := bufio.NewScanner(resp.Body)
	if !sc.Scan() {
		t.Fatalf("no opening line: %v", sc.Err())
	}
	time.Sleep(time.Second)
	call(e.s, "POST", "/api/twin/observations", "s3cret", "",
		`{"sensor":"hn-1","quantity":"pm25","t":"2026-03-01T01:00:00Z","value":180}`)
	for sc.Scan() {
		if strings.HasPrefix(sc.Text(), "data: ") && strings.Contains(sc.Text(), `"threshold"`) {
			e.s.CloseStreams()
			return
		}
	}
	t.Fatalf("stream ended before the alert: %v", sc.Err())
}
