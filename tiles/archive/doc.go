// Package archive writes and reads tile archives: PMTiles v3 (one file,
// read by byte ranges, for CDNs and MapLibre's pmtiles protocol) and
// MBTiles 1.3 (SQLite, for GDAL, QGIS and offline tools).
//
// The package stores tile bytes as it is given them and knows nothing of
// how they were rendered: `bando export` feeds it the very bytes
// tiles.Server serves (gzip-compressed MVT, the server's Content-Encoding:
// gzip body), and `bando serve` reads them back for an archive layer.
// PMTiles is parsed here rather than with protomaps/go-pmtiles because the
// reader meets untrusted files: go-pmtiles' decoder ignores varint errors,
// pre-allocates entries from an unchecked count and slices a short header
// without a length check, and its package pulls in cloud-storage SDKs.
package archive

import "errors"

// ErrFormat is wrapped by every error about a malformed archive.
var ErrFormat = errors.New("archive: malformed archive")

// TileType is the format of the tiles in an archive, as the PMTiles header
// numbers it.
type TileType uint8

// Tile types: MVT, and MLT for MapLibre Tiles (`bando export --format mlt`).
const (
	TypeUnknown TileType = 0
	TypeMVT     TileType = 1
	TypeMLT     TileType = 6
)

// Compression is how tile or directory bytes are compressed, as the PMTiles
// header numbers it.
type Compression uint8

// Compressions. Only none and gzip are written or read.
const (
	CompressionUnknown Compression = 0
	CompressionNone    Compression = 1
	CompressionGzip    Compression = 2
)

// String returns the name PMTiles tools use.
func (c Compression) String() string {
	switch c {
	case CompressionNone:
		return "none"
	case CompressionGzip:
		return "gzip"
	}
	return "unknown"
}

// String returns the name PMTiles tools use.
func (t TileType) String() string {
	switch t {
	case TypeMVT:
		return "mvt"
	case TypeMLT:
		return "mlt"
	}
	return "unknown"
}
