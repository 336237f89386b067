package archive

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"sync"
)

// Limits on what a reader accepts from a file, whatever its header says.
const (
	maxMetadataBytes = 16 << 20
	maxDirDepth      = 4 // root, then leaves: the spec's writers use one level
	leafCacheSize    = 64
)

// PMTilesReader reads tiles from a PMTiles v3 archive by byte ranges: the
// header and root directory once, a leaf directory when a tile needs it
// (a few are kept), and each tile's own bytes. It never loads the whole
// file and is safe for concurrent use.
type PMTilesReader struct {
	r      io.ReaderAt
	size   uint64
	closer io.Closer
	h      Header
	root   []Entry
	meta   Metadata

	mu     sync.Mutex
	leaves map[uint64][]Entry // by offset in the leaf section
}

// OpenPMTiles opens an archive file.
func OpenPMTiles(path string) (*PMTilesReader, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("archive: %w", err)
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("archive: %w", err)
	}
	r, err := NewPMTilesReader(f, st.Size())
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	r.closer = f
	return r, nil
}

// NewPMTilesReader reads the archive held by r, size bytes long: its
// header, root directory and metadata are read and checked now.
func NewPMTilesReader(r io.ReaderAt, size int64) (*PMTilesReader, error) {
	p := &PMTilesReader{r: r, size: uint64(size), leaves: make(map[uint64][]Entry)}
	head := make([]byte, min(size, rootSpan))
	if _, err := r.ReadAt(head, 0); err != nil && err != io.EOF {
		return nil, fmt.Errorf("archive: header: %w", err)
	}
	h, err := DecodeHeader(head)
	if err != nil {
		return nil, err
	}
	if err := p.checkSections(h); err != nil {
		return nil, err
	}
	p.h = h
	if p.root, err = p.directory(head[h.RootOffset : h.RootOffset+h.RootLength]); err != nil {
		return nil, fmt.Errorf("%w (root directory)", err)
	}
	raw, err := p.read(h.MetadataOffset, h.MetadataLength)
	if err != nil {
		return nil, err
	}
	if raw, err = decompress(raw, h.InternalCompression, maxMetadataBytes); err != nil {
		return nil, fmt.Errorf("%w (metadata)", err)
	}
	if len(raw) > 0 {
		if err := json.Unmarshal(raw, &p.meta); err != nil {
			return nil, fmt.Errorf("%w: metadata: %v", ErrFormat, err)
		}
	}
	// The header, not the JSON, is authoritative for zooms and bounds.
	p.meta.MinZoom, p.meta.MaxZoom = int(h.MinZoom), int(h.MaxZoom)
	p.meta.Bounds, p.meta.Center = h.Bounds(), h.Center()
	return p, nil
}

// checkSections makes sure every section lies within the file.
func (p *PMTilesReader) checkSections(h Header) error {
	for _, s := range []struct {
		name      string
		off, size uint64
	}{{"root directory", h.RootOffset, h.RootLength}, {"metadata", h.MetadataOffset, h.MetadataLength},
		{"leaf directories", h.LeafOffset, h.LeafLength}, {"tile data", h.DataOffset, h.DataLength}} {
		if s.off > p.size || s.size > p.size-s.off {
			return fmt.Errorf("%w: %s at %d+%d is beyond the end of the %d-byte file", ErrFormat, s.name, s.off, s.size, p.size)
		}
	}
	return nil
}

// Header returns the archive's header.
func (p *PMTilesReader) Header() Header { return p.h }

// Metadata returns the archive's metadata, with zooms and bounds from the
// header.
func (p *PMTilesReader) Metadata() Metadata { return p.meta }

// Compression returns how the stored tiles are compressed.
func (p *PMTilesReader) Compression() Compression { return p.h.TileCompression }

// Close closes the file.
func (p *PMTilesReader) Close() error {
	if p.closer == nil {
		return nil
	}
	return p.closer.Close()
}

