package tiles

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"

	"bando/layers"
)

// TestCombinedTileJSON: /tiles/a,b.json lists both layers' vector_layers,
// the union of their bounds and zooms, a tile URL with both ids; a hidden
// layer among them is unknown, as alone.
func TestCombinedTileJSON(t *testing.T) {
	s, _ := demoServer(t)
	pub := layers.Principal{}
	one := func(id string) TileJSON {
		b, err := s.TileJSON(pub, id, "http://x")
		if err != nil {
			t.Fatal(err)
		}
		var d TileJSON
		json.Unmarshal(b, &d)
		return d
	}
	a, b := one("communes"), one("roads")
	raw, err := s.TileJSON(pub, "communes,roads", "http://x")
	if err != nil {
		t.Fatal(err)
	}
	var c TileJSON
	if err := json.Unmarshal(raw, &c); err != nil {
		t.Fatal(err)
	}
	if len(c.VectorLayers) != 2 || c.VectorLayers[0].ID != "communes" || c.VectorLayers[1].ID != "roads" {
		t.Errorf("vector_layers %+v", c.VectorLayers)
	}
	// The version of a combined URL is the sum of the layers': it grows
	// when either changes.
	if v := s.Version([]string{"communes", "roads"}); v < 2 || c.Tiles[0] != fmt.Sprintf("http://x/tiles/communes,roads/{z}/{x}/{y}.mvt?v=%d", v) {
		t.Errorf("tiles %v", c.Tiles)
	}
	if c.MinZoom != min(a.MinZoom, b.MinZoom) || c.MaxZoom != max(a.MaxZoom, b.MaxZoom) {
		t.Errorf("zooms %d–%d, layers %d–%d and %d–%d", c.MinZoom, c.MaxZoom, a.MinZoom, a.MaxZoom, b.MinZoom, b.MaxZoom)
	}
	for i := range 2 {
		if c.Bounds[i] != min(a.Bounds[i], b.Bounds[i]) || c.Bounds[i+2] != max(a.Bounds[i+2], b.Bounds[i+2]) {
			t.Errorf("bounds %v, layers %v and %v", c.Bounds, a.Bounds, b.Bounds)
		}
	}
	if !strings.Contains(c.Attribution, a.Attribution) || !strings.Contains(c.Attribution, b.Attribution) {
		t.Errorf("attribution %q", c.Attribution)
	}
	for _, ids := range []string{"communes,parcels", "communes,nope", "communes,communes"} {
		if _, err := s.TileJSON(pub, ids, "http://x"); err == nil {
			t.Errorf("%s: no error", ids)
		} else if ids == "communes,parcels" && !errors.Is(err, layers.ErrUnknownLayer) {
			t.Errorf("%s: %v, want unknown layer (parcels are internal)", ids, err)
		}
	}
}
