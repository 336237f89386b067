package archive

import (
	"fmt"
	"math/bits"
)

// maxZoom is the deepest zoom a PMTiles tile id can address in 64 bits
// (4^32 ids would overflow).
const maxZoom = 31

// TileID returns the PMTiles id of tile z/x/y: the tiles of all shallower
// zooms counted first, then the position on the zoom's Hilbert curve, so
// tiles near each other on the map are near each other in the file.
func TileID(z uint8, x, y uint32) uint64 {
	acc := (uint64(1)<<(2*uint(z)) - 1) / 3
	for s := uint32(1) << z >> 1; s > 0; s >>= 1 {
		rx, ry := boolBit(x&s != 0), boolBit(y&s != 0)
		acc += uint64(s) * uint64(s) * uint64((3*rx)^ry)
		x, y = rotate(s, x, y, rx, ry)
	}
	return acc
}

// ZXY returns the tile of a PMTiles id, the inverse of TileID.
func ZXY(id uint64) (z uint8, x, y uint32, err error) {
	// The first id of zoom 32, (4^32 − 1) / 3, is the first one past the
	// end; below it 3·id + 1 cannot overflow.
	if id >= (1<<64-1)/3 {
		return 0, 0, 0, fmt.Errorf("%w: tile id %d is beyond zoom %d", ErrFormat, id, maxZoom)
	}
	z = uint8((bits.Len64(3*id+1) - 1) / 2)
	t := id - (uint64(1)<<(2*uint(z))-1)/3
	for a := uint(0); a < uint(z); a++ {
		s := uint32(1) << a
		rx := uint32(1 & (t >> 1))
		ry := uint32(1 & (t ^ uint64(rx)))
		x, y = rotate(s, x, y, rx, ry)
		x += rx << a
		y += ry << a
		t >>= 2
	}
	return z, x, y, nil
}

// rotate turns a Hilbert quadrant so the curve stays continuous.
func rotate(n, x, y, rx, ry uint32) (uint32, uint32) {
	if ry == 0 {
		if rx != 0 {
			x, y = n-1-x, n-1-y
		}
		return y, x
	}
	return x, y
}

func boolBit(b bool) uint32 {
	if b {
		return 1
	}
	return 0
}
