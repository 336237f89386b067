package archive

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// testTiles are n tiles over zooms 0..maxz in tile-id order, with bodies
// repeated so dedup and runs have work: every third tile shares the "sea"
// body, and the rest are distinct.
func testTiles(n int, maxz uint8) (ids []uint64, bodies map[uint64][]byte) {
	bodies = make(map[uint64][]byte)
	r := rand.New(rand.NewPCG(7, 7))
	sea := []byte{0x1f, 0x8b, 's', 'e', 'a'}
	for len(bodies) < n {
		z := uint8(r.IntN(int(maxz) + 1))
		x, y := r.Uint32N(1<<z), r.Uint32N(1<<z)
		id := TileID(z, x, y)
		if _, ok := bodies[id]; ok {
			continue
		}
		b := sea
		if len(bodies)%3 != 0 {
			b = fmt.Appendf(nil, "tile %d/%d/%d", z, x, y)
		}
		bodies[id] = b
	}
	for id := range bodies {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	return ids, bodies
}

var testMeta = Metadata{Name: "test", Attribution: "© test", MinZoom: 0, MaxZoom: 14,
	Bounds: [4]float64{107, 16, 108.5, 17}, Center: [3]float64{107.5, 16.5, 10},
	VectorLayers: []VectorLayer{{ID: "a", MinZoom: 0, MaxZoom: 14, Fields: map[string]string{"name": "String"}}},
	Clearance:    "public", Layers: []string{"a"}}

func writePMTiles(t *testing.T, path string, ids []uint64, bodies map[uint64][]byte, m Metadata) {
	t.Helper()
	w, err := CreatePMTiles(path, PMTilesOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range ids {
		z, x, y, _ := ZXY(id)
		if err := w.WriteTile(z, x, y, bodies[id]); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(m); err != nil {
		t.Fatal(err)
	}
}

// An archive reads back every tile it was given, nothing else, with runs
// and shared bodies, through the root alone and through leaf directories.
func TestPMTilesRoundTrip(t *testing.T) {
	for _, n := range []int{0, 1, 500, 40000} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			ids, bodies := testTiles(n, 14)
			// A run: 50 consecutive ids with one body.
			if n > 0 {
				base := TileID(14, 9000, 9000)
				for i := range uint64(50) {
					if _, ok := bodies[base+i]; !ok {
						ids = append(ids, base+i)
					}
					bodies[base+i] = []byte("run")
				}
				slices.Sort(ids)
			}
			path := filepath.Join(t.TempDir(), "t.pmtiles")
			writePMTiles(t, path, ids, bodies, testMeta)
			r, err := OpenPMTiles(path)
			if err != nil {
				t.Fatal(err)
			}
			defer r.Close()
			h := r.Header()
			if h.AddressedTiles != uint64(len(ids)) || !h.Clustered || h.TileCompression != CompressionGzip || h.TileType != TypeMVT {
				t.Fatalf("header %+v for %d tiles", h, len(ids))
			}
			if n >= 40000 && h.LeafLength == 0 {
				t.Error("40,000 entries fit the root: the leaf path is untested")
			}
			if n > 0 && h.TileEntries >= uint64(len(ids)) {
				t.Errorf("%d entries for %d tiles: runs were not merged", h.TileEntries, len(ids))
			}
			if m := r.Metadata(); m.Name != "test" || m.Clearance != "public" || len(m.VectorLayers) != 1 || m.MaxZoom != 14 || m.Bounds != testMeta.Bounds {
				t.Errorf("metadata %+v", m)
			}
			ctx := context.Background()
			for _, id := range ids {
				z, x, y, _ := ZXY(id)
				got, err := r.Tile(ctx, z, x, y)
				if err != nil || !bytes.Equal(got, bodies[id]) {
					t.Fatalf("tile %d/%d/%d: %q %v, want %q", z, x, y, got, err, bodies[id])
				}
			}
			walked := 0
			err = r.Walk(ctx, func(z uint8, x, y uint32, data []byte) error {
				walked++
				if !bytes.Equal(data, bodies[TileID(z, x, y)]) {
					return fmt.Errorf("walk %d/%d/%d: %q", z, x, y, data)
				}
				return nil
			})
			if err != nil || walked != len(ids) {
				t.Fatalf("walked %d of %d: %v", walked, len(ids), err)
			}
			// Tiles that were not written are absent.
			for _, c := range [][3]uint32{{14, 1, 2}, {3, 7, 7}, {31, 5, 5}} {
				if _, ok := bodies[TileID(uint8(c[0]), c[1], c[2])]; ok {
					continue
				}
				if got, err := r.Tile(ctx, uint8(c[0]), c[1], c[2]); got != nil || err != nil {
					t.Errorf("absent tile %v: %q %v", c, got, err)
				}
			}
		})
	}
}

