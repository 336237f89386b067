package mlt

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
)

// The column decoders of the test decoder (see decode_test.go).

// maxValues bounds decoded streams so that fuzzed counts cannot ask for
// huge allocations.
const maxValues = 1 << 20

// ints decodes an integer stream to values; signed streams are zig-zag
// decoded (into two's complement).
func (s dStream) ints(signed bool) ([]uint64, error) {
	if s.phys != physVarint {
		return nil, fmt.Errorf("physical technique %d not supported", s.phys)
	}
	if s.num > maxValues || s.rleValues > maxValues {
		return nil, errors.New("too many values")
	}
	raw := make([]uint64, 0, s.num)
	b := s.data
	for range s.num {
		v, n := binary.Uvarint(b)
		if n <= 0 {
			return nil, errShort
		}
		raw, b = append(raw, v), b[n:]
	}
	if len(b) != 0 {
		return nil, fmt.Errorf("%d bytes after the values", len(b))
	}
	unzz := func(v uint64) uint64 { return uint64(int64(v>>1) ^ -int64(v&1)) }
	expand := func(vs []uint64) ([]uint64, error) {
		if len(vs) != 2*s.runs {
			return nil, fmt.Errorf("%d values for %d runs", len(vs), s.runs)
		}
		out := make([]uint64, 0, s.rleValues)
		for i := range s.runs {
			if vs[i] > uint64(s.rleValues-len(out)) {
				return nil, errors.New("runs exceed the value count")
			}
			for range vs[i] {
				out = append(out, vs[s.runs+i])
			}
		}
		if len(out) != s.rleValues {
			return nil, errors.New("runs do not add up to the value count")
		}
		return out, nil
	}
	sum := func(vs []uint64) []uint64 {
		var acc uint64
		for i, v := range vs {
			acc += unzz(v)
			vs[i] = acc
		}
		return vs
	}
	switch {
	case s.log1 == logNone && s.log2 == logNone:
	case s.log1 == logRLE && s.log2 == logNone:
		var err error
		if raw, err = expand(raw); err != nil {
			return nil, err
		}
	case s.log1 == logDelta && s.log2 == logNone:
		return sum(raw), nil
	case s.log1 == logDelta && s.log2 == logRLE:
		d, err := expand(raw)
		if err != nil {
			return nil, err
		}
		return sum(d), nil
	default:
		return nil, fmt.Errorf("logical techniques %d/%d not supported", s.log1, s.log2)
	}
	if signed {
		for i, v := range raw {
			raw[i] = unzz(v)
		}
	}
	return raw, nil
}

func readInts(r *reader, signed bool) ([]uint64, error) {
	s, err := readStream(r)
	if err != nil {
		return nil, err
	}
	return s.ints(signed)
}

// bools decodes a byte-RLE boolean stream of s.num values.
func (s dStream) bools() ([]bool, error) {
	if s.num > maxValues {
		return nil, errors.New("too many values")
	}
	var bytes []byte
	b := s.data
	for len(bytes) < (s.num+7)/8 {
		if len(b) == 0 {
			return nil, errShort
		}
		h := b[0]
		b = b[1:]
		if h < 128 {
			if len(b) == 0 {
				return nil, errShort
			}
			for range int(h) + 3 {
				bytes = append(bytes, b[0])
			}
			b = b[1:]
			continue
		}
		n := 256 - int(h)
		if n > len(b) {
			return nil, errShort
		}
		bytes, b = append(bytes, b[:n]...), b[n:]
	}
	if len(b) != 0 {
		return nil, fmt.Errorf("%d bytes after the booleans", len(b))
	}
	out := make([]bool, s.num)
	for i := range out {
		out[i] = bytes[i/8]&(1<<(i%8)) != 0
	}
	return out, nil
}

