package tiles

import (
	"math/rand/v2"
	"slices"
	"sync"
	"testing"

	"bando/internal/benchdata"
	"bando/layers"
	"bando/spatial"
)

// The MLT tests and benchmarks share the demo data (the real layers of
// data/demo) and a seeded set of its tiles.

var demoOnce struct {
	sync.Once
	idx *spatial.Index
	ls  []*layers.Layer
	err error
}

// demoServer returns an uncached tile server over the demo layers, loaded
// once per test binary (about 3 s).
func demoServer(tb testing.TB) (*Server, []*layers.Layer) {
	tb.Helper()
	demoOnce.Do(func() {
		demoOnce.idx = spatial.NewIndex()
		demoOnce.ls, demoOnce.err = benchdata.Demo(demoOnce.idx)
	})
	if demoOnce.err != nil {
		tb.Fatal(demoOnce.err)
	}
	cat, err := benchdata.Catalog()
	if err != nil {
		tb.Fatal(err)
	}
	return New(Config{Index: demoOnce.idx, Catalog: cat, CacheBytes: -1}), demoOnce.ls
}

// demoTile is one tile request of the demo set.
type demoTile struct {
	layers []string
	c      Coord
	p      layers.Principal
}

// demoTiles returns a seeded sample of demo tiles: for each layer, the
// tiles holding a few of its features at zooms across its range (single
// layer), and for a few places every layer at once at z10, z14 and z16
// (multi-layer), for the restricted principal (every field) and, for the
// multi-layer tiles, the anonymous one (public fields only).
func demoTiles(s *Server, ls []*layers.Layer, perLayer int) []demoTile {
	rng := rand.New(rand.NewPCG(8, 8))
	var out []demoTile
	var all, public []string
	var places []spatial.Feature
	for _, l := range ls {
		all = append(all, l.ID)
		if layers.CanSee(layers.Anonymous, l) {
			public = append(public, l.ID)
		}
		n := s.index.Count(l.ID)
		if n == 0 {
			continue
		}
		picks := map[int]bool{}
		for range perLayer {
			picks[rng.IntN(n)] = true
		}
		i := 0
		s.index.Ascend(l.ID, 0, func(f *spatial.Feature) bool {
			if picks[i] {
				for _, z := range zoomsOf(l.Zoom) {
					out = append(out, demoTile{[]string{l.ID}, CoordOf(f.Bound.Center(), z), restricted})
				}
				if l.ID == "houses" || l.ID == "roads" {
					places = append(places, *f)
				}
			}
			i++
			return true
		})
	}
	for _, f := range places[:min(len(places), 2)] {
		for _, z := range []int{10, 14, 16} {
			c := CoordOf(f.Bound.Center(), z)
			out = append(out, demoTile{all, c, restricted}, demoTile{public, c, layers.Anonymous})
		}
	}
	return out
}

// zoomsOf returns a spread of zooms in the range: its ends and two
// between.
func zoomsOf(z layers.Zoom) []int {
	zs := []int{z.Min, z.Min + (z.Max-z.Min)/3, z.Min + 2*(z.Max-z.Min)/3, z.Max}
	slices.Sort(zs)
	return slices.Compact(zs)
}
