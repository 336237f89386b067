package mlt

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
)

// This is a small, strict MLT v1 decoder for tests, written from the spec
// (not from the encoder): frames, the id, geometry and scalar columns, and
// the encodings the spec's plain form and this encoder use (varint and
// fixed-width values; none, delta, delta-RLE, RLE and componentwise delta;
// plain and dictionary strings; byte-RLE booleans). It checks every
// length, so that fuzzed input fails with an error, never a panic.

type dLayer struct {
	Name     string
	Extent   int
	Features []dFeature
}

type dFeature struct {
	ID    uint64
	Type  int    // MLT geometry type
	Parts [][]XY // as MVT: points in one part, lines, or rings in order
	Props map[string]any
}

var errShort = errors.New("mlt: truncated")

type reader struct{ b []byte }

func (r *reader) uvarint() (uint64, error) {
	v, n := binary.Uvarint(r.b)
	if n <= 0 {
		return 0, errShort
	}
	r.b = r.b[n:]
	return v, nil
}

// count reads a varint that counts things that must fit in what is left.
func (r *reader) count() (int, error) {
	v, err := r.uvarint()
	if err != nil {
		return 0, err
	}
	if v > uint64(len(r.b))*8+64 {
		return 0, fmt.Errorf("mlt: count %d exceeds the data", v)
	}
	return int(v), nil
}

func (r *reader) bytes(n int) ([]byte, error) {
	if n < 0 || n > len(r.b) {
		return nil, errShort
	}
	out := r.b[:n]
	r.b = r.b[n:]
	return out, nil
}

func (r *reader) str() (string, error) {
	n, err := r.count()
	if err != nil {
		return "", err
	}
	b, err := r.bytes(n)
	return string(b), err
}

// decode decodes a tile into its layers.
func decode(b []byte) ([]dLayer, error) {
	r := &reader{b}
	var out []dLayer
	for len(r.b) > 0 {
		size, err := r.count()
		if err != nil {
			return nil, err
		}
		frame, err := r.bytes(size)
		if err != nil || size == 0 {
			return nil, fmt.Errorf("mlt: frame of %d bytes: %w", size, errShort)
		}
		if frame[0] != tagV1 {
			continue // unknown formats are skipped
		}
		l, err := decodeLayer(&reader{frame[1:]})
		if err != nil {
			return nil, err
		}
		out = append(out, l)
	}
	return out, nil
}

type dColumn struct {
	code int
	name string
}

func decodeLayer(r *reader) (dLayer, error) {
	var l dLayer
	var err error
	if l.Name, err = r.str(); err != nil {
		return l, err
	}
	ext, err := r.uvarint()
	if err != nil || ext > math.MaxInt32 {
		return l, fmt.Errorf("mlt: extent %d: %v", ext, err)
	}
	l.Extent = int(ext)
	ncols, err := r.count()
	if err != nil {
		return l, err
	}
	cols := make([]dColumn, ncols)
	for i := range cols {
		code, err := r.count()
		if err != nil {
			return l, err
		}
		cols[i].code = code
		switch {
		case code <= 3:
			cols[i].name = "id"
		case code == colGeometry:
		case code >= scalarBase && code < scalarBase+20:
			if cols[i].name, err = r.str(); err != nil {
				return l, err
			}
		default:
			return l, fmt.Errorf("mlt: column type %d not supported", code)
		}
	}
	var ids []uint64
	n := -1
	for _, c := range cols {
		switch {
		case c.code <= 3:
			if c.code&1 != 0 {
				return l, errors.New("mlt: nullable ids not supported")
			}
			if ids, err = readInts(r, false); err != nil {
				return l, fmt.Errorf("mlt: ids: %w", err)
			}
			n = len(ids)
		case c.code == colGeometry:
			if l.Features, err = decodeGeometry(r); err != nil {
				return l, fmt.Errorf("mlt: geometry: %w", err)
			}
			if n >= 0 && len(l.Features) != n {
				return l, fmt.Errorf("mlt: %d geometries for %d ids", len(l.Features), n)
			}
			n = len(l.Features)
			for i := range ids {
				l.Features[i].ID = ids[i]
			}
		default:
			if n < 0 {
				return l, errors.New("mlt: property column before the geometry")
			}
			if err := decodeProperty(r, c, l.Features); err != nil {
				return l, fmt.Errorf("mlt: column %q: %w", c.name, err)
			}
		}
	}
	if len(r.b) != 0 {
		return l, fmt.Errorf("mlt: %d bytes after the last column", len(r.b))
	}
	return l, nil
}

// dStream is a stream's metadata and payload.
type dStream struct {
	kind, sub, log1, log2, phys byte
	num                         int
	runs, rleValues             int
	data                        []byte
}

func readStream(r *reader) (dStream, error) {
	h, err := r.bytes(2)
	if err != nil {
		return dStream{}, err
	}
	s := dStream{kind: h[0] >> 4, sub: h[0] & 0xf, log1: h[1] >> 5, log2: h[1] >> 2 & 7, phys: h[1] & 3}
	num, err := r.uvarint()
	if err != nil || num > maxValues {
		return s, fmt.Errorf("mlt: %d values: %v", num, err)
	}
	s.num = int(num)
	size, err := r.count()
	if err != nil {
		return s, err
	}
	if (s.log1 == logRLE || s.log2 == logRLE) && s.phys != physNone {
		runs, err1 := r.uvarint()
		vals, err2 := r.uvarint()
		if err := errors.Join(err1, err2); err != nil || runs > maxValues || vals > maxValues {
			return s, fmt.Errorf("mlt: %d runs of %d values: %v", runs, vals, err)
		}
		s.runs, s.rleValues = int(runs), int(vals)
	}
	s.data, err = r.bytes(size)
	return s, err
}
