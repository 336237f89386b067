package tiles

import (
	"context"
	"slices"
	"testing"

	"bando/layers"
)

// BenchmarkTileFormat renders the demo tile set (see demoTiles) uncached,
// as MVT and as MLT: the whole path (selection, clipping, simplification,
// encoding). Compare the two side by side:
//
//	go test ./tiles/ -run X -bench 'TileFormat|EncodeOnly' -count 6 | benchstat -col /format -
func BenchmarkTileFormat(b *testing.B) {
	s, ls := demoServer(b)
	ts := demoTiles(s, ls, 2)
	for _, f := range []Format{MVT, MLT} {
		b.Run("format="+f.String(), func(b *testing.B) {
			size := 0
			b.ReportAllocs()
			for b.Loop() {
				size = 0
				for _, dt := range ts {
					t, err := s.TileFormat(context.Background(), dt.p, f, dt.layers, dt.c.Z, dt.c.X, dt.c.Y)
					if err != nil {
						b.Fatal(err)
					}
					size += len(t.Bytes())
				}
			}
			b.ReportMetric(b.Elapsed().Seconds()*1e3/float64(b.N*len(ts)), "ms/tile")
			b.ReportMetric(float64(size)/float64(len(ts)), "B/tile")
		})
	}
}

// BenchmarkEncodeOnly replays the rendered layers of the demo tile set
// into each encoder: the encoding alone, per tile.
func BenchmarkEncodeOnly(b *testing.B) {
	s, ls := demoServer(b)
	var tiles [][]*recordedLayer
	for _, dt := range demoTiles(s, ls, 2) {
		tiles = append(tiles, recordTile(b, s, dt))
	}
	for _, f := range []Format{MVT, MLT} {
		b.Run("format="+f.String(), func(b *testing.B) {
			b.ReportAllocs()
			size := 0
			for b.Loop() {
				size = 0
				for _, rls := range tiles {
					size += len(replay(f, rls))
				}
			}
			b.ReportMetric(b.Elapsed().Seconds()*1e3/float64(b.N*len(tiles)), "ms/tile")
			b.ReportMetric(float64(size)/float64(len(tiles)), "B/tile")
		})
	}
}

// recordedLayer is a rendered layer kept for replay: what the renderer
// handed its sink.
type recordedLayer struct {
	name  string
	feats []recordedFeature
}

type recordedFeature struct {
	id    uint64
	props []tag
	g     tileGeom
}

// recorder is a layerSink that keeps copies of what it receives.
type recorder struct{ l *recordedLayer }

func (r recorder) addTagged(id uint64, props []tag, g tileGeom) {
	c := tileGeom{typ: g.typ}
	for _, p := range g.parts {
		c.parts = append(c.parts, slices.Clone(p))
	}
	ps := slices.Clone(props)
	for i := range ps {
		ps[i].value.s = string([]byte(ps[i].value.s)) // it may point into the store
	}
	r.l.feats = append(r.l.feats, recordedFeature{id, ps, c})
}

func (recorder) release() {}

func recordTile(tb testing.TB, s *Server, dt demoTile) []*recordedLayer {
	var out []*recordedLayer
	for _, id := range dt.layers {
		l, err := s.catalog.Get(id)
		if err != nil {
			tb.Fatal(err)
		}
		req := layerRequest{layer: l, fields: layers.VisibleFields(dt.p, l)}
		if dt.c.Z < l.Zoom.Min {
			continue
		}
		rl := &recordedLayer{name: id}
		if err := renderLayerInto(context.Background(), s.index, req, dt.c, s.opts, recorder{rl}); err != nil {
			tb.Fatal(err)
		}
		out = append(out, rl)
	}
	return out
}

// replay encodes recorded layers in format f.
func replay(f Format, rls []*recordedLayer) []byte {
	sinks := make([]layerSink, 0, len(rls))
	for _, rl := range rls {
		e := newSink(f, rl.name, DefaultExtent)
		for _, ft := range rl.feats {
			e.addTagged(ft.id, ft.props, ft.g)
		}
		sinks = append(sinks, e)
	}
	out := encodeSinks(f, sinks)
	for _, e := range sinks {
		e.release()
	}
	return out
}

// TestReplayMatchesServer checks the benchmark's replay against the
// server: the same bytes in both formats.
func TestReplayMatchesServer(t *testing.T) {
	s, ls := demoServer(t)
	for _, dt := range demoTiles(s, ls, 1)[:12] {
		rls := recordTile(t, s, dt)
		for _, f := range []Format{MVT, MLT} {
			tl, err := s.TileFormat(t.Context(), dt.p, f, dt.layers, dt.c.Z, dt.c.X, dt.c.Y)
			if err != nil {
				t.Fatal(err)
			}
			if got := replay(f, rls); !slices.Equal(got, tl.Bytes()) {
				t.Errorf("%s %v %s: replay gives %d bytes, the server %d", dt.c, dt.layers, f, len(got), len(tl.Bytes()))
			}
		}
	}
}
