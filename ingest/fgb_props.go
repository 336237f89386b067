package ingest

import (
	"encoding/binary"
	"math"
	"strconv"
)

// FlatGeobuf column types (header.fbs ColumnType).
const (
	fgbByte = iota
	fgbUByte
	fgbBool
	fgbShort
	fgbUShort
	fgbInt
	fgbUInt
	fgbLong
	fgbULong
	fgbFloat
	fgbDouble
	fgbString
	fgbJSON
	fgbDateTime
	fgbBinary
)

// fgbProps decodes a properties buffer: (uint16 column, value) pairs, the
// value's encoding set by the column's type. why says what is wrong;
// fatal marks a value over maxField.
func fgbProps(b []byte, cols []fgbColumn, vals []any, maxField int) (why string, fatal bool) {
	le := binary.LittleEndian
	for len(b) > 0 {
		if len(b) < 2 {
			return "properties end inside a column index", false
		}
		ci := int(le.Uint16(b))
		b = b[2:]
		if ci >= len(cols) {
			return "a property of column " + strconv.Itoa(ci) + ", the header has " + strconv.Itoa(len(cols)), false
		}
		col := cols[ci]
		size := fgbValueSize(col.typ)
		if size == 0 {
			return "column " + strconv.Quote(col.name) + " has unknown type " + strconv.Itoa(int(col.typ)), false
		}
		if size < 0 { // a length-prefixed value
			if len(b) < 4 {
				return "property " + strconv.Quote(col.name) + " ends inside its length", false
			}
			n := le.Uint32(b)
			b = b[4:]
			if uint64(n) > uint64(len(b)) {
				return "property " + strconv.Quote(col.name) + " says " + strconv.FormatUint(uint64(n), 10) + " bytes, " + strconv.Itoa(len(b)) + " are left", false
			}
			if int(n) > maxField {
				return "property " + strconv.Quote(col.name) + " of " + byteSize(int64(n)) + " is longer than the limit of " + byteSize(int64(maxField)), true
			}
			vals[ci] = fgbText(col.typ, b[:n])
			b = b[n:]
			continue
		}
		if len(b) < size {
			return "property " + strconv.Quote(col.name) + " ends after " + strconv.Itoa(len(b)) + " of " + strconv.Itoa(size) + " bytes", false
		}
		vals[ci] = fgbScalar(col.typ, b[:size])
		b = b[size:]
	}
	return "", false
}

// fgbValueSize is the encoded size of a value of column type typ: -1 for
// a length-prefixed one, 0 for a type not in the schema.
func fgbValueSize(typ uint8) int {
	switch typ {
	case fgbByte, fgbUByte, fgbBool:
		return 1
	case fgbShort, fgbUShort:
		return 2
	case fgbInt, fgbUInt, fgbFloat:
		return 4
	case fgbLong, fgbULong, fgbDouble:
		return 8
	case fgbString, fgbJSON, fgbDateTime, fgbBinary:
		return -1
	}
	return 0
}

// fgbScalar is a fixed-size value as addRow takes it: int64, float64 or
// bool.
func fgbScalar(typ uint8, b []byte) any {
	le := binary.LittleEndian
	switch typ {
	case fgbByte:
		return int64(int8(b[0]))
	case fgbUByte:
		return int64(b[0])
	case fgbBool:
		return b[0] != 0
	case fgbShort:
		return int64(int16(le.Uint16(b)))
	case fgbUShort:
		return int64(le.Uint16(b))
	case fgbInt:
		return int64(int32(le.Uint32(b)))
	case fgbUInt:
		return int64(le.Uint32(b))
	case fgbLong:
		return int64(le.Uint64(b))
	case fgbULong:
		if u := le.Uint64(b); u <= math.MaxInt64 {
			return int64(u)
		} else {
			return float64(u)
		}
	case fgbFloat:
		return fgbFloat32(le.Uint32(b))
	case fgbDouble:
		return math.Float64frombits(le.Uint64(b))
	}
	return nil
}

// fgbText is a length-prefixed value: text (string, JSON, an ISO 8601
// date-time) as a string, a binary value as nothing (no field type holds
// it, as for a GeoPackage blob). Text that is not UTF-8 is kept as it is:
// convertValue refuses it by the field.
func fgbText(typ uint8, b []byte) any {
	if typ == fgbBinary {
		return nil
	}
	return string(b)
}