// Tile returns the stored bytes of tile z/x/y, compressed as Compression
// says; nil when the archive has no such tile.
func (p *PMTilesReader) Tile(ctx context.Context, z uint8, x, y uint32) ([]byte, error) {
	if z > maxZoom || x >= 1<<z || y >= 1<<z {
		return nil, nil
	}
	id := TileID(z, x, y)
	dir := p.root
	for range maxDirDepth {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		e, ok := findTile(dir, id)
		if !ok {
			return nil, nil
		}
		if e.RunLength > 0 {
			return p.section(p.h.DataOffset, p.h.DataLength, e, "tile")
		}
		var err error
		if dir, err = p.leaf(e); err != nil {
			return nil, err
		}
	}
	return nil, fmt.Errorf("%w: directories nest deeper than %d levels", ErrFormat, maxDirDepth)
}

// leaf returns the leaf directory an entry points to, from the cache or
// the file.
func (p *PMTilesReader) leaf(e Entry) ([]Entry, error) {
	p.mu.Lock()
	dir, ok := p.leaves[e.Offset]
	p.mu.Unlock()
	if ok {
		return dir, nil
	}
	raw, err := p.section(p.h.LeafOffset, p.h.LeafLength, e, "leaf directory")
	if err != nil {
		return nil, err
	}
	if dir, err = p.directory(raw); err != nil {
		return nil, fmt.Errorf("%w (leaf directory at %d)", err, e.Offset)
	}
	p.mu.Lock()
	if len(p.leaves) >= leafCacheSize {
		clear(p.leaves) // simple and bounded; leaves are cheap to re-read
	}
	p.leaves[e.Offset] = dir
	p.mu.Unlock()
	return dir, nil
}

// directory decompresses and decodes one directory.
func (p *PMTilesReader) directory(b []byte) ([]Entry, error) {
	raw, err := decompress(b, p.h.InternalCompression, maxDirBytes)
	if err != nil {
		return nil, err
	}
	return DecodeEntries(raw)
}

// section reads an entry's bytes from a section, checking they lie in it.
func (p *PMTilesReader) section(off, size uint64, e Entry, what string) ([]byte, error) {
	if e.Offset > size || uint64(e.Length) > size-e.Offset {
		return nil, fmt.Errorf("%w: %s at %d+%d is beyond its section (%d bytes)", ErrFormat, what, e.Offset, e.Length, size)
	}
	return p.read(off+e.Offset, uint64(e.Length))
}

func (p *PMTilesReader) read(off, n uint64) ([]byte, error) {
	b := make([]byte, n)
	if _, err := p.r.ReadAt(b, int64(off)); err != nil && !(err == io.EOF && n == 0) {
		return nil, fmt.Errorf("archive: read %d bytes at %d: %w", n, off, err)
	}
	return b, nil
}

// Walk calls fn for every tile of the archive in tile-id order, with the
// stored bytes; a run calls fn once per tile.
func (p *PMTilesReader) Walk(ctx context.Context, fn func(z uint8, x, y uint32, data []byte) error) error {
	return p.walk(ctx, p.root, 0, fn)
}

func (p *PMTilesReader) walk(ctx context.Context, dir []Entry, depth int, fn func(uint8, uint32, uint32, []byte) error) error {
	if depth >= maxDirDepth {
		return fmt.Errorf("%w: directories nest deeper than %d levels", ErrFormat, maxDirDepth)
	}
	for _, e := range dir {
		if err := ctx.Err(); err != nil {
			return err
		}
		if e.RunLength == 0 {
			leaf, err := p.leaf(e)
			if err != nil {
				return err
			}
			if err := p.walk(ctx, leaf, depth+1, fn); err != nil {
				return err
			}
			continue
		}
		data, err := p.section(p.h.DataOffset, p.h.DataLength, e, "tile")
		if err != nil {
			return err
		}
		for i := range uint64(e.RunLength) {
			z, x, y, err := ZXY(e.TileID + i)
			if err != nil {
				return err
			}
			if err := fn(z, x, y, data); err != nil {
				return err
			}
		}
	}
	return nil
}
