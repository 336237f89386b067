package tiles

import (
	"encoding/hex"

	"github.com/cespare/xxhash/v2"
)

// etags are a tile's strong entity tags, one per content coding: the raw
// and the gzip body are different representations, so they must not share
// a strong validator (RFC 9110 §8.8.3).
type etags struct{ raw, gzip string }

// newETags hashes the raw MVT once per render. The tag depends on the bytes
// alone, so a write changes the tag of exactly the tiles whose bytes it
// changes, and two principals who see the same bytes share it.
func newETags(data []byte, f Format) etags {
	var h [8]byte
	sum := xxhash.Sum64(data)
	for i := range h {
		h[i] = byte(sum >> (56 - 8*i))
	}
	hx := hex.EncodeToString(h[:])
	// An MLT tile is another representation of the same place: its tags
	// must differ from the MVT tile's even when both are empty.
	if f == MLT {
		hx += "-mlt"
	}
	return etags{raw: `"` + hx + `"`, gzip: `"` + hx + `-gz"`}
}

// withETags returns t with its entity tags computed.
func withETags(t Tile) Tile {
	t.tags = newETags(t.data, t.format)
	return t
}

// ETag returns the strong entity tag of the raw body (Bytes), quoted as it
// goes in the ETag header. An empty tile has a tag too, the same for all.
func (t Tile) ETag() string {
	if t.tags.raw == "" {
		return newETags(t.data, t.format).raw
	}
	return t.tags.raw
}

// GzipETag returns the strong entity tag of the gzip body (Gzip).
func (t Tile) GzipETag() string {
	if t.tags.gzip == "" {
		return newETags(t.data, t.format).gzip
	}
	return t.tags.gzip
}
