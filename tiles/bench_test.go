package tiles

import (
	"context"
	"math"
	"math/rand/v2"
	"sync/atomic"
	"testing"

	"github.com/paulmach/orb"

	"bando/layers"
	"bando/spatial"
)

// denseTile fills one z16 tile (about 600 m square in Huế) with n small
// buildings of 6-vertex rings with a courtyard hole, and crosses it with
// roads: the load of a dense urban tile.
func denseTile(n int) (Coord, map[string][]*spatial.Feature) {
	c := CoordOf(hue, 16)
	b := c.Bound()
	side := int(math.Ceil(math.Sqrt(float64(n))))
	dx, dy := (b.Max[0]-b.Min[0])/float64(side), (b.Max[1]-b.Min[1])/float64(side)
	var buildings []*spatial.Feature
	for i := range n {
		o := orb.Point{b.Min[0] + (float64(i%side)+0.2)*dx, b.Min[1] + (float64(i/side)+0.2)*dy}
		w, h := dx*0.6, dy*0.6
		outer := orb.Ring{o, {o[0] + w, o[1]}, {o[0] + w, o[1] + h/2}, {o[0] + w/2, o[1] + h}, {o[0], o[1] + h}, {o[0], o[1] + h/2}, o}
		inner := squareRing(orb.Point{o[0] + w/2, o[1] + h/2}, w/8)
		buildings = append(buildings, feature(uint64(i+1), orb.Polygon{outer, inner},
			"nhà", int64(i%5), float64(i), i%2 == 0, nil, "hộ"))
	}
	var roads []*spatial.Feature
	for i := range 50 {
		y := b.Min[1] - dy + float64(i)*(b.Max[1]-b.Min[1]+2*dy)/50
		var l orb.LineString
		for k := 0; k <= 40; k++ {
			x := b.Min[0] - 0.2*(b.Max[0]-b.Min[0]) + float64(k)*1.4*(b.Max[0]-b.Min[0])/40
			l = append(l, orb.Point{x, y + math.Sin(float64(k))*dy/4})
		}
		roads = append(roads, feature(uint64(100000+i), l, "đường"))
	}
	return c, map[string][]*spatial.Feature{"buildings": buildings, "roads": roads}
}

func benchRender(b *testing.B, z int) {
	c, data := denseTile(10000)
	s := testServer(b, Config{CacheBytes: -1}, data)
	for c.Z > z {
		c = Coord{c.Z - 1, c.X / 2, c.Y / 2}
	}
	ids := []string{"buildings", "roads"}
	tl, err := s.Tile(context.Background(), restricted, ids, c.Z, c.X, c.Y)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := s.Tile(context.Background(), restricted, ids, c.Z, c.X, c.Y); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(tl.Bytes())), "tile-bytes")
}

// BenchmarkRenderDenseTile renders (uncached) a tile of 10,000 buildings
// with holes and 50 roads at the layer's max zoom (no simplification) and
// two zooms below (Douglas–Peucker).
func BenchmarkRenderDenseTile(b *testing.B) {
	b.Run("z16-maxzoom", func(b *testing.B) { benchRender(b, 16) })
	b.Run("z14-simplified", func(b *testing.B) { benchRender(b, 14) })
}

