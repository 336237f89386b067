package archive

import (
	"bytes"
	"context"
	"fmt"
	"iter"
	"path/filepath"
	"strings"
)

// Reader is an open archive of either kind.
type Reader interface {
	// Tile returns the stored bytes of tile z/x/y (XYZ), nil when absent.
	Tile(ctx context.Context, z uint8, x, y uint32) ([]byte, error)
	// Walk calls fn for every stored tile.
	Walk(ctx context.Context, fn func(z uint8, x, y uint32, data []byte) error) error
	Metadata() Metadata
	Close() error
}

// Open opens a .pmtiles or .mbtiles file, by its extension.
func Open(path string) (Reader, error) {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".pmtiles":
		return OpenPMTiles(path)
	case ".mbtiles":
		return OpenMBTiles(path)
	}
	return nil, fmt.Errorf("archive: %s: want a .pmtiles or .mbtiles file", path)
}

// maxTileBytes bounds a tile after decompression (the server's tiles stay
// under 500 KB; 64 MiB stops a crafted archive's gzip bomb).
const maxTileBytes = 64 << 20

// Decode returns a stored tile's raw bytes and, when it is stored
// gzip-compressed, the stored gzip bytes too. Stored bytes are recognised
// by the gzip magic number, as GDAL and tippecanoe do: MBTiles has no field
// that says, and a PMTiles header's claim is checked against the bytes.
func Decode(stored []byte) (raw, gz []byte, err error) {
	if !IsGzip(stored) {
		return stored, nil, nil
	}
	raw, err = decompress(stored, CompressionGzip, maxTileBytes)
	if err != nil {
		return nil, nil, fmt.Errorf("%w (tile)", err)
	}
	return raw, stored, nil
}

// IsGzip reports whether b starts with the gzip magic number.
func IsGzip(b []byte) bool { return bytes.HasPrefix(b, []byte{0x1f, 0x8b}) }

// splitComma yields the comma-separated parts of s, trimmed.
func splitComma(s string) iter.Seq[string] {
	return func(yield func(string) bool) {
		if s == "" {
			return
		}
		for part := range strings.SplitSeq(s, ",") {
			if !yield(strings.TrimSpace(part)) {
				return
			}
		}
	}
}
