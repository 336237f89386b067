package archive

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// smallArchive is a valid archive of a few tiles, the seed the fuzzers
// mutate.
func smallArchive(f *testing.F) []byte {
	path := filepath.Join(f.TempDir(), "seed.pmtiles")
	w, err := CreatePMTiles(path, PMTilesOptions{})
	if err != nil {
		f.Fatal(err)
	}
	for _, c := range [][3]uint32{{0, 0, 0}, {1, 0, 0}, {1, 0, 1}, {1, 1, 1}, {2, 0, 0}} {
		_ = w.WriteTile(uint8(c[0]), c[1], c[2], []byte("tile"))
	}
	if err := w.Close(testMeta); err != nil {
		f.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		f.Fatal(err)
	}
	return b
}

// FuzzPMTilesReader opens arbitrary bytes as an archive: it must refuse
// them with ErrFormat or read them without panicking, and every tile a
// valid archive returns must lie within the file.
func FuzzPMTilesReader(f *testing.F) {
	seed := smallArchive(f)
	f.Add(seed)
	f.Add(seed[:HeaderLen])
	f.Add(plainArchive())
	f.Add([]byte("PMTiles\x03"))
	f.Fuzz(func(t *testing.T, b []byte) {
		r, err := NewPMTilesReader(bytes.NewReader(b), int64(len(b)))
		if err != nil {
			if !errors.Is(err, ErrFormat) {
				t.Fatalf("error %v does not wrap ErrFormat", err)
			}
			return
		}
		ctx := context.Background()
		for _, c := range [][3]uint32{{0, 0, 0}, {1, 0, 1}, {2, 0, 0}, {14, 100, 200}} {
			data, err := r.Tile(ctx, uint8(c[0]), c[1], c[2])
			if err == nil && len(data) > len(b) {
				t.Fatalf("tile of %d bytes from a %d-byte file", len(data), len(b))
			}
		}
		n := 0
		_ = r.Walk(ctx, func(uint8, uint32, uint32, []byte) error {
			if n++; n > 1000 {
				return errors.New("enough")
			}
			return nil
		})
	})
}

// FuzzDecodeHeader: a header that decodes encodes back to the same bytes.
func FuzzDecodeHeader(f *testing.F) {
	f.Add(smallArchive(f)[:HeaderLen])
	f.Add(make([]byte, HeaderLen))
	f.Fuzz(func(t *testing.T, b []byte) {
		h, err := DecodeHeader(b)
		if err != nil {
			return
		}
		if got := h.Encode(); !bytes.Equal(got, b[:HeaderLen]) && b[96] <= 1 {
			t.Fatalf("header round trip:\n got %x\nwant %x", got, b[:HeaderLen])
		}
	})
}

// FuzzDecodeEntries: a directory that decodes re-encodes to entries that
// decode to the same directory.
func FuzzDecodeEntries(f *testing.F) {
	f.Add(encodeEntries([]Entry{{TileID: 0, Offset: 0, Length: 10, RunLength: 1}, {TileID: 5, Offset: 10, Length: 3, RunLength: 2}}))
	f.Add(encodeEntries([]Entry{{TileID: 3, Offset: 7, Length: 1}}))
	f.Add([]byte{0xff, 0xff, 0xff, 0xff, 0x0f})
	f.Fuzz(func(t *testing.T, b []byte) {
		es, err := DecodeEntries(b)
		if err != nil {
			if !errors.Is(err, ErrFormat) {
				t.Fatalf("error %v does not wrap ErrFormat", err)
			}
			return
		}
		again, err := DecodeEntries(encodeEntries(es))
		if err != nil || !slices.Equal(es, again) {
			t.Fatalf("re-encoded directory: %v %v, want %v", again, err, es)
		}
		for _, e := range es {
			findTile(es, e.TileID)
		}
	})
}

// plainArchive is an archive with uncompressed directories and metadata,
// so mutations reach the directory decoder rather than gzip's checksum.
func plainArchive() []byte {
	dir := encodeEntries([]Entry{{TileID: 0, Length: 2, RunLength: 1}, {TileID: 1, Offset: 2, Length: 3, RunLength: 3}})
	meta := []byte(`{"name":"plain"}`)
	data := []byte("ababc")
	h := Header{RootOffset: HeaderLen, RootLength: uint64(len(dir)),
		MetadataOffset: HeaderLen + uint64(len(dir)), MetadataLength: uint64(len(meta)),
		DataOffset: HeaderLen + uint64(len(dir)+len(meta)), DataLength: uint64(len(data)),
		InternalCompression: CompressionNone, TileCompression: CompressionNone, TileType: TypeMVT, MaxZoom: 1}
	return slices.Concat(h.Encode(), dir, meta, data)
}

func TestPlainArchive(t *testing.T) {
	b := plainArchive()
	r, err := NewPMTilesReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		z    uint8
		x, y uint32
		want string
	}{{0, 0, 0, "ab"}, {1, 0, 0, "abc"}, {1, 1, 1, "abc"}, {1, 1, 0, ""}, {2, 0, 0, ""}} {
		got, err := r.Tile(context.Background(), c.z, c.x, c.y)
		if err != nil || string(got) != c.want {
			t.Errorf("%d/%d/%d: %q %v, want %q", c.z, c.x, c.y, got, err, c.want)
		}
	}
	if r.Metadata().Name != "plain" {
		t.Errorf("metadata %+v", r.Metadata())
	}
}
