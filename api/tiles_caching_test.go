package api

import (
	"encoding/json"
	"strings"
	"testing"

	"bando/tiles"

	"github.com/paulmach/orb"
)

// TestTileCaching: TileJSON's versioned tile URL is immutable while it is
// current; after a write the same URL is an old version, reused for a
// minute at most, and the new TileJSON names the new version.
func TestTileCaching(t *testing.T) {
	s := newInvalidatingServer(t)
	here := orb.Point{106.7, 10.8}
	putPOI(t, s, "a", here)
	tileURL := func() string {
		var doc tiles.TileJSON
		r := call(s, "GET", "/tiles/pois.json", "", "", "")
		if err := json.Unmarshal(r.Body, &doc); err != nil || r.Status != 200 {
			t.Fatalf("TileJSON: %d %v", r.Status, err)
		}
		c := tiles.CoordOf(here, 12)
		u := strings.NewReplacer("{z}", "12", "{x}", itoa(c.X), "{y}", itoa(c.Y)).Replace(doc.Tiles[0])
		return u[strings.Index(u, "/tiles/"):]
	}
	first := tileURL()
	if !strings.Contains(first, "?v=") {
		t.Fatalf("TileJSON tile URL %s has no version", first)
	}
	for _, tc := range []struct{ url, want string }{
		{first, "public, max-age=31536000, immutable"},
		{strings.Split(first, "?")[0], "public, max-age=60"},
	} {
		if r := call(s, "GET", tc.url, "", "", ""); r.Status != 200 || r.Header.Get("Cache-Control") != tc.want {
			t.Errorf("%s: %d Cache-Control %q, want %q", tc.url, r.Status, r.Header.Get("Cache-Control"), tc.want)
		}
	}
	putPOI(t, s, "b", orb.Point{106.7001, 10.8001})
	if r := call(s, "GET", first, "", "", ""); r.Header.Get("Cache-Control") != "public, max-age=60" {
		t.Errorf("an old version's URL: Cache-Control %q", r.Header.Get("Cache-Control"))
	}
	if second := tileURL(); second == first {
		t.Errorf("TileJSON still names %s after a write", first)
	}
}
