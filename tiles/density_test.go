package tiles

import (
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"bando/internal/benchdata"
	"bando/spatial"
)

func TestCellID(t *testing.T) {
	seen := map[uint64]string{}
	for _, tt := range []struct {
		c     Coord
		cells int
	}{
		{Coord{0, 0, 0}, 256}, {Coord{8, 203, 120}, 64},
		{Coord{8, 204, 120}, 64}, {Coord{9, 406, 240}, 64}, {Coord{15, 32767, 32767}, 256},
	} {
		for _, ij := range [][2]int{{0, 0}, {tt.cells - 1, 0}, {0, tt.cells - 1}, {tt.cells - 1, tt.cells - 1}} {
			id := cellID(tt.c, tt.cells, ij[0], ij[1])
			where := fmt.Sprint(tt.c, ij)
			if id&(1<<52) == 0 || id >= 1<<53 {
				t.Errorf("%s: id %#x lacks bit 52 or is not below 2^53", where, id)
			}
			// A layer has one grid size: with it, ids differ unless the
			// zoom and the cell in the zoom's grid are the same.
			key := fmt.Sprint(tt.c.Z, tt.c.X*tt.cells+ij[0], tt.c.Y*tt.cells+ij[1])
			if prev, dup := seen[id]; dup && prev != key {
				t.Errorf("id %#x for %s and %s", id, prev, key)
			}
			seen[id] = key
			if again := cellID(tt.c, tt.cells, ij[0], ij[1]); again != id {
				t.Errorf("%s: id not stable", where)
			}
		}
	}
}

func TestCellGrid(t *testing.T) {
	c := Coord{8, 203, 120}
	g := newCellGrid(c, 64, DefaultExtent)
	b := c.Bound()
	tests := []struct {
		name     string
		lon, lat float64
		i, j     int
		ok       bool
	}{
		{"north-west corner is in", b.Min[0], b.Max[1], 0, 0, true},
		{"south edge is out", b.Min[0], b.Min[1], 0, 0, false},
		{"east edge is out", b.Max[0], b.Max[1], 0, 0, false},
		{"just inside south-east", b.Max[0] - 1e-9, b.Min[1] + 1e-9, 63, 63, true},
		{"west of the tile", b.Min[0] - 1e-9, b.Max[1], 0, 0, false},
	}
	for _, tt := range tests {
		i, j, ok := g.cell(tt.lon, tt.lat)
		if ok != tt.ok || ok && (i != tt.i || j != tt.j) {
			t.Errorf("%s: cell %d,%d %v, want %d,%d %v", tt.name, i, j, ok, tt.i, tt.j, tt.ok)
		}
	}
	// Every cell centre, projected by the tile's own projection, lands in
	// the cell Project puts it in.
	for j := range 64 {
		for i := range 64 {
			lon := b.Min[0] + (float64(i)+0.5)*(b.Max[0]-b.Min[0])/64
			lat := worldToLat((float64(c.Y) + (float64(j)+0.5)/64) / 256)
			gi, gj, ok := g.cell(lon, lat)
			p := c.Project([2]float64{lon, lat}, 64)
			if !ok || gi != int(math.Floor(p[0])) || gj != int(math.Floor(p[1])) {
				t.Fatalf("cell %d,%d: grid says %d,%d %v, Project %v", i, j, gi, gj, ok, p)
			}
		}
	}
}