// decodeProperty decodes one scalar column into the features' Props.
func decodeProperty(r *reader, c dColumn, fs []dFeature) error {
	scalar, nullable := (c.code-scalarBase)/2, c.code&1 == 1
	streams := 1
	if scalar == scalarString {
		var err error
		if streams, err = r.count(); err != nil {
			return err
		}
	} else if nullable {
		streams = 2
	}
	var present []bool
	if nullable {
		s, err := readStream(r)
		if err != nil {
			return err
		}
		if s.kind != streamPresent || s.num != len(fs) {
			return fmt.Errorf("present stream: kind %d, %d values for %d features", s.kind, s.num, len(fs))
		}
		if present, err = s.bools(); err != nil {
			return err
		}
		streams--
	}
	var vals []any
	var err error
	switch scalar {
	case scalarString:
		vals, err = decodeStrings(r, streams)
	case scalarBool:
		var s dStream
		var bs []bool
		if s, err = readStream(r); err == nil {
			bs, err = s.bools()
		}
		for _, b := range bs {
			vals = append(vals, b)
		}
	case scalarInt32, scalarInt64:
		var vs []uint64
		vs, err = readInts(r, true)
		for _, v := range vs {
			vals = append(vals, int64(v))
		}
	case scalarFloat, scalarDouble:
		vals, err = decodeFloats(r, scalar == scalarFloat)
	default:
		return fmt.Errorf("scalar type %d not supported", scalar)
	}
	if err != nil {
		return err
	}
	j := 0
	for i := range fs {
		if present != nil && !present[i] {
			continue
		}
		if j >= len(vals) {
			return fmt.Errorf("%d values for more present features", len(vals))
		}
		if fs[i].Props == nil {
			fs[i].Props = map[string]any{}
		}
		if _, dup := fs[i].Props[c.name]; dup {
			return fmt.Errorf("feature %d has two values", i)
		}
		fs[i].Props[c.name] = vals[j]
		j++
	}
	if j != len(vals) {
		return fmt.Errorf("%d values for %d present features", len(vals), j)
	}
	return nil
}

func decodeFloats(r *reader, single bool) ([]any, error) {
	s, err := readStream(r)
	if err != nil {
		return nil, err
	}
	w := 8
	if single {
		w = 4
	}
	if s.num > maxValues || len(s.data) != s.num*w {
		return nil, fmt.Errorf("%d bytes for %d floats", len(s.data), s.num)
	}
	out := make([]any, s.num)
	for i := range out {
		if single {
			out[i] = float64(math.Float32frombits(binary.LittleEndian.Uint32(s.data[4*i:])))
		} else {
			out[i] = math.Float64frombits(binary.LittleEndian.Uint64(s.data[8*i:]))
		}
	}
	return out, nil
}

// decodeStrings decodes the streams of a string column: plain (lengths,
// data) or dictionary (offsets, dictionary lengths, dictionary).
func decodeStrings(r *reader, streams int) ([]any, error) {
	var lens, offsets []uint64
	var data []byte
	dict := false
	for range streams {
		s, err := readStream(r)
		if err != nil {
			return nil, err
		}
		switch s.kind {
		case streamLength:
			if lens, err = s.ints(false); err != nil {
				return nil, err
			}
		case streamOffset:
			if offsets, err = s.ints(false); err != nil {
				return nil, err
			}
		case streamData:
			data, dict = s.data, s.sub == dictSingle
		default:
			return nil, fmt.Errorf("unexpected stream kind %d", s.kind)
		}
	}
	var entries []string
	for _, n := range lens {
		if n > uint64(len(data)) {
			return nil, errShort
		}
		entries, data = append(entries, string(data[:n])), data[n:]
	}
	if len(data) != 0 {
		return nil, fmt.Errorf("%d string bytes left over", len(data))
	}
	if !dict {
		out := make([]any, len(entries))
		for i, e := range entries {
			out[i] = e
		}
		return out, nil
	}
	out := make([]any, len(offsets))
	for i, o := range offsets {
		if o >= uint64(len(entries)) {
			return nil, fmt.Errorf("offset %d outside the dictionary of %d", o, len(entries))
		}
		out[i] = entries[o]
	}
	return out, nil
}
