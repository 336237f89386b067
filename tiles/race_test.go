package tiles

import (
	"bytes"
	"context"
	"sync"
	"testing"
)

// TestConcurrentRendersWhileRewriting is meant for -race: goroutines
// render the same uncached tiles (sharing pooled renderers and encoders)
// while a writer keeps replacing every feature with an identical copy,
// which moves the features in the store's arenas and compacts them. Every
// tile must come out byte for byte as rendered alone beforehand.
func TestConcurrentRendersWhileRewriting(t *testing.T) {
	c, data := denseTile(400)
	s := testServer(t, Config{CacheBytes: -1}, data)
	ids := []string{"buildings", "roads"}
	var coords []Coord
	for z := c.Z - 2; z <= c.Z+1; z++ {
		d := c
		for d.Z > z {
			d = Coord{d.Z - 1, d.X / 2, d.Y / 2}
		}
		for d.Z < z {
			d = Coord{d.Z + 1, d.X * 2, d.Y * 2}
		}
		coords = append(coords, d)
	}
	want := make([][]byte, len(coords))
	for i, tc := range coords {
		tl, err := s.Tile(context.Background(), restricted, ids, tc.Z, tc.X, tc.Y)
		if err != nil || tl.Empty() {
			t.Fatalf("tile %v: %v (empty %v)", tc, err, tl.Empty())
		}
		want[i] = tl.Bytes()
	}
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		for v := uint64(2); ; v++ {
			select {
			case <-stop:
				return
			default:
			}
			s.index.Put("buildings", v, data["buildings"])
			s.index.Put("roads", v, data["roads"])
		}
	})
	var readers sync.WaitGroup
	for g := range 4 {
		readers.Go(func() {
			for k := range 30 {
				i := (g + k) % len(coords)
				tc := coords[i]
				tl, err := s.Tile(context.Background(), restricted, ids, tc.Z, tc.X, tc.Y)
				if err != nil {
					t.Error(err)
					return
				}
				if !bytes.Equal(tl.Bytes(), want[i]) {
					t.Errorf("tile %v rendered concurrently differs from the serial render", tc)
					return
				}
			}
		})
	}
	readers.Wait()
	close(stop)
	wg.Wait()
	if li := s.index; li.Count("buildings") != 400 {
		t.Fatalf("%d buildings", li.Count("buildings"))
	}
}