func BenchmarkTileCached(b *testing.B) {
	c, data := denseTile(2000)
	s := testServer(b, Config{}, data)
	ids := []string{"buildings", "roads"}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := s.Tile(context.Background(), layers.Anonymous, ids, c.Z, c.X, c.Y); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkGzip(b *testing.B) {
	c, data := denseTile(2000)
	s := testServer(b, Config{CacheBytes: -1}, data)
	tl, err := s.Tile(context.Background(), layers.Anonymous, []string{"buildings", "roads"}, c.Z, c.X, c.Y)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.SetBytes(int64(len(tl.Bytes())))
	for b.Loop() {
		gzipBytes(tl.Bytes())
	}
	b.ReportMetric(float64(len(gzipBytes(tl.Bytes())))/float64(len(tl.Bytes())), "gzip/raw")
}

// BenchmarkClipRing clips a 10,000-vertex circle that straddles the square.
func BenchmarkClipRing(b *testing.B) {
	const n = 10000
	r := make(orb.Ring, 0, n+1)
	for i := range n {
		a := 2 * math.Pi * float64(i) / n
		r = append(r, orb.Point{4096 + 3000*math.Cos(a), 2048 + 3000*math.Sin(a)})
	}
	r = append(r, r[0])
	s := squareFor(DefaultBuffer, DefaultExtent)
	b.ReportAllocs()
	for b.Loop() {
		clipRing(r, s)
	}
}

func BenchmarkInvalidate(b *testing.B) {
	c := newCache(1<<30, defaultOpts)
	render := func(context.Context) (Tile, error) { return newTile([]byte("x")), nil }
	centre := CoordOf(hue, 16)
	for x := -50; x < 50; x++ {
		for y := -50; y < 50; y++ {
			tc := Coord{16, centre.X + x, centre.Y + y}
			c.do(context.Background(), tc.String(), []string{"vessels"}, tc, render)
		}
	}
	far := []orb.Bound{orb.Point{0, 0}.Bound()}
	b.ReportAllocs()
	for b.Loop() {
		c.invalidate("vessels", far) // a position update elsewhere: 10,000 tiles cached, none hit
	}
}

func BenchmarkParsePath(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ParsePath("16/52058/30542.mvt"); err != nil {
			b.Fatal(err)
		}
	}
}

// rotatingTiles returns n z16 tiles in a square around Huế.
func rotatingTiles(n int) []Coord {
	side := int(math.Ceil(math.Sqrt(float64(n))))
	c := CoordOf(hue, 16)
	out := make([]Coord, 0, n)
	for i := range n {
		out = append(out, Coord{16, c.X - side/2 + i%side, c.Y - side/2 + i/side})
	}
	return out
}

// BenchmarkTileCachedParallel is Server.Tile on a warm cache of 2,000
// tiles requested in rotation from every core: the cached path that an
// nginx serving the same bytes is compared with.
func BenchmarkTileCachedParallel(b *testing.B) {
	_, data := denseTile(2000)
	s := testServer(b, Config{}, data)
	ids := []string{"buildings"}
	cs := rotatingTiles(2000)
	for _, c := range cs {
		if _, err := s.Tile(context.Background(), layers.Anonymous, ids, c.Z, c.X, c.Y); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportAllocs()
	b.ResetTimer()
	var next atomic.Uint64
	b.RunParallel(func(pb *testing.PB) {
		i := int(next.Add(7919))
		for pb.Next() {
			c := cs[i%len(cs)]
			i++
			if _, err := s.Tile(context.Background(), layers.Anonymous, ids, c.Z, c.X, c.Y); err != nil {
				b.Error(err)
				return
			}
		}
	})
	if st := s.CacheStats(); st.Renders != int64(len(cs)) {
		b.Fatalf("warm cache rendered again: %+v", st)
	}
}

// BenchmarkInvalidateBulk is one bulk write of 10,000 features (20,000
// bounds, old and new) spread over a province against 10,000 cached tiles
// at z16 and their parents: the time spent under the cache lock stays
// bounded by the cache size, and only touched tiles go.
func BenchmarkInvalidateBulk(b *testing.B) {
	c := newCache(1<<30, defaultOpts)
	render := func(context.Context) (Tile, error) { return newTile([]byte("x")), nil }
	fill := func() {
		for _, tc := range rotatingTiles(10000) {
			for z := tc.Z; z >= 10; z-- {
				p := Coord{z, tc.X >> (16 - z), tc.Y >> (16 - z)}
				c.do(context.Background(), p.String(), []string{"parcels"}, p, render)
			}
		}
	}
	rng := rand.New(rand.NewPCG(1, 2))
	bounds := make([]orb.Bound, 20000)
	for i := range bounds {
		p := orb.Point{106 + rng.Float64()*2, 15.5 + rng.Float64()*2}
		bounds[i] = orb.Bound{Min: p, Max: orb.Point{p[0] + 1e-4, p[1] + 1e-4}}
	}
	fill()
	b.ReportAllocs()
	for b.Loop() {
		b.StopTimer()
		fill()
		b.StartTimer()
		c.invalidate("parcels", bounds)
	}
	b.ReportMetric(float64(c.stats().Entries), "entries-left")
}
