package mlt

import (
	"encoding/binary"
	"math"
)

// appendTo writes the column's data for a layer of n features: for a
// string column the stream count, then the present stream when some
// features have no value, then the value streams.
func (c *column) appendTo(b []byte, l *Layer, n int) []byte {
	nullable := len(c.rows) < n
	if c.kind == kindString {
		streams := 2
		if c.useDictionary(l.plain) {
			streams = 3
		}
		if nullable {
			streams++
		}
		b = binary.AppendUvarint(b, uint64(streams))
	}
	if nullable {
		var bits bitset = l.scratch[:0]
		for _, r := range c.rows {
			bits = bits.set(int(r))
		}
		// The bits are copied into b before scratch is reused.
		var payload []byte
		b, payload = boolStream(b, streamPresent, bits, n, l.bits[:0])
		l.bits = payload
	}
	switch c.scalar {
	case scalarString:
		return c.appendStrings(b, l)
	case scalarBool:
		var bits bitset = l.scratch[:0]
		for i, v := range c.nums {
			if v != 0 {
				bits = bits.set(i)
			}
		}
		var payload []byte
		b, payload = boolStream(b, streamData, bits, len(c.nums), l.bits[:0])
		l.bits = payload
		return b
	case scalarFloat, scalarDouble:
		p := l.scratch[:0]
		for _, v := range c.nums {
			if c.scalar == scalarFloat {
				p = binary.LittleEndian.AppendUint32(p, math.Float32bits(float32(math.Float64frombits(v))))
			} else {
				p = binary.LittleEndian.AppendUint64(p, v)
			}
		}
		l.scratch = p
		return appendStream(b, stream{kind: streamData, numValues: len(c.nums)}, p)
	}
	// Signed integers: zig-zag for plain and RLE, differences for delta.
	allow := techPlain | techRLE | techDelta | techDeltaRLE
	if l.plain {
		allow = techPlain
	}
	b, l.scratch = appendSigned(b, c.nums, allow, l.scratch, &l.u64)
	return b
}

// appendSigned writes signed integers (two's complement in vs) as a DATA
// stream. Plain and RLE streams of signed columns hold zig-zag values,
// delta streams the zig-zag differences of the values themselves.
func appendSigned(b []byte, vs []uint64, allow technique, scratch []byte, zz *[]uint64) ([]byte, []byte) {
	z := (*zz)[:0]
	for _, v := range vs {
		z = append(z, zigzag64(int64(v)))
	}
	*zz = z
	best, size := techPlain, 0
	if allow != techPlain {
		var rle, dlt, dltRLE int
		size, rle, _, _, _, _ = intSizes(z)
		_, _, dlt, dltRLE, _, _ = intSizes(vs)
		for _, c := range [...]struct {
			t technique
			n int
		}{{techDelta, dlt}, {techRLE, rle}, {techDeltaRLE, dltRLE}} {
			if allow&c.t != 0 && c.n < size {
				best, size = c.t, c.n
			}
		}
	}
	if best == techPlain || best == techRLE {
		return writeInts(b, streamData, dictNone, z, best, scratch)
	}
	return writeInts(b, streamData, dictNone, vs, best, scratch)
}

// useDictionary reports whether the dictionary form of a string column is
// smaller than the plain one (it pays when values repeat).
func (c *column) useDictionary(plain bool) bool {
	if plain {
		return false
	}
	dict := len(c.dictData) + 4 // one more stream header
	for _, n := range c.dictLens {
		dict += uvarintLen(uint64(n))
	}
	for _, i := range c.idx {
		dict += uvarintLen(uint64(i))
	}
	return dict < c.plainLen
}

// appendStrings writes the value streams of a string column: plain
// (lengths, bytes) or dictionary (indexes, entry lengths, entry bytes).
func (c *column) appendStrings(b []byte, l *Layer) []byte {
	lengths := techPlain | techRLE
	if l.plain {
		lengths = techPlain
	}
	if c.useDictionary(l.plain) {
		b, l.scratch = appendInts(b, streamOffset, offsetString, c.idx, techPlain|techRLE|techDelta, l.scratch)
		b, l.scratch = appendInts(b, streamLength, lengthDictionary, c.dictLens, lengths, l.scratch)
		return appendStream(b, stream{kind: streamData, sub: dictSingle, numValues: len(c.dictLens)}, c.dictData)
	}
	lens := l.u32[:0]
	data := l.bits[:0]
	starts := l.starts(c)
	for _, i := range c.idx {
		lens = append(lens, c.dictLens[i])
		data = append(data, c.dictData[starts[i]:starts[i]+c.dictLens[i]]...)
	}
	l.u32, l.bits = lens, data
	b, l.scratch = appendInts(b, streamLength, lengthVarBinary, lens, lengths, l.scratch)
	return appendStream(b, stream{kind: streamData, sub: dictNone, numValues: len(lens)}, data)
}

// starts returns where each dictionary entry of c starts in dictData.
func (l *Layer) starts(c *column) []uint32 {
	s := l.u32b[:0]
	var at uint32
	for _, n := range c.dictLens {
		s = append(s, at)
		at += n
	}
	l.u32b = s
	return s
}
