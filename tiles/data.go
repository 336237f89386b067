package tiles

import (
	"bytes"
	"sync"

	"github.com/klauspost/compress/gzip"
)

// Tile is a rendered vector tile. Tiles come from the cache and are shared
// between requests: treat the results of Bytes and Gzip as read-only.
type Tile struct {
	data []byte // the raw MVT protobuf; empty for a tile without features
	gz   *lazyGzip
	tags etags // strong validators, set once per render (see ETag)
	// format is the tile's encoding: its bytes, tags and media type.
	format Format
}

// Format returns the tile's encoding.
func (t Tile) Format() Format { return t.format }

// lazyGzip computes the gzip form of a tile once, on first use, and is
// shared by every copy of the Tile (and so by every cache hit).
type lazyGzip struct {
	once sync.Once
	data []byte
}

func newTile(data []byte) Tile { return Tile{data: data, gz: &lazyGzip{}} }

// Bytes returns the raw MVT protobuf: empty for a tile without features
// (the API answers 204 No Content).
func (t Tile) Bytes() []byte { return t.data }

// Empty reports whether the tile has no features.
func (t Tile) Empty() bool { return len(t.data) == 0 }

// Gzip returns the tile gzip-compressed, for clients that accept it
// (Content-Encoding: gzip). An empty tile gives an empty body.
func (t Tile) Gzip() []byte {
	if len(t.data) == 0 {
		return nil
	}
	if t.gz == nil {
		return gzipBytes(t.data)
	}
	t.gz.once.Do(func() { t.gz.data = gzipBytes(t.data) })
	return t.gz.data
}

// gzipBytes compresses at BestSpeed: on a dense tile it is about seven times
// faster than the default level for a body about 15% larger, and a live
// layer's tiles are re-rendered (and re-compressed) often. The writers
// are klauspost's (faster than the standard library's at the same level)
// and pooled: a new one allocates its compressor's tables, several times
// the size of a tile.
func gzipBytes(b []byte) []byte {
	var buf bytes.Buffer
	buf.Grow(len(b)/2 + 64)
	zw := gzipPool.Get().(*gzip.Writer)
	zw.Reset(&buf)
	_, _ = zw.Write(b) // bytes.Buffer writes do not fail
	_ = zw.Close()
	gzipPool.Put(zw)
	return buf.Bytes()
}

var gzipPool = sync.Pool{New: func() any {
	zw, _ := gzip.NewWriterLevel(nil, gzip.BestSpeed) // the level is valid
	return zw
}}
