package tiles

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"text/tabwriter"
)

// TestMLTSizeReport renders the demo tile set (see demoTiles) as MVT, as
// MLT and as MLT with the plain encodings only, and prints their total
// sizes, raw and gzipped, per group of tiles: run
//
//	go test ./tiles/ -run TestMLTSizeReport -v
//
// It fails if MLT is not smaller than MVT raw, or if the columnar
// encodings do not beat the plain ones.
func TestMLTSizeReport(t *testing.T) {
	s, ls := demoServer(t)
	type sizes struct{ tiles, mvt, mvtGz, mlt, mltGz, plain, plainGz int }
	groups := map[string]*sizes{}
	var order []string
	var total sizes
	for _, dt := range demoTiles(s, ls, 2) {
		var b [3][]byte
		for i, f := range []Format{MVT, MLT, mltPlain} {
			t0, err := s.TileFormat(context.Background(), dt.p, f, dt.layers, dt.c.Z, dt.c.X, dt.c.Y)
			if err != nil {
				t.Fatal(err)
			}
			b[i] = t0.Bytes()
		}
		if len(b[0]) == 0 {
			continue
		}
		name := dt.layers[0]
		if len(dt.layers) > 1 {
			name = fmt.Sprintf("all layers (%s)", clearance(dt.p))
		}
		g := groups[name]
		if g == nil {
			g = &sizes{}
			groups[name] = g
			order = append(order, name)
		}
		for _, x := range []*sizes{g, &total} {
			x.tiles++
			x.mvt += len(b[0])
			x.mvtGz += len(gzipBytes(b[0]))
			x.mlt += len(b[1])
			x.mltGz += len(gzipBytes(b[1]))
			x.plain += len(b[2])
			x.plainGz += len(gzipBytes(b[2]))
		}
	}
	var out strings.Builder
	w := tabwriter.NewWriter(&out, 0, 0, 2, ' ', tabwriter.AlignRight)
	pct := func(a, b int) string { return fmt.Sprintf("%.0f%%", 100*float64(a)/float64(b)) }
	fmt.Fprintln(w, "tiles\tlayer\tMVT\tMVT gz\tMLT\tMLT/MVT\tMLT gz\tgz/gz\tMLT plain\tplain gz\t")
	row := func(name string, x *sizes) {
		fmt.Fprintf(w, "%d\t%s\t%d\t%d\t%d\t%s\t%d\t%s\t%d\t%d\t\n", x.tiles, name, x.mvt, x.mvtGz,
			x.mlt, pct(x.mlt, x.mvt), x.mltGz, pct(x.mltGz, x.mvtGz), x.plain, x.plainGz)
	}
	for _, name := range order {
		row(name, groups[name])
	}
	row("total", &total)
	w.Flush()
	t.Logf("demo tile sizes in bytes (sum over the tiles of each group):\n%s", out.String())
	if total.mlt >= total.mvt {
		t.Errorf("MLT %d bytes is not smaller than MVT %d", total.mlt, total.mvt)
	}
	if total.mlt >= total.plain {
		t.Errorf("columnar MLT %d bytes is not smaller than plain MLT %d", total.mlt, total.plain)
	}
}
