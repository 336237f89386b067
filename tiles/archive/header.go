package archive

import (
	"encoding/binary"
	"fmt"
)

// HeaderLen is the size of a PMTiles v3 header; the root directory follows
// it and both fit in the first rootSpan bytes, so a client reads them with
// one range request.
const (
	HeaderLen = 127
	rootSpan  = 16384
)

// Header is the fixed PMTiles v3 header. Offsets and lengths are in bytes
// from the start of the file; bounds and center are degrees × 10^7.
type Header struct {
	RootOffset, RootLength         uint64
	MetadataOffset, MetadataLength uint64
	LeafOffset, LeafLength         uint64
	DataOffset, DataLength         uint64
	// AddressedTiles counts tiles (run lengths summed), TileEntries the
	// directory entries pointing at tiles, TileContents distinct tile bodies.
	AddressedTiles, TileEntries, TileContents uint64
	Clustered                                 bool
	InternalCompression, TileCompression      Compression
	TileType                                  TileType
	MinZoom, MaxZoom                          uint8
	MinLonE7, MinLatE7, MaxLonE7, MaxLatE7    int32
	CenterZoom                                uint8
	CenterLonE7, CenterLatE7                  int32
}

// Bounds returns west, south, east, north in degrees.
func (h Header) Bounds() [4]float64 {
	return [4]float64{e7(h.MinLonE7), e7(h.MinLatE7), e7(h.MaxLonE7), e7(h.MaxLatE7)}
}

// Center returns lon, lat, zoom.
func (h Header) Center() [3]float64 {
	return [3]float64{e7(h.CenterLonE7), e7(h.CenterLatE7), float64(h.CenterZoom)}
}

func e7(v int32) float64 { return float64(v) / 1e7 }

// Encode returns the header's 127 bytes.
func (h Header) Encode() []byte {
	b := make([]byte, HeaderLen)
	copy(b, "PMTiles")
	b[7] = 3
	le := binary.LittleEndian
	for i, v := range []uint64{h.RootOffset, h.RootLength, h.MetadataOffset, h.MetadataLength,
		h.LeafOffset, h.LeafLength, h.DataOffset, h.DataLength,
		h.AddressedTiles, h.TileEntries, h.TileContents} {
		le.PutUint64(b[8+8*i:], v)
	}
	if h.Clustered {
		b[96] = 1
	}
	b[97], b[98], b[99] = byte(h.InternalCompression), byte(h.TileCompression), byte(h.TileType)
	b[100], b[101] = h.MinZoom, h.MaxZoom
	for i, v := range []int32{h.MinLonE7, h.MinLatE7, h.MaxLonE7, h.MaxLatE7} {
		le.PutUint32(b[102+4*i:], uint32(v))
	}
	b[118] = h.CenterZoom
	le.PutUint32(b[119:], uint32(h.CenterLonE7))
	le.PutUint32(b[123:], uint32(h.CenterLatE7))
	return b
}

// DecodeHeader parses a v3 header from the first bytes of a file and checks
// what can be checked without the file's size: magic, version, known
// compressions, zooms and that the root directory lies within the first
// 16 KiB.
func DecodeHeader(b []byte) (Header, error) {
	var h Header
	if len(b) < HeaderLen {
		return h, fmt.Errorf("%w: %d bytes, a PMTiles header has %d", ErrFormat, len(b), HeaderLen)
	}
	if string(b[:7]) != "PMTiles" {
		return h, fmt.Errorf("%w: no PMTiles magic number", ErrFormat)
	}
	if b[7] != 3 {
		return h, fmt.Errorf("%w: PMTiles version %d, want 3", ErrFormat, b[7])
	}
	le := binary.LittleEndian
	u := func(i int) uint64 { return le.Uint64(b[8+8*i:]) }
	i32 := func(off int) int32 { return int32(le.Uint32(b[off:])) }
	h = Header{
		RootOffset: u(0), RootLength: u(1), MetadataOffset: u(2), MetadataLength: u(3),
		LeafOffset: u(4), LeafLength: u(5), DataOffset: u(6), DataLength: u(7),
		AddressedTiles: u(8), TileEntries: u(9), TileContents: u(10),
		Clustered:           b[96] == 1,
		InternalCompression: Compression(b[97]), TileCompression: Compression(b[98]), TileType: TileType(b[99]),
		MinZoom: b[100], MaxZoom: b[101],
		MinLonE7: i32(102), MinLatE7: i32(106), MaxLonE7: i32(110), MaxLatE7: i32(114),
		CenterZoom: b[118], CenterLonE7: i32(119), CenterLatE7: i32(123),
	}
	return h, h.check()
}

func (h Header) check() error {
	switch {
	case h.InternalCompression != CompressionNone && h.InternalCompression != CompressionGzip:
		return fmt.Errorf("%w: internal compression %d is not supported (none or gzip)", ErrFormat, h.InternalCompression)
	case h.TileCompression != CompressionNone && h.TileCompression != CompressionGzip:
		return fmt.Errorf("%w: tile compression %d is not supported (none or gzip)", ErrFormat, h.TileCompression)
	case h.MinZoom > h.MaxZoom || h.MaxZoom > maxZoom:
		return fmt.Errorf("%w: zoom range %d..%d", ErrFormat, h.MinZoom, h.MaxZoom)
	case h.RootOffset < HeaderLen || h.RootOffset > rootSpan || h.RootLength > rootSpan-h.RootOffset:
		return fmt.Errorf("%w: root directory at %d+%d is not within the first %d bytes", ErrFormat, h.RootOffset, h.RootLength, rootSpan)
	}
	return nil
}
