package postgis

import (
	"encoding/binary"
	"errors"
	"fmt"
)

// checkEWKB walks an EWKB value without allocating and fails if a count
// claims more elements than the bytes left can hold. go-geom's reader
// allocates what the counts say before reading, so without this a damaged
// value (a bit flipped on disk, a fuzzer) could ask for gigabytes.
func checkEWKB(b []byte) error {
	rest, err := walkEWKB(b, 0)
	if err != nil {
		return err
	}
	if len(rest) != 0 {
		return fmt.Errorf("postgis: ewkb: %d trailing bytes", len(rest))
	}
	return nil
}

var errShort = errors.New("postgis: ewkb: truncated or implausible count")

// EWKB flags in the type word.
const (
	ewkbZ    = 0x80000000
	ewkbM    = 0x40000000
	ewkbSRID = 0x20000000
)

func walkEWKB(b []byte, depth int) ([]byte, error) {
	if depth > 32 {
		return nil, errors.New("postgis: ewkb: nested too deep")
	}
	if len(b) < 5 {
		return nil, errShort
	}
	var bo binary.ByteOrder = binary.LittleEndian
	switch b[0] {
	case 0:
		bo = binary.BigEndian
	case 1:
	default:
		return nil, fmt.Errorf("postgis: ewkb: byte order %d", b[0])
	}
	t := bo.Uint32(b[1:])
	b = b[5:]
	dims := 2
	if t&ewkbZ != 0 {
		dims++
	}
	if t&ewkbM != 0 {
		dims++
	}
	if t&ewkbSRID != 0 {
		if len(b) < 4 {
			return nil, errShort
		}
		b = b[4:]
	}
	point := 8 * dims
	count := func() (int, error) {
		if len(b) < 4 {
			return 0, errShort
		}
		n := int(bo.Uint32(b))
		b = b[4:]
		return n, nil
	}
	switch t & 0xffff {
	case 1: // point
		if len(b) < point {
			return nil, errShort
		}
		return b[point:], nil
	case 2: // linestring
		n, err := count()
		if err != nil || n > len(b)/point {
			return nil, errShort
		}
		return b[n*point:], nil
	case 3: // polygon
		rings, err := count()
		if err != nil || rings > len(b)/4 {
			return nil, errShort
		}
		for range rings {
			n, err := count()
			if err != nil || n > len(b)/point {
				return nil, errShort
			}
			b = b[n*point:]
		}
		return b, nil
	case 4, 5, 6, 7: // multi*, collection: each part is a whole EWKB value
		n, err := count()
		if err != nil || n > len(b)/5 {
			return nil, errShort
		}
		for range n {
			if b, err = walkEWKB(b, depth+1); err != nil {
				return nil, err
			}
		}
		return b, nil
	}
	return nil, fmt.Errorf("postgis: ewkb: geometry type %d", t&0xffff)
}