// TestProvinceDensity renders the province-wide z8 parcel tile over
// generated parcels (100,000; 20,000 with -short) with the demo catalog and
// checks that it shows where the parcels are: the cells, decoded, carry
// the count of parcel centres that the test finds in each cell on its own
// (Coord.Project of every parcel's box centre), within the budget. Set
// BANDO_DENSITY_PNG to a file name to see the tile drawn.
func TestProvinceDensity(t *testing.T) {
	n := 100000
	if testing.Short() {
		n = 20000
	}
	idx := spatial.NewIndex()
	if err := benchdata.Parcels(idx, n); err != nil {
		t.Fatal(err)
	}
	cat, err := benchdata.Catalog()
	if err != nil {
		t.Fatal(err)
	}
	s := New(Config{Index: idx, Catalog: cat, CacheBytes: -1})
	perTile := map[Coord]int{}
	idx.Ascend("parcels", 0, func(f *spatial.Feature) bool {
		perTile[CoordOf(f.Bound.Center(), 8)]++
		return true
	})
	var c Coord
	for k, v := range perTile {
		if v > perTile[c] {
			c = k
		}
	}
	const cells = 64
	want := make([]int, cells*cells)
	inTile := 0
	idx.Ascend("parcels", 0, func(f *spatial.Feature) bool {
		p := c.Project(f.Bound.Center(), cells)
		if p[0] >= 0 && p[0] < cells && p[1] >= 0 && p[1] < cells {
			want[int(p[1])*cells+int(p[0])]++
			inTile++
		}
		return true
	})
	tl, err := s.Tile(t.Context(), restricted, []string{"parcels"}, c.Z, c.X, c.Y)
	if err != nil {
		t.Fatal(err)
	}
	if len(tl.Bytes()) > DefaultTileBytes {
		t.Errorf("z8 tile: %d bytes, over the %d budget", len(tl.Bytes()), DefaultTileBytes)
	}
	d, err := decodeTile(tl.Bytes())
	if err != nil || len(d.Layers) != 1 {
		t.Fatalf("decode: %v, %d layers", err, len(d.Layers))
	}
	got := make([]int, cells*cells)
	total, nonEmpty := 0, 0
	step := int64(DefaultExtent / cells)
	for _, f := range d.Layers[0].Features {
		r := f.Parts[0]
		if f.Type != 3 || len(f.Parts) != 1 || len(r) != 4 || ringArea2(r) != 2*step*step || r[0][0]%step != 0 || r[0][1]%step != 0 {
			t.Fatalf("cell %d is not one clockwise %d-unit square on the grid: %v", f.ID, step, f.Parts)
		}
		cnt, _ := f.Props["count"].(int64)
		share, _ := f.Props["area_share"].(float64)
		if cnt <= 0 || !(share > 0 && share <= 1) || f.ID&(1<<52) == 0 {
			t.Errorf("cell %#x: count %v, area_share %v", f.ID, f.Props["count"], f.Props["area_share"])
		}
		k := int(r[0][1]/step)*cells + int(r[0][0]/step)
		got[k] = int(cnt)
		total += int(cnt)
		nonEmpty++
	}
	diff := 0
	for k := range want {
		diff += abs(got[k] - want[k])
	}
	t.Logf("%s over %d parcels: %d bytes, %d cells, %d parcels counted (%d by the test), %d miscounted", c, n, len(tl.Bytes()), nonEmpty, total, inTile, diff)
	if inTile < n/4 || nonEmpty < 200 {
		t.Fatalf("the z8 tile holds %d parcels in %d cells: the test does not look at the province", inTile, nonEmpty)
	}
	// A centre on a cell's edge may fall either side by rounding.
	if diff > inTile/10000 {
		t.Errorf("%d parcels in the wrong cell or missing", diff)
	}
	if name := os.Getenv("BANDO_DENSITY_PNG"); name != "" {
		writeDensityPNG(t, name, got, cells)
	}
	nodeCheckCells(t, tl.Bytes(), nonEmpty)
}

func abs(n int) int { return max(n, -n) }

// nodeCheckCells decodes the tile with the reference decoder and checks
// its cells are there, with unique ids.
func nodeCheckCells(t *testing.T, tile []byte, cells int) {
	cmd := nodeDecoder(t)
	f := filepath.Join(t.TempDir(), "z8.mvt")
	if err := os.WriteFile(f, tile, 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(cmd[0], append(cmd[1:], f)...).Output()
	if err != nil {
		t.Fatalf("node decoder: %v", err)
	}
	var got []nodeTile
	if err := json.Unmarshal(out, &got); err != nil || len(got) != 1 {
		t.Fatalf("node decoder output: %v", err)
	}
	l := got[0].Layers["parcels"]
	ids := map[uint64]bool{}
	for _, nf := range l.Features {
		if nf.Type != 3 || nf.Polygons != 1 || ids[nf.ID] {
			t.Errorf("node: cell %d: type %d, %d polygons, duplicate %v", nf.ID, nf.Type, nf.Polygons, ids[nf.ID])
		}
		ids[nf.ID] = true
	}
	if len(ids) != cells {
		t.Errorf("node decodes %d cells, want %d", len(ids), cells)
	}
}

// writeDensityPNG draws the cells' counts, darker where denser (log scale).
func writeDensityPNG(t *testing.T, name string, counts []int, cells int) {
	const px = 8
	img := image.NewGray(image.Rect(0, 0, cells*px, cells*px))
	top := 1
	for _, n := range counts {
		top = max(top, n)
	}
	for k, n := range counts {
		v := uint8(255)
		if n > 0 {
			v = uint8(230 - 230*math.Log1p(float64(n))/math.Log1p(float64(top)))
		}
		for y := range px {
			for x := range px {
				img.SetGray(k%cells*px+x, k/cells*px+y, color.Gray{Y: v})
			}
		}
	}
	f, err := os.Create(name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := png.Encode(f, img); err != nil {
		t.Fatal(err)
	}
}
