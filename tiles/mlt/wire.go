package mlt

import "encoding/binary"

// This file holds the wire vocabulary of MLT v1 (tag 0x01): frame and
// column type codes, stream metadata, varints and the byte-RLE of boolean
// streams.

// tagV1 names the v1 layer format in a frame.
const tagV1 = 1

// Column type codes of the layer's column metadata. Scalar properties are
// scalarBase + 2·scalar type, plus one when nullable.
const (
	colID       = 0 // 32-bit ids
	colLongID   = 2 // 64-bit ids
	colGeometry = 4
	scalarBase  = 10
)

// Scalar types (the values of the scalar type codes).
const (
	scalarBool   = 0
	scalarInt32  = 3
	scalarInt64  = 5
	scalarFloat  = 7
	scalarDouble = 8
	scalarString = 9
)

// Physical stream types: the high nibble of a stream's first byte.
const (
	streamPresent = 0
	streamData    = 1
	streamOffset  = 2
	streamLength  = 3
)

// The low nibble of a stream's first byte: its logical type, read by the
// physical type (dictionary type for DATA, offset type for OFFSET, length
// type for LENGTH).
const (
	dictNone   = 0
	dictSingle = 1
	dictVertex = 3

	offsetString = 2

	lengthVarBinary  = 0
	lengthGeometries = 1
	lengthParts      = 2
	lengthRings      = 3
	lengthDictionary = 6
)

// Logical techniques (3 bits each, two per stream) and physical techniques
// (2 bits) of a stream's second byte.
const (
	logNone               = 0
	logDelta              = 1
	logComponentwiseDelta = 2
	logRLE                = 3

	physNone   = 0
	physVarint = 2
)

// stream describes one stream's metadata.
type stream struct {
	kind, sub        byte // physical stream type, logical subtype
	log1, log2, phys byte
	numValues        int // values as stored (for RLE: 2 × runs)
	// runs and rleValues are written for RLE streams with a physical
	// technique: the number of runs and of values once expanded.
	runs, rleValues int
}

func (s stream) isRLE() bool {
	return (s.log1 == logRLE || s.log2 == logRLE) && s.phys != physNone
}

// appendStream writes the stream's metadata and then its payload.
func appendStream(b []byte, s stream, payload []byte) []byte {
	b = append(b, s.kind<<4|s.sub&0xf, s.log1<<5|(s.log2&7)<<2|s.phys&3)
	b = binary.AppendUvarint(b, uint64(s.numValues))
	b = binary.AppendUvarint(b, uint64(len(payload)))
	if s.isRLE() {
		b = binary.AppendUvarint(b, uint64(s.runs))
		b = binary.AppendUvarint(b, uint64(s.rleValues))
	}
	return append(b, payload...)
}

// appendString writes a length-prefixed UTF-8 string.
func appendString(b []byte, s string) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

func zigzag32(v int32) uint32 { return uint32(v<<1) ^ uint32(v>>31) }
func zigzag64(v int64) uint64 { return uint64(v<<1) ^ uint64(v>>63) }

// appendUvarints writes each value as a varint.
func appendUvarints(b []byte, vs []uint32) []byte {
	for _, v := range vs {
		b = binary.AppendUvarint(b, uint64(v))
	}
	return b
}

// varintStream writes an unsigned stream of plain varints.
func varintStream(b []byte, kind, sub byte, vs []uint32, scratch []byte) ([]byte, []byte) {
	scratch = appendUvarints(scratch[:0], vs)
	s := stream{kind: kind, sub: sub, phys: physVarint, numValues: len(vs)}
	return appendStream(b, s, scratch), scratch
}

// appendBoolRLE writes bits (LSB first within each byte) with ORC's byte
// RLE: a header h < 128 repeats the next byte h+3 times, a header h ≥ 128
// is followed by 256−h literal bytes.
func appendBoolRLE(b []byte, bits []byte) []byte {
	for i := 0; i < len(bits); {
		run := 1
		for i+run < len(bits) && bits[i+run] == bits[i] && run < 130 {
			run++
		}
		if run >= 3 {
			b = append(b, byte(run-3), bits[i])
			i += run
			continue
		}
		// Literals up to the next run of three or 128 bytes.
		start := i
		for i < len(bits) && i-start < 128 {
			if i+2 < len(bits) && bits[i] == bits[i+1] && bits[i] == bits[i+2] {
				break
			}
			i++
		}
		b = append(b, byte(256-(i-start)))
		b = append(b, bits[start:i]...)
	}
	return b
}

// bitset is a growable set of bits, LSB first within each byte.
type bitset []byte

func (s bitset) set(i int) bitset {
	for len(s) <= i/8 {
		s = append(s, 0)
	}
	s[i/8] |= 1 << (i % 8)
	return s
}

// sized returns s padded with zero bytes to hold n bits.
func (s bitset) sized(n int) bitset {
	for len(s) < (n+7)/8 {
		s = append(s, 0)
	}
	return s
}

// boolStream writes n bits as a byte-RLE stream of the given kind.
func boolStream(b []byte, kind byte, bits bitset, n int, scratch []byte) ([]byte, []byte) {
	scratch = appendBoolRLE(scratch[:0], bits.sized(n)[:(n+7)/8])
	return appendStream(b, stream{kind: kind, numValues: n}, scratch), scratch
}
