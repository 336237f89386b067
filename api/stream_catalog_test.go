package api

import (
	"bufio"
	"context"
	"strings"
	"testing"
	"time"

	"bando/layers"
	"bando/twin"
)

// TestStreamFollowsCatalogAccess: a stream opened anonymously while the
// sensors layer is public stops carrying its events once a steward makes
// it internal, and hears of the change on the catalog topic first.
func TestStreamFollowsCatalogAccess(t *testing.T) {
	e := newTwinServer(t, t.TempDir())
	defer e.st.Close()
	resp := e.s.Handle(context.Background(), NewRequest("GET", "/api/stream?topics=observations,wall,catalog", nil))
	if resp.Stream == nil {
		t.Fatalf("not a stream: %d %s", resp.Status, resp.Body)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	sink := &sseSink{want: "sentinel", cancel: cancel}
	done := make(chan struct{})
	go func() { resp.Stream(ctx, bufio.NewWriterSize(sink, 64)); close(done) }()
	time.Sleep(50 * time.Millisecond) // subscribed

	obs := func(v string) {
		if r := call(e.s, "POST", "/api/twin/observations", "s3cret", "",
			`{"sensor":"hn-1","quantity":"pm25","t":"2026-03-01T0`+v+`:00:00Z","value":1`+v+`}`); r.Status != 200 {
			t.Fatalf("observation: %d %s", r.Status, r.Body)
		}
	}
	obs("1")
	cat := e.s.cfg.Catalog
	l, err := cat.Get("sensors")
	if err != nil {
		t.Fatal(err)
	}
	hidden := *l
	hidden.Access = layers.Internal
	next, err := cat.Next(&hidden, "")
	if err != nil {
		t.Fatal(err)
	}
	cat.Set(next, cat.Version()+1)
	e.s.cfg.Hub.Publish(twin.Event{Topic: TopicCatalog, Layer: "sensors", Data: CatalogEvent{Layer: "sensors", Version: cat.Version()}})
	obs("2")
	e.s.cfg.Hub.Publish(twin.Event{Topic: TopicWall, Data: "sentinel"})
	<-done
	sink.mu.Lock()
	got := sink.b.String()
	sink.mu.Unlock()
	if !strings.Contains(got, "01:00:00Z") {
		t.Fatalf("the public layer's first observation did not arrive:\n%s", got)
	}
	if strings.Contains(got, "02:00:00Z") || strings.Contains(got, "event: catalog") {
		t.Errorf("an anonymous stream still hears of the layer after it became internal:\n%s", got)
	}
}
