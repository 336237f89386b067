package archive

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"fmt"
	"io"
	"math"
)

// Entry is one directory entry: RunLength consecutive tile ids from TileID
// share the bytes at Offset (relative to the tile data section). RunLength
// 0 makes it a pointer to a leaf directory (Offset relative to the leaf
// section).
type Entry struct {
	TileID    uint64
	Offset    uint64
	Length    uint32
	RunLength uint32
}

// maxDirBytes bounds a directory after decompression: a leaf of the
// largest planet archives is a few hundred KiB, so 32 MiB is generous and
// keeps a crafted "gzip bomb" from exhausting memory.
const maxDirBytes = 32 << 20

// encodeEntries writes a directory in the v3 layout: the count, then the
// id deltas, run lengths, lengths and offsets as four columns of varints
// (an offset of 0 means "right after the previous entry's bytes").
func encodeEntries(es []Entry) []byte {
	b := binary.AppendUvarint(nil, uint64(len(es)))
	var last uint64
	for _, e := range es {
		b = binary.AppendUvarint(b, e.TileID-last)
		last = e.TileID
	}
	for _, e := range es {
		b = binary.AppendUvarint(b, uint64(e.RunLength))
	}
	for _, e := range es {
		b = binary.AppendUvarint(b, uint64(e.Length))
	}
	for i, e := range es {
		if i > 0 && e.Offset == es[i-1].Offset+uint64(es[i-1].Length) {
			b = binary.AppendUvarint(b, 0)
		} else {
			b = binary.AppendUvarint(b, e.Offset+1)
		}
	}
	return b
}

// DecodeEntries parses an uncompressed directory. Every varint must be
// whole, tile ids strictly increase, and every length is positive.
func DecodeEntries(b []byte) ([]Entry, error) {
	r := varints{b: b}
	n := r.next()
	// Each entry takes at least four bytes, which bounds the count before
	// anything is allocated.
	if r.err != nil || n > uint64(len(b))/4 {
		return nil, fmt.Errorf("%w: directory of %d bytes claims %d entries", ErrFormat, len(b), n)
	}
	es := make([]Entry, n)
	var id uint64
	for i := range es {
		d := r.next()
		if i > 0 && d == 0 || id+d < id {
			return nil, fmt.Errorf("%w: directory entry %d: tile ids must increase", ErrFormat, i)
		}
		id += d
		es[i].TileID = id
	}
	for i := range es {
		es[i].RunLength = r.next32()
	}
	for i := range es {
		if es[i].Length = r.next32(); es[i].Length == 0 && r.err == nil {
			return nil, fmt.Errorf("%w: directory entry %d has length 0", ErrFormat, i)
		}
	}
	for i := range es {
		v := r.next()
		switch {
		case i > 0 && v == 0:
			es[i].Offset = es[i-1].Offset + uint64(es[i-1].Length)
		case v == 0:
			return nil, fmt.Errorf("%w: directory entry 0 has no offset", ErrFormat)
		default:
			es[i].Offset = v - 1
		}
	}
	if r.err != nil {
		return nil, fmt.Errorf("%w: directory: %v", ErrFormat, r.err)
	}
	return es, nil
}

// varints reads unsigned varints, remembering the first error.
type varints struct {
	b   []byte
	err error
}

func (r *varints) next() uint64 {
	if r.err != nil {
		return 0
	}
	v, n := binary.Uvarint(r.b)
	if n <= 0 {
		r.err = fmt.Errorf("truncated or overlong varint")
		return 0
	}
	r.b = r.b[n:]
	return v
}

func (r *varints) next32() uint32 {
	v := r.next()
	if v > math.MaxUint32 && r.err == nil {
		r.err = fmt.Errorf("value %d does not fit 32 bits", v)
	}
	return uint32(v)
}

// findTile returns the entry holding tile id in a sorted directory: an
// exact match, a run that covers id, or the leaf pointer whose range may.
func findTile(es []Entry, id uint64) (Entry, bool) {
	lo, hi := 0, len(es)-1
	for lo <= hi {
		m := int(uint(lo+hi) >> 1)
		switch {
		case es[m].TileID < id:
			lo = m + 1
		case es[m].TileID > id:
			hi = m - 1
		default:
			return es[m], true
		}
	}
	if hi < 0 {
		return Entry{}, false
	}
	e := es[hi]
	if e.RunLength == 0 || id-e.TileID < uint64(e.RunLength) {
		return e, true
	}
	return Entry{}, false
}

// compress applies c to b; gzip at the best level, since directories are
// written once and read by every client.
func compress(b []byte, c Compression) []byte {
	if c != CompressionGzip {
		return b
	}
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression) // the level is valid
	_, _ = zw.Write(b)                                       // bytes.Buffer writes do not fail
	_ = zw.Close()
	return buf.Bytes()
}

// decompress undoes c, refusing more than limit bytes of output.
func decompress(b []byte, c Compression, limit int64) ([]byte, error) {
	switch c {
	case CompressionNone:
		if int64(len(b)) > limit {
			return nil, fmt.Errorf("%w: %d bytes is over the %d-byte limit", ErrFormat, len(b), limit)
		}
		return b, nil
	case CompressionGzip:
		zr, err := gzip.NewReader(bytes.NewReader(b))
		if err != nil {
			return nil, fmt.Errorf("%w: gzip: %v", ErrFormat, err)
		}
		out, err := io.ReadAll(io.LimitReader(zr, limit+1))
		if err != nil {
			return nil, fmt.Errorf("%w: gzip: %v", ErrFormat, err)
		}
		if int64(len(out)) > limit {
			return nil, fmt.Errorf("%w: decompresses to over %d bytes", ErrFormat, limit)
		}
		return out, nil
	}
	return nil, fmt.Errorf("%w: compression %d is not supported", ErrFormat, c)
}

// buildDirectories lays out the entries as a root directory that fits with
// the header in the first 16 KiB and, when they do not fit there, leaf
// directories the root points to, growing the leaves until the root fits.
func buildDirectories(es []Entry, c Compression) (root, leaves []byte) {
	const maxRoot = rootSpan - HeaderLen
	if len(es) < 16384 {
		if root = compress(encodeEntries(es), c); len(root) <= maxRoot {
			return root, nil
		}
	}
	leafSize := max(4096, len(es)/3500)
	for {
		var ptrs []Entry
		leaves = leaves[:0]
		for i := 0; i < len(es); i += leafSize {
			leaf := compress(encodeEntries(es[i:min(i+leafSize, len(es))]), c)
			ptrs = append(ptrs, Entry{TileID: es[i].TileID, Offset: uint64(len(leaves)), Length: uint32(len(leaf))})
			leaves = append(leaves, leaf...)
		}
		if root = compress(encodeEntries(ptrs), c); len(root) <= maxRoot {
			return root, leaves
		}
		leafSize += leafSize / 5
	}
}
