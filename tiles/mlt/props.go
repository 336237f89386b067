package mlt

import (
	"math"
	"strings"
	"unsafe"
)

// Value is a property value: a string, a signed integer, a float or a
// boolean. The zero Value is not valid.
type Value struct {
	kind byte
	s    string
	n    uint64
}

// Value kinds.
const (
	kindString = 's'
	kindInt    = 'i'
	kindFloat  = 'f'
	kindBool   = 'b'
)

// String returns a string value. The string may be reused after Add: the
// layer keeps its own copy.
func String(s string) Value { return Value{kind: kindString, s: s} }

// Int returns an integer value.
func Int(v int64) Value { return Value{kind: kindInt, n: uint64(v)} }

// Float returns a floating-point value.
func Float(v float64) Value { return Value{kind: kindFloat, n: math.Float64bits(v)} }

// FloatBits returns the floating-point value with the IEEE 754 bits b.
func FloatBits(b uint64) Value { return Value{kind: kindFloat, n: b} }

// Bool returns a boolean value.
func Bool(v bool) Value {
	if v {
		return Value{kind: kindBool, n: 1}
	}
	return Value{kind: kindBool}
}

// Prop is one property of a feature.
type Prop struct {
	Key   string
	Value Value
}

// colKey names a column: a key holds one column per kind of value, so a
// key whose values mix kinds (rare: the catalog types fields) still loses
// nothing. Each is nullable and a feature has a value in one of them.
type colKey struct {
	name string
	kind byte
}

// column is one property column being built: the features that have a
// value (rows, ascending) and the values.
type column struct {
	name string
	kind byte
	rows []uint32
	nums []uint64 // ints (two's complement), float bits, bools 0/1

	// Strings are kept as a dictionary, from which the plain form is
	// derived when it is smaller.
	dict     map[string]uint32
	dictData []byte
	dictLens []uint32
	idx      []uint32
	plainLen int // bytes of the plain length stream's varints and data

	scalar byte // chosen at typeCode time
}

// column returns the column for key and kind, created on first use.
func (l *Layer) column(key string, kind byte) *column {
	k := colKey{key, kind}
	if i, ok := l.colIdx[k]; ok {
		return l.cols[i]
	}
	var c *column
	if n := len(l.spare); n > 0 {
		c, l.spare = l.spare[n-1], l.spare[:n-1]
		c.rows, c.nums, c.dictData, c.dictLens, c.idx = c.rows[:0], c.nums[:0], c.dictData[:0], c.dictLens[:0], c.idx[:0]
		clear(c.dict)
		c.plainLen = 0
	} else {
		c = &column{dict: make(map[string]uint32)}
	}
	// The key may point into storage the caller reuses.
	c.name, c.kind = strings.Clone(key), kind
	k.name = c.name
	l.colIdx[k] = len(l.cols)
	l.cols = append(l.cols, c)
	return c
}

// add records the value of feature row; a second value for the same row
// is ignored.
func (c *column) add(row int, v Value) {
	if n := len(c.rows); n > 0 && c.rows[n-1] == uint32(row) {
		return
	}
	c.rows = append(c.rows, uint32(row))
	if c.kind != kindString {
		c.nums = append(c.nums, v.n)
		return
	}
	c.plainLen += len(v.s) + uvarintLen(uint64(len(v.s)))
	i, ok := c.dict[v.s]
	if !ok {
		i = uint32(len(c.dictLens))
		start := len(c.dictData)
		c.dictData = append(c.dictData, v.s...)
		c.dictLens = append(c.dictLens, uint32(len(v.s)))
		// The map key is the dictionary's copy (v.s may point into the
		// caller's storage). When dictData grows, keys already made keep
		// the old array alive; it is reused only after Release.
		key := ""
		if len(v.s) > 0 {
			key = unsafe.String(&c.dictData[start], len(v.s))
		}
		c.dict[key] = i
	}
	c.idx = append(c.idx, i)
}

// typeCode returns the column's type code for a layer of n features,
// choosing its scalar type: integers as INT_32 when every value fits,
// floats as FLOAT when every value is exactly a float32 (a lossless
// halving), unless the layer is plain.
func (c *column) typeCode(n int, plain bool) int {
	switch c.kind {
	case kindString:
		c.scalar = scalarString
	case kindBool:
		c.scalar = scalarBool
	case kindInt:
		c.scalar = scalarInt32
		for _, v := range c.nums {
			if int64(v) != int64(int32(int64(v))) {
				c.scalar = scalarInt64
				break
			}
		}
	case kindFloat:
		c.scalar = scalarDouble
		if !plain {
			c.scalar = scalarFloat
			for _, v := range c.nums {
				f := math.Float64frombits(v)
				if float64(float32(f)) != f {
					c.scalar = scalarDouble
					break
				}
			}
		}
	}
	code := scalarBase + 2*int(c.scalar)
	if len(c.rows) < n {
		code++
	}
	return code
}
