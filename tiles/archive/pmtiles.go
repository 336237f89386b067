package archive

import (
	"bufio"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// PMTilesOptions say what the tiles are. The zero value is gzip-compressed
// MVT, the bytes tiles.Server serves with Content-Encoding: gzip.
type PMTilesOptions struct {
	TileType        TileType    // TypeMVT when zero
	TileCompression Compression // CompressionGzip when zero
}

// PMTilesWriter writes a PMTiles v3 archive. Tiles must come in ascending
// tile-id order (see TileID), which makes the archive clustered: tile bytes
// lie in id order, so a client reading neighbours reads one range. A tile
// whose bytes were already written points at them (the sea and the inside
// of a large polygon repeat), and consecutive ids with the same bytes
// become one run. Tile bytes go to a temporary file beside the archive
// until Close lays out header, directories and metadata before them.
type PMTilesWriter struct {
	path    string
	opts    PMTilesOptions
	tmp     *os.File
	buf     *bufio.Writer
	size    uint64 // bytes of tile data written
	entries []Entry
	seen    map[[sha256.Size]byte]Entry
	last    uint64
	count   uint64 // tiles addressed
}

// CreatePMTiles starts an archive at path; nothing appears there until
// Close succeeds.
func CreatePMTiles(path string, opts PMTilesOptions) (*PMTilesWriter, error) {
	if opts.TileType == TypeUnknown {
		opts.TileType = TypeMVT
	}
	if opts.TileCompression == CompressionUnknown {
		opts.TileCompression = CompressionGzip
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".pmtiles-data-*")
	if err != nil {
		return nil, fmt.Errorf("archive: %w", err)
	}
	return &PMTilesWriter{path: path, opts: opts, tmp: tmp, buf: bufio.NewWriterSize(tmp, 1<<20),
		seen: make(map[[sha256.Size]byte]Entry)}, nil
}

// WriteTile adds the stored bytes of tile z/x/y. An empty tile is skipped:
// a missing entry is how PMTiles says "no tile".
func (w *PMTilesWriter) WriteTile(z uint8, x, y uint32, data []byte) error {
	if len(data) == 0 {
		return nil
	}
	id := TileID(z, x, y)
	if len(w.entries) > 0 && id <= w.last {
		return fmt.Errorf("archive: tile %d/%d/%d (id %d) comes after id %d: tiles must be written in tile-id order", z, x, y, id, w.last)
	}
	w.last = id
	w.count++
	sum := sha256.Sum256(data)
	if prev, ok := w.seen[sum]; ok {
		if n := len(w.entries); n > 0 {
			if e := &w.entries[n-1]; e.Offset == prev.Offset && e.TileID+uint64(e.RunLength) == id {
				e.RunLength++
				return nil
			}
		}
		w.entries = append(w.entries, Entry{TileID: id, Offset: prev.Offset, Length: prev.Length, RunLength: 1})
		return nil
	}
	e := Entry{TileID: id, Offset: w.size, Length: uint32(len(data)), RunLength: 1}
	if _, err := w.buf.Write(data); err != nil {
		return fmt.Errorf("archive: tile data: %w", err)
	}
	w.size += uint64(len(data))
	w.seen[sum] = e
	w.entries = append(w.entries, e)
	return nil
}

// Stats returns the tiles addressed and the distinct tile bodies so far.
func (w *PMTilesWriter) Stats() (tiles, contents int) { return int(w.count), len(w.seen) }

// Close writes the archive: header, root directory, metadata, leaf
// directories, then the tile data, to a temporary name renamed to path.
func (w *PMTilesWriter) Close(m Metadata) (err error) {
	defer w.Abort()
	if err := m.check(); err != nil {
		return err
	}
	if err := w.buf.Flush(); err != nil {
		return fmt.Errorf("archive: tile data: %w", err)
	}
	meta, err := json.Marshal(m)
	if err != nil {
		return fmt.Errorf("archive: metadata: %w", err)
	}
	const internal = CompressionGzip
	root, leaves := buildDirectories(w.entries, internal)
	meta = compress(meta, internal)
	h := w.header(m, internal, uint64(len(root)), uint64(len(meta)), uint64(len(leaves)))
	out, err := os.CreateTemp(filepath.Dir(w.path), ".pmtiles-*")
	if err != nil {
		return fmt.Errorf("archive: %w", err)
	}
	defer func() {
		if err != nil {
			out.Close()
			os.Remove(out.Name())
		}
	}()
	bw := bufio.NewWriterSize(out, 1<<20)
	for _, part := range [][]byte{h.Encode(), root, meta, leaves} {
		if _, err := bw.Write(part); err != nil {
			return fmt.Errorf("archive: %w", err)
		}
	}
	if _, err := w.tmp.Seek(0, io.SeekStart); err != nil {
		return fmt.Errorf("archive: tile data: %w", err)
	}
	if _, err := io.Copy(bw, w.tmp); err != nil {
		return fmt.Errorf("archive: tile data: %w", err)
	}
	// CreateTemp makes the file private; an archive is meant to be shared.
	if err := errors.Join(bw.Flush(), out.Chmod(0o644), out.Sync(), out.Close()); err != nil {
		return fmt.Errorf("archive: %w", err)
	}
	if err := os.Rename(out.Name(), w.path); err != nil {
		return fmt.Errorf("archive: %w", err)
	}
	return nil
}

// header fills the header for sections laid out in the order Close writes
// them.
func (w *PMTilesWriter) header(m Metadata, internal Compression, rootLen, metaLen, leafLen uint64) Header {
	return Header{
		RootOffset: HeaderLen, RootLength: rootLen,
		MetadataOffset: HeaderLen + rootLen, MetadataLength: metaLen,
		LeafOffset: HeaderLen + rootLen + metaLen, LeafLength: leafLen,
		DataOffset: HeaderLen + rootLen + metaLen + leafLen, DataLength: w.size,
		AddressedTiles: w.count, TileEntries: uint64(len(w.entries)), TileContents: uint64(len(w.seen)),
		Clustered:           true,
		InternalCompression: internal, TileCompression: w.opts.TileCompression, TileType: w.opts.TileType,
		MinZoom: uint8(m.MinZoom), MaxZoom: uint8(m.MaxZoom),
		MinLonE7: toE7(m.Bounds[0]), MinLatE7: toE7(m.Bounds[1]), MaxLonE7: toE7(m.Bounds[2]), MaxLatE7: toE7(m.Bounds[3]),
		CenterZoom: uint8(m.Center[2]), CenterLonE7: toE7(m.Center[0]), CenterLatE7: toE7(m.Center[1]),
	}
}

// Abort drops the temporary tile data; after Close it does nothing.
func (w *PMTilesWriter) Abort() {
	if w.tmp != nil {
		w.tmp.Close()
		os.Remove(w.tmp.Name())
		w.tmp = nil
	}
}
