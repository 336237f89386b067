package tiles

import (
	"context"
	"testing"

	"bando/layers"
	"bando/spatial"

	"github.com/paulmach/orb"
)

// TestChangeNamesTouchedTiles moves a building and checks the
// invalidation event: every zoom of the layer, the tiles that held the
// building before and after (whose ETags change), not a tile far away
// (whose ETag stays), and no tile whose buffered extent misses the change.
func TestChangeNamesTouchedTiles(t *testing.T) {
	var got []Change
	old := orb.Polygon{squareRing(orb.Point{106.70, 10.77}, 0.0005)}
	moved := orb.Polygon{squareRing(orb.Point{106.71, 10.78}, 0.0005)}
	s := testServer(t, Config{OnChange: func(c Change) { got = append(got, c) }},
		map[string][]*spatial.Feature{"buildings": {feature(1, old, "a", int64(1), 1.0, false, nil, nil)}})
	ctx := context.Background()
	etag := func(c Coord) string {
		tl, err := s.Tile(ctx, layers.Anonymous, []string{"buildings"}, c.Z, c.X, c.Y)
		if err != nil {
			t.Fatal(err)
		}
		return tl.ETag()
	}
	near := CoordOf(orb.Point{106.70, 10.77}, 14)
	far := CoordOf(orb.Point{105.0, 21.0}, 14)
	nearTag, farTag := etag(near), etag(far)

	s.index.Put("buildings", 2, []*spatial.Feature{feature(1, moved, "a", int64(1), 1.0, false, nil, nil)})
	s.Invalidate("buildings", old.Bound(), moved.Bound())
	if len(got) != 1 {
		t.Fatalf("%d events, want 1", len(got))
	}
	c := got[0]
	if c.Layer != "buildings" || c.Version != 2 || c.MinZoom != 12 || c.MaxZoom != 16 || len(c.Tiles) != 5 {
		t.Fatalf("event %+v", c)
	}
	b := old.Bound().Union(moved.Bound())
	for _, r := range c.Tiles {
		for _, p := range []orb.Point{{106.70, 10.77}, {106.71, 10.78}} {
			if tc := CoordOf(p, r.Z); !r.Contains(tc) {
				t.Errorf("z%d: %v misses the building's tile %v", r.Z, r, tc)
			}
		}
		// The tiles just outside the block must not reach the change.
		for _, out := range []Coord{{r.Z, r.X[0] - 1, r.Y[0]}, {r.Z, r.X[1] + 1, r.Y[0]}, {r.Z, r.X[0], r.Y[0] - 1}, {r.Z, r.X[0], r.Y[1] + 1}} {
			if out.Validate() == nil && out.BufferedBound(s.opts.buffer, s.opts.extent).Intersects(b) {
				t.Errorf("z%d: %v leaves out %v, whose buffered extent meets the change", r.Z, r, out)
			}
		}
		if r.Contains(Coord{far.Z, far.X, far.Y}) {
			t.Errorf("z%d: %v holds the far tile", r.Z, r)
		}
	}
	if etag(near) == nearTag {
		t.Error("the building's old tile kept its ETag")
	}
	if etag(far) != farTag {
		t.Error("a tile far away changed its ETag")
	}
}

func TestChangeWithoutBoundsIsSilent(t *testing.T) {
	n := 0
	s := testServer(t, Config{OnChange: func(Change) { n++ }}, nil)
	s.Invalidate("buildings") // a whole-layer reset at start says nothing
	if n != 0 {
		t.Fatalf("%d events for a reset", n)
	}
}
