package main

import (
	"bufio"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"bando/tiles"

	"github.com/paulmach/orb"
)

// TestTileEventsOnStream: a write acknowledged by the server is followed
// on /api/stream?topics=tiles by an invalidation event that names the
// layer, its new version (the one TileJSON's URLs now carry) and, at every
// zoom of the layer, the tile that holds the new feature.
func TestTileEventsOnStream(t *testing.T) {
	dir := t.TempDir()
	srv := startServer(t, dir+"/var", writeConfig(t, dir, ""), "--demo=false")
	resp, err := http.Get(srv.base + "/api/stream?topics=tiles")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	events := make(chan tiles.Change, 4)
	go func() {
		sc := bufio.NewScanner(resp.Body)
		sc.Buffer(nil, 1<<20)
		for sc.Scan() {
			if data, ok := strings.CutPrefix(sc.Text(), "data: "); ok {
				var c tiles.Change
				if json.Unmarshal([]byte(data), &c) == nil {
					events <- c
				}
			}
		}
	}()
	time.Sleep(100 * time.Millisecond) // the subscription is in before the write
	p := orb.Point{106.70, 10.78}
	body := `{"type":"Feature","id":"s-ev","geometry":{"type":"Point","coordinates":[106.70,10.78]},
		"properties":{"name":"Trường thử","level":"primary","commune_code":"26734"}}`
	if st, _, b := srv.do("POST", "/collections/schools/items", opsToken, "application/geo+json", []byte(body)); st/100 != 2 {
		t.Fatalf("write: %d %s", st, b)
	}
	acked := time.Now()
	select {
	case c := <-events:
		t.Logf("tile event %v after the acknowledgement", time.Since(acked).Round(time.Microsecond))
		if c.Layer != "schools" || c.Version == 0 || c.MinZoom != 11 || c.MaxZoom != 18 || len(c.Tiles) != 8 {
			t.Fatalf("event %+v", c)
		}
		for _, r := range c.Tiles {
			if tc := tiles.CoordOf(p, r.Z); !r.Contains(tc) {
				t.Errorf("z%d: %+v misses %v", r.Z, r, tc)
			}
		}
		var tj tiles.TileJSON
		srv.getJSON("/tiles/schools.json", "", &tj)
		if !strings.HasSuffix(tj.Tiles[0], "?v="+itoa(int(c.Version))) {
			t.Errorf("TileJSON %s does not carry the event's version %d", tj.Tiles[0], c.Version)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("no tile event after the write")
	}
}