// Identical bodies are stored once, so the data section holds each
// distinct body exactly once.
func TestPMTilesDedup(t *testing.T) {
	ids, bodies := testTiles(300, 10)
	path := filepath.Join(t.TempDir(), "t.pmtiles")
	writePMTiles(t, path, ids, bodies, testMeta)
	r, err := OpenPMTiles(path)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	distinct := map[string]bool{}
	size := 0
	for _, b := range bodies {
		if !distinct[string(b)] {
			size += len(b)
		}
		distinct[string(b)] = true
	}
	if h := r.Header(); h.TileContents != uint64(len(distinct)) || h.DataLength != uint64(size) {
		t.Errorf("%d contents in %d bytes, want %d in %d", h.TileContents, h.DataLength, len(distinct), size)
	}
}

func TestPMTilesWriterRefusesDisorder(t *testing.T) {
	w, err := CreatePMTiles(filepath.Join(t.TempDir(), "t.pmtiles"), PMTilesOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Abort()
	if err := w.WriteTile(2, 1, 1, []byte("a")); err != nil {
		t.Fatal(err)
	}
	if err := w.WriteTile(1, 0, 0, []byte("b")); err == nil {
		t.Error("a tile with a smaller id was accepted")
	}
	if err := w.WriteTile(0, 0, 0, nil); err != nil {
		t.Errorf("an empty tile is skipped, not refused: %v", err)
	}
}

// A failed or aborted write leaves nothing at the path, nor temporary
// files beside it.
func TestPMTilesAbortLeavesNothing(t *testing.T) {
	dir := t.TempDir()
	w, err := CreatePMTiles(filepath.Join(dir, "t.pmtiles"), PMTilesOptions{})
	if err != nil {
		t.Fatal(err)
	}
	_ = w.WriteTile(0, 0, 0, []byte("a"))
	bad := testMeta
	bad.MinZoom, bad.MaxZoom = 5, 2
	if err := w.Close(bad); err == nil {
		t.Fatal("metadata with zooms 5..2 accepted")
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 0 {
		t.Errorf("left behind %v", ents)
	}
}

func TestMBTilesRoundTrip(t *testing.T) {
	ids, bodies := testTiles(300, 12)
	path := filepath.Join(t.TempDir(), "t.mbtiles")
	w, err := CreateMBTiles(path, TypeMVT)
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range ids {
		z, x, y, _ := ZXY(id)
		if err := w.WriteTile(z, x, y, bodies[id]); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(testMeta); err != nil {
		t.Fatal(err)
	}
	r, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	m := r.Metadata()
	if m.Name != "test" || m.MaxZoom != 14 || m.Bounds != testMeta.Bounds || m.Center != testMeta.Center ||
		len(m.VectorLayers) != 1 || m.VectorLayers[0].Fields["name"] != "String" || m.Clearance != "public" {
		t.Errorf("metadata %+v", m)
	}
	ctx := context.Background()
	for _, id := range ids {
		z, x, y, _ := ZXY(id)
		if got, err := r.Tile(ctx, z, x, y); err != nil || !bytes.Equal(got, bodies[id]) {
			t.Fatalf("tile %d/%d/%d: %q %v", z, x, y, got, err)
		}
	}
	n := 0
	if err := r.Walk(ctx, func(z uint8, x, y uint32, data []byte) error {
		n++
		if !bytes.Equal(data, bodies[TileID(z, x, y)]) {
			return fmt.Errorf("walk %d/%d/%d: %q", z, x, y, data)
		}
		return nil
	}); err != nil || n != len(ids) {
		t.Fatalf("walked %d of %d: %v", n, len(ids), err)
	}
	if got, err := r.Tile(ctx, 13, 0, 0); got != nil || err != nil {
		t.Errorf("absent tile: %q %v", got, err)
	}
}

func TestDecode(t *testing.T) {
	raw := []byte{0x1a, 0x02, 0x78, 0x02}
	gz := compress(raw, CompressionGzip)
	if r, g, err := Decode(gz); err != nil || !bytes.Equal(r, raw) || !bytes.Equal(g, gz) {
		t.Errorf("gzip tile: %x %x %v", r, g, err)
	}
	if r, g, err := Decode(raw); err != nil || !bytes.Equal(r, raw) || g != nil {
		t.Errorf("raw tile: %x %x %v", r, g, err)
	}
	if _, _, err := Decode([]byte{0x1f, 0x8b, 0}); err == nil {
		t.Error("a truncated gzip tile decoded")
	}
}
